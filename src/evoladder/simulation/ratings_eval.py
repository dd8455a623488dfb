"""Compare rating models on the same games: each predicts every game before seeing its result.

The simulator records the games it played (who, with which race, and the result); every model
replays that same sequence from scratch. Log-loss and accuracy of the predicted win probability are
reported overall and for games where either player had fewer than 10 games with that race.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from evoladder.domain.glicko2 import Glicko2Model, GlickoRating
from evoladder.domain.rating import EloModel, RatingState

Key = tuple[int, str]
Game = tuple[Key, Key, float]


def _score(rows: list[tuple[float, float]]) -> dict[str, Any]:
    if not rows:
        return {"n": 0, "log_loss": None, "accuracy": None}
    eps = 1e-9
    loss = -statistics.fmean(s * math.log(max(p, eps)) + (1 - s) * math.log(max(1 - p, eps)) for p, s in rows)
    decided = [(p, s) for p, s in rows if s != 0.5]
    acc = statistics.fmean(float((p > 0.5) == (s > 0.5)) for p, s in decided) if decided else None
    return {"n": len(rows), "log_loss": round(loss, 4), "accuracy": round(acc, 4) if acc is not None else None}


def evaluate(games: Sequence[Game]) -> dict[str, dict[str, Any]]:
    """Predict-then-update every game with each model; returns metrics per model."""
    elo = EloModel()
    glicko = Glicko2Model()
    elo_r: dict[Key, int] = {}
    gl_r: dict[Key, GlickoRating] = {}
    played: dict[Key, int] = {}
    rows: dict[str, list[tuple[float, float, bool]]] = {"elo": [], "glicko2": []}
    for a, b, score in games:
        new = played.get(a, 0) < 10 or played.get(b, 0) < 10
        ea, eb = elo_r.get(a, elo.initial), elo_r.get(b, elo.initial)
        rows["elo"].append((elo.expected_mmr(ea, eb), score, new))
        ga, gb = gl_r.get(a, glicko.new_rating()), gl_r.get(b, glicko.new_rating())
        rows["glicko2"].append((glicko.expected(ga, gb), score, new))
        na, nb = elo.rate(RatingState(ea), RatingState(eb), _outcome(score))
        elo_r[a], elo_r[b] = na.mmr, nb.mmr
        gl_r[a], gl_r[b] = glicko.rate(ga, gb, score)
        played[a] = played.get(a, 0) + 1
        played[b] = played.get(b, 0) + 1
    return {
        name: {
            "all": _score([(p, s) for p, s, _ in r]),
            "new_players": _score([(p, s) for p, s, n in r if n]),
            "established": _score([(p, s) for p, s, n in r if not n]),
        }
        for name, r in rows.items()
    }


def _outcome(score: float) -> Any:
    from evoladder.domain.rating import Outcome

    return Outcome.PLAYER1_WON if score == 1.0 else Outcome.PLAYER2_WON if score == 0.0 else Outcome.DRAW
