"""Player profile rules: which names, BattleTags and languages are acceptable.

Checked at the service boundary so every front-end refuses the same input the same way. Each
failure is an ``InvalidInput`` naming the field, with a stable reason code for translation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from evoladder.domain.errors import InvalidInput

NAME_RE = re.compile(r"^[A-Za-z]{3,12}$")
BATTLETAG_RE = re.compile(r"^(?P<name>[^#\s]{1,12})#(?P<digits>[0-9]{3,12})$")
SUPPORTED_LANGUAGES = ("en", "ko", "zh-CN", "es-419", "ru")
MAX_ALT_NAMES = 2


def clean(text: str) -> str:
    """Normalise user text the same way everywhere: NFC and trimmed."""
    return unicodedata.normalize("NFC", text).strip()


def validate_in_game_name(value: str, field: str = "in_game_name") -> str:
    name = clean(value)
    if not NAME_RE.fullmatch(name):
        raise InvalidInput(
            f"The in-game name must be 3 to 12 English letters (A-Z), got {name!r}.",
            field=field,
            reason="name_format",
            value=name,
        )
    return name


def validate_battletag(value: str) -> str:
    tag = clean(value)
    if not BATTLETAG_RE.fullmatch(tag):
        raise InvalidInput(
            f"The BattleTag must look like Name#1234 (name of 1 to 12 characters, 3 to 12 digits), got {tag!r}.",
            field="battletag",
            reason="battletag_format",
            value=tag,
        )
    return tag


def validate_alt_name(value: str, field: str) -> str:
    name = clean(value)
    length = len(name)
    if not 3 <= length <= 12 or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidInput(
            f"An alternative name must be 3 to 12 printable characters, got {name!r}.",
            field=field,
            reason="alt_name_format",
            value=name,
        )
    return name


def validate_language(value: str) -> str:
    if value not in SUPPORTED_LANGUAGES:
        raise InvalidInput(
            f"Unsupported language {value!r}; choose one of {', '.join(SUPPORTED_LANGUAGES)}.",
            field="language",
            reason="unknown_language",
            value=value,
        )
    return value


@dataclass(frozen=True, slots=True)
class Names:
    """A validated set of a player's names."""

    in_game_name: str
    battletag: str
    alt_names: tuple[str, ...] = ()


def validate_names(in_game_name: str, battletag: str, alt_names: tuple[str, ...] | list[str] = ()) -> Names:
    """Validate every name and that all of them are distinct (case-insensitively).

    Raises the first problem found, field by field, in form order; front-ends that want every
    problem at once call :func:`name_problems`.
    """
    problems = name_problems(in_game_name, battletag, alt_names)
    if problems:
        raise problems[0]
    alts = tuple(clean(a) for a in alt_names if clean(a))
    return Names(clean(in_game_name), clean(battletag), alts)


def name_problems(in_game_name: str, battletag: str, alt_names: tuple[str, ...] | list[str] = ()) -> list[InvalidInput]:
    """Every problem with a set of names, one per field, so a form can show them all.

    The in-game name and the alternative names must be pairwise distinct (case-insensitive). The
    BattleTag is not compared: its name part is usually the in-game name.
    """
    problems: list[InvalidInput] = []
    alts = [a for a in alt_names if clean(a)]
    if len(alts) > MAX_ALT_NAMES:
        problems.append(
            InvalidInput(f"At most {MAX_ALT_NAMES} alternative names.", field="alt_names", reason="too_many_alt_names")
        )
    names: list[tuple[str, str]] = []
    try:
        names.append(("in_game_name", validate_in_game_name(in_game_name)))
    except InvalidInput as exc:
        problems.append(exc)
    try:
        validate_battletag(battletag)
    except InvalidInput as exc:
        problems.append(exc)
    for i, raw in enumerate(alts[:MAX_ALT_NAMES], start=1):
        try:
            names.append((f"alt_name_{i}", validate_alt_name(raw, f"alt_name_{i}")))
        except InvalidInput as exc:
            problems.append(exc)
    seen: set[str] = set()
    for field, value in names:
        key = value.casefold()
        if key in seen:
            problems.append(
                InvalidInput(
                    f"The name {value!r} is used twice; all names must be distinct.",
                    field=field,
                    reason="duplicate_name",
                    value=value,
                )
            )
        seen.add(key)
    return problems
