"""Which language a page is in: ``?lang=`` (remembered in a cookie), else the cookie, else ``Accept-Language``.

Why this order: the switcher is an explicit choice and must stick across pages without JavaScript,
so it is stored in a cookie; a browser's ``Accept-Language`` is only the default. Anything we do not
ship falls back to English; every Spanish tag (``es``, ``es-419``, ``es-MX``, ``es-ES``…) gets
Latin-American Spanish, and every Russian tag (``ru``, ``ru-RU``…) Russian. Traditional Chinese
(``zh-TW``, ``zh-Hant``) is not Simplified, so it is skipped rather than mapped.
"""

from __future__ import annotations

from evoladder.i18n import DEFAULT_LOCALE, Locale

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
_TRADITIONAL = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


def from_tag(tag: str) -> Locale | None:
    """The shipped language a BCP 47 tag (or our folder name) names, or ``None``."""
    t = tag.strip().lower().replace("_", "-")
    if not t or t == "*":
        return None
    if t == "en" or t.startswith("en-"):
        return Locale.EN
    if t == "ko" or t.startswith("ko-"):
        return Locale.KO
    if t == "zh" or t.startswith("zh-"):
        return None if t.startswith(_TRADITIONAL) else Locale.ZH_HANS
    if t == "es" or t.startswith("es-"):
        return Locale.ES_419  # Latin-American Spanish is the one we ship; Spain's reads it well too
    if t == "ru" or t.startswith("ru-"):
        return Locale.RU
    return None


def from_accept_language(header: str | None) -> Locale | None:
    """The best shipped language of an ``Accept-Language`` header (quality order, then position)."""
    if not header:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    for _, _, tag in sorted(weighted):
        found = from_tag(tag)
        if found is not None:
            return found
    return None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> Locale:
    """The page language: the switcher's choice, then the remembered one, then the browser's, then English."""
    for choice in (query, cookie):
        if choice:
            found = from_tag(choice)
            if found is not None:
                return found
    return from_accept_language(accept_language) or DEFAULT_LOCALE


def html_lang(locale: Locale) -> str:
    """The ``lang`` attribute value for a page in ``locale``."""
    tags = {Locale.EN: "en", Locale.KO: "ko", Locale.ZH_HANS: "zh-Hans", Locale.ES_419: "es-419", Locale.RU: "ru"}
    return tags[locale]
