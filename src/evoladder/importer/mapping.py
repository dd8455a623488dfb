"""Pure old -> new mapping: one EvoLadderBot row in, our row (or a skip with its reason) out.

No I/O here, so every code and every odd value is unit-tested (``tests/unit/importer``). A mapping
never drops anything silently: a row it cannot bring over comes back with ``row=None`` and a
``skipped`` issue; a value it had to change (unknown country, over-long name, unknown map veto)
comes back with an ``adjusted`` issue. ``run.py`` stores both in ``import_issues``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from evoladder.datapack import DataPack
from evoladder.domain.match import AbortReason, MatchState, ResultSource

SOURCE = "evoladderbot"
IssueKind = Literal["skipped", "adjusted"]

REPORT_CODES = frozenset({None, 0, 1, 2, -1, -3, -4})
RESULT_CODES = frozenset({None, 0, 1, 2, -1, -2})
OUTCOMES = frozenset({0, 1, 2})

# Our column widths (PostgreSQL enforces them; SQLite would not, so we check here for both).
WIDTHS = {
    "discord_username": 64,
    "in_game_name": 32,
    "battletag": 40,
    "alt_name_1": 32,
    "alt_name_2": 32,
    "map_name": 128,
    "server": 8,
    "action": 32,
    "actor": 32,
}


@dataclass(frozen=True, slots=True)
class Issue:
    """A skipped or adjusted old row: which table, which key, and why."""

    table: str
    key: str
    kind: IssueKind
    reason: str


@dataclass(frozen=True, slots=True)
class Mapped:
    """One mapped row (``None`` when skipped), the issues met, and extras for the caller."""

    row: dict[str, Any] | None
    issues: tuple[Issue, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Catalog:
    """The codes our data pack knows; built once from the pack (``from_pack``) or by hand in tests."""

    races: frozenset[str]
    countries: frozenset[str]
    regions: frozenset[str]
    servers: frozenset[str]
    maps: Mapping[str, str]
    """Every spelling a map goes by (full name or replay name, NFC) -> our map name."""

    @classmethod
    def from_pack(cls, pack: DataPack) -> Catalog:
        maps: dict[str, str] = {}
        for season in pack.seasons:  # oldest first: a later season's spelling wins for the same key
            for game_map in season.maps:
                for label in (game_map.name, *game_map.replay_names):
                    maps[_nfc(label)] = game_map.name
        return cls(
            races=frozenset(r.code for r in pack.races),
            countries=frozenset(c.code for c in pack.countries),
            regions=frozenset(r.code for r in pack.residential_regions),
            servers=frozenset(s.code for s in pack.servers),
            maps=maps,
        )

    def map_name(self, old: str | None) -> str | None:
        return None if old is None else self.maps.get(_nfc(old))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


# ------------------------------------------------------------------ values

_OFFSET_TAIL = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)


def parse_timestamp(value: Any) -> datetime | None:
    """A UTC datetime from whatever an old row holds; ``None`` for NULL or empty.

    Accepts datetimes (naive ones are UTC, as the old bot wrote them), ISO text in its variants
    (``T`` or space, ``Z``, ``+00``, ``+0000``, ``+00:00``, fractions, a bare date, a trailing
    ``UTC``) and Unix epoch seconds. Raises ``ValueError`` for anything else.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    try:  # the common case first: one C call
        parsed = datetime.fromisoformat(text)
    except ValueError:
        if not text:
            return None
        if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
            return datetime.fromtimestamp(float(text), UTC)
        try:
            parsed = datetime.fromisoformat(_OFFSET_TAIL.sub("+00:00", text))
        except ValueError:
            raise ValueError(f"unreadable timestamp {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _json_list(value: Any) -> list[Any]:
    """A JSON array stored as text (or already decoded); raises ``ValueError`` otherwise."""
    if value is None or value == "":
        return []
    decoded = json.loads(value) if isinstance(value, str | bytes) else value
    if not isinstance(decoded, list):
        raise ValueError(f"expected a JSON array, got {type(decoded).__name__}")
    return decoded


class _Issues:
    """Collects issues for one old row."""

    def __init__(self, table: str, key: object) -> None:
        self.table, self.key = table, str(key)
        self.items: list[Issue] = []

    def skip(self, reason: str) -> Mapped:
        self.items.append(Issue(self.table, self.key, "skipped", reason))
        return Mapped(None, tuple(self.items))

    def adjust(self, reason: str) -> None:
        self.items.append(Issue(self.table, self.key, "adjusted", reason))

    def ts(self, row: Mapping[str, Any], column: str) -> datetime | None:
        """Parse a timestamp column; an unreadable value becomes NULL and an ``adjusted`` issue."""
        try:
            return parse_timestamp(row[column])
        except ValueError as exc:
            self.adjust(f"{column}: {exc}; stored as NULL")
            return None

    def text(self, value: Any, column: str) -> str | None:
        """A text value cut to our column's width (with an issue when cut)."""
        if value is None:
            return None
        text = str(value)
        width = WIDTHS[column]
        if len(text) > width:
            self.adjust(f"{column} {text!r} longer than {width} characters; cut")
            text = text[:width]
        return text


# ------------------------------------------------------------------ players


def map_player(row: Mapping[str, Any], catalog: Catalog, *, aborts_per_month: int, now: datetime) -> Mapped:
    """An old ``players`` row -> our ``players`` row; ``extra['aborts_used']`` for this month.

    Our ladder counts aborts *used* per month; the old bot stored aborts *left*. The used count is
    ``aborts_per_month - remaining_aborts`` (negative when an admin granted more than the monthly
    allowance, which our abort rule reads as extra aborts).
    """
    issues = _Issues("players", row["id"])
    uid = row["discord_uid"]
    if uid is None or int(uid) <= 0:
        return issues.skip(f"invalid discord_uid {uid!r}")
    created = issues.ts(row, "created_at")
    updated = issues.ts(row, "updated_at") or created
    if created is None:
        created = updated or now
        issues.adjust("created_at missing; set to updated_at or the import time")
    updated = updated or created
    country = row["country"]
    if country is not None and country not in catalog.countries:
        issues.adjust(f"unknown country {country!r}; stored as NULL")
        country = None
    region = row["region"]
    if region is not None and region not in catalog.regions:
        issues.adjust(f"unknown region {region!r}; stored as NULL")
        region = None
    setup_at = issues.ts(row, "completed_setup_date") if row["completed_setup"] else None
    if row["completed_setup"] and setup_at is None:
        setup_at = created
        issues.adjust("completed_setup without a date; created_at used")
    remaining = row["remaining_aborts"]
    if remaining is None:
        remaining = aborts_per_month
    ack_at = updated  # the old bot kept flags without dates: the row's last update is the best bound
    player = {
        "id": int(uid),
        "discord_username": issues.text(row["discord_username"], "discord_username"),
        "in_game_name": issues.text(row["player_name"], "in_game_name"),
        "battletag": issues.text(row["battletag"], "battletag"),
        "alt_name_1": issues.text(row["alt_player_name_1"], "alt_name_1"),
        "alt_name_2": issues.text(row["alt_player_name_2"], "alt_name_2"),
        "country": country,
        "region": region,
        "language": None,
        "tos_accepted": bool(row["accepted_tos"]),
        "tos_changed_at": issues.ts(row, "accepted_tos_date"),
        "setup_completed_at": setup_at,
        "is_banned": bool(row["is_banned"]),
        "ban_reason": None,
        "active_match_id": None,  # player_state is transient; the old bot reset it at start too
        "created_at": created,
        "updated_at": updated,
        "version": 1,
        "quick_start_read_at": ack_at if row["read_quick_start_guide"] else None,
        "shield_battery_ack_at": ack_at if row["shield_battery_bug"] else None,
    }
    return Mapped(player, tuple(issues.items), {"aborts_used": aborts_per_month - int(remaining)})


# ------------------------------------------------------------------ ratings


def map_rating(row: Mapping[str, Any], catalog: Catalog, players: Container[int]) -> Mapped:
    """An old ``mmrs_1v1`` row -> our ``ratings`` row, keeping the old id (the ranking tie-breaker)."""
    issues = _Issues("mmrs_1v1", row["id"])
    if row["discord_uid"] not in players:
        return issues.skip(f"player {row['discord_uid']} was not imported")
    if row["race"] not in catalog.races:
        return issues.skip(f"unknown race {row['race']!r}")
    if row["mmr"] is None:
        return issues.skip("mmr is NULL")
    counts = {k: int(row[k] or 0) for k in ("games_played", "games_won", "games_lost", "games_drawn")}
    return Mapped(
        {
            "id": int(row["id"]),
            "player_id": int(row["discord_uid"]),
            "race": row["race"],
            "mmr": int(row["mmr"]),
            **counts,
            "last_played": issues.ts(row, "last_played"),
            "rd": None,
            "volatility": None,
        },
        tuple(issues.items),
    )


# ------------------------------------------------------------------ matches


@dataclass(frozen=True, slots=True)
class Classification:
    """What an old (result, report 1, report 2) combination becomes here."""

    label: str
    state: MatchState
    abort_reason: AbortReason | None = None


COMPLETED = Classification("completed", MatchState.COMPLETED)
DRAW = Classification("draw", MatchState.COMPLETED)
CONFLICT = Classification("conflict", MatchState.CONFLICT)
ABORTED_BY_PLAYER = Classification("aborted_by_player", MatchState.ABORTED, AbortReason.PLAYER)
CONFIRMATION_TIMEOUT = Classification("confirmation_timeout", MatchState.ABORTED, AbortReason.TIMEOUT)
ABORTED_BY_SYSTEM = Classification("aborted_by_system", MatchState.ABORTED, AbortReason.TIMEOUT)
INVALIDATED = Classification("invalidated", MatchState.INVALIDATED)
PENDING = Classification("pending_aborted_by_system", MatchState.ABORTED, AbortReason.TIMEOUT)


def classify(result: int | None, report1: int | None, report2: int | None, admin_resolved: bool) -> Classification:
    """The old codes -> our state. Raises ``ValueError`` for a code the old bot never wrote.

    ``-1`` (aborted or invalidated) is told apart by the reports: a ``-3`` is a player's abort, a
    ``-4`` a confirmation timeout; an admin resolution (``updated_at`` set) or a real report means
    the match was played and then invalidated; otherwise the system aborted it. ``NULL`` (pending)
    can no longer finish, so it becomes an abort by the system (nobody charged), as our ladder does
    with a match whose confirmation window passed while it was down.
    """
    if result not in RESULT_CODES:
        raise ValueError(f"unknown match_result code {result!r}")
    for slot, report in ((1, report1), (2, report2)):
        if report not in REPORT_CODES:
            raise ValueError(f"unknown player_{slot}_report code {report!r}")
    reports = (report1, report2)
    if result in (1, 2):
        return COMPLETED
    if result == 0:
        return DRAW
    if result == -2:
        return CONFLICT
    if result is None:
        return PENDING
    if -3 in reports:
        return ABORTED_BY_PLAYER
    if -4 in reports:
        return CONFIRMATION_TIMEOUT
    if admin_resolved or any(r in OUTCOMES for r in reports):
        return INVALIDATED
    return ABORTED_BY_SYSTEM


def map_match(row: Mapping[str, Any], catalog: Catalog, players: Container[int], confirm_window: timedelta) -> Mapped:
    """An old ``matches_1v1`` row -> our ``matches`` row with the same id; ``extra['label']``."""
    issues = _Issues("matches_1v1", row["id"])
    p1, p2 = row["player_1_discord_uid"], row["player_2_discord_uid"]
    for slot, uid in ((1, p1), (2, p2)):
        if uid not in players:
            return issues.skip(f"player {slot} ({uid}) was not imported")
    if p1 == p2:
        return issues.skip("both players are the same")
    for slot in (1, 2):
        if row[f"player_{slot}_race"] not in catalog.races:
            return issues.skip(f"unknown player_{slot}_race {row[f'player_{slot}_race']!r}")
        if row[f"player_{slot}_mmr"] is None:
            return issues.skip(f"player_{slot}_mmr is NULL")
    r1, r2, result = row["player_1_report"], row["player_2_report"], row["match_result"]
    try:
        played_at = parse_timestamp(row["played_at"])
    except ValueError as exc:
        return issues.skip(f"played_at: {exc}")
    if played_at is None:
        return issues.skip("played_at is NULL")
    resolved_at = issues.ts(row, "updated_at")
    try:
        kind = classify(result, r1, r2, resolved_at is not None)
    except ValueError as exc:
        return issues.skip(str(exc))
    if kind is PENDING:
        issues.adjust("pending in EvoLadderBot: imported as aborted by the system")

    map_name = catalog.map_name(row["map_played"])
    if map_name is None:
        map_name = issues.text(row["map_played"] or "", "map_name") or ""
        issues.adjust(f"map {row['map_played']!r} is not in our data pack; name kept as is")
    server = row["server_used"] or ""
    if server not in catalog.servers:
        issues.adjust(f"server {row['server_used']!r} is not in our data pack; kept as is")
        server = issues.text(server, "server") or ""

    mmr1, mmr2 = int(row["player_1_mmr"]), int(row["player_2_mmr"])
    change = row["mmr_change"]
    played = kind.state in (MatchState.COMPLETED, MatchState.CONFLICT, MatchState.INVALIDATED)
    values: dict[str, Any] = {
        "id": int(row["id"]),
        "idempotency_key": f"{SOURCE}:{int(row['id'])}",
        "player1_id": int(p1),
        "player2_id": int(p2),
        "race1": row["player_1_race"],
        "race2": row["player_2_race"],
        "mmr1": mmr1,
        "mmr2": mmr2,
        "rd1": None,
        "rd2": None,
        "vol1": None,
        "vol2": None,
        "map_name": map_name,
        "server": server,
        "channel": None,
        "state": kind.state.value,
        "report1": r1 if r1 in OUTCOMES else None,
        "report2": r2 if r2 in OUTCOMES else None,
        "result": result if result in OUTCOMES else None,
        "mmr_after1": None,
        "mmr_after2": None,
        "delta1": None,
        "delta2": None,
        "counted": kind.state is MatchState.COMPLETED,
        "abort_reason": kind.abort_reason.value if kind.abort_reason else None,
        "aborted_by": None,
        "unconfirmed": None,
        "rating_model": "elo",
        "resolved_by": None,
        "resolution_reason": None,
        "created_at": played_at,
        "confirm_deadline": played_at + confirm_window,
        "confirmed1_at": played_at if played else None,
        "confirmed2_at": played_at if played else None,
        "confirmed_at": played_at if played else None,
        "completed_at": None,
        "resolved_at": None,
        "replay_id": None,
        "result_source": None,
        "version": 1,
    }
    if kind.state is MatchState.COMPLETED:
        delta = int(change or 0)
        values.update(delta1=delta, delta2=-delta, mmr_after1=mmr1 + delta, mmr_after2=mmr2 - delta)
        by_reports = r1 == result and r2 == result
        values["result_source"] = (
            ResultSource.REPORTS.value if by_reports and resolved_at is None else ResultSource.ADMIN.value
        )
        values["completed_at"] = resolved_at or _latest(issues, row) or played_at
        if values["result_source"] == ResultSource.ADMIN.value:
            values["resolved_at"] = resolved_at or values["completed_at"]
            values["resolution_reason"] = "resolved in EvoLadderBot"
    else:
        if change not in (None, 0):
            issues.adjust(f"mmr_change {change} on a {kind.label} match not carried (ratings are copied as they are)")
        if kind.state is MatchState.INVALIDATED:
            values.update(
                resolved_at=resolved_at or played_at,
                result_source=ResultSource.ADMIN.value,
                resolution_reason="invalidated in EvoLadderBot",
            )
    if kind is ABORTED_BY_PLAYER:
        aborters = [uid for uid, r in ((p1, r1), (p2, r2)) if r == -3]
        values["aborted_by"] = int(aborters[0])
        if len(aborters) > 1:
            issues.adjust("both players marked as aborting; player 1 recorded")
        other_slot = 2 if aborters[0] == p1 else 1
        values[f"confirmed{other_slot}_at"] = played_at
    if kind is CONFIRMATION_TIMEOUT:
        late = [int(uid) for uid, r in ((p1, r1), (p2, r2)) if r == -4]
        values["unconfirmed"] = late
        for slot, uid in ((1, p1), (2, p2)):
            if int(uid) not in late:
                values[f"confirmed{slot}_at"] = played_at
    return Mapped(values, tuple(issues.items), {"label": kind.label})


def _latest(issues: _Issues, row: Mapping[str, Any]) -> datetime | None:
    times = [t for t in (issues.ts(row, "player_1_replay_time"), issues.ts(row, "player_2_replay_time")) if t]
    return max(times) if times else None
