"""Discord flows through the harness, on SQLite and on real PostgreSQL (the ``db_url`` fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from discord_harness import BotHarness
from evoladder.clock import ManualClock
from evoladder.config import Settings


@pytest.fixture
def bot_settings(settings: Settings) -> Settings:
    """No command cooldown by default, so a test may repeat a command; the cooldown test sets its own."""
    return settings.model_copy(update={"discord_command_cooldown_s": 0.0})


@pytest.fixture
async def h(bot_settings: Settings, clock: ManualClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(bot_settings, clock)
    try:
        yield harness
    finally:
        await harness.close()
