"""Pure checks that an uploaded replay is the match it claims to be, and what it says happened.

Each check gives a ``CheckResult``: a verdict, a stable ``message_code`` for translations (``details``
are its parameters) and an English message for players and admins. All inputs are passed in.

Verdicts, mildest first: ``pass``; ``warn`` (fine, but a person confirms the result); ``needs_admin``
(the replay cannot settle it); ``fail`` (wrong map, fake mod, wrong races or settings, too early).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.replay import (
    ModStatus,
    OfficialMod,
    PlayerResult,
    ReplayPlayer,
    ReplaySummary,
    assess_mod,
    matching_release,
    select_mod_release,
)


class CheckVerdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    NEEDS_ADMIN = "needs_admin"
    FAIL = "fail"


SLACK = timedelta(minutes=10)
"""How far outside the match window (creation to upload) a replay's time may fall."""
PASS, WARN, ADMIN, FAIL = CheckVerdict.PASS, CheckVerdict.WARN, CheckVerdict.NEEDS_ADMIN, CheckVerdict.FAIL
_SEVERITY = {PASS: 0, WARN: 1, ADMIN: 2, FAIL: 3}


class Check(StrEnum):
    MAP = "map"
    MOD = "mod"
    RACES = "races"
    PLAYERS = "players"
    RESULT = "result"
    SETTINGS = "settings"
    TIME = "time"


class Winner(StrEnum):
    """The result in terms of the match's players (not the replay's slots)."""

    PLAYER_1 = "player_1"
    PLAYER_2 = "player_2"
    DRAW = "draw"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CheckResult:
    check: Check
    verdict: CheckVerdict
    message_code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # JSON-ready: the enums are str subclasses


@dataclass(frozen=True)
class ExpectedMap:
    """A ladder map. ``content_hash``: its file's SHA-256 (the same on every depot), when known;
    ``replay_names``: other names replays show it under (e.g. localized titles)."""

    name: str
    content_hash: str | None = None
    replay_names: frozenset[str] = frozenset()

    def shown_as(self, map_name: str) -> bool:
        return normalize(map_name) in {normalize(n) for n in (self.name, *self.replay_names)}


@dataclass(frozen=True)
class ExpectedPlayer:
    """A match player as the ladder knows them: the race chosen for this match, known accounts."""

    race: RaceCode
    toon_handles: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    alt_names: frozenset[str] = frozenset()
    player_id: PlayerId | None = None


@dataclass(frozen=True)
class ExpectedMatch:
    player_1: ExpectedPlayer
    player_2: ExpectedPlayer
    map: ExpectedMap
    created_at: datetime


@dataclass(frozen=True)
class LobbyRules:
    """Required lobby settings, as the replay's (English) attribute values."""

    speed: str = "Faster"
    privacy: str = "Normal"
    duration: str = "Infinite"
    locked_alliances: str = "Yes"


@dataclass(frozen=True)
class Verdict:
    """All checks of one replay against one match."""

    checks: tuple[CheckResult, ...]
    winner: Winner

    @property
    def overall(self) -> CheckVerdict:
        return worst(c.verdict for c in self.checks)

    @property
    def passed(self) -> bool:
        """No check failed (warnings and admin questions may remain)."""
        return all(c.verdict is not FAIL for c in self.checks)

    @property
    def reported_result(self) -> Winner | None:
        """The result the replay proves, set only when every check passed."""
        return self.winner if self.overall is PASS and self.winner is not Winner.UNKNOWN else None

    def to_dict(self) -> dict[str, Any]:
        extra = {"overall": self.overall, "passed": self.passed, "reported_result": self.reported_result}
        return {**asdict(self), **extra}


@dataclass(frozen=True)
class Inspection:
    """Match-independent facts about a replay, for ``inspect`` and admins."""

    map_name: str | None
    mod_status: ModStatus
    mod_release: str | None
    checks: tuple[CheckResult, ...]


def worst(verdicts: Iterable[CheckVerdict]) -> CheckVerdict:
    return max(verdicts, key=_SEVERITY.__getitem__, default=PASS)


def normalize(text: str) -> str:
    """The form names and race strings are compared in: NFC, casefolded, outer blanks stripped."""
    return unicodedata.normalize("NFC", text).casefold().strip()


