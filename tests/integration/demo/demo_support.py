"""Demo test helpers: a small, fast demo (60 players, 3 simulated days) seeded into a temporary data dir."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from evoladder.config import Settings
from evoladder.demo.seed import DemoConfig
from evoladder.demo.setup import demo_settings

SMALL = DemoConfig(players=60, days=3.0, seed=11)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def settings_for(data_dir: Path, **extra: object) -> Settings:
    """The demo's settings over ``data_dir`` (as ``evoladder run --demo`` derives them)."""
    return demo_settings(Settings(data_dir=data_dir, _env_file=None, **extra))  # type: ignore[call-arg, arg-type]
