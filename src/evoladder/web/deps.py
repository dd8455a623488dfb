"""Request dependencies as ``Annotated`` aliases: state, presenter, language and validated queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import StringConstraints

from evoladder.domain.ids import PlayerId
from evoladder.i18n import Locale
from evoladder.web.locale import COOKIE, negotiate
from evoladder.web.present import Presenter
from evoladder.web.state import WebState

LetterCode = Literal["S", "A", "B", "C", "D", "E", "F"]


async def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


State = Annotated[WebState, Depends(web_state)]


async def presenter(state: State) -> Presenter:
    return await state.presenter()


PresenterDep = Annotated[Presenter, Depends(presenter)]


def page_locale(
    request: Request,
    lang: Annotated[
        str | None, Query(max_length=16, description="Page language: en, ko, zh-Hans, es-419 or ru.")
    ] = None,
) -> Locale:
    return negotiate(lang, request.cookies.get(COOKIE), request.headers.get("accept-language"))


async def _locale(
    request: Request,
    lang: Annotated[
        str | None, Query(max_length=16, description="Page language: en, ko, zh-Hans, es-419 or ru.")
    ] = None,
) -> Locale:
    """``page_locale`` as an async dependency: FastAPI runs plain ``def`` dependencies in a thread."""
    return page_locale(request, lang)


LocaleDep = Annotated[Locale, Depends(_locale)]


@dataclass(frozen=True, slots=True)
class BoardQuery:
    """The leaderboard's filters, as the URL carries them (so a filtered view can be shared)."""

    races: tuple[str, ...]
    countries: tuple[str, ...]
    ranks: tuple[str, ...]
    best_race: bool
    name: str
    page: int
    page_size: int
    season: str | None = None
    """A closed season's code (its final standings); ``None``: the live board."""


def _invalid(field: str, message: str, value: object) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ("query", field), "msg": message, "input": value}])


async def board_query(
    state: State,
    race: Annotated[list[str], Query(description="Race code (repeat for several).", max_length=6)] = [],  # noqa: B006
    country: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]],
        Query(description="Country code (repeat for several).", max_length=50),
    ] = [],  # noqa: B006
    rank: Annotated[list[LetterCode], Query(description="Letter rank S..F (repeat for several).")] = [],  # noqa: B006
    best_race: Annotated[bool, Query(description="One row per player: their best race.")] = False,
    name: Annotated[str, Query(max_length=32, description="Name prefix (alternative names included).")] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number (1-based).")] = 1,
    page_size: Annotated[int, Query(ge=1, le=500, description="Rows per page.")] = 40,
    season: Annotated[
        str | None, Query(max_length=32, description="A past season's code: its final standings (default: live).")
    ] = None,
) -> BoardQuery:
    known = {r.code for r in state.ladder.pack.races}
    unknown = [r for r in race if r.strip().lower() not in known]
    if unknown:
        raise _invalid("race", f"unknown race {unknown[0]!r}; expected one of {', '.join(sorted(known))}", unknown[0])
    season = (season or "").strip() or None  # the form's "current season" option sends an empty value
    if season is not None and season != state.ladder.pack.current_season.code:
        defined = [x.code for x in state.ladder.pack.seasons]
        if season not in defined:
            raise _invalid("season", f"unknown season {season!r}; expected one of {', '.join(defined)}", season)
        if season not in {x.code for x in state.ladder.seasons.known() if x.closed_at is not None}:
            raise HTTPException(404, f"Season {season!r} has no final standings on this ladder.")
    else:
        season = None
    return BoardQuery(
        races=tuple(dict.fromkeys(r.strip().lower() for r in race)),
        countries=tuple(dict.fromkeys(c.upper() for c in country)),
        ranks=tuple(dict.fromkeys(rank)),
        best_race=best_race,
        name=name.strip(),
        page=page,
        page_size=page_size,
        season=season,
    )


BoardQueryDep = Annotated[BoardQuery, Depends(board_query)]


async def player_id(
    public_id: Annotated[str, Path(min_length=1, max_length=32, description="Public player id.")],
    presenter: PresenterDep,
) -> PlayerId:
    """The player behind a public id; 404 if it is not one (the same answer as for an unknown player)."""
    found = presenter.ids.decode(public_id)
    if found is None:
        raise HTTPException(status_code=404, detail="No such player.")
    return found


PlayerIdDep = Annotated[PlayerId, Depends(player_id)]
MatchIdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="Match number.")]
