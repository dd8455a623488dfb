"""ReplaySummary crosses process boundaries and is stored: its JSON form must round-trip exactly
and refuse malformed input."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from evoladder.domain.replay import (
    CacheHandle,
    PlayerResult,
    ReplayPlayer,
    ReplaySummary,
    ReplayUnreadable,
)
from evoladder.workers.parse import parse_replay_bytes

HASH = "a" * 64


def summary() -> ReplaySummary:
    return ReplaySummary(
        map_name="[SC:Evo] Sylphid (실피드)",
        cache_handles=(CacheHandle("eu", "b" * 64, "s2ma"), CacheHandle("eu", HASH, "s2ma")),
        players=(
            ReplayPlayer("스타", "2-S2-1-1", "스1 저그", "Zerg", PlayerResult.WIN, True, 1),
            ReplayPlayer("Bob", None, "Terran", "Random", PlayerResult.LOSS, True, None),
        ),
        observers=("Caster",),
        game_length_s=600,
        real_length_s=600,
        build=95299,
        base_build=95299,
        release="5.0.15.95299",
        region="eu",
        date=datetime(2025, 11, 3, 22, 0, tzinfo=UTC),
        speed="Faster",
        privacy=None,
        duration="Infinite",
        locked_alliances="Yes",
        game_type="1v1",
        category="Private",
        file_sha256="c" * 64,
    )


def test_round_trips_through_json() -> None:
    original = summary()
    text = json.dumps(original.to_dict(), ensure_ascii=False)
    assert ReplaySummary.from_dict(json.loads(text)) == original


@pytest.mark.shared
def test_round_trips_real_replays(shared_dir: Path) -> None:
    for path in sorted((shared_dir / "fixtures" / "replays").glob("*/*.SC2Replay")):
        parsed = parse_replay_bytes(path.read_bytes())
        assert ReplaySummary.from_dict(json.loads(json.dumps(parsed.to_dict()))) == parsed


def test_map_hash_is_the_last_cache_handle() -> None:
    assert summary().map_hash == HASH
    assert summary().to_dict()["map_hash"] == HASH
    assert replace(summary(), cache_handles=()).map_hash is None


def test_date_must_be_aware_and_is_kept_in_utc() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(summary(), date=datetime(2025, 1, 1))
    shifted = replace(summary(), date=datetime(2025, 11, 4, 7, 0, tzinfo=timezone(timedelta(hours=9))))
    assert shifted.date == datetime(2025, 11, 3, 22, 0, tzinfo=UTC)
    assert shifted.date.tzinfo is UTC


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("schema", 99, "schema"),
        ("build", "95299", "build"),
        ("build", True, "build"),
        ("date", "yesterday", "date"),
        ("date", "2025-11-03T22:00:00", "timezone-aware"),
        ("players", [{"name": "x"}], "result"),
        ("cache_handles", [["eu", HASH]], "cache handle"),
        ("observers", [1], "observers"),
        ("speed", 4, "speed"),
    ],
)
def test_from_dict_rejects_malformed_data(field: str, value: Any, message: str) -> None:
    data = summary().to_dict()
    data[field] = value
    with pytest.raises(ValueError, match=message):
        ReplaySummary.from_dict(data)


def test_cache_handle_urls() -> None:
    url = f"https://us-s2-depot.classic.blizzard.com/{HASH}.s2ma"
    handle = CacheHandle.from_url(url)
    assert handle == CacheHandle("us", HASH, "s2ma")
    assert handle.url == url
    assert CacheHandle("cn", HASH, "s2ma").url.startswith("https://cn-s2-depot.battlenet.com.cn/")
    with pytest.raises(ValueError, match="depot URL"):
        CacheHandle.from_url("https://example.com/file.s2ma")


def test_unreadable_error_carries_a_code_and_pickles() -> None:
    error = ReplayUnreadable("not an MPQ archive")
    assert error.code == "replay_unreadable"
    assert error.params == {"reason": "not an MPQ archive"}
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, ReplayUnreadable)
    assert again.reason == "not an MPQ archive"
