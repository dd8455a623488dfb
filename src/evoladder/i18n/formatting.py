"""Locale-aware formatting with Babel's CLDR data: numbers, percentages and country names."""

from __future__ import annotations

from functools import cache

from babel import Locale as BabelLocale
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

from evoladder.i18n.locales import Locale


@cache
def babel_locale(locale: Locale) -> BabelLocale:
    return BabelLocale.parse(locale.babel_id)


def format_number(value: int | float, locale: Locale) -> str:
    """``12345`` -> ``12,345`` (grouping as the locale writes it)."""
    return str(format_decimal(value, locale=babel_locale(locale)))


def format_percent(ratio: float, locale: Locale, *, digits: int = 0) -> str:
    """``0.625`` -> ``62%`` / ``62.5%``; ``digits`` fixes the fraction digits."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return str(babel_percent(ratio, format=pattern, locale=babel_locale(locale)))


def country_name(code: str, locale: Locale, fallback: str) -> str:
    """The country's name in ``locale`` from CLDR, or ``fallback`` (e.g. the data pack's English name).

    XX and ZZ are not CLDR territories we want to name this way; callers pass their own text.
    """
    if code in {"XX", "ZZ"}:
        return fallback
    return str(babel_locale(locale).territories.get(code.upper(), fallback))


def warm() -> None:
    """Load every shipped locale's CLDR data now: Babel reads it lazily, and the first number formatted
    in a language costs 4-13 ms (unpickling and merging), which a long-running front-end should pay at
    start rather than inside the first request that shows a number."""
    for locale in Locale:
        format_number(1234, locale)
        format_percent(0.5, locale)
        country_name("DE", locale, "")
