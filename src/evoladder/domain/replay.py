"""What a replay says, as plain values: the contract between the parser worker and everything else.

Why a value of our own instead of sc2reader's objects: sc2reader's replay is large, tied to one
library version and partly unpicklable, while verification, storage and the front-ends need about
twenty facts. The summary holds exactly those, in plain types, and round-trips through JSON
(``to_dict``/``from_dict``) because it crosses a process boundary and is stored with the replay.

Strings are kept exactly as the replay writes them (race names may be localized, e.g. ``스1 저그``);
interpreting them is verification's job, with data the caller supplies. The one interpretation
kept here is ``assess_mod``: which official mod release (if any) the replay's file list shows,
a fact about the replay alone that both match verification and ``inspect`` use.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from evoladder.domain.errors import LadderError

SUMMARY_SCHEMA = 1
"""Version of the ``to_dict`` layout; bump it (and teach ``from_dict`` the old one) on any change."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DEPOT_URL = re.compile(r"(?:https?://)?([a-z0-9]+)-s2-depot\.[a-z0-9.-]+/([0-9a-f]{64})\.([a-z0-9]{2,8})")


class ReplayUnreadable(LadderError):
    """The bytes are not a replay sc2reader can read (garbage, truncated, too large, not SC2).

    Deterministic for given bytes: retrying the same file gives the same answer.
    """

    code = "replay_unreadable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"This file is not a readable StarCraft II replay ({reason}).", reason=reason)
        self.reason = reason

    def __reduce__(self) -> tuple[type[ReplayUnreadable], tuple[str]]:
        return (type(self), (self.reason,))


class PlayerResult(StrEnum):
    """A player's result as the replay records it."""

    WIN = "Win"
    LOSS = "Loss"
    TIE = "Tie"
    UNKNOWN = "Unknown"


@dataclass(frozen=True, slots=True)
class CacheHandle:
    """One file the game loaded for this replay, as named in the replay's dependency list.

    ``server`` is the depot label the replay gives (``us``, ``eu``, ``kr``, ``sg``, ``cn``; ``xx`` on
    the public test realm); ``hash`` is the file's SHA-256 (for Blizzard's standard data, the hash
    of its name); ``ext`` is ``s2ma`` for maps and mods.
    """

    server: str
    hash: str
    ext: str

    @property
    def url(self) -> str:
        """The battle.net depot URL the game would download this file from."""
        if self.server == "cn":
            return f"https://cn-s2-depot.battlenet.com.cn/{self.hash}.{self.ext}"
        return f"https://{self.server}-s2-depot.classic.blizzard.com/{self.hash}.{self.ext}"

    @classmethod
    def from_url(cls, url: str) -> CacheHandle:
        """Parse ``https://<server>-s2-depot.<domain>/<sha256>.<ext>``; raises ``ValueError``."""
        match = _DEPOT_URL.fullmatch(url.strip().lower())
        if match is None:
            raise ValueError(f"not a battle.net depot URL: {url!r}")
        return cls(server=match.group(1), hash=match.group(2), ext=match.group(3))


@dataclass(frozen=True, slots=True)
class ReplayPlayer:
    """One non-observer slot of the game, in the replay's slot order.

    ``race`` is the race actually played, exactly as the replay names it (``BW Zerg``, ``Terran``,
    ``스1 저그``...). ``picked_race`` is the lobby choice (``Zerg``, ``Random``...), kept for admins.
    ``toon_handle`` (``2-S2-1-5450450``) is absent in replays older than patch 1.2.
    """

    name: str
    toon_handle: str | None
    race: str
    picked_race: str | None
    result: PlayerResult
    is_human: bool
    team: int | None


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    """Everything verification, storage and display need from one replay.

    Lobby settings (``speed``, ``privacy``, ``duration``, ``locked_alliances``) are the English
    values of the replay's global lobby attributes (``Faster``, ``Normal``/``No Match History``,
    ``Infinite``, ``Yes``), or ``None`` when the replay predates the setting.
    ``game_length_s`` is the length as sc2reader reports it (real seconds since LotV, game seconds
    before); ``real_length_s`` is wall-clock seconds. ``date`` is when the game ended, in UTC.
    """

    map_name: str
    cache_handles: tuple[CacheHandle, ...]
    players: tuple[ReplayPlayer, ...]
    observers: tuple[str, ...]
    game_length_s: int
    real_length_s: int
    build: int
    base_build: int
    release: str
    region: str
    date: datetime
    speed: str | None
    privacy: str | None
    duration: str | None
    locked_alliances: str | None
    game_type: str
    category: str
    file_sha256: str

    def __post_init__(self) -> None:
        if self.date.tzinfo is None or self.date.utcoffset() is None:
            raise ValueError("ReplaySummary.date must be timezone-aware")
        if self.date.tzinfo is not UTC:
            object.__setattr__(self, "date", self.date.astimezone(UTC))

    @property
    def map_hash(self) -> str | None:
        """The map file's content hash: the replay's last cache handle (the map loads last)."""
        return self.cache_handles[-1].hash if self.cache_handles else None

    @property
    def humans(self) -> tuple[ReplayPlayer, ...]:
        """The human players, in slot order."""
        return tuple(p for p in self.players if p.is_human)

    @property
    def is_infinite(self) -> bool:
        """Whether the lobby's game duration setting was ``Infinite`` (no time limit)."""
        return self.duration == "Infinite"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form; ``map_hash`` is included for readers and ignored on the way back."""
        return {
            "schema": SUMMARY_SCHEMA,
            "map_name": self.map_name,
            "map_hash": self.map_hash,
            "cache_handles": [[h.server, h.hash, h.ext] for h in self.cache_handles],
            "players": [
                {
                    "name": p.name,
                    "toon_handle": p.toon_handle,
                    "race": p.race,
                    "picked_race": p.picked_race,
                    "result": p.result.value,
                    "is_human": p.is_human,
                    "team": p.team,
                }
                for p in self.players
            ],
            "observers": list(self.observers),
            "game_length_s": self.game_length_s,
            "real_length_s": self.real_length_s,
            "build": self.build,
            "base_build": self.base_build,
            "release": self.release,
            "region": self.region,
            "date": self.date.isoformat(),
            "speed": self.speed,
            "privacy": self.privacy,
            "duration": self.duration,
            "locked_alliances": self.locked_alliances,
            "game_type": self.game_type,
            "category": self.category,
            "file_sha256": self.file_sha256,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReplaySummary:
        """Rebuild from ``to_dict`` output. Raises ``ValueError`` naming the first bad field."""
        if data.get("schema") != SUMMARY_SCHEMA:
            raise ValueError(f"unsupported replay summary schema: {data.get('schema')!r}")
        handles = []
        for item in _get(data, "cache_handles", list):
            if not (isinstance(item, list | tuple) and len(item) == 3 and all(isinstance(x, str) for x in item)):
                raise ValueError(f"bad cache handle: {item!r}")
            handles.append(CacheHandle(server=item[0], hash=item[1], ext=item[2]))
        players = tuple(_player_from_dict(p) for p in _get(data, "players", list))
        observers = _get(data, "observers", list)
        if not all(isinstance(o, str) for o in observers):
            raise ValueError("bad field 'observers': expected a list of names")
        try:
            date = datetime.fromisoformat(_get(data, "date", str))
        except ValueError as exc:
            raise ValueError(f"bad field 'date': {exc}") from None
        return cls(
            map_name=_get(data, "map_name", str),
            cache_handles=tuple(handles),
            players=players,
            observers=tuple(observers),
            game_length_s=_get(data, "game_length_s", int),
            real_length_s=_get(data, "real_length_s", int),
            build=_get(data, "build", int),
            base_build=_get(data, "base_build", int),
            release=_get(data, "release", str),
            region=_get(data, "region", str),
            date=date,
            speed=_opt(data, "speed"),
            privacy=_opt(data, "privacy"),
            duration=_opt(data, "duration"),
            locked_alliances=_opt(data, "locked_alliances"),
            game_type=_get(data, "game_type", str),
            category=_get(data, "category", str),
            file_sha256=_get(data, "file_sha256", str),
        )


STANDARD_DATA_HASHES = frozenset(
    hashlib.sha256(f"Standard Data: {name}.SC2Mod".encode()).hexdigest()
    for name in ("Core", "Liberty", "Swarm", "Void", "LibertyMulti", "SwarmMulti", "VoidMulti")
)
"""Blizzard's standard data are named by the hash of their name, so they are recognisable purely."""


class ModStatus(StrEnum):
    OFFICIAL = "official"
    FAKE = "fake"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OfficialMod:
    """One official release of the mod: the ordered file chain and optional art mods per depot.

    ``chains`` and ``art_mods`` are keyed by the depot label cache handles use (``us``, ``eu``,
    ``kr``: the AM, EU and AS depots). ``known_dependencies`` are further handles known to be
    legitimate. ``max_unlisted_before``/``_after``: see ``assess_mod``.
    """

    name: str
    release: str
    chains: Mapping[str, tuple[str, ...]]
    art_mods: Mapping[str, frozenset[str]] = field(default_factory=dict)
    known_dependencies: frozenset[str] = frozenset()
    in_force_from: datetime | None = None
    max_unlisted_before: int = 1
    max_unlisted_after: int = 1


@dataclass(frozen=True)
class ModAssessment:
    """``reason``: ``official``, ``no_reference`` (no chain for the depot), ``missing`` (not this
    mod at all), ``chain_modified`` or ``extra_files`` (a modified or fake copy)."""

    status: ModStatus
    reason: str
    details: Mapping[str, Any]


def assess_mod(summary: ReplaySummary, mod: OfficialMod) -> ModAssessment:
    """Whether the replay's files are exactly ``mod``'s official chain plus what may accompany it.

    On every official fixture the ordered handles read: Blizzard's standard data, the official
    chain (contiguous, in order), the map's own dependency, optional art mods, the map file last.
    The only handles no release names are the patch's multiplayer data just before the chain and
    the map's dependency just after it; both vary (by patch, by map), so ``max_unlisted_before`` and
    ``max_unlisted_after`` (1 each) allow them. Fake copies add a handle after the chain: too many.
    """
    hashes = [h.hash for h in summary.cache_handles]
    servers = sorted({h.server for h in summary.cache_handles})
    info: dict[str, Any] = {"mod": mod.name, "release": mod.release, "depots": servers}
    chain = mod.chains.get(servers[0]) if len(servers) == 1 else None
    if len(servers) == 1 and chain is None:
        return ModAssessment(ModStatus.UNKNOWN, "no_reference", info)
    if chain is None or not set(chain) & set(hashes):
        return ModAssessment(ModStatus.UNKNOWN, "missing", info)
    start = hashes.index(chain[0]) if chain[0] in hashes else -1
    end = start + len(chain)
    if start < 0 or hashes[start:end] != list(chain) or end >= len(hashes):
        info["missing"] = [h for h in chain if h not in hashes]
        return ModAssessment(ModStatus.FAKE, "chain_modified", info)
    known = STANDARD_DATA_HASHES | mod.known_dependencies
    art = mod.art_mods.get(servers[0], frozenset())
    before = [h for h in hashes[:start] if h not in known]
    after = [h for h in hashes[end:-1] if h not in known and h not in art]
    info["art_mods"] = [h for h in hashes[end:-1] if h in art]
    if len(before) > mod.max_unlisted_before or len(after) > mod.max_unlisted_after or len(set(hashes)) < len(hashes):
        info["unlisted"] = before + after
        return ModAssessment(ModStatus.FAKE, "extra_files", info)
    return ModAssessment(ModStatus.OFFICIAL, "official", info)


def select_mod_release(releases: Iterable[OfficialMod], at: datetime) -> OfficialMod | None:
    """The release in force at ``at``: the latest one not starting after it (no start = always)."""
    floor = datetime.min.replace(tzinfo=at.tzinfo)
    candidates = [m for m in releases if m.in_force_from is None or m.in_force_from <= at]
    return max(candidates, key=lambda m: m.in_force_from or floor, default=None)


def matching_release(summary: ReplaySummary, releases: Iterable[OfficialMod]) -> OfficialMod | None:
    """The first release whose files the replay shows exactly (tells an outdated official copy from
    a fake when the release in force does not match)."""
    return next((m for m in releases if assess_mod(summary, m).status is ModStatus.OFFICIAL), None)


def is_sha256_hex(value: str) -> bool:
    """Whether ``value`` looks like a lowercase SHA-256 hex digest (the form cache handles use)."""
    return _HEX64.fullmatch(value) is not None


def _get(data: Mapping[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    # bool is an int subclass; a stored True must never pass for a build number.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"bad field {key!r}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _opt(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"bad field {key!r}: expected a string or null")
    return value


def _player_from_dict(data: Any) -> ReplayPlayer:
    if not isinstance(data, Mapping):
        raise ValueError(f"bad player entry: {data!r}")
    team = data.get("team")
    if team is not None and (not isinstance(team, int) or isinstance(team, bool)):
        raise ValueError("bad field 'team': expected an integer or null")
    try:
        result = PlayerResult(_get(data, "result", str))
    except ValueError:
        raise ValueError(f"bad field 'result': {data.get('result')!r}") from None
    return ReplayPlayer(
        name=_get(data, "name", str),
        toon_handle=_opt(data, "toon_handle"),
        race=_get(data, "race", str),
        picked_race=_opt(data, "picked_race"),
        result=result,
        is_human=_get(data, "is_human", bool),
        team=team,
    )
