"""Browser fixtures: Debian's chromium driven by Playwright, over a seeded ladder served by uvicorn.

Playwright's browsers are never downloaded (no ``playwright install``): the tests launch the system
chromium (``/usr/bin/chromium``, or ``EVOLADDER_CHROMIUM``). Without it, or without the
``playwright`` package, the tests skip, unless ``EVOLADDER_REQUIRE_SERVICES=1`` (CI), where they fail.

The browser is module-scoped, not session-scoped, on purpose: while Playwright's sync API is alive it
marks the main thread's event loop as running, which would break the async tests of later modules.
All browser tests live in one module, so that is one browser per run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from served_ladder import ServedLadder
from services_support import REQUIRE

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def chromium_path() -> str | None:
    """The system chromium: ``EVOLADDER_CHROMIUM``, else ``chromium`` on PATH, else None."""
    configured = os.environ.get("EVOLADDER_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(why: str) -> None:
    if REQUIRE:
        pytest.fail(f"{why}, and EVOLADDER_REQUIRE_SERVICES=1 forbids skipping the browser tests", pytrace=False)
    pytest.skip(f"{why}; install it with `apt-get install chromium` (Debian) to run the browser tests")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module's tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (it is a dev dependency: ./dev test installs it)")
    executable = chromium_path()
    if executable is None:
        where = os.environ.get("EVOLADDER_CHROMIUM") or "`chromium` on PATH"
        _missing(f"chromium not found ({where})")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so the ``page`` fixture knows whether its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh context (no cookies: the language starts from Accept-Language=en) and page per test.
    A failed test leaves a screenshot of where its page was: ``failed-<test>.png``."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        yield page
        call = getattr(request.node, "report_call", None)
        if call is not None and call.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"failed-{request.node.name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedLadder]:
    """A seeded SQLite ladder served on a free loopback port for the module's tests."""
    from evoladder.store.schema import upgrade

    folder = tmp_path_factory.mktemp("browser-ladder")
    url = f"sqlite+aiosqlite:///{folder / 'ladder.db'}"
    upgrade(url)
    ladder = ServedLadder(url, folder).start()
    try:
        yield ladder
    finally:
        ladder.stop()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Any:
    """``shot(page, name)``: a full-page screenshot under test-artifacts/screenshots/ (kept by CI)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