def check_map(summary: ReplaySummary, expected: ExpectedMap) -> CheckResult:
    """The map is the expected one: by content hash when the ladder knows it, else by name."""
    name_ok = expected.shown_as(summary.map_name)
    info = {"expected": expected.name, "replay_map": summary.map_name, "replay_hash": summary.map_hash}
    if expected.content_hash is not None:
        if summary.map_hash == expected.content_hash.lower():
            return CheckResult(Check.MAP, PASS, "map.ok", f"Played on {expected.name}.", info)
        if name_ok:
            msg = f"The replay's copy of {expected.name} is not the ladder's version of the map."
            return CheckResult(Check.MAP, ADMIN, "map.other_version", msg, info)
    elif name_ok:
        msg = f"Played on a map named {expected.name}; its file could not be checked (no reference hash)."
        return CheckResult(Check.MAP, WARN, "map.name_only", msg, info)
    msg = f"The replay was played on {summary.map_name}, not {expected.name}."
    return CheckResult(Check.MAP, FAIL, "map.wrong", msg, info)


_MOD_OUTCOMES = {
    "official": (PASS, "The official {mod} ({release}) was used."),
    "no_reference": (ADMIN, "There is no official file list of {mod} for this replay's depot."),
    "missing": (FAIL, "The replay was not played with {mod}."),
    "chain_modified": (FAIL, "The replay loaded a modified or fake copy of {mod}, not the official mod."),
    "extra_files": (FAIL, "The replay loaded a modified or fake copy of {mod}, not the official mod."),
}


def check_mod(summary: ReplaySummary, mod: OfficialMod | None) -> CheckResult:
    """The replay used exactly the official release ``mod`` (the one in force on its date)."""
    if mod is None:
        msg = "No official release of the mod is known for the replay's date."
        return CheckResult(Check.MOD, ADMIN, "mod.no_reference", msg)
    assessment = assess_mod(summary, mod)
    verdict, text = _MOD_OUTCOMES[assessment.reason]
    msg = text.format(mod=mod.name, release=mod.release)
    return CheckResult(Check.MOD, verdict, f"mod.{assessment.reason}", msg, assessment.details)


@dataclass(frozen=True)
class Pairing:
    """Replay slots (indices into ``summary.players``) of match players 1 and 2; how each was known
    (``toon``, ``name``, ``alt_name`` or ``None``); ``method``: ``identity``, ``race`` or ``None``."""

    slots: tuple[int, int] | None
    by: tuple[str | None, str | None]
    method: str | None


def pair_players(summary: ReplaySummary, match: ExpectedMatch, race_aliases: Mapping[str, RaceCode]) -> Pairing:
    """Match replay players to match players by account (toon handle > name > alt name), else by
    race, which suffices here: a match is always one Brood War race against one StarCraft II race."""
    humans = [i for i, p in enumerate(summary.players) if p.is_human]
    if len(humans) != 2:
        return Pairing(None, (None, None), None)
    a, b = humans
    pa, pb, e1, e2 = summary.players[a], summary.players[b], match.player_1, match.player_2
    straight, swapped = (_evidence(pa, e1), _evidence(pb, e2)), (_evidence(pb, e1), _evidence(pa, e2))
    if _score(straight) > _score(swapped):
        return Pairing((a, b), straight, "identity")
    if _score(swapped) > _score(straight):
        return Pairing((b, a), swapped, "identity")
    aliases = {normalize(k): v for k, v in race_aliases.items()}
    races = (aliases.get(normalize(pa.race)), aliases.get(normalize(pb.race)))
    if e1.race != e2.race and races in ((e1.race, e2.race), (e2.race, e1.race)):
        return Pairing((a, b) if races[0] == e1.race else (b, a), (None, None), "race")
    return Pairing(None, (None, None), None)


def check_players(summary: ReplaySummary, match: ExpectedMatch) -> CheckResult:
    """Exactly two human players, no observers, each recognisable as one of the match's players."""
    humans, everyone = summary.humans, [p.name for p in summary.players]
    if len(humans) != 2 or len(everyone) != 2:
        msg = f"The replay has {len(everyone)} players ({len(humans)} human); a ladder game has exactly two humans."
        return CheckResult(Check.PLAYERS, FAIL, "players.count", msg, {"players": everyone})
    if summary.observers:
        msg = f"The replay has observers ({', '.join(summary.observers)}); ladder games have none."
        return CheckResult(Check.PLAYERS, FAIL, "players.observers", msg, {"observers": list(summary.observers)})
    pairing = pair_players(summary, match, {})
    if pairing.slots is None or None in pairing.by:
        msg = f"Could not match the replay's players ({', '.join(everyone)}) to this match's players."
        return CheckResult(Check.PLAYERS, ADMIN, "players.unlinked", msg, {"players": everyone})
    links, new, expected_players = [], [], (match.player_1, match.player_2)
    for k, (slot, by, expected) in enumerate(zip(pairing.slots, pairing.by, expected_players, strict=True)):
        player = summary.players[slot]
        links.append({"player": k + 1, "replay_name": player.name, "toon_handle": player.toon_handle, "by": by})
        if player.toon_handle and player.toon_handle not in expected.toon_handles:
            new.append({"player": k + 1, "toon_handle": player.toon_handle})
    msg = f"{links[0]['replay_name']} is player 1 and {links[1]['replay_name']} is player 2."
    return CheckResult(Check.PLAYERS, PASS, "players.ok", msg, {"links": links, "new_toon_handles": new})


