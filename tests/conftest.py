"""Shared test fixtures: where ../shared is, and whether real services must be present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("EVOLADDER_SHARED_DIR", ROOT.parent / "shared")).resolve()
REQUIRE_SERVICES = os.environ.get("EVOLADDER_REQUIRE_SERVICES") == "1"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder; skips the test when it is absent (as on a user's machine)."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"../shared is absent ({SHARED_DIR}); these tests need the shared fixtures")
    return SHARED_DIR
