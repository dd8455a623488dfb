"""Every catalog is complete: same messages, same placeholders, no empty translation; locale choice."""

from __future__ import annotations

import pytest

from evoladder.i18n import Catalogs, Locale, format_number, format_percent, placeholders, resolve_locale
from evoladder.i18n.catalog import LOCALES_DIR


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load()


def test_every_language_has_the_same_domains() -> None:
    domains = {lang: sorted(p.name for p in (LOCALES_DIR / lang.value / "LC_MESSAGES").glob("*.po")) for lang in Locale}
    assert domains[Locale.EN]
    assert all(found == domains[Locale.EN] for found in domains.values()), domains


@pytest.mark.parametrize("lang", [lang for lang in Locale if lang is not Locale.EN])
def test_every_catalog_has_every_message_with_the_same_placeholders(catalogs: Catalogs, lang: Locale) -> None:
    english = catalogs.messages[Locale.EN]
    translated = catalogs.messages[lang]
    assert set(translated) == set(english)
    mismatched = {k: (placeholders(english[k]), placeholders(translated[k])) for k in english}
    assert {k: v for k, v in mismatched.items() if v[0] != v[1]} == {}


@pytest.mark.parametrize("lang", list(Locale))
def test_no_catalog_has_an_empty_translation(catalogs: Catalogs, lang: Locale) -> None:
    assert [k for k, v in catalogs.messages[lang].items() if not v.strip()] == []


def test_korean_and_chinese_are_translations_not_copies(catalogs: Catalogs) -> None:
    english = catalogs.messages[Locale.EN]
    for lang in (Locale.KO, Locale.ZH_HANS):
        same = [k for k, v in catalogs.messages[lang].items() if v == english[k]]
        assert same == ["setup.field.battletag.placeholder"], (lang, same)


def test_spanish_is_a_translation_and_keeps_only_the_shared_terms(catalogs: Catalogs) -> None:
    english = catalogs.messages[Locale.EN]
    same = {k for k, v in catalogs.messages[Locale.ES_419].items() if v == english[k]}
    # Race names (BW/SC2 Terran…), MMR, BattleTag, mod, replay (as players say it) and pure placeholders.
    shared = {k for k in same if k.startswith(("leaderboard.race.", "web.race."))}
    assert same - shared <= {
        "setup.field.battletag", "profile.identity.battletag", "profile.identity.discord", "match.side",
        "match.details.discord", "match.details.battletag", "match.details.mod", "replay.check_name.mod",
        "replay.winner.name", "web.col.mmr", "web.player.battletag", "admin.no", "admin.role.admin",
        "admin.player.title", "admin.player.race_row", "admin.snapshot.active_row", "admin.audit.row",
        "region.CHN", "match.details.replay", "web.match.replays", "web.match.replay", "web.error.title",
    }  # fmt: skip
    assert len(same) < 40


def test_spanish_command_names_follow_discords_rules(catalogs: Catalogs) -> None:
    import re

    for key, text in catalogs.messages[Locale.ES_419].items():
        if key.startswith("cmd.") and key.endswith(".name"):
            assert re.fullmatch(r"[-_\w]{1,32}", text) and text == text.lower(), (key, text)
        elif key.startswith("cmd."):
            assert 1 <= len(text) <= 100, (key, text)


def test_russian_is_a_translation_and_keeps_only_the_shared_terms(catalogs: Catalogs) -> None:
    english = catalogs.messages[Locale.EN]
    same = {k for k, v in catalogs.messages[Locale.RU].items() if v == english[k]}
    # MMR, BattleTag, Discord, "JSON API" and pure placeholders stay as players write them.
    assert same == {
        "setup.field.battletag", "setup.field.battletag.placeholder", "profile.identity.battletag",
        "profile.identity.discord", "match.side", "match.details.discord", "match.details.battletag",
        "replay.winner.name", "web.col.mmr", "web.player.battletag", "web.nav.api", "admin.player.race_row",
        "admin.audit.row",
    }  # fmt: skip


def test_russian_command_names_follow_discords_rules(catalogs: Catalogs) -> None:
    import re

    names = {k: v for k, v in catalogs.messages[Locale.RU].items() if k.startswith("cmd.") and k.endswith(".name")}
    assert names and all(re.fullmatch(r"[-_а-яё0-9a-z]{1,32}", v) for v in names.values()), names
    described = {k: v for k, v in catalogs.messages[Locale.RU].items() if k.startswith("cmd.") and k not in names}
    assert [k for k, v in described.items() if not 1 <= len(v) <= 100] == []


def test_missing_message_falls_back_to_english(tmp_path: object, catalogs: Catalogs) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    files = {
        Locale.EN: 'msgid "a"\nmsgstr "A {n}"\n\nmsgid "b"\nmsgstr "B"\n',
        Locale.KO: 'msgid "a"\nmsgstr "가 {n}"\n',
    }
    for lang, body in files.items():
        folder = root / lang.value / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "x.po").write_text(body, encoding="utf-8")
    small = Catalogs.load(root)
    assert small.t(Locale.KO, "a", n=1) == "가 1"
    assert small.t(Locale.KO, "b") == "B"
    assert small.t(Locale.ZH_HANS, "a", n=2) == "A 2"
    assert small.t(Locale.EN, "nope") == "nope"
    assert small.get(Locale.KO, "b") is None


@pytest.mark.parametrize(
    ("discord_locale", "stored", "expected"),
    [
        ("ko", None, Locale.KO),
        ("zh-CN", None, Locale.ZH_HANS),
        ("zh-TW", None, Locale.EN),
        ("en-US", None, Locale.EN),
        ("fr", None, Locale.EN),
        (None, None, Locale.EN),
        ("en-US", "ko", Locale.KO),  # a stored preference wins
        ("ko", "zh-CN", Locale.ZH_HANS),
        ("ko", "fr", Locale.KO),  # a preference we do not ship falls through to the client locale
        ("ru", None, Locale.RU),
        ("ru-RU", None, Locale.RU),
        ("ko", "ru", Locale.RU),
        ("es-419", None, Locale.ES_419),
        ("es-ES", None, Locale.ES_419),  # Discord's Spain Spanish gets our (Latin-American) Spanish
        ("en-US", "es-419", Locale.ES_419),
    ],
)
def test_resolve_locale(discord_locale: str | None, stored: str | None, expected: Locale) -> None:
    assert resolve_locale(discord_locale, stored) is expected


def test_number_formatting_follows_the_locale() -> None:
    assert format_number(1234567, Locale.EN) == "1,234,567"
    assert format_percent(0.625, Locale.KO, digits=1) == "62.5%"
    assert format_percent(0.5, Locale.ZH_HANS) == "50%"
    assert format_number(1234567, Locale.ES_419) == "1,234,567"  # CLDR es-419: Mexico's grouping
    assert format_percent(0.625, Locale.ES_419, digits=1) == "62.5%"
    assert format_number(1234567, Locale.RU) == "1\xa0234\xa0567"  # CLDR ru: non-breaking space grouping
    assert format_percent(0.625, Locale.RU, digits=1) == "62,5%"
