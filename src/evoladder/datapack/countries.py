"""Countries: the ISO list from pycountry, name folding for sorting, and autocomplete search.

The ISO list is read from pycountry rather than copied into the pack so that it follows pycountry's
updates; only what ISO lacks (XX, ZZ) and what the ladder decides (the common set) is pack data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import pycountry

from evoladder.datapack.schema import Country
from evoladder.domain.ids import CountryCode

_WORD_SPLIT = re.compile(r"[^0-9a-z]+")


def iso_countries() -> list[tuple[CountryCode, str]]:
    """Every ISO 3166-1 country as (alpha-2 code, common name if pycountry has one, else name)."""
    result: list[tuple[CountryCode, str]] = []
    for entry in pycountry.countries:
        name = getattr(entry, "common_name", None) or entry.name
        result.append((CountryCode(str(entry.alpha_2)), str(name)))
    return result


def fold(text: str) -> str:
    """Accent-free, casefolded form, so "Åland" sorts with A and "cote" finds "Côte d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def _rank(country: Country, folded_name: str, query: str) -> int | None:
    """How well ``country`` matches ``query`` (lower is better), or None for no match."""
    code = country.code.casefold()
    if code == query:
        return 0
    if folded_name.startswith(query):
        return 1
    if code.startswith(query):
        return 2
    if any(word.startswith(query) for word in _WORD_SPLIT.split(folded_name) if word):
        return 3
    if query in folded_name:
        return 4
    return None


def search(entries: Sequence[tuple[Country, str]], text: str, limit: int) -> tuple[Country, ...]:
    """Best matches for autocomplete: code or name prefix first, then word prefix, then substring.

    ``entries`` are (country, folded name) in display order; within a rank common countries come
    first, then that order. An empty ``text`` lists the common countries first, then the rest.
    """
    if limit <= 0:
        return ()
    query = fold(text)
    scored: list[tuple[int, bool, int, Country]] = []
    for position, (country, folded_name) in enumerate(entries):
        rank = 0 if not query else _rank(country, folded_name, query)
        if rank is not None:
            scored.append((rank, not country.common, position, country))
    scored.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in scored[:limit])
