"""A small server-side SVG line chart for MMR histories (our own renderer, no JavaScript).

Why our own: the chart is one polyline with a few labels; a charting package would add a dependency
and its own styling for ~80 lines of code. The SVG scales with its container (``viewBox`` and
``width="100%"``), so it stays readable on a phone, and carries a ``<title>`` and ``<desc>`` for
screen readers. Points are placed by time, falling back to game order when all share one instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 30


@dataclass(frozen=True, slots=True)
class ChartPoint:
    at: datetime
    value: int


def _scale(values: Sequence[float], low: float, high: float) -> list[float]:
    lo, hi = min(values), max(values)
    if hi == lo:
        return [(low + high) / 2 for _ in values]
    return [low + (v - lo) * (high - low) / (hi - lo) for v in values]


def line_chart(points: Sequence[ChartPoint], *, chart_id: str, title: str, description: str,
               start_label: str, end_label: str) -> Markup:  # fmt: skip
    """An accessible SVG line chart of ``points`` (oldest first); one polyline vertex per point."""
    if not points:
        return Markup("")
    times = [p.at.timestamp() for p in points]
    xs_source = times if max(times) > min(times) else [float(i) for i in range(len(points))]
    xs = _scale(xs_source, LEFT, WIDTH - RIGHT) if len(points) > 1 else [(LEFT + WIDTH - RIGHT) / 2]
    values = [float(p.value) for p in points]
    lo, hi = min(values), max(values)
    pad = max(10.0, (hi - lo) * 0.08)
    ys = _scale([*values, lo - pad, hi + pad], HEIGHT - BOTTOM, TOP)[: len(values)]
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    y_hi, y_lo = _scale([hi, lo, lo - pad, hi + pad], HEIGHT - BOTTOM, TOP)[:2]
    tid, did = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{tid} {did}" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(title)}</title>',
        f'<desc id="{did}">{escape(description)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}"/>',
        *(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
            f'<text class="label" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{int(v)}</text>'
            for y, v in ((y_hi, hi), (y_lo, lo))[: 1 if hi == lo else 2]
        ),
        f'<text class="label" x="{LEFT}" y="{HEIGHT - 8}">{escape(start_label)}</text>',
        f'<text class="label" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">{escape(end_label)}</text>',
        f'<polyline class="line" fill="none" points="{coords}"/>',
        f'<circle class="dot" cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="4"/>',
        "</svg>",
    ]
    return Markup("".join(parts))
