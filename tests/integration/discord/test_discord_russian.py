"""A Russian Discord client gets Russian answers and Russian command names."""

from __future__ import annotations

from discord_harness import BotHarness


async def test_a_russian_client_sees_russian(h: BotHarness) -> None:
    ivan = h.user("ivan", locale="ru")
    shown = await h.slash(ivan, "help")
    assert shown.message is not None
    embed = shown.message.embeds[0]
    assert embed["title"] == "Как играть в ладдере"
    assert "/условия: прочитайте и примите условия использования." in embed["description"]
    assert "**/профиль**: Ваш профиль в ладдере или профиль другого игрока" in embed["fields"][0]["value"]
    refused = await h.slash(ivan, "setup")
    assert refused.message is not None
    assert refused.message.text == "Сначала примите условия использования: команда /условия."
    tos = await h.slash(ivan, "termsofservice")
    assert tos.message is not None and tos.message.embeds[0]["title"] == "Условия использования"
    done = await h.click(ivan, tos.message, "Принять")
    assert done.message is not None and "/настройка" in done.message.text


async def test_russian_command_names_and_descriptions_are_in_the_synced_payload(h: BotHarness) -> None:
    _, commands = h.fake.command_syncs[0]
    by_name = {c["name"]: c for c in commands}
    assert by_name["setup"]["name_localizations"]["ru"] == "настройка"
    assert by_name["setup"]["description_localizations"]["ru"].startswith("Настроить профиль")
    assert by_name["leaderboard"]["name_localizations"]["ru"] == "рейтинг"
    assert by_name["admin"]["description_localizations"]["ru"] == "Инструменты администрации ладдера"
