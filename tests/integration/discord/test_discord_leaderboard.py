"""/leaderboard through the harness: pages, filters (reset to page 1), one live view per user, timeout."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import re
from datetime import UTC, datetime

import pytest

from discord_harness import BotHarness, FakeMessage, FakeUser
from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.presenters.leaderboard import DESCRIPTION_LIMIT, BoardState, board_embed, discord_len
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views import leaderboard as lb_view
from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard import BoardRow, Page
from evoladder.domain.ranks import Letter
from evoladder.i18n import Catalogs, Locale
from evoladder.services.matches import MatchRequest
from evoladder.services.players import SetupInput

RACES = ("bw_terran", "bw_zerg", "bw_protoss", "sc2_terran", "sc2_zerg", "sc2_protoss")
# 16 players; FJ and IS are outside the common list, ZZ is "Other" itself
COUNTRIES = ("KR", "KR", "DE", "US", "FR", "KR", "DE", "CN", "FJ", "IS", "ZZ", "US", "PL", "SE", "KR", "DE")
ROW = re.compile(r"^`#(\d+)`", re.M)


async def seed(h: BotHarness) -> list[PlayerId]:
    """16 set-up players and 48 matches: 96 ranked entries (3 pages), each player on six races."""
    pids = []
    for i, country in enumerate(COUNTRIES):
        user = h.user(f"user{i}")  # a real (fake) Discord user: the match cogs may DM them
        pid = PlayerId(user.id)
        await h.ladder.players.ensure(pid, user.username)
        await h.ladder.players.accept_tos(pid)
        await h.ladder.players.complete_setup(pid, SetupInput(f"Player{chr(65 + i)}", f"P{i}#1234", country, "EUW"))
        pids.append(pid)
    for k in range(6):
        for i in range(0, 16, 2):
            p, q = pids[i], pids[i + 1]
            m = await h.ladder.matches.create(
                MatchRequest(p, RACES[k], q, RACES[(k + 3) % 6], "Khione SEL", None, f"s{k}-{i}")
            )
            for pid in (p, q):
                await h.ladder.matches.confirm(m.id, pid)
            result = 1 if (i + k) % 3 else 2
            for pid in (p, q):
                await h.ladder.matches.report(m.id, pid, result)
    return pids


async def viewer(h: BotHarness, name: str = "viewer", locale: str = "en-US") -> FakeUser:
    user = h.user(name, locale=locale)
    await h.ladder.players.ensure(user.id, user.username)
    await h.ladder.players.accept_tos(PlayerId(user.id))
    return user


def positions(message: FakeMessage) -> list[int]:
    return [int(p) for p in ROW.findall(message.embeds[0]["description"])]


def footer(message: FakeMessage) -> str:
    return str(message.embeds[0]["footer"]["text"])


def label(message: FakeMessage, action: str) -> str:
    return str(message.component(f"evo:lb:{action}:")["label"])


async def test_pages_next_previous_and_page_select(h: BotHarness) -> None:
    await seed(h)
    alice = await viewer(h)
    opened = await h.slash(alice, "leaderboard")
    board = opened.message
    assert board is not None
    assert h.ladder.leaderboard.page().total_entries == 96
    assert positions(board) == list(range(1, 41)) and footer(board).startswith("Page 1 of 3 · 96 matching entries")
    assert board.component("evo:lb:prev:").get("disabled") is True
    assert "Player" in board.embeds[0]["description"] and "Z1" in board.embeds[0]["description"]
    pages = board.component("evo:lb:page:")
    assert [o["value"] for o in pages["options"]] == ["1", "2", "3"]

    nxt = await h.click(alice, board, "Next")
    assert nxt.message is not None and nxt.message.id == board.id  # the same message, edited
    assert positions(board) == list(range(41, 81)) and footer(board).startswith("Page 2 of 3")
    await h.select(alice, board, "evo:lb:page:", ["3"])
    assert positions(board) == list(range(81, 97)) and footer(board).startswith("Page 3 of 3")
    assert board.component("evo:lb:next:").get("disabled") is True
    await h.click(alice, board, "Previous")
    assert footer(board).startswith("Page 2 of 3")


async def test_filters_narrow_the_board_and_go_back_to_page_one(h: BotHarness) -> None:
    pids = await seed(h)
    alice = await viewer(h)
    board = (await h.slash(alice, "leaderboard")).message
    assert board is not None
    service = h.ladder.leaderboard

    await h.click(alice, board, "Next")
    await h.select(alice, board, "evo:lb:races:", ["bw_zerg", "sc2_zerg"])
    zergs = service.page(races=["bw_zerg", "sc2_zerg"])
    assert footer(board).startswith(f"Page 1 of 1 · {zergs.total_entries} matching entries")
    assert positions(board) == [r.position for r in zergs.rows]  # the global rank, not 1..n
    assert "Races: BW Zerg, SC2 Zerg" in board.embeds[0]["description"]
    assert {o["value"] for o in board.component("evo:lb:races:")["options"] if o.get("default")} == {
        "bw_zerg",
        "sc2_zerg",
    }
    await h.select(alice, board, "evo:lb:races:", [])  # all races again

    # countries: Korea in the first select, then "Other" (FJ, IS and ZZ) from the second one
    first = board.component("evo:lb:country0:")
    second = board.component("evo:lb:country1:")
    assert len(first["options"]) == 25 and len(second["options"]) == 25
    korea = "country0" if "KR" in {o["value"] for o in first["options"]} else "country1"
    other = "country0" if "ZZ" in {o["value"] for o in first["options"]} else "country1"
    await h.click(alice, board, "Next")
    await h.select(alice, board, f"evo:lb:{korea}:", ["KR"])
    korean = service.page(countries=["KR"])
    assert footer(board).startswith(f"Page 1 of 1 · {korean.total_entries} matching entries")
    assert korean.total_entries == 4 * 6
    await h.select(alice, board, f"evo:lb:{korea}:", [])
    await h.select(alice, board, f"evo:lb:{other}:", ["ZZ"])
    others = service.page(countries=["FJ", "IS", "ZZ"])
    assert others.total_entries == 3 * 6
    assert positions(board) == [r.position for r in others.rows]
    assert {r.player_id for r in others.rows} == {pids[8], pids[9], pids[10]}
    await h.select(alice, board, f"evo:lb:{other}:", [])

    # rank: All -> S -> A -> ... -> F -> All, each step on page 1 with exactly that letter's entries
    assert label(board, "rank") == "Rank: all"
    for letter in "SABCDEF":
        if not board.component("evo:lb:next:").get("disabled"):
            await h.click(alice, board, "Next")
        await h.click(alice, board, label(board, "rank"))
        assert label(board, "rank") == f"Rank: {letter}"
        expected = service.page(letters=[letter])
        assert footer(board).startswith(f"Page 1 of {expected.total_pages} · {expected.total_entries} matching")
        assert positions(board) == [r.position for r in expected.rows]
    await h.click(alice, board, "Rank: F")
    assert label(board, "rank") == "Rank: all" and footer(board).startswith("Page 1 of 3 · 96 matching")

    # best race: one row per player (16), then clear filters resets everything
    await h.click(alice, board, "Next")
    await h.click(alice, board, "Best race only: off")
    best = service.page(best_race_only=True)
    assert best.total_entries == 16 and footer(board).startswith("Page 1 of 1 · 16 matching")
    assert label(board, "best") == "Best race only: on"
    await h.select(alice, board, "evo:lb:races:", ["sc2_terran"])
    assert board.component("evo:lb:clear:").get("disabled") is not True
    await h.click(alice, board, "Clear filters")
    assert footer(board).startswith("Page 1 of 3 · 96 matching")
    assert label(board, "best") == "Best race only: off" and label(board, "rank") == "Rank: all"
    assert not [o for o in board.component("evo:lb:races:")["options"] if o.get("default")]
    assert board.component("evo:lb:clear:").get("disabled") is True


async def test_one_live_view_per_user_and_stale_presses_answer_clearly(h: BotHarness) -> None:
    await seed(h)
    alice, bob = await viewer(h), await viewer(h, "bob")
    first = (await h.slash(alice, "leaderboard")).message
    bobs = (await h.slash(bob, "leaderboard")).message
    assert first is not None and bobs is not None
    stale = FakeMessage(copy.deepcopy(first.payload))  # what a client that has not refreshed still shows
    second = (await h.slash(alice, "leaderboard")).message
    assert second is not None and second.id != first.id
    assert first.components() == [] and first.embeds  # retired: components gone, the page stays
    assert bobs.components() != []  # another user's view is untouched
    pressed = await h.click(alice, stale, "Next")
    assert pressed.message is not None and pressed.message.components() == []
    assert "no longer live" in pressed.message.text and "/leaderboard" in pressed.message.text
    await h.click(alice, second, "Next")  # the new one works
    assert footer(second).startswith("Page 2 of 3")

    await h.restart()  # after a restart, no view is live: a press says so instead of failing silently
    after = await h.click(alice, second, "Next")
    assert after.message is not None and "no longer live" in after.message.text
    assert after.message.components() == []


async def test_a_timed_out_view_loses_its_components(h: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lb_view, "TIMEOUT_S", 0.05)
    alice = await viewer(h)
    board = (await h.slash(alice, "leaderboard")).message
    assert board is not None and board.components() != []
    assert "No ranked player matches these filters." in board.text  # an empty ladder
    running = asyncio.all_tasks()
    await asyncio.sleep(0.3)
    await h.settle(running)  # the view's timeout handler, started by discord.py's idle timer
    assert board.components() == [] and board.embeds
    assert lb_view.live_boards(h.bot).boards == {}


async def test_leaderboard_in_korean(h: BotHarness) -> None:
    await seed(h)
    minsu = await viewer(h, "minsu", locale="ko")
    board = (await h.slash(minsu, "leaderboard")).message
    assert board is not None
    assert board.embeds[0]["title"] == "순위표" and footer(board).startswith("3쪽 중 1쪽")
    assert label(board, "next") == "다음" and label(board, "rank") == "등급: 전체"
    assert "스1 저그" in {o["label"] for o in board.component("evo:lb:races:")["options"]}
    assert "대한민국" in {
        o["label"] for s in ("country0", "country1") for o in board.component(f"evo:lb:{s}:")["options"]
    }


async def test_a_press_after_a_ban_is_refused_with_the_ban(h: BotHarness) -> None:
    alice = await viewer(h)
    board = (await h.slash(alice, "leaderboard")).message
    assert board is not None
    await h.ladder.admin.set_ban(999, PlayerId(alice.id), True, "cheating")
    pressed = await h.click(alice, board, "Best race only: off")
    assert pressed.message is not None and pressed.message.ephemeral
    assert pressed.message.text == "You are banned from the ladder. Reason: cheating"
    assert label(board, "best") == "Best race only: off"  # nothing changed


async def test_leaderboard_needs_the_terms(h: BotHarness) -> None:
    newcomer = h.user("newcomer")
    refused = await h.slash(newcomer, "leaderboard")
    assert refused.message is not None and refused.message.ephemeral
    assert refused.message.text == "You need to accept the Terms of Service first: use /termsofservice."


def test_forty_rows_fit_the_embed_with_long_names_and_custom_emotes() -> None:
    """Worst case: 32-character names full of markdown, every emote a long custom one, big numbers."""
    tx = Texts(Catalogs.load(), Locale.EN)
    from evoladder.datapack import load_pack

    pack = load_pack("evo_complete")
    emotes = Emotes(
        {f"rank.{x}": f"<:rank_{x}_long_emote_name:123456789012345678>" for x in "SABCDEF"}
        | {f"race.{r.code}": f"<:race_{r.code}_emote:123456789012345678>" for r in pack.races}
        | {f"flag.{c}": f"<:flag_{c}_emote_name:123456789012345678>" for c in ("KR", "DE")}
    )
    when = datetime(2026, 3, 1, tzinfo=UTC)
    rows = tuple(
        BoardRow(
            position=99_960 + i,
            letter=Letter.F,
            entry_id=i,
            player_id=PlayerId(i),
            name="*_~`|>" * 5 + "xx",
            country=CountryCode("KR" if i % 2 else "DE"),
            race=RaceCode(pack.races[i % 6].code),
            mmr=12_345,
            games_played=1234,
            games_won=1000,
            games_lost=200,
            games_drawn=34,
            win_rate=1000 / 1234,
            last_played=when,
        )
        for i in range(40)
    )
    page = Page(rows, page=2500, page_size=40, total_entries=100_000, total_pages=2500, ranked_count=100_000)
    state = BoardState(races=frozenset(r.code for r in pack.races), countries=frozenset({"KR", "DE", "ZZ"}), letter="F")
    embed = board_embed(tx, page, state, pack.races, emotes, notice="x" * 200)
    description = embed.description or ""
    assert discord_len(description) <= DESCRIPTION_LIMIT
    assert len(embed) <= 6000
    assert [int(p) for p in re.findall(r"`\s*#?(\d+)`", description)] == [r.position for r in rows]
    # ordinary names keep the rich form (emotes, bold names)
    plain = Page(
        tuple(dataclasses.replace(r, name=f"Player{chr(65 + i % 26)}{chr(65 + i // 26)}") for i, r in enumerate(rows)),
        1,
        40,
        40,
        1,
        40,
    )
    rich = board_embed(tx, plain, BoardState(), pack.races, Emotes()).description or ""
    assert rich.count("**Player") == 40 and discord_len(rich) <= DESCRIPTION_LIMIT
