"""The simulator's side-by-side table."""

from __future__ import annotations

from typing import Any

ROWS = [
    ("matches", "matches"),
    ("median wait (s)", "wait_median_s"),
    ("p95 wait (s)", "wait_p95_s"),
    ("mean MMR gap", "gap_mean"),
    ("p95 MMR gap", "gap_p95"),
    ("mean true-skill gap", "true_gap_mean"),
    ("p95 true-skill gap", "true_gap_p95"),
    ("abandonment", "abandon_rate"),
]


def format_table(runs: list[dict[str, Any]]) -> str:
    headers = [f"{r['strategy']}/{r['rating_model']}" for r in runs]
    width = max(14, *(len(h) + 2 for h in headers))
    lines = [f"{'':<22}" + "".join(f"{h:>{width}}" for h in headers)]
    for label, key in ROWS:
        lines.append(f"{label:<22}" + "".join(f"{_fmt(r.get(key)):>{width}}" for r in runs))
    for label, group in (("log-loss (all)", "rating_all"), ("log-loss (<10 games)", "rating_new_players")):
        lines.append(f"{label:<22}" + "".join(f"{_fmt(r[group]['log_loss']):>{width}}" for r in runs))
    for label, group in (("accuracy (all)", "rating_all"), ("accuracy (<10 games)", "rating_new_players")):
        lines.append(f"{label:<22}" + "".join(f"{_fmt(r[group]['accuracy']):>{width}}" for r in runs))
    for model in ("elo", "glicko2"):
        for group, label in (("all", "all"), ("new_players", "<10 games")):
            key = f"{model} log-loss ({label})"
            lines.append(
                f"{key:<22}" + "".join(f"{_fmt(r['rating_models'][model][group]['log_loss']):>{width}}" for r in runs)
            )
    servers = sorted({s for r in runs for s in r["server_share"]})
    for s in servers:
        lines.append(f"{'server ' + s:<22}" + "".join(f"{_fmt(r['server_share'].get(s, 0.0)):>{width}}" for r in runs))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)
