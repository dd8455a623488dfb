"""The reads both the HTML pages and the JSON API make: one service call each, mapped to schemas.

Keeping them here means a page and its API twin can never show different data.
"""

from __future__ import annotations

from evoladder.domain.errors import NotFound
from evoladder.domain.ids import PlayerId
from evoladder.services.profiles import PlayerProfile
from evoladder.web import schemas as s
from evoladder.web.deps import BoardQuery
from evoladder.web.present import Presenter
from evoladder.web.state import WebState

HEAD_TO_HEAD = 5


async def board(state: WebState, presenter: Presenter, q: BoardQuery) -> s.LeaderboardPage:
    """The live board, or a closed season's final standings (same filters, frozen: version 0)."""
    service = state.ladder.leaderboard
    options = dict(
        countries=q.countries, races=q.races, letters=q.ranks, best_race_only=q.best_race,
        name_prefix=q.name, page=q.page, page_size=q.page_size,
    )  # fmt: skip
    if q.season is None:
        page, version = service.page(**options), service.board.version  # type: ignore[arg-type]
    else:
        page, version = await service.season_page(q.season, **options), 0  # type: ignore[arg-type]
    filters = s.LeaderboardFilters(
        races=list(q.races),
        countries=list(q.countries),
        ranks=list(q.ranks),
        best_race=q.best_race,
        name=q.name,
        season=q.season or state.ladder.pack.current_season.code,
    )
    return presenter.board_page(page, filters, version)


async def public_profile(state: WebState, player_id: PlayerId, *, recent: int = 10) -> PlayerProfile:
    """The profile of a set-up player; ``NotFound`` for anyone else (nothing public to show)."""
    prof = await state.ladder.profiles.profile(player_id, recent=recent)
    if not prof.player.setup_completed:
        raise NotFound("No such player.")
    return prof


async def profile(
    state: WebState, presenter: Presenter, player_id: PlayerId
) -> tuple[PlayerProfile, s.PlayerProfileOut]:
    prof = await public_profile(state, player_id)
    h2h = await state.views.head_to_head(player_id, limit=HEAD_TO_HEAD)
    return prof, presenter.profile(prof, h2h)


async def match(state: WebState, presenter: Presenter, match_id: int) -> s.MatchOut:
    m = await state.ladder.matches.get(match_id)
    replays = await state.ladder.replays.for_match(match_id)
    return presenter.match(m, replays, downloads=state.options.replay_downloads)
