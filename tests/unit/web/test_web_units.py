"""Pure pieces of the web: public ids, language negotiation, the SVG chart, flags."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evoladder.i18n import Locale
from evoladder.services.public_ids import MAX_PLAYER_ID, PublicIdCodec
from evoladder.web.chart import ChartPoint, line_chart
from evoladder.web.locale import from_accept_language, negotiate
from evoladder.web.view import flag

CODEC = PublicIdCodec(bytes(range(32)))


@given(st.integers(min_value=0, max_value=MAX_PLAYER_ID - 1))
def test_public_ids_round_trip_and_never_show_the_id(player_id: int) -> None:
    public = CODEC.encode(player_id)
    assert re.fullmatch(r"[a-z2-7]{13}", public)
    assert CODEC.decode(public) == player_id
    assert CODEC.decode(public.upper()) == player_id
    assert player_id < 10**9 or str(player_id) not in public  # a snowflake never shows through


@given(st.text(max_size=20))
def test_any_string_decodes_to_a_storable_id_or_none(text: str) -> None:
    found = CODEC.decode(text)
    assert found is None or 0 <= found < MAX_PLAYER_ID


def test_public_ids_depend_on_the_key_and_look_unrelated() -> None:
    other = PublicIdCodec(b"another ladder's secret key....")
    snowflake = 310000000000000001
    assert CODEC.encode(snowflake) != other.encode(snowflake)
    assert other.decode(CODEC.encode(snowflake)) != snowflake
    neighbours = [CODEC.encode(snowflake + i) for i in range(50)]
    assert len({p[:4] for p in neighbours}) > 40  # consecutive ids share no visible prefix
    with pytest.raises(ValueError):
        PublicIdCodec(b"short")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ko-KR,ko;q=0.9,en-US;q=0.8", Locale.KO),
        ("en-US,en;q=0.9", Locale.EN),
        ("fr-FR, zh-CN;q=0.4, ko;q=0.3", Locale.ZH_HANS),
        ("zh-Hans-CN", Locale.ZH_HANS),
        ("zh-TW, ko;q=0.1", Locale.KO),
        ("de;q=0, ko;q=0", None),
        ("*", None),
        ("", None),
        ("en;q=abc, ko", Locale.KO),
    ],
)
def test_accept_language(header: str, expected: Locale | None) -> None:
    assert from_accept_language(header) is expected


def test_switcher_beats_cookie_beats_browser() -> None:
    assert negotiate("zh-Hans", "ko", "en") is Locale.ZH_HANS
    assert negotiate(None, "ko", "en") is Locale.KO
    assert negotiate("klingon", None, "ko") is Locale.KO
    assert negotiate(None, None, None) is Locale.EN


def test_chart_has_one_vertex_per_point_and_is_accessible() -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    points = [ChartPoint(start + timedelta(hours=i), 1500 + (i % 3) * 20) for i in range(7)]
    svg = str(line_chart(points, chart_id="c", title="MMR <x>", description="d", start_label="a", end_label="b"))
    assert svg.startswith("<svg") and 'width="100%"' in svg and "viewBox=" in svg
    assert "MMR &lt;x&gt;" in svg  # text is escaped
    polyline = re.search(r'points="([^"]*)"', svg)
    assert polyline is not None and len(polyline.group(1).split()) == 7
    single = str(line_chart(points[:1], chart_id="s", title="t", description="d", start_label="", end_label=""))
    assert len(re.search(r'points="([^"]*)"', single).group(1).split()) == 1  # type: ignore[union-attr]
    assert str(line_chart([], chart_id="e", title="t", description="d", start_label="", end_label="")) == ""


def test_flags() -> None:
    assert flag("KR") == "\U0001f1f0\U0001f1f7"
    assert flag("de") == "\U0001f1e9\U0001f1ea"
    assert flag("XX") == flag(None) == flag("1A") == "\U0001f3f3"
