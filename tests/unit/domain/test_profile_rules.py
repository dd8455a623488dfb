"""Setup validation: names, BattleTags, alternative names, distinctness."""

from __future__ import annotations

import pytest

from evoladder.domain.errors import InvalidInput
from evoladder.domain.profile import (
    name_problems,
    validate_alt_name,
    validate_battletag,
    validate_in_game_name,
    validate_language,
    validate_names,
)


@pytest.mark.parametrize("name", ["Abc", "Serral", "ABCDEFGHIJKL", "  Maru  "])
def test_good_in_game_names(name: str) -> None:
    assert validate_in_game_name(name) == name.strip()


@pytest.mark.parametrize("name", ["Ab", "ABCDEFGHIJKLM", "Ser ral", "Maru1", "세랄", "", "Jöhn"])
def test_bad_in_game_names(name: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_in_game_name(name)
    assert exc.value.field == "in_game_name"


@pytest.mark.parametrize("tag", ["Serral#123", "A#123456789012", "세랄#2345", "ABCDEFGHIJKL#1234"])
def test_good_battletags(tag: str) -> None:
    assert validate_battletag(tag) == tag


@pytest.mark.parametrize(
    "tag", ["Serral", "Serral#12", "#1234", "ABCDEFGHIJKLM#1234", "Serral#1234567890123", "Ser ral#1234", "S#12a4"]
)
def test_bad_battletags(tag: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_battletag(tag)
    assert exc.value.field == "battletag"


@pytest.mark.parametrize("alt", ["세랄이", "SC1异虫", "abc", "twelve chars"])
def test_alt_names_any_script(alt: str) -> None:
    assert validate_alt_name(alt, "alt_name_1") == alt


@pytest.mark.parametrize("alt", ["ab", "thirteen char", "a\u0000bc"])
def test_bad_alt_names(alt: str) -> None:
    with pytest.raises(InvalidInput):
        validate_alt_name(alt, "alt_name_1")


def test_names_must_be_distinct_case_insensitively() -> None:
    problems = name_problems("Serral", "Serral#1234", ["serral", "Other"])
    assert [p.field for p in problems] == ["alt_name_1"]
    assert problems[0].params["reason"] == "duplicate_name"


def test_battletag_name_part_may_equal_in_game_name() -> None:
    assert validate_names("Serral", "Serral#1234").in_game_name == "Serral"


def test_every_problem_is_reported_field_by_field() -> None:
    problems = name_problems("x", "bad", ["a", "b", "c"])
    fields = [p.field for p in problems]
    assert fields == ["alt_names", "in_game_name", "battletag", "alt_name_1", "alt_name_2"]


def test_at_most_two_alt_names() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_names("Serral", "Serral#1234", ["Abc", "Def", "Ghi"])
    assert exc.value.field == "alt_names"


def test_languages() -> None:
    assert validate_language("ko") == "ko"
    with pytest.raises(InvalidInput):
        validate_language("xx")
