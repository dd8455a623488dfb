"""Replay bytes -> ``ReplaySummary``, with sc2reader, in the calling process.

Load level: sc2reader reads a replay in levels (0 header, 1 details/initData/attributes,
2 + chat and the player objects, 3 tracker events, 4 game events). Everything the summary needs is
in level 1's raw data, but sc2reader only builds players (slot order, observers vs participants,
toon handles, results) at level 2, which adds just the small ``replay.message.events`` member.
Measured on the 80 fixtures (``bench/bench_parse.py``, p50 evo/sc2): level 1 2.3/1.4 ms, level 2
2.3/1.4 ms, level 3 3.7/2.8 ms (mean 9 ms on long sc2 games). Level 2 costs nothing measurable over
level 1, so we use it and let sc2reader's own player logic do that work.

We construct ``sc2reader.resources.Replay`` directly rather than via ``sc2reader.load_replay``: the
package-level factory may be swapped for a caching one through ``SC2READER_CACHE_DIR`` and
resolves string sources as paths or URLs; a ``Replay`` built from an in-memory buffer with
``load_map=False`` reads nothing but those bytes. ``engine=None`` skips sc2reader's event engine,
whose plugins only act on tracker/game events that level 2 does not load.

Where each field lives (checked against all fixtures, builds 16291 to 95299):
    map name            replay.details ``map_name``
    cache handles       replay.initData ``game_description.cache_handles`` (same list as details');
                        the map file is the last one, Blizzard's standard data come first
    players, results    replay.players (details + initData lobby slots), slot order;
                        ``play_race`` is the localized race actually played, ``pick_race`` the lobby's
    observers           replay.observers
    lobby settings      replay.attributes[16]: 'Game Speed', 'Game Privacy' ('Normal' or
                        'No Match History'), 'Game Duration' ('Infinite'), 'Locked Alliances'
                        ('Yes'), 'Teams' ('1v1'), 'Game Mode' ('Private', 'Ladder'); privacy and
                        duration are absent before patches 2.0 and 3.0
    date                replay.date = end of game, UTC, from details ``file_time``
    region              first cache handle's depot ('sg' reported as 'sea')
"""

from __future__ import annotations

import io
import logging
from typing import Any

from sc2reader.resources import Replay

from evoladder.domain.replay import CacheHandle, PlayerResult, ReplayPlayer, ReplaySummary, ReplayUnreadable
from evoladder.workers.mpq_guard import check_archive

LOAD_LEVEL = 2
MAX_REPLAY_BYTES = 16 << 20
"""Real 1v1 replays are 20 KB to ~2 MB; anything bigger is refused before sc2reader sees it."""

# sc2reader logs a warning for every oddity in a file; garbage uploads would flood our logs.
logging.getLogger("sc2reader").setLevel(logging.CRITICAL)

_RESULTS = {"Win": PlayerResult.WIN, "Loss": PlayerResult.LOSS, "Tie": PlayerResult.TIE}


def parse_replay_bytes(data: bytes, *, max_bytes: int = MAX_REPLAY_BYTES) -> ReplaySummary:
    """Read a replay's summary from its bytes.

    Pure apart from CPU and memory: no files, no network. Raises ``ReplayUnreadable`` (with a short
    reason safe to show a user) for anything sc2reader cannot read, for non-SC2 archives, for files
    over ``max_bytes`` and for archives whose members would inflate implausibly.
    """
    if not data:
        raise ReplayUnreadable("the file is empty")
    if len(data) > max_bytes:
        raise ReplayUnreadable(f"the file is larger than {max_bytes >> 20} MiB")
    payload = bytes(data)
    check_archive(payload)
    try:
        replay = Replay(io.BytesIO(payload), load_level=LOAD_LEVEL, engine=None, load_map=False, debug=False)
    except MemoryError:
        raise ReplayUnreadable("the file needs too much memory to read") from None
    except RecursionError:
        raise ReplayUnreadable("the file's data is nested too deeply") from None
    except Exception as exc:
        raise ReplayUnreadable(f"sc2reader could not decode it ({type(exc).__name__})") from None
    try:
        return _summarize(replay)
    except ReplayUnreadable:
        raise
    except Exception as exc:
        raise ReplayUnreadable(f"the replay lacks expected data ({type(exc).__name__})") from None


def _summarize(replay: Any) -> ReplaySummary:
    raw = replay.raw_data
    init = raw.get("replay.initData") or raw.get("replay.initData.backup")
    details = raw.get("replay.details") or raw.get("replay.details.backup")
    if not init or not details:
        raise ReplayUnreadable("the replay has no game description")
    handles = init["game_description"].get("cache_handles") or details.get("cache_handles") or ()
    players = tuple(_player(p) for p in replay.players)
    if not players:
        raise ReplayUnreadable("the replay has no players")
    lobby = replay.attributes.get(16, {})
    return ReplaySummary(
        map_name=_text(details["map_name"]),
        cache_handles=tuple(
            CacheHandle(server=_text(h.server), hash=_text(h.hash), ext=_text(h.type).strip("\x00 ")) for h in handles
        ),
        players=players,
        observers=tuple(_text(o.name) for o in replay.observers),
        game_length_s=int(replay.game_length.seconds),
        real_length_s=int(replay.real_length.seconds),
        build=int(replay.build),
        base_build=int(replay.base_build),
        release=_text(replay.release_string),
        region=_text(replay.region),
        date=replay.date,
        speed=_opt_text(lobby.get("Game Speed")),
        privacy=_opt_text(lobby.get("Game Privacy")),
        duration=_opt_text(lobby.get("Game Duration")),
        locked_alliances=_opt_text(lobby.get("Locked Alliances")),
        game_type=_text(lobby.get("Teams") or replay.game_type or ""),
        category=_text(lobby.get("Game Mode") or replay.category or ""),
        file_sha256=_text(replay.filehash),
    )


def _player(p: Any) -> ReplayPlayer:
    team = getattr(p, "team_id", None)
    return ReplayPlayer(
        name=_text(p.name),
        toon_handle=_opt_text(getattr(p, "toon_handle", None)),
        race=_text(p.play_race),
        picked_race=_opt_text(getattr(p, "pick_race", None)),
        result=_RESULTS.get(getattr(p, "result", None) or "", PlayerResult.UNKNOWN),
        is_human=bool(p.is_human),
        team=team if isinstance(team, int) and not isinstance(team, bool) else None,
    )


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _opt_text(value: object) -> str | None:
    return None if value is None else _text(value)
