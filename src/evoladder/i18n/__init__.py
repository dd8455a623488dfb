"""Message catalogs and locale formatting for every player-facing front-end.

Layer: beside ``datapack``; imports only ``evoladder.domain``, the standard library and Babel, so the
Discord bot, the web and any later front-end share one set of translations.

- ``Catalogs.load()`` reads every gettext ``.po`` file under ``locales/<lang>/LC_MESSAGES/<domain>.po``
  once (no compile step). Message ids are stable keys (``tos.accepted``); placeholders are
  ``{name}`` (``str.format``). A message missing in a language falls back to English.
- ``resolve_locale`` picks the language: the player's stored preference when we ship it, else the
  client's locale, else English.
- ``formatting`` formats numbers, percentages and country names with Babel's CLDR data.
"""

from evoladder.i18n.catalog import Catalogs, placeholders
from evoladder.i18n.formatting import country_name, format_number, format_percent, warm
from evoladder.i18n.locales import DEFAULT_LOCALE, Locale, resolve_locale

__all__ = [
    "DEFAULT_LOCALE",
    "Catalogs",
    "Locale",
    "country_name",
    "format_number",
    "format_percent",
    "placeholders",
    "resolve_locale",
    "warm",
]
