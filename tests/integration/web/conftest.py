"""Web fixtures: a seeded ladder (through the services) and an httpx client over the ASGI app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from web_support import Seeded, client_for, seed

from evoladder.app import Ladder
from evoladder.clock import ManualClock


@pytest.fixture
async def seeded(ladder: Ladder, clock: ManualClock) -> Seeded:
    return await seed(ladder, clock)


@pytest.fixture
async def client(ladder: Ladder) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(ladder) as c:
        yield c
