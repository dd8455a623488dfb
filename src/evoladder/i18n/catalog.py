"""Gettext catalogs read once with Babel's ``read_po``: one ``.po`` file per language and feature domain.

Adding a feature's messages: create ``locales/<lang>/LC_MESSAGES/<feature>.po`` (every ``Locale``) with the same
message ids. Ids are unique across domains (prefix them with the feature: ``leaderboard.title``); a
duplicate id is refused at load so two features never overwrite each other silently.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import read_po

from evoladder.i18n.locales import DEFAULT_LOCALE, Locale

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).with_name("locales")


class CatalogError(Exception):
    """A catalog file is malformed or two domains define the same message id."""


def placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` fields a message uses (format specs and conversions ignored)."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(text) if field)


@dataclass(frozen=True, slots=True)
class Catalogs:
    """Every message of every shipped language, immutable after ``load``.

    ``messages[locale][key]`` is the translated text; ``domains[key]`` names the file it came from.
    """

    messages: Mapping[Locale, Mapping[str, str]]
    domains: Mapping[str, str]

    @classmethod
    def load(cls, root: Path = LOCALES_DIR) -> Catalogs:
        """Read every ``<root>/<lang>/LC_MESSAGES/<domain>.po``. Raises ``CatalogError`` on duplicates."""
        messages: dict[Locale, Mapping[str, str]] = {}
        domains: dict[str, str] = {}
        for locale in Locale:
            table: dict[str, str] = {}
            for po in sorted((root / locale.value / "LC_MESSAGES").glob("*.po")):
                domain = po.stem
                with po.open("rb") as fh:
                    catalog = read_po(fh, locale=locale.babel_id, domain=domain)
                for message in catalog:
                    if not message.id or not isinstance(message.id, str):
                        continue  # the header, or a plural entry (we use none)
                    if message.id in table:
                        raise CatalogError(f"{po}: message id {message.id!r} is defined twice")
                    table[message.id] = str(message.string or "")
                    known = domains.setdefault(message.id, domain)
                    if known != domain:
                        raise CatalogError(f"{po}: {message.id!r} already belongs to domain {known!r}")
            messages[locale] = MappingProxyType(table)
        return cls(MappingProxyType(messages), MappingProxyType(domains))

    def get(self, locale: Locale, key: str) -> str | None:
        """The raw message in exactly ``locale`` (no fallback), or ``None``; used for command names."""
        text = self.messages.get(locale, {}).get(key)
        return text or None

    def t(self, locale: Locale, key: str, **values: object) -> str:
        """The message ``key`` in ``locale`` (English when missing there) with ``values`` filled in.

        A key missing everywhere returns the key itself and logs, so a typo shows up on screen and in
        logs instead of failing the interaction.
        """
        text = self.get(locale, key) or self.get(DEFAULT_LOCALE, key)
        if text is None:
            log.error("missing message %r", key)
            return key
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            log.exception("message %r (%s) could not be filled with %s", key, locale, sorted(values))
            return text

    def has(self, key: str) -> bool:
        return key in self.messages.get(DEFAULT_LOCALE, {})
