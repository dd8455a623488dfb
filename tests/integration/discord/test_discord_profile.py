"""/profile through the harness: identity, per-race standing and windows, privacy, unranked reasons, Korean."""

from __future__ import annotations

import pytest

from discord_harness import BotHarness, FakeUser
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.services.matches import MatchRequest
from evoladder.services.players import SetupInput

WEB = "https://ladder.example"


@pytest.fixture
def bot_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"discord_command_cooldown_s": 0.0, "web_base_url": WEB})


async def ready(h: BotHarness, user: FakeUser, name: str, country: str = "KR", region: str = "KRJ") -> PlayerId:
    """A player who accepted the Terms and completed setup (through the services)."""
    pid = PlayerId(user.id)
    await h.ladder.players.ensure(user.id, user.username)
    await h.ladder.players.accept_tos(pid)
    await h.ladder.players.complete_setup(pid, SetupInput(name, f"{name}#1234", country, region, ("알파베타",)))
    return pid


async def play(h: BotHarness, key: str, p1: PlayerId, r1: str, p2: PlayerId, r2: str, result: int) -> int:
    m = await h.ladder.matches.create(MatchRequest(p1, r1, p2, r2, "Khione SEL", None, key))
    for pid in (p1, p2):
        await h.ladder.matches.confirm(m.id, pid)
    for pid in (p1, p2):
        await h.ladder.matches.report(m.id, pid, result)
    return int(m.id)


async def test_own_profile_shows_identity_standings_windows_account_and_web_link(
    h: BotHarness, clock: ManualClock
) -> None:
    alice, bob = h.user("alice"), h.user("bob")
    a, b = await ready(h, alice, "Alpha"), await ready(h, bob, "Bravo", "DE", "EUW")
    await play(h, "p1", a, "bw_zerg", b, "sc2_terran", 1)  # alice wins, 20 days before the others
    clock.advance(days=20)
    await play(h, "p2", a, "bw_zerg", b, "sc2_terran", 2)  # alice loses
    await play(h, "p3", a, "bw_zerg", b, "sc2_terran", 1)  # alice wins

    shown = await h.slash(alice, "profile")
    assert shown.message is not None
    text = shown.message.text
    for expected in ("Alpha", "Alpha#1234", "알파베타", "alice", "🇰🇷 South Korea", "Korea and Japan"):
        assert expected in text, expected
    zerg = h.ladder.leaderboard.player_views(a)[0]
    [field] = [f for f in shown.message.embeds[0]["fields"] if "BW Zerg" in f["name"]]
    assert field["name"] == f"🐛 BW Zerg · {chr(0x1F1E6 + ord(str(zerg.letter)) - ord('A'))}"
    value = field["value"]
    assert f"**{zerg.entry.mmr:,}** MMR · rank #{zerg.position} of {zerg.ranked_count}" in value
    assert "2-1-0 (W-L-D) · 67% win rate" in value
    assert "Last played <t:" in value and ":R>" in value and "Stays ranked until <t:" in value
    # the first match is 20 days old: outside 14 days, inside 30 and 90
    prof = await h.ladder.profiles.profile(a)
    w14 = prof.races[0].windows[0]
    assert f"Last 14 days: 2 games · 1-1-0 · {w14.mmr_change:+d} MMR" in value
    assert "Last 30 days: 3 games · 2-1-0" in value and "Last 90 days: 3 games" in value
    assert "Terms of Service: accepted" in text and "Profile setup: complete" in text
    assert "Aborts left this month: 3 of 3" in text
    page = f"{WEB}/players/{h.ladder.public_ids.encode(alice.id)}"  # the public id: Discord ids stay private
    assert shown.message.embeds[0]["url"] == page and str(alice.id) not in page
    [link] = shown.message.components()
    assert link["url"] == page and link["label"] == "Web page"


