"""Countries: the ISO list from pycountry plus XX/ZZ, the common set, sorting and search."""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evoladder.datapack import DataPack, UnknownCode, load_pack
from evoladder.datapack.countries import fold
from evoladder.domain.ids import CountryCode


def test_every_pycountry_country_plus_two_specials(pack: DataPack) -> None:
    expected = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    expected |= {"XX": "Non-representing", "ZZ": "Other"}
    assert len(pack.countries) == 251
    assert {c.code: c.name for c in pack.countries} == expected
    assert {c.code for c in pack.countries if c.special} == {"XX", "ZZ"}


def test_common_names_are_preferred(pack: DataPack) -> None:
    assert pack.country(CountryCode("TW")).name == "Taiwan"
    assert pack.country(CountryCode("KR")).name == "South Korea"
    assert pack.country(CountryCode("DE")).name == "Germany"
    assert pack.country(CountryCode("XX")).name == "Non-representing"


def test_countries_sorted_by_name_ignoring_accents(pack: DataPack) -> None:
    keys = [fold(c.name) for c in pack.countries]
    assert keys == sorted(keys)
    names = [c.name for c in pack.countries]
    assert names.index("Åland Islands") < names.index("Albania")


def test_common_countries(pack: DataPack) -> None:
    assert len(pack.common_countries) == 49
    assert list(pack.common_countries) == sorted(pack.common_countries, key=lambda c: fold(c.name))
    assert all(c.common for c in pack.common_countries)
    assert sum(c.common for c in pack.countries) == 49
    codes = {c.code for c in pack.common_countries}
    assert {"US", "KR", "DE", "BR", "CN", "TW"} <= codes
    assert "ZZ" not in codes


@pytest.mark.shared
def test_common_set_is_the_reference_minus_zz(pack: DataPack, shared_dir: Path) -> None:
    rows = json.loads((shared_dir / "reference" / "evoladderbot-data" / "countries.json").read_text())
    reference = {row["code"] for row in rows if row["common"]} - {"ZZ"}
    assert {c.code for c in pack.common_countries} == reference


def test_unknown_country_raises(pack: DataPack) -> None:
    with pytest.raises(UnknownCode, match="unknown country 'QQ'"):
        pack.country(CountryCode("QQ"))


def test_search_exact_code_first(pack: DataPack) -> None:
    assert pack.search_countries("de")[0].code == "DE"
    assert pack.search_countries("US")[0].code == "US"


def test_search_prefix_before_substring(pack: DataPack) -> None:
    codes = [c.code for c in pack.search_countries("ger", 10)]
    assert codes[0] == "DE"  # name prefix "Germany"
    assert "NG" in codes  # "Nigeria" contains "ger"
    assert codes.index("DE") < codes.index("NG")


def test_search_word_prefix_and_common_first(pack: DataPack) -> None:
    codes = [c.code for c in pack.search_countries("korea")]
    assert codes[:2] == ["KR", "KP"]  # both match a word; South Korea is common
    united = [c.code for c in pack.search_countries("united", 25)]
    assert {"US", "GB", "AE"} <= set(united)
    assert united.index("GB") < united.index("AE")  # common first within the same rank


def test_search_ignores_accents_and_case(pack: DataPack) -> None:
    assert pack.search_countries("COTE")[0].code == "CI"
    assert pack.search_countries("aland")[0].code == "AX"


def test_search_limits_and_empty_text(pack: DataPack) -> None:
    assert len(pack.search_countries("a", 5)) == 5
    assert pack.search_countries("a", 0) == ()
    assert pack.search_countries("zzzzzz") == ()
    assert pack.search_countries("", 49) == pack.common_countries
    assert len(pack.search_countries("")) == 25


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=6), limit=st.integers(min_value=-3, max_value=300))
def test_search_results_are_bounded_distinct_and_relevant(text: str, limit: int) -> None:
    pack = load_pack()
    results = pack.search_countries(text, limit)
    assert len(results) <= max(limit, 0)
    assert len(set(results)) == len(results)
    query = fold(text)
    for country in results:
        assert query in fold(country.name) or country.code.casefold().startswith(query)
