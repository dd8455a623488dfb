"""HTML rendering helpers: the per-request template context (translations, formatting, links).

Formatting only: numbers and percentages through Babel in the page's language, flags as Unicode
regional indicators, race badges from the data pack's short names. No rule is decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from evoladder.i18n import Locale, country_name, format_number, format_percent
from evoladder.web.locale import COOKIE, COOKIE_MAX_AGE, from_tag, html_lang
from evoladder.web.state import WebState

LANGUAGES: tuple[tuple[Locale, str, str], ...] = (
    (Locale.EN, "en", "English"),
    (Locale.KO, "ko", "한국어"),
    (Locale.ZH_HANS, "zh-Hans", "简体中文"),
    (Locale.ES_419, "es-419", "Español (Latinoamérica)"),
    (Locale.RU, "ru", "Русский"),
)
"""Each shipped language with its URL code and its own name (endonyms are the same in every language)."""

VARY = "Accept-Language, Cookie"


def flag(code: str | None) -> str:
    """The flag emoji of an ISO country code (regional indicator pair); a white flag for XX/ZZ/unknown."""
    if not code or len(code) != 2 or code.upper() in {"XX", "ZZ"} or not code.isalpha():
        return "\U0001f3f3"
    return "".join(chr(0x1F1E6 + ord(ch) - ord("A")) for ch in code.upper())


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def query_with(request: Request, **changes: object) -> str:
    """The current URL's query with ``changes`` applied (``None`` removes a key); repeated keys kept."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    items += [(k, str(v)) for k, v in changes.items() if v is not None]
    return "?" + urlencode(items) if items else request.url.path


class Page:
    """Renders a template with the per-request helpers and stamps the language cookie if switched."""

    def __init__(self, request: Request, state: WebState, locale: Locale) -> None:
        self.request = request
        self.state = state
        self.locale = locale
        pack = state.ladder.pack
        self._races = {r.code: r for r in pack.races}
        self._countries = {c.code: c.name for c in pack.countries}

    def t(self, key: str, **values: object) -> str:
        return self.state.catalogs.t(self.locale, key, **values)

    def race_name(self, code: str) -> str:
        return self.t(f"web.race.{code}") if code in self._races else code

    def race_short(self, code: str) -> str:
        race = self._races.get(code)  # type: ignore[call-overload]
        return race.short_name if race else code

    def race_game(self, code: str) -> str:
        race = self._races.get(code)  # type: ignore[call-overload]
        return race.game.value if race else ""

    def country(self, code: str | None) -> str:
        if not code:
            return self.t("web.unknown")
        if code in {"XX", "ZZ"}:
            return self.t(f"country.{code}")
        return country_name(code, self.locale, self._countries.get(code, code))  # type: ignore[call-overload]

    def region(self, code: str | None) -> str:
        if not code:
            return self.t("web.unknown")
        key = f"region.{code}"
        return self.t(key) if self.state.catalogs.has(key) else code

    def num(self, value: float | None) -> str:
        return "–" if value is None else format_number(value, self.locale)

    def pct(self, ratio: float | None, digits: int = 0) -> str:
        return "–" if ratio is None else format_percent(ratio, self.locale, digits=digits)

    def signed(self, value: int | None) -> str:
        if value is None:
            return "–"
        return f"+{value}" if value > 0 else ("±0" if value == 0 else f"−{abs(value)}")

    def helpers(self) -> Mapping[str, Callable[..., Any] | Any]:
        request = self.request
        return {
            "request": request,
            "t": self.t,
            "lang": html_lang(self.locale),
            "locale": self.locale,
            "languages": LANGUAGES,
            "flag": flag,
            "when": when,
            "race_name": self.race_name,
            "race_short": self.race_short,
            "race_game": self.race_game,
            "country": self.country,
            "region": self.region,
            "num": self.num,
            "pct": self.pct,
            "signed": self.signed,
            "query_with": lambda **kw: query_with(request, **kw),
            "demo_ladder": bool(self.state.demo),
        }

    def render(self, template: str, context: Mapping[str, Any], *, status: int = 200) -> Response:
        response: Response = self.state.templates.TemplateResponse(
            request=self.request, name=template, context={**self.helpers(), **context}, status_code=status
        )
        self.remember_language(response)
        response.headers.setdefault("Vary", VARY)
        return response

    def remember_language(self, response: Response) -> None:
        """A valid ``?lang=`` choice is remembered for the next pages (no JavaScript needed)."""
        chosen = self.request.query_params.get("lang")
        if chosen and from_tag(chosen) is self.locale and self.request.cookies.get(COOKIE) != self.locale.value:
            response.set_cookie(COOKIE, self.locale.value, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)


def html_error(request: Request, state: WebState, locale: Locale, status: int, message: str) -> Response:
    page = Page(request, state, locale)
    return page.render("error.html", {"status": status, "message": message}, status=status)