async def test_another_players_profile_hides_battletag_account_and_ban_reason(h: BotHarness) -> None:
    alice, bob = h.user("alice"), h.user("bob")
    a, b = await ready(h, alice, "Alpha"), await ready(h, bob, "Bravo", "DE", "EUW")
    await play(h, "o1", a, "bw_zerg", b, "sc2_terran", 1)
    seen = await h.slash(alice, "profile", player=bob)
    assert seen.message is not None
    text = seen.message.text
    assert "Bravo" in text and "SC2 Terran" in text and "Germany" in text
    assert "Bravo#1234" not in text and "BattleTag" not in text
    assert "Account" not in text and "Aborts left" not in text
    assert seen.message.embeds[0]["url"] == f"{WEB}/players/{h.ladder.public_ids.encode(bob.id)}"
    await h.ladder.admin.set_ban(999, b, True, "smurfing with a secret reason")
    banned = await h.slash(alice, "profile", player=bob)
    assert banned.message is not None
    assert "unranked: banned" in banned.message.text
    assert "secret reason" not in banned.message.text


async def test_unranked_reasons_no_games_and_inactive(h: BotHarness, clock: ManualClock) -> None:
    alice, bob = h.user("alice"), h.user("bob")
    a, b = await ready(h, alice, "Alpha"), await ready(h, bob, "Bravo", "DE", "EUW")
    aborted = await h.ladder.matches.create(MatchRequest(a, "bw_protoss", b, "sc2_zerg", "Khione SEL", None, "ab"))
    await h.ladder.matches.abort(aborted.id, a)
    await play(h, "i1", a, "bw_zerg", b, "sc2_terran", 1)
    clock.advance(days=15)
    shown = await h.slash(alice, "profile")
    assert shown.message is not None
    fields = {f["name"]: f["value"] for f in shown.message.embeds[0]["fields"]}
    toss = fields["💠 BW Protoss"]  # unranked: no letter in the title
    assert "unranked: no games played yet" in toss and "No games played with this race yet." in toss
    zerg = fields["🐛 BW Zerg"]
    assert "unranked: inactive since <t:" in zerg and ":D>" in zerg
    assert "Last 14 days: no games" in zerg and "Last 30 days: 1 games" in zerg
    assert "Aborts left this month: 2 of 3" in shown.message.text


async def test_profile_in_korean(h: BotHarness) -> None:
    minsu, bob = h.user("minsu", locale="ko"), h.user("bob")
    m, b = await ready(h, minsu, "Minsu"), await ready(h, bob, "Bravo", "DE", "EUW")
    await play(h, "k1", m, "sc2_protoss", b, "bw_terran", 1)
    shown = await h.slash(minsu, "profile")
    assert shown.message is not None
    text = shown.message.text
    for expected in (
        "게임 내 이름",
        "대한민국",
        "스2 프로토스",
        "1승 0패 0무 · 승률 100%",
        "최근 14일",
        "이번 달 남은 취소 횟수",
    ):
        assert expected in text, expected
    [link] = shown.message.components()
    assert link["label"] == "웹 페이지"


async def test_profile_of_someone_without_a_profile_and_without_web_url(h: BotHarness) -> None:
    alice, stranger = h.user("alice"), h.user("stranger")
    await ready(h, alice, "Alpha")
    missing = await h.slash(alice, "profile", player=stranger)
    assert missing.message is not None and missing.message.ephemeral
    assert missing.message.text == "stranger has no ladder profile."
    no_games = await h.slash(alice, "profile")
    assert no_games.message is not None and "No rated games yet. Use /queue" in no_games.message.text


async def test_profile_needs_the_terms(h: BotHarness) -> None:
    newcomer = h.user("newcomer")
    refused = await h.slash(newcomer, "profile")
    assert refused.message is not None and refused.message.ephemeral
    assert refused.message.text == "You need to accept the Terms of Service first: use /termsofservice."


async def test_profile_in_a_server_says_dm_me(h: BotHarness) -> None:
    alice = h.user("alice")
    await ready(h, alice, "Alpha")
    answer = await h.slash(alice, "profile", guild=True)
    assert answer.message is not None and answer.message.ephemeral and "/profile" in answer.message.text
