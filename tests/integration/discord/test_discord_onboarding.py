"""Onboarding flows through the harness: /setup (every invalid field), /setcountry and /help."""

from __future__ import annotations

import pytest

from discord_harness import BotHarness, FakeMessage, FakeUser
from discord_harness.harness import modal_fields
from evoladder.domain.ids import PlayerId

GOOD = {"in_game_name": "Alpha", "battletag": "Alpha#1234", "alt_name_1": "알파베타", "alt_name_2": ""}


async def accepted(h: BotHarness, name: str = "alice", locale: str = "en-US") -> FakeUser:
    user = h.user(name, locale=locale)
    tos = await h.slash(user, "termsofservice")
    assert tos.message is not None
    await h.click(user, tos.message, "Accept" if locale == "en-US" else "evo:tos:accept")
    return user


def select_with(message: FakeMessage, value: str) -> str:
    for c in message.components():
        if c.get("type") == 3 and value in {o["value"] for o in c["options"]}:
            return str(c["custom_id"])
    raise AssertionError(f"no select offers {value}")


async def test_setup_happy_path_end_to_end(h: BotHarness) -> None:
    alice = await accepted(h)
    opened = await h.slash(alice, "setup")
    assert opened.modal is not None and modal_fields(opened.modal) == {
        "in_game_name": "",
        "battletag": "",
        "alt_name_1": "",
        "alt_name_2": "",
    }
    submitted = await h.submit_modal(alice, opened.modal, GOOD)
    countries = submitted.message
    assert countries is not None and "Which country" in countries.text
    selects = [c for c in countries.components() if c["type"] == 3]
    assert [len(s["options"]) for s in selects] == [25, 25]  # 49 common countries + Other
    offered = {o["value"] for s in selects for o in s["options"]}
    assert "ZZ" in offered and {"KR", "DE", "US"} <= offered
    regions_step = await h.select(alice, countries, select_with(countries, "DE"), ["DE"])
    regions = regions_step.message
    assert regions is not None and regions.id == countries.id and "Where do you live" in regions.text
    assert len(regions.components()[0]["options"]) == 16
    preview_step = await h.select(alice, regions, "evo:setup:region", ["EUW"])
    preview = preview_step.message
    assert preview is not None
    for shown in ("Alpha", "Alpha#1234", "알파베타", "Germany", "Western Europe"):
        assert shown in preview.text
    assert (await h.ladder.players.get(PlayerId(alice.id))).setup_completed is False  # nothing stored before Confirm
    done = await h.click(alice, preview, "Confirm")
    assert done.message is not None and "profile is saved" in done.message.text and done.message.components() == []
    player = await h.ladder.players.get(PlayerId(alice.id))
    assert (player.in_game_name, player.battletag, player.alt_names) == ("Alpha", "Alpha#1234", ("알파베타",))
    assert (player.country, player.region, player.setup_completed) == ("DE", "EUW", True)
    assert await h.ladder.players.ratings(PlayerId(alice.id)) == {}  # setup never touches ratings
    again = await h.slash(alice, "setup")  # the modal is pre-filled from the profile
    assert again.modal is not None and modal_fields(again.modal)["battletag"] == "Alpha#1234"


async def test_setup_restart_reopens_the_form_and_cancel_changes_nothing(h: BotHarness) -> None:
    alice = await accepted(h)
    opened = await h.slash(alice, "setup")
    assert opened.modal is not None
    countries = (await h.submit_modal(alice, opened.modal, GOOD)).message
    assert countries is not None
    regions = (await h.select(alice, countries, select_with(countries, "ZZ"), ["ZZ"])).message
    assert regions is not None
    preview = (await h.select(alice, regions, "evo:setup:region", ["KRJ"])).message
    assert preview is not None and "Other" in preview.text
    restarted = await h.click(alice, preview, "Restart")
    assert restarted.modal is not None and modal_fields(restarted.modal)["in_game_name"] == "Alpha"
    cancelled = await h.click(alice, preview, "Cancel")
    assert cancelled.message is not None and cancelled.message.text == "Setup cancelled. Nothing was changed."
    assert not (await h.ladder.players.get(PlayerId(alice.id))).setup_completed


INVALID = [
    pytest.param({"in_game_name": "Al"}, '**In-game name** "Al" is not valid: use 3 to 12 English letters', id="name"),
    pytest.param({"in_game_name": "Alpha1"}, '**In-game name** "Alpha1" is not valid', id="name-digits"),
    pytest.param(
        {"battletag": "Alpha1234"}, '**BattleTag** "Alpha1234" is not valid: it looks like Name#1234', id="tag"
    ),
    pytest.param({"battletag": "Alpha#12"}, '**BattleTag** "Alpha#12" is not valid', id="tag-digits"),
    pytest.param({"alt_name_1": "ab"}, '**Alternative name 1** "ab" is not valid: use 3 to 12 characters.', id="alt1"),
    pytest.param({"alt_name_2": "x" * 13}, '**Alternative name 2** "xxxxxxxxxxxxx" is not valid', id="alt2"),
    pytest.param({"alt_name_1": "alpha"}, '**Alternative name 1** "alpha" repeats another of your names', id="dup"),
]


