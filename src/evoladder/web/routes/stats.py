"""Ladder statistics: ``/stats`` (HTML) and ``/api/v1/stats`` (JSON), one cached service read each.

The ETag is the aggregate's ``computed_at`` and the query (plus the language for HTML): while the
service's cache holds (30 s), a revalidation is a 304 without rendering; ``max-age`` matches it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from evoladder.services.stats import LadderStats
from evoladder.web import caching, present_stats, reads_api
from evoladder.web.chart import Marker, bar_chart
from evoladder.web.deps import LocaleDep, State
from evoladder.web.stats_schemas import StatsOut
from evoladder.web.view import VARY, Page

router = APIRouter()
STATS = "public, max-age=30"
"""Aggregates are recomputed at most every 30 s (``StatsService``); a client may keep them that long."""

DaysQuery = Annotated[
    int, Query(ge=1, le=90, description="Days of activity to show (matches per day, active players).")
]


@router.get("/api/v1/stats", response_model=StatsOut, tags=["api v1"], summary="Ladder statistics")
async def api_stats(request: Request, state: State, days: DaysQuery = 14) -> Response:
    """Matches per day, players active per region, the BW-vs-SC2 race matrix (decided matches, with
    sample sizes and 95 % intervals), map win rates by matchup, the MMR histogram and letter cut-offs."""
    st = await state.stats.ladder_stats(days)
    etag = caching.tag("api-stats", st.computed_at.isoformat(), days)
    return reads_api.json_read(request, present_stats.stats(st), STATS, etag=etag)


@router.get("/stats", include_in_schema=False)
async def stats_page(request: Request, state: State, locale: LocaleDep, days: DaysQuery = 14) -> Response:
    st = await state.stats.ladder_stats(days)
    etag = caching.tag("html-stats", st.computed_at.isoformat(), days, locale.value, request.url.query)
    if caching.matches(request, etag):
        return caching.not_modified(etag, STATS, VARY)
    page = Page(request, state, locale)
    out = present_stats.stats(st)
    context = {
        "stats": out,
        "day_options": sorted({7, 14, 30, 90, days}),
        "activity_chart": _activity_chart(page, st),
        "mmr_chart": _mmr_chart(page, st),
    }
    return caching.stamp(page.render("stats.html", context), etag, STATS, VARY)


def _activity_chart(page: Page, st: LadderStats) -> Markup:
    days = st.per_day
    total = sum(d.created for d in days)
    return bar_chart(
        [d.created for d in days],
        chart_id="chart-days",
        title=page.t("web.stats.days.chart", days=st.days),
        description=page.t(
            "web.stats.days.desc",
            days=st.days,
            total=page.num(total),
            high=page.num(max((d.created for d in days), default=0)),
        ),
        start_label=days[0].day.isoformat(),
        end_label=days[-1].day.isoformat(),
        bar_titles=[f"{d.day.isoformat()}: {page.num(d.created)}" for d in days],
    )


def _mmr_chart(page: Page, st: LadderStats) -> Markup:
    """Bars per MMR bucket; a marker at each letter's lowest MMR (the cut-off to hold that letter)."""
    h = st.histogram
    if not h.buckets:
        return Markup("")
    lo, hi = h.buckets[0][0], h.buckets[-1][0] + h.width
    markers = [
        Marker((c.min_mmr - lo) / (hi - lo), f"{c.letter} {c.min_mmr}")
        for c in st.cutoffs
        if c.min_mmr is not None and c.letter != "F"  # F's bottom is the board's bottom: no boundary
    ]
    return bar_chart(
        [n for _, n in h.buckets],
        chart_id="chart-mmr",
        title=page.t("web.stats.mmr.chart"),
        description=page.t("web.stats.mmr.desc", entries=page.num(h.total), low=lo, high=hi, width=h.width),
        start_label=str(lo),
        end_label=str(hi),
        bar_titles=[f"{low}–{low + h.width - 1}: {page.num(n)}" for low, n in h.buckets],
        markers=markers,
    )