def check_races(summary: ReplaySummary, match: ExpectedMatch, race_aliases: Mapping[str, RaceCode]) -> CheckResult:
    """The races played are the match's: player by player when players are known, else as a pair."""
    aliases = {normalize(k): v for k, v in race_aliases.items()}
    unknown = [p.race for p in summary.humans if normalize(p.race) not in aliases]
    if unknown:
        msg = f"The replay names a race the ladder does not know: {', '.join(repr(r) for r in unknown)}."
        return CheckResult(Check.RACES, FAIL, "races.unknown_race", msg, {"unknown": unknown})
    expected = (match.player_1.race, match.player_2.race)
    played = [p.race for p in summary.humans]
    info = {"expected": list(expected), "played": played}
    pairing = pair_players(summary, match, race_aliases)
    if pairing.method == "identity" and pairing.slots is not None:
        wrong = [
            f"{summary.players[slot].name} played {summary.players[slot].race} instead of {want}"
            for slot, want in zip(pairing.slots, expected, strict=True)
            if aliases[normalize(summary.players[slot].race)] != want
        ]
        if wrong:
            return CheckResult(Check.RACES, FAIL, "races.mismatch", "; ".join(wrong) + ".", info)
    elif sorted(aliases[normalize(p.race)] for p in summary.humans) != sorted(expected):
        msg = f"The replay's races ({', '.join(played)}) are not this match's ({', '.join(expected)})."
        return CheckResult(Check.RACES, FAIL, "races.mismatch", msg, info)
    return CheckResult(Check.RACES, PASS, "races.ok", "The races match.", info)


_WINNERS = {
    (PlayerResult.WIN, PlayerResult.LOSS): Winner.PLAYER_1,
    (PlayerResult.LOSS, PlayerResult.WIN): Winner.PLAYER_2,
    (PlayerResult.TIE, PlayerResult.TIE): Winner.DRAW,
}


def derive_winner(summary: ReplaySummary, match: ExpectedMatch, race_aliases: Mapping[str, RaceCode]) -> Winner:
    """The winner in terms of the match's players; ``UNKNOWN`` unless the replay is unambiguous."""
    slots = pair_players(summary, match, race_aliases).slots
    if slots is None:
        return Winner.UNKNOWN
    return _WINNERS.get((summary.players[slots[0]].result, summary.players[slots[1]].result), Winner.UNKNOWN)


def check_result(summary: ReplaySummary, match: ExpectedMatch, race_aliases: Mapping[str, RaceCode]) -> CheckResult:
    winner = derive_winner(summary, match, race_aliases)
    info = {"winner": winner.value}
    if winner is Winner.UNKNOWN:
        return CheckResult(Check.RESULT, ADMIN, "result.unknown", "The replay does not show who won.", info)
    msg = "The game was a draw." if winner is Winner.DRAW else f"Player {winner.value[-1]} won."
    return CheckResult(Check.RESULT, PASS, f"result.{winner.value}", msg, info)


def check_settings(summary: ReplaySummary, rules: LobbyRules = LobbyRules()) -> CheckResult:
    """Lobby settings. Those that change the game fail; privacy only warns (it changes no play)."""
    items = (
        ("speed", "game speed", summary.speed, rules.speed, FAIL),
        ("duration", "game duration", summary.duration, rules.duration, FAIL),
        ("locked_alliances", "locked alliances", summary.locked_alliances, rules.locked_alliances, FAIL),
        ("privacy", "game privacy", summary.privacy, rules.privacy, WARN),
    )
    info = {key: {"expected": want, "actual": got, "ok": got == want} for key, _, got, want, _ in items}
    wrong = [(label, got, want, severity) for _, label, got, want, severity in items if got != want]
    if not wrong:
        return CheckResult(Check.SETTINGS, PASS, "settings.ok", "The lobby settings are correct.", info)
    verdict = worst(severity for *_, severity in wrong)
    parts = [f"{label} was {got or 'not recorded'} (must be {want})" for label, got, want, _ in wrong]
    code = "settings.wrong" if verdict is FAIL else "settings.privacy"
    return CheckResult(Check.SETTINGS, verdict, code, "Wrong lobby settings: " + "; ".join(parts) + ".", info)