@pytest.mark.parametrize(("typed", "expected"), INVALID)
async def test_each_invalid_setup_field_has_its_message_try_again_and_cancel(
    h: BotHarness, typed: dict[str, str], expected: str
) -> None:
    alice = await accepted(h)
    opened = await h.slash(alice, "setup")
    assert opened.modal is not None
    values = GOOD | typed
    refused = await h.submit_modal(alice, opened.modal, values)
    assert len(refused.messages) == 1
    message = refused.messages[0]
    assert message.text.startswith(expected), message.text
    assert [c["label"] for c in message.components()] == ["Try again", "Cancel"]
    retry = await h.click(alice, message, "Try again")
    assert retry.modal is not None and modal_fields(retry.modal) == values  # re-opened with what was typed
    fixed = await h.submit_modal(alice, retry.modal, GOOD)
    assert fixed.message is not None and "Which country" in fixed.message.text
    cancel = await h.click(alice, message, "Cancel")
    assert cancel.message is not None and cancel.message.text == "Setup cancelled. Nothing was changed."
    assert not (await h.ladder.players.get(PlayerId(alice.id))).setup_completed


async def test_several_invalid_fields_get_one_message_each(h: BotHarness) -> None:
    alice = await accepted(h)
    opened = await h.slash(alice, "setup")
    assert opened.modal is not None
    refused = await h.submit_modal(alice, opened.modal, {"in_game_name": "A", "battletag": "nope", "alt_name_1": ""})
    assert [m.text.split('"')[0] for m in refused.messages] == ["**In-game name** ", "**BattleTag** "]


async def test_setup_after_a_restart_answers_start_again(h: BotHarness) -> None:
    alice = await accepted(h)
    opened = await h.slash(alice, "setup")
    assert opened.modal is not None
    countries = (await h.submit_modal(alice, opened.modal, GOOD)).message
    assert countries is not None
    await h.restart()
    r = await h.select(alice, countries, select_with(countries, "DE"), ["DE"])
    assert r.messages[-1].text == "This step has expired. Start again with /setup."


async def test_setcountry_pick_from_autocomplete_then_confirm(h: BotHarness) -> None:
    alice = await accepted(h)
    choices = await h.autocomplete(alice, "setcountry", "country", "kor")
    assert choices[0]["value"] == "KR"
    assert {c["value"] for c in await h.autocomplete(alice, "setcountry", "country", "")} >= {"AR", "BR"}
    assert "XX" in {c["value"] for c in await h.autocomplete(alice, "setcountry", "country", "xx")}
    assert "ZZ" in {c["value"] for c in await h.autocomplete(alice, "setcountry", "country", "other")}
    preview = await h.slash(alice, "setcountry", country="KR")
    assert preview.message is not None and preview.message.text == "Set your country to 🇰🇷 South Korea?"
    assert (await h.ladder.players.get(PlayerId(alice.id))).country is None
    done = await h.click(alice, preview.message, "Confirm")
    assert done.message is not None and done.message.text == "Your country is now 🇰🇷 South Korea."
    assert (await h.ladder.players.get(PlayerId(alice.id))).country == "KR"


async def test_setcountry_typed_name_resolves_to_the_best_match(h: BotHarness) -> None:
    alice = await accepted(h)
    preview = await h.slash(alice, "setcountry", country="germ")
    assert preview.message is not None and "Germany" in preview.message.text
    cancel = await h.click(alice, preview.message, "Cancel")
    assert cancel.message is not None and cancel.message.text == "Nothing was changed."
    assert (await h.ladder.players.get(PlayerId(alice.id))).country is None


async def test_setcountry_unknown_text_is_a_clear_error(h: BotHarness) -> None:
    alice = await accepted(h)
    r = await h.slash(alice, "setcountry", country="qwzx")
    assert r.message is not None and r.message.ephemeral
    assert r.message.text == 'No country matches "qwzx". Start typing and pick one from the list.'


async def test_setcountry_in_korean_searches_korean_names(h: BotHarness) -> None:
    minji = await accepted(h, "minji", locale="ko")
    choices = await h.autocomplete(minji, "setcountry", "country", "대한")
    assert choices and choices[0]["value"] == "KR" and choices[0]["name"].startswith("대한민국")
    preview = await h.slash(minji, "setcountry", country="대한민국")
    assert preview.message is not None and preview.message.text == "국가를 🇰🇷 대한민국(으)로 설정할까요?"


async def test_help_shows_the_path_and_every_command(h: BotHarness) -> None:
    alice = h.user("alice")
    r = await h.slash(alice, "help")
    assert r.message is not None
    for shown in ("/termsofservice", "/setup", "/setcountry", "/help", "replay"):
        assert shown in r.message.text
    ko = await h.slash(h.user("minji", locale="zh-CN"), "help")
    assert ko.message is not None and "/服务条款" in ko.message.text and "如何参加天梯" in ko.message.text
