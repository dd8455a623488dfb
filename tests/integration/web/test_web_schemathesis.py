"""Property-based API tests: schemathesis generates requests from ``/openapi.json`` (valid and
invalid) and calls the real app in-process (ASGI, no socket) over a seeded SQLite ladder.

The property: no input gets a 5xx, and every answer conforms to what the schema advertises (status
code, content type, headers, body). Bounded: ``EXAMPLES`` per operation and mode, well under a minute.

Why not ``schemathesis.pytest.from_fixture`` + ``@schema.parametrize()``: schemathesis 4.32's lazy
loader sets ``Function._nodeid``, which pytest 9.2 no longer has; so each operation gets its own
Hypothesis test here, built from ``operation.as_strategy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.generation import GenerationMode

from evoladder.store.schema import upgrade
from served_ladder import ServedLadder

EXAMPLES = 25
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs every run: a CI failure reproduces locally
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@pytest.fixture(scope="module")
def served_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedLadder]:
    folder: Path = tmp_path_factory.mktemp("schemathesis-ladder")
    url = f"sqlite+aiosqlite:///{folder / 'ladder.db'}"
    upgrade(url)
    served = ServedLadder(url, folder, serve=False, players=8, matches=12).start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def api_schema(served_api: ServedLadder) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", served_api.asgi)


def _operations(schema: Any) -> list[Any]:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert any(op.path.startswith("/api/v1/") for op in operations)
    return operations


def _check(operation: Any, strategy: Any, *, negative: bool = False) -> None:
    @SETTINGS
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        case.call_and_validate()

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        if not negative:
            raise
        # an operation without parameters (e.g. /api/v1/queue) has no invalid request to make
    except Exception as exc:
        raise AssertionError(f"{operation.method.upper()} {operation.path}: {exc}") from exc


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema_and_never_errors(api_schema: Any, mode: GenerationMode) -> None:
    for operation in _operations(api_schema):
        _check(operation, operation.as_strategy(generation_mode=mode), negative=mode == GenerationMode.NEGATIVE)


def test_api_on_real_ids(api_schema: Any, served_api: ServedLadder) -> None:
    """Random ids are almost always 404s; pinning the seeded players and matches reaches the reads."""
    real = {"public_id": served_api.public_id(served_api.seeded.ids[0]), "match_id": served_api.seeded.matches[0]}
    for operation in _operations(api_schema):
        names = set(re.findall(r"{(\w+)}", operation.path))
        if not names:
            continue
        assert names <= real.keys(), f"pin the new path parameter(s) of {operation.path}"
        _check(operation, operation.as_strategy(path_parameters={n: real[n] for n in names}))


def test_openapi_lists_the_race_codes(served_api: ServedLadder) -> None:
    """The race parameters name their valid values (the data pack's), so clients need not guess them."""
    assert served_api.ladder is not None
    codes = sorted(r.code for r in served_api.ladder.pack.races)
    paths = served_api.app.openapi()["paths"]
    board = next(p for p in paths["/api/v1/leaderboard"]["get"]["parameters"] if p["name"] == "race")
    assert board["schema"]["items"]["enum"] == codes
    history = next(p for p in paths["/api/v1/players/{public_id}/history"]["get"]["parameters"] if p["name"] == "race")
    assert codes in [option.get("enum") for option in history["schema"]["anyOf"]]