def check_time(
    summary: ReplaySummary, created_at: datetime, uploaded_at: datetime, slack: timedelta = SLACK
) -> CheckResult:
    """Played between match creation and upload, give or take ``slack``. The replay's clock is the
    uploader's PC clock: a game "from the future" goes to an admin; one started before the match fails."""
    started = summary.date - timedelta(seconds=summary.real_length_s)
    info = {"started": started.isoformat(), "ended": summary.date.isoformat(), "slack_s": slack.total_seconds()}
    if started < created_at - slack:
        minutes = round((created_at - started).total_seconds() / 60)
        msg = f"The game started {minutes} minutes before this match was created."
        return CheckResult(Check.TIME, FAIL, "time.before_match", msg, info)
    if summary.date > uploaded_at + slack:
        minutes = round((summary.date - uploaded_at).total_seconds() / 60)
        msg = f"The replay says it ended {minutes} minutes after it was uploaded; a computer clock may be wrong."
        return CheckResult(Check.TIME, ADMIN, "time.after_upload", msg, info)
    return CheckResult(Check.TIME, PASS, "time.ok", "The game was played during the match.", info)


def verify_replay(
    summary: ReplaySummary,
    match: ExpectedMatch,
    *,
    mod: OfficialMod | None,
    race_aliases: Mapping[str, RaceCode],
    uploaded_at: datetime,
    rules: LobbyRules = LobbyRules(),
) -> Verdict:
    """Every check of ``summary`` against ``match``; ``mod`` is the release in force on its date."""
    checks = (
        check_map(summary, match.map),
        check_mod(summary, mod),
        check_players(summary, match),
        check_races(summary, match, race_aliases),
        check_result(summary, match, race_aliases),
        check_settings(summary, rules),
        check_time(summary, match.created_at, uploaded_at),
    )
    return Verdict(checks, derive_winner(summary, match, race_aliases))


def inspect_verdicts(
    summary: ReplaySummary,
    known_maps: Sequence[ExpectedMap],
    mod_releases: Sequence[OfficialMod],
    rules: LobbyRules = LobbyRules(),
) -> Inspection:
    """Without a match: ladder map or not, mod official/fake/unknown, settings. A replay matching an
    official release other than the one in force on its date is official, with a warning."""
    by_hash = [m for m in known_maps if m.content_hash and m.content_hash.lower() == summary.map_hash]
    found = next(iter(by_hash or [m for m in known_maps if m.shown_as(summary.map_name)]), None)
    info = {"replay_map": summary.map_name, "replay_hash": summary.map_hash}
    unknown = CheckResult(Check.MAP, FAIL, "map.unknown", f"{summary.map_name} is not a ladder map.", info)
    map_check = unknown if found is None else check_map(summary, found)
    in_force = select_mod_release(mod_releases, summary.date)
    mod_check = check_mod(summary, in_force)
    status = assess_mod(summary, in_force).status if in_force else ModStatus.UNKNOWN
    release = in_force.release if in_force and status is ModStatus.OFFICIAL else None
    other = None if status is ModStatus.OFFICIAL else matching_release(summary, mod_releases)
    if other is not None:
        msg = f"The official {other.name} release {other.release} was used, not the one in force then."
        mod_check = CheckResult(Check.MOD, WARN, "mod.other_release", msg, assess_mod(summary, other).details)
        status, release = ModStatus.OFFICIAL, other.release
    elif status is not ModStatus.OFFICIAL and any(
        assess_mod(summary, m).status is ModStatus.FAKE for m in mod_releases
    ):
        # Only a replay that matches no release is judged against the others: an official copy of
        # the release in force is necessarily "fake" when compared with any other release's chain.
        status = ModStatus.FAKE
    map_name = found.name if found is not None and map_check.verdict is not FAIL else None
    return Inspection(map_name, status, release, (map_check, mod_check, check_settings(summary, rules)))


def _evidence(player: ReplayPlayer, expected: ExpectedPlayer) -> str | None:
    name = normalize(player.name)
    found = (
        ("toon", player.toon_handle is not None and player.toon_handle in expected.toon_handles),
        ("name", name in {normalize(n) for n in expected.names}),
        ("alt_name", name in {normalize(n) for n in expected.alt_names}),
    )
    return next((kind for kind, ok in found if ok), None)


def _score(evidence: tuple[str | None, str | None]) -> int:
    return sum({"toon": 3, "name": 2, "alt_name": 1}.get(e or "", 0) for e in evidence)
