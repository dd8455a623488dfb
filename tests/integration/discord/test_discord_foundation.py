"""The bot's foundation through the harness: DM only, first contact, bans, gates, locale, sync, DMs, restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from discord import app_commands

from discord_harness import BotHarness
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId


async def test_player_command_in_a_server_answers_dm_me_only_to_the_caller(h: BotHarness) -> None:
    alice = h.user("alice")
    r = await h.slash(alice, "setup", guild=True)
    assert r.message is not None and r.message.ephemeral
    assert "direct messages only" in r.message.text and "/setup" in r.message.text
    link = r.message.component("Open DM")
    assert link["url"] == f"https://discord.com/channels/@me/{alice.dm_channel_id}"
    assert r.modal is None  # the command itself did not run
    assert h.dm_messages(alice) == []


async def test_first_contact_creates_the_player_and_refreshes_the_username(h: BotHarness) -> None:
    alice = h.user("alice")
    with pytest.raises(Exception, match="No player"):
        await h.ladder.players.get(PlayerId(alice.id))
    await h.slash(alice, "help")
    assert (await h.ladder.players.get(PlayerId(alice.id))).discord_username == "alice"
    alice.username = "alice_renamed"
    await h.slash(alice, "help")
    assert (await h.ladder.players.get(PlayerId(alice.id))).discord_username == "alice_renamed"


async def test_banned_player_gets_a_clear_refusal(h: BotHarness) -> None:
    alice = h.user("alice")
    await h.slash(alice, "help")
    await h.ladder.admin.set_ban(999, PlayerId(alice.id), True, "smurfing")
    for command in ("termsofservice", "setup", "help"):
        r = await h.slash(alice, command)
        assert r.message is not None and r.message.ephemeral
        assert r.message.text == "You are banned from the ladder. Reason: smurfing"


async def test_terms_gate_names_the_fixing_command_and_decline_removes_access(h: BotHarness) -> None:
    alice = h.user("alice")
    refused = await h.slash(alice, "setup")
    assert refused.message is not None
    assert refused.message.text == "You need to accept the Terms of Service first: use /termsofservice."
    tos = await h.slash(alice, "termsofservice")
    assert tos.message is not None and "Terms of Service" in tos.message.text
    accepted = await h.click(alice, tos.message, "Accept")
    assert accepted.message is not None and "/setup" in accepted.message.text
    assert accepted.message.components() == []  # the answer replaced the buttons
    assert (await h.ladder.players.get(PlayerId(alice.id))).tos_accepted
    assert (await h.slash(alice, "setup")).modal is not None
    tos2 = await h.slash(alice, "termsofservice")
    assert tos2.message is not None
    declined = await h.click(alice, tos2.message, "Decline")
    assert declined.message is not None and "declined" in declined.message.text
    again = await h.slash(alice, "setup")
    assert again.modal is None and again.message is not None and "/termsofservice" in again.message.text


async def test_someone_elses_button_is_refused(h: BotHarness) -> None:
    alice, bob = h.user("alice"), h.user("bob")
    tos = await h.slash(alice, "termsofservice")
    assert tos.message is not None
    r = await h.click(bob, tos.message, "Accept")
    assert r.message is not None and r.message.text == "These buttons belong to someone else."
    assert not (await h.ladder.players.get(PlayerId(alice.id))).tos_accepted


async def test_a_korean_client_sees_korean(h: BotHarness) -> None:
    minji = h.user("minji", locale="ko")
    refused = await h.slash(minji, "setup")
    assert refused.message is not None
    assert refused.message.text == "먼저 이용약관에 동의해야 합니다: /이용약관 명령어를 사용하세요."
    tos = await h.slash(minji, "termsofservice")
    assert tos.message is not None and tos.message.embeds[0]["title"] == "이용약관"
    assert {c["label"] for c in tos.message.components()} == {"동의", "거부"}
    done = await h.click(minji, tos.message, "동의")
    assert done.message is not None and "/설정" in done.message.text


async def test_a_latin_american_spanish_client_sees_spanish(h: BotHarness) -> None:
    sofia = h.user("sofia", locale="es-419")
    shown = await h.slash(sofia, "help")
    assert shown.message is not None
    embed = shown.message.embeds[0]
    assert embed["title"] == "Cómo jugar en la ladder"
    assert "/terminos: lee y acepta los Términos de servicio." in embed["description"]
    assert "**/perfil**: Tu perfil de la ladder o el de otro jugador" in embed["fields"][0]["value"]
    refused = await h.slash(sofia, "setup")
    assert refused.message is not None
    assert refused.message.text == "Primero tienes que aceptar los Términos de servicio: usa /terminos."
    spain = h.user("lucia", locale="es-ES")  # Discord's Spain Spanish gets the Spanish we ship
    tos = await h.slash(spain, "termsofservice")
    assert tos.message is not None and tos.message.embeds[0]["title"] == "Términos de servicio"


async def test_command_names_and_descriptions_are_translated_in_the_synced_payload(h: BotHarness) -> None:
    _, commands = h.fake.command_syncs[0]
    setup = next(c for c in commands if c["name"] == "setup")
    assert setup["name_localizations"]["ko"] == "설정"
    assert setup["name_localizations"]["zh-CN"] == "设置"
    assert setup["description_localizations"]["ko"].startswith("래더 프로필")
    assert setup["name_localizations"]["es-419"] == setup["name_localizations"]["es-ES"] == "configurar"
    assert setup["description_localizations"]["es-419"].startswith("Configura tu perfil")
    assert "en-US" not in setup["name_localizations"]


async def test_commands_are_synced_only_when_their_definition_changed(h: BotHarness) -> None:
    assert len(h.fake.command_syncs) == 1 and h.bot.synced is True
    await h.restart()
    assert len(h.fake.command_syncs) == 1 and h.bot.synced is False

    @app_commands.command(name="ping", description="test")
    async def ping(interaction: object) -> None: ...

    h.bot.tree.add_command(ping)
    assert await h.bot.sync_commands() is True
    assert len(h.fake.command_syncs) == 2
    assert "ping" in {c["name"] for c in h.fake.command_syncs[1][1]}
    assert await h.bot.sync_commands() is False


async def test_an_undeliverable_dm_is_recorded(h: BotHarness) -> None:
    closed = h.user("closed", dm_open=False)
    await h.slash(closed, "help")  # becomes a player
    sent = await h.bot.send_dm(closed.id, purpose="match_found", match_id=None, content="hello")
    assert sent is None
    assert h.fake.undelivered and h.fake.undelivered[0][0] == closed.id
    rows = await h.ladder.players.action_history(PlayerId(closed.id))
    assert rows[0]["action"] == "dm_undeliverable"
    assert rows[0]["new_value"] == {"purpose": "match_found", "match_id": None}
    opened = h.user("open")
    await h.slash(opened, "help")
    message = await h.bot.send_dm(opened.id, purpose="match_found", content="hello")
    assert message is not None and h.dm_messages(opened)[-1].content == "hello"


async def test_a_persistent_button_works_after_a_restart(h: BotHarness) -> None:
    alice = h.user("alice")
    tos = await h.slash(alice, "termsofservice")
    assert tos.message is not None
    await h.restart()
    r = await h.click(alice, tos.message, "Accept")
    assert r.message is not None and "/setup" in r.message.text
    assert (await h.ladder.players.get(PlayerId(alice.id))).tos_accepted


async def test_every_interaction_is_acknowledged_well_within_three_seconds(h: BotHarness) -> None:
    alice = h.user("alice")
    records = [await h.slash(alice, "help"), await h.slash(alice, "termsofservice")]
    assert records[1].message is not None
    records.append(await h.click(alice, records[1].message, "Accept"))
    assert all(r.ack_latency is not None and r.ack_latency < 1.0 for r in records)


@pytest.fixture
async def slow_h(settings: Settings, clock: ManualClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(settings.model_copy(update={"discord_command_cooldown_s": 30.0}), clock)
    try:
        yield harness
    finally:
        await harness.close()


async def test_a_repeated_command_within_the_cooldown_says_when_to_retry(slow_h: BotHarness) -> None:
    alice = slow_h.user("alice")
    first = await slow_h.slash(alice, "help")
    assert first.message is not None and not first.message.ephemeral
    second = await slow_h.slash(alice, "help")
    assert second.message is not None and second.message.ephemeral
    assert second.message.text == "Slow down: try again in 30 s."
    other = await slow_h.slash(alice, "termsofservice")  # the cooldown is per command
    assert other.message is not None and not other.message.ephemeral
