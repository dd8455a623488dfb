"""Web test helpers: seed a ladder through the services; an httpx client over the ASGI app."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from evoladder.app import Ladder
from evoladder.clock import ManualClock
from evoladder.domain.ids import PlayerId
from evoladder.services.matches import MatchRequest
from evoladder.services.players import SetupInput
from evoladder.web import WebOptions, create_app


@dataclass(frozen=True)
class Seeded:
    """Who is in the seeded ladder: Discord ids, BattleTags and usernames must never be published."""

    ids: tuple[PlayerId, ...]
    names: tuple[str, ...]
    battletags: tuple[str, ...]
    usernames: tuple[str, ...]
    matches: tuple[int, ...]

    def secrets(self) -> list[str]:
        return [*map(str, self.ids), *self.battletags, *self.usernames]


# Realistic Discord snowflakes, so "the id is not in the body" is a meaningful check.
IDS = (PlayerId(310000000000000001), PlayerId(310000000000000002), PlayerId(310000000000000003),
       PlayerId(310000000000000004))  # fmt: skip
PROFILE = (("Alpha", "KR", "KRJ"), ("Bravo", "DE", "EUW"), ("Charlie", "KR", "KRJ"), ("Delta", "US", "NAE"))


async def play(ladder: Ladder, key: str, p1: PlayerId, r1: str, p2: PlayerId, r2: str, result: int) -> int:
    m = await ladder.matches.create(MatchRequest(p1, r1, p2, r2, "Khione SEL", None, key))
    await ladder.matches.confirm(m.id, p1)
    await ladder.matches.confirm(m.id, p2)
    await ladder.matches.report(m.id, p1, result)
    await ladder.matches.report(m.id, p2, result)
    return m.id


async def seed(ladder: Ladder, clock: ManualClock) -> Seeded:
    names, tags, users = [], [], []
    for pid, (name, country, region) in zip(IDS, PROFILE, strict=True):
        user, tag = f"discorduser{name.lower()}", f"{name}#{4000 + IDS.index(pid)}"
        await ladder.players.ensure(pid, user)
        await ladder.players.accept_tos(pid)
        await ladder.players.complete_setup(pid, SetupInput(name, tag, country, region))
        names.append(name)
        tags.append(tag)
        users.append(user)
    a, b, c, d = IDS
    played = []
    for i, (p1, r1, p2, r2, result) in enumerate(
        [
            (a, "bw_zerg", b, "sc2_terran", 1),
            (a, "bw_zerg", b, "sc2_terran", 1),
            (b, "bw_protoss", a, "sc2_zerg", 0),
            (a, "bw_zerg", c, "sc2_protoss", 2),
            (c, "bw_terran", d, "sc2_terran", 1),
        ]
    ):
        clock.advance(minutes=30)
        played.append(await play(ladder, f"seed{i}", p1, r1, p2, r2, result))
    return Seeded(IDS, tuple(names), tuple(tags), tuple(users), tuple(played))


def client_for(ladder: Ladder, options: WebOptions | None = None) -> httpx.AsyncClient:
    app = create_app(ladder, options or WebOptions(expect_replay_workers=False))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ladder.test")
