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


@dataclass(frozen=True, slots=True)
class Marker:
    """A labelled vertical line at ``at`` (a fraction 0..1 of the x axis), e.g. a letter's MMR cut-off."""

    at: float
    label: str


def bar_chart(values: Sequence[int], *, chart_id: str, title: str, description: str, start_label: str,
              end_label: str, bar_titles: Sequence[str] = (), markers: Sequence[Marker] = ()) -> Markup:  # fmt: skip
    """An accessible SVG bar chart: equal-width bars left to right, heights from 0 to the largest value.

    Used for histograms (MMR distribution, with the letter cut-offs as ``markers``) and day counts.
    ``bar_titles`` become each bar's ``<title>`` (a tooltip; screen readers get the ``<desc>`` and the
    table the page puts beside the chart). Marker labels alternate between two heights so close
    cut-offs stay legible.
    """
    if not values:
        return Markup("")
    top = max(max(values), 1)
    left, right, bottom, head = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP + (26 if markers else 0)
    step = (right - left) / len(values)
    bar = max(1.0, step * 0.85)
    tid, did = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{tid} {did}" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(title)}</title>',
        f'<desc id="{did}">{escape(description)}</desc>',
        f'<line class="grid" x1="{left}" y1="{head}" x2="{right}" y2="{head}"/>',
        f'<text class="label" x="{left - 6}" y="{head + 4}" text-anchor="end">{top}</text>',
        f'<text class="label" x="{left - 6}" y="{bottom + 4}" text-anchor="end">0</text>',
    ]
    for i, value in enumerate(values):
        h = (bottom - head) * value / top
        x = left + i * step + (step - bar) / 2
        tip = f"<title>{escape(bar_titles[i])}</title>" if i < len(bar_titles) else ""
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}">{tip}</rect>'
        )
    for i, m in enumerate(markers):
        x = left + max(0.0, min(1.0, m.at)) * (right - left)
        y = TOP + 10 + (i % 2) * 13
        parts.append(
            f'<line class="marker" x1="{x:.1f}" y1="{y + 3}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text class="marker-label" x="{x:.1f}" y="{y}" text-anchor="middle">{escape(m.label)}</text>'
        )
    parts += [
        f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
        f'<text class="label" x="{left}" y="{HEIGHT - 8}">{escape(start_label)}</text>',
        f'<text class="label" x="{right}" y="{HEIGHT - 8}" text-anchor="end">{escape(end_label)}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))
