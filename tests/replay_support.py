"""A test data pack under which a real sc2reader 1v1 replay verifies, and helpers to play its match.

The fixture replay ``sc2/b39576_312.SC2Replay`` (Ruins of Seras, us depot, 2015-12-16, OneScotch
playing Terran beats BluBird playing Zerg, lobby Faster / Normal / Infinite / locked alliances) is a
plain StarCraft II game, so under the real pack it fails map, mod and race checks. The test pack is a
copy of the bundled pack with the fewest edits that make it a valid ladder game, and no change to
any check or to ``LobbyRules`` (this replay's lobby settings already pass):

- ``seasons.toml``: "Ruins of Seras" joins the current season's pool, with the replay's last cache
  handle as its content hash (so the map check passes by hash, not only by name);
- ``mods.toml``: a release "sc2-test", in force from 2015-01-01, whose chain in every game region is
  the one handle of this replay that is neither Blizzard's standard data nor the map or its
  dependency; the replay then shows "exactly the official chain" (the real release still takes
  over from 2025-11-01, so the evo fixtures are judged as before);
- ``races.toml``: the alias "Zerg" moves from SC2 Zerg to BW Zerg, so the game is one BW race
  against one SC2 race, as every ladder match is.

The players are set up with the replay's names (OneScotch, BluBird), which links them by name; their
toon handles are then learnt from the verified replay.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from evoladder.app import Ladder
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match
from evoladder.services.matches import MatchRequest
from evoladder.services.players import SetupInput

REPLAY = "sc2/b39576_312.SC2Replay"
MAP_NAME = "Ruins of Seras"
MAP_HASH = "6d52301b15f3ed06e88ec1df97594aef832b71ca98bfdc19c3870465ce9fba0d"
CHAIN_HASH = "452129b93bf14e14926762857edd537d3d7e2cbfb45fe8f2f1ae4f488bfddcbc"
WINNER_TOON, LOSER_TOON = "1-S2-1-3286749", "1-S2-1-4475677"
MATCH_CREATED = datetime(2015, 12, 16, 0, 20, tzinfo=UTC)
"""The game started at 00:26:38 and ended at 00:35:10 UTC."""
UPLOADED = datetime(2015, 12, 16, 0, 40, tzinfo=UTC)

_MAP_BLOCK = f"""
[[seasons.maps]]
name = "{MAP_NAME}"
short_name = "Ruins of Seras"
author = "Blizzard Entertainment"
game = "sc2"
links = {{ AM = "battlenet:://starcraft/map/1/900001", EU = "battlenet:://starcraft/map/2/900001", \
AS = "battlenet:://starcraft/map/3/900001" }}
content_hash = "{MAP_HASH}"

"""

_RELEASE_BLOCK = "\n".join(
    [
        "[[releases]]",
        'label = "sc2-test"',
        "effective = 2015-01-01",
        'name = "SC: Evo Complete"',
        'author = "SCEvoDev"',
        *(
            f'\n[releases.regions.{code}]\nlink = "battlenet:://starcraft/map/{n}/900002"\n'
            f'handles = ["{CHAIN_HASH}.s2ma"]'
            for code, n in (("AM", 1), ("EU", 2), ("AS", 3))
        ),
        "",
        "",
    ]
)


def build_test_pack(dest: Path) -> Path:
    """Copy the bundled pack to ``dest`` and apply the edits the module docstring lists."""
    source = resources.files("evoladder.datapack").joinpath("packs", "evo_complete")
    with resources.as_file(source) as folder:
        shutil.copytree(folder, dest)
    seasons = (dest / "seasons.toml").read_text(encoding="utf-8")
    marker = '[[seasons]]\ncode = "season_beta"'
    assert marker in seasons
    (dest / "seasons.toml").write_text(seasons.replace(marker, _MAP_BLOCK.lstrip("\n") + marker), encoding="utf-8")
    mods = (dest / "mods.toml").read_text(encoding="utf-8")
    first = mods.index("[[releases]]")
    (dest / "mods.toml").write_text(mods[:first] + _RELEASE_BLOCK + mods[first:], encoding="utf-8")
    races = (dest / "races.toml").read_text(encoding="utf-8")
    races = races.replace('aliases = ["Zerg", "저그"', 'aliases = ["저그"')
    races = races.replace('aliases = ["BW Zerg",', 'aliases = ["Zerg", "BW Zerg",')
    (dest / "races.toml").write_text(races, encoding="utf-8")
    return dest


async def setup_named(ladder: Ladder, pid: int, name: str, region: str = "NAE") -> PlayerId:
    await ladder.players.ensure(pid, f"user{pid}")
    await ladder.players.accept_tos(PlayerId(pid))
    await ladder.players.complete_setup(PlayerId(pid), SetupInput(name, f"{name}#{1000 + pid}", "US", region))
    return PlayerId(pid)


async def replay_match(ladder: Ladder, p1: int, p2: int, key: str = "replay-match") -> Match:
    """An in-progress match for the fixture: ``p1`` (OneScotch, SC2 Terran) v ``p2`` (BluBird, BW Zerg)."""
    m = await ladder.matches.create(
        MatchRequest(PlayerId(p1), "sc2_terran", PlayerId(p2), "bw_zerg", MAP_NAME, None, key)
    )
    await ladder.matches.confirm(m.id, PlayerId(p1))
    return await ladder.matches.confirm(m.id, PlayerId(p2))
