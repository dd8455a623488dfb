"""The languages we ship and how a user's language is chosen.

Decision: a stored preference wins when it names a language we ship, because it is the player's
explicit choice while the client locale is only their Discord default. Otherwise the client's locale
decides (Discord ``ko`` -> Korean, ``zh-CN`` -> Simplified Chinese, ``es-419`` and ``es-ES`` -> Latin
American Spanish, the one Spanish we ship, ``ru`` -> Russian), and anything else is English.
Stored preferences use the profile's codes (``en``, ``ko``, ``zh-CN``, ``es-419``, ``ru``); every one of
them is shipped now, and an unknown code falls through to the client locale.
"""

from __future__ import annotations

from enum import StrEnum


class Locale(StrEnum):
    """A shipped language; the value is the catalog folder name (and a Babel locale identifier)."""

    EN = "en"
    KO = "ko"
    ZH_HANS = "zh_Hans"
    ES_419 = "es_419"
    RU = "ru"

    @property
    def babel_id(self) -> str:
        return self.value


DEFAULT_LOCALE = Locale.EN

_BY_CODE: dict[str, Locale] = {
    "en": Locale.EN,
    "en-us": Locale.EN,
    "en-gb": Locale.EN,
    "ko": Locale.KO,
    "ko-kr": Locale.KO,
    "zh-cn": Locale.ZH_HANS,
    "zh_hans": Locale.ZH_HANS,
    "zh-hans": Locale.ZH_HANS,
    "ru": Locale.RU,
    "ru-ru": Locale.RU,
    "es": Locale.ES_419,
    "es-419": Locale.ES_419,
    "es_419": Locale.ES_419,
    "es-es": Locale.ES_419,  # Discord's Spain Spanish: our Spanish reads better to them than English
    # Spanish as written in the Americas (the web maps every other ``es-*`` tag too).
    **{f"es-{region}": Locale.ES_419 for region in ("mx", "ar", "cl", "co", "pe", "ve", "uy", "ec", "us")},
}


def shipped(code: str | None) -> Locale | None:
    """The shipped language a client or profile code names, or ``None`` (``zh-TW`` is not Simplified)."""
    if not code:
        return None
    return _BY_CODE.get(code.strip().lower())


def resolve_locale(discord_locale: str | None, stored: str | None) -> Locale:
    """The language to answer in: stored preference (if shipped), else the client locale, else English."""
    return shipped(stored) or shipped(discord_locale) or DEFAULT_LOCALE
