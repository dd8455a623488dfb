"""Service results -> API schemas. The one place that decides what a spectator may see.

Both the JSON API and the HTML templates render these schemas, so the privacy rule is enforced once:
a player is a ``PlayerRef`` (public id, in-game name, country), never their Discord id, Discord
username or ban reason. A player without an in-game name (not set up yet, or imported without one)
is shown under a neutral label made from the public id, because the services' ``display_name``
falls back to the Discord username and then the Discord id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evoladder.domain.ids import PlayerId
from evoladder.domain.leaderboard import BoardRow, EntryView, Page
from evoladder.domain.match import Match
from evoladder.domain.player import Player
from evoladder.domain.replay_intake import ReplayRecord
from evoladder.services.cache import PlayerCache
from evoladder.services.matchviews import HeadToHead
from evoladder.services.profiles import PlayerProfile, RecentMatch
from evoladder.services.public_ids import PublicIdCodec
from evoladder.services.queue import QueueStatus
from evoladder.web import schemas as s

RESULTS = {0: "draw", 1: "player_1", 2: "player_2"}


@dataclass(frozen=True, slots=True)
class Presenter:
    ids: PublicIdCodec
    cache: PlayerCache
    publish_battletags: bool = False

    # -- players -----------------------------------------------------------------------------

    def public_name(self, player: Player | None, public_id: str) -> str:
        if player is not None and player.in_game_name:
            return player.in_game_name
        return f"#{public_id[:6]}"

    def ref(self, player_id: PlayerId) -> s.PlayerRef:
        public_id = self.ids.encode(player_id)
        player = self.cache.player(player_id)
        return s.PlayerRef(
            id=public_id, name=self.public_name(player, public_id), country=player.country if player else None
        )

    def player(self, p: Player) -> s.PlayerOut:
        public_id = self.ids.encode(p.id)
        return s.PlayerOut(
            id=public_id,
            name=self.public_name(p, public_id),
            alt_names=list(p.alt_names),
            country=p.country,
            region=p.region,
            banned=p.is_banned,
            battletag=p.battletag if self.publish_battletags else None,
        )

    # -- leaderboard -------------------------------------------------------------------------

    def board_row(self, row: BoardRow) -> s.LeaderboardRow:
        public_id = self.ids.encode(row.player_id)
        return s.LeaderboardRow(
            position=row.position,
            letter=row.letter.value,
            player=s.PlayerRef(
                id=public_id, name=self.public_name(self.cache.player(row.player_id), public_id), country=row.country
            ),
            race=row.race,
            mmr=row.mmr,
            games_played=row.games_played,
            wins=row.games_won,
            losses=row.games_lost,
            draws=row.games_drawn,
            win_rate=row.win_rate,
            last_played=row.last_played,
        )

    def board_page(self, page: Page, filters: s.LeaderboardFilters, version: int) -> s.LeaderboardPage:
        return s.LeaderboardPage(
            rows=[self.board_row(r) for r in page.rows],
            page=page.page,
            page_size=page.page_size,
            total_entries=page.total_entries,
            total_pages=page.total_pages,
            ranked_count=page.ranked_count,
            version=version,
            filters=filters,
        )

    # -- profiles ----------------------------------------------------------------------------

    def standing(self, view: EntryView) -> s.RaceStanding:
        e = view.entry
        return s.RaceStanding(
            race=e.race,
            mmr=e.mmr,
            letter=view.letter.value,
            status=view.status.value,
            position=view.position,
            ranked_count=view.ranked_count,
            percentile=view.percentile,
            top_percent=view.top_percent,
            games_played=e.games_played,
            wins=e.games_won,
            losses=e.games_lost,
            draws=e.games_drawn,
            win_rate=e.win_rate,
            last_played=e.last_played,
            ranked_until=view.ranked_until,
        )

    def recent(self, r: RecentMatch) -> s.MatchSummary:
        return s.MatchSummary(
            id=r.match_id,
            at=r.at,
            race=r.race,
            opponent=self.ref(r.opponent_id),
            opponent_race=r.opponent_race,
            map=r.map_name,
            server=r.server,
            state=r.state,
            outcome=r.outcome,  # type: ignore[arg-type]
            mmr_before=r.mmr_before,
            mmr_change=r.mmr_change,
        )

    def head_to_head(self, h: HeadToHead) -> s.HeadToHeadRecord:
        return s.HeadToHeadRecord(
            opponent=self.ref(h.opponent_id),
            games=h.games,
            wins=h.won,
            losses=h.lost,
            draws=h.drawn,
            win_rate=h.win_rate,
            last_played=h.last_played,
        )

    def profile(self, prof: PlayerProfile, h2h: Iterable[HeadToHead]) -> s.PlayerProfileOut:
        return s.PlayerProfileOut(
            player=self.player(prof.player),
            races=[self.standing(r.standing) for r in prof.races],
            recent_matches=[self.recent(r) for r in prof.recent],
            head_to_head=[self.head_to_head(h) for h in h2h],
        )

    def history(self, prof: PlayerProfile) -> s.PlayerHistoryOut:
        return s.PlayerHistoryOut(
            player=self.ref(prof.player.id),
            races=[
                s.RaceHistory(
                    race=r.race,
                    points=[
                        s.HistoryPointOut(at=p.at, mmr=p.mmr, change=p.delta, source=p.source, match_id=p.match_id)
                        for p in r.history
                    ],
                )
                for r in prof.races
            ],
        )

    # -- matches -----------------------------------------------------------------------------

    def match(self, m: Match, replays: Sequence[ReplayRecord], *, downloads: bool) -> s.MatchOut:
        def side(slot: int) -> s.MatchSide:
            pid, race = (m.player1, m.race1) if slot == 1 else (m.player2, m.race2)
            before, change = (m.mmr1, m.delta1) if slot == 1 else (m.mmr2, m.delta2)
            after = m.mmr_after1 if slot == 1 else m.mmr_after2
            return s.MatchSide(
                player=self.ref(pid), race=race, mmr_before=before, mmr_change=change, mmr_after=after,
                confirmed=m.confirmed(slot),
            )  # fmt: skip

        result = None if m.result is None else RESULTS.get(int(m.result))
        return s.MatchOut(
            id=m.id,
            state=m.state.value,
            created_at=m.created_at,
            completed_at=m.completed_at or m.resolved_at,
            map=m.map_name,
            server=m.server,
            player_1=side(1),
            player_2=side(2),
            result=result,  # type: ignore[arg-type]
            result_source=m.result_source.value if m.result_source else None,
            abort_reason=m.abort_reason.value if m.abort_reason else None,
            replays=[self.replay(m.id, r, downloads=downloads) for r in replays],
        )

    def replay(self, match_id: int, r: ReplayRecord, *, downloads: bool) -> s.ReplayOut:
        """``downloads``: the ladder allows replay downloads (imported records have no stored file)."""
        checks = (r.verdict or {}).get("checks") or ()
        return s.ReplayOut(
            id=r.id,
            status=str(r.status),
            overall=r.overall,
            result=r.reported_result,
            checks=[
                s.ReplayCheckOut(
                    check=str(c.get("check")), verdict=str(c.get("verdict")), message_code=str(c.get("message_code"))
                )
                for c in checks
                if isinstance(c, dict)
            ],
            download_url=f"/matches/{match_id}/replays/{r.id}/file" if downloads and r.status != "imported" else None,
        )

    def queue(self, q: QueueStatus) -> s.QueueStatusOut:
        return s.QueueStatusOut(
            waiting=q.waiting,
            by_race=dict(q.by_race),
            by_region=dict(q.by_region),
            next_wave_at=q.next_wave_at,
            seconds_to_next_wave=q.seconds_to_next_wave,
        )
