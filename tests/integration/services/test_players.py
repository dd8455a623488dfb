"""Player service on SQLite and PostgreSQL: first contact, Terms, setup, profile edits."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from evoladder.app import Ladder
from evoladder.domain.errors import Forbidden, InvalidInput, NotFound
from evoladder.domain.ids import PlayerId
from evoladder.services.players import ProfileUpdate, SetupInput
from evoladder.store.tables import action_log, players, ratings

SETUP = SetupInput("Serral", "Serral#1234", "FI", "EUE", ("세랄이",), "en")


async def count(ladder: Ladder, table, *where) -> int:  # type: ignore[no-untyped-def]
    async with ladder.db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table).where(*where))).scalar() or 0)


async def test_first_contact_creates_once_even_concurrently(ladder: Ladder) -> None:
    results = await asyncio.gather(*[ladder.players.ensure(1001, "serral") for _ in range(20)])
    assert {p.id for p in results} == {1001}
    assert await count(ladder, players) == 1


async def test_username_refresh(ladder: Ladder) -> None:
    await ladder.players.ensure(1001, "old")
    p = await ladder.players.ensure(1001, "new")
    assert p.discord_username == "new"
    ladder.ctx.cache.forget(PlayerId(1001))
    assert (await ladder.players.get(PlayerId(1001))).discord_username == "new"


async def test_unknown_player_is_not_found(ladder: Ladder) -> None:
    with pytest.raises(NotFound):
        await ladder.players.get(PlayerId(4242))


async def test_tos_accept_decline_and_single_log(ladder: Ladder) -> None:
    await ladder.players.ensure(1001)
    await asyncio.gather(*[ladder.players.accept_tos(PlayerId(1001)) for _ in range(10)])
    assert (await ladder.players.get(PlayerId(1001))).tos_accepted
    assert await count(ladder, action_log, action_log.c.action == "tos_accepted") == 1
    declined = await ladder.players.accept_tos(PlayerId(1001), accepted=False)
    assert not declined.tos_accepted
    with pytest.raises(Forbidden) as exc:
        ladder.players.require_access(declined)
    assert exc.value.params["fix"] == "termsofservice"


async def test_setup_stores_profile_and_never_touches_ratings(ladder: Ladder) -> None:
    await ladder.players.ensure(1001)
    p = await ladder.players.complete_setup(PlayerId(1001), SETUP)
    assert (p.in_game_name, p.battletag, p.alt_names, p.country, p.region) == (
        "Serral",
        "Serral#1234",
        ("세랄이",),
        "FI",
        "EUE",
    )
    assert p.setup_completed
    assert await count(ladder, ratings) == 0
    ladder.ctx.cache.forget(PlayerId(1001))
    stored = await ladder.players.get(PlayerId(1001))
    assert stored.alt_names == ("세랄이",) and stored.setup_completed_at == p.setup_completed_at


async def test_identical_concurrent_setups_have_one_effect(ladder: Ladder) -> None:
    await ladder.players.ensure(1001)
    await asyncio.gather(*[ladder.players.complete_setup(PlayerId(1001), SETUP) for _ in range(15)])
    assert await count(ladder, action_log, action_log.c.action == "setup_completed") == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (SetupInput("Se", "Serral#1234", "FI", "EUE"), "in_game_name"),
        (SetupInput("Serral", "Serral", "FI", "EUE"), "battletag"),
        (SetupInput("Serral", "Serral#1234", "QQ", "EUE"), "country"),
        (SetupInput("Serral", "Serral#1234", "FI", "MARS"), "region"),
        (SetupInput("Serral", "Serral#1234", "FI", "EUE", ("SERRAL",)), "alt_name_1"),
        (SetupInput("Serral", "Serral#1234", "FI", "EUE", (), "klingon"), "language"),
    ],
)
async def test_bad_setup_changes_nothing(ladder: Ladder, data: SetupInput, field: str) -> None:
    before = await ladder.players.ensure(1001)
    with pytest.raises(InvalidInput) as exc:
        await ladder.players.complete_setup(PlayerId(1001), data)
    assert exc.value.field == field
    ladder.ctx.cache.forget(PlayerId(1001))
    assert await ladder.players.get(PlayerId(1001)) == before


async def test_update_keeps_unchanged_fields(ladder: Ladder) -> None:
    await ladder.players.ensure(1001)
    await ladder.players.complete_setup(PlayerId(1001), SETUP)
    p = await ladder.players.update_profile(PlayerId(1001), ProfileUpdate(battletag="Serral#9999"))
    assert p.battletag == "Serral#9999"
    assert (p.in_game_name, p.alt_names, p.country, p.region) == ("Serral", ("세랄이",), "FI", "EUE")


async def test_set_country_accepts_specials_and_logs(ladder: Ladder) -> None:
    await ladder.players.ensure(1001)
    assert (await ladder.players.set_country(PlayerId(1001), "xx")).country == "XX"
    assert (await ladder.players.set_country(PlayerId(1001), "ZZ")).country == "ZZ"
    assert await count(ladder, action_log, action_log.c.action == "country_changed") == 2
    with pytest.raises(InvalidInput):
        await ladder.players.set_country(PlayerId(1001), "Atlantis")


async def test_gates_name_the_fixing_command(ladder: Ladder) -> None:
    p = await ladder.players.ensure(1001)
    with pytest.raises(Forbidden) as exc:
        ladder.players.require_access(p)
    assert exc.value.params["fix"] == "termsofservice"
    p = await ladder.players.accept_tos(PlayerId(1001))
    with pytest.raises(Forbidden) as exc:
        ladder.players.require_access(p, setup=True)
    assert exc.value.params["fix"] == "setup"


async def test_profile_in_one_read(ladder: Ladder) -> None:
    await ladder.players.ensure(1001)
    prof = await ladder.players.profile(PlayerId(1001))
    assert prof.aborts_left == 3 and prof.ratings == {}
