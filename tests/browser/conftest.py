"""Browser tests: Playwright's sync API driving Debian's chromium against `live_server`.

Playwright's own browser download cannot work on this machine, and pytest-playwright is not
used: the fixtures below launch the system chromium directly.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_NOT_LIVE_SERVER = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])")
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def browser(transactional_db, live_server):
    """Headless chromium for one test, started after the database and the live server are
    ready and stopped before the database is flushed.

    Playwright's sync API keeps an asyncio event loop running in the main thread while it is
    started. Two consequences, both confined to this fixture:
    - Django's ORM refuses queries from test code (SynchronousOnlyOperation): the check is
      lifted with DJANGO_ALLOW_ASYNC_UNSAFE while the browser runs, and only then, so other
      tests keep its protection. The test code is synchronous; the live server has its own
      thread.
    - Django keeps database connections per thread *and* per async context, so the test code
      gets a second connection while the loop runs. The database fixtures must therefore not
      run inside the loop: `serialized_rollback` keeps the migrations' data (home page,
      groups) on the original connection object, and would silently restore nothing from
      inside the loop, leaving this test and the next transactional ones without it. The
      second connection is closed here (PostgreSQL could not drop the test database otherwise).
    """
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium); "
            "Playwright's own browser download is not used. Deselect them with -m 'not browser'.",
            pytrace=False,
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                connections.close_all()  # the test code's connection, made inside the loop
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """Open a fresh browser context (its own cookies: one per person) on the live server."""
    contexts = []

    def open_context():
        context = browser.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        # The test talks to the live server only (the admin's Gravatar avatars would wait on DNS).
        context.route(_NOT_LIVE_SERVER, lambda route: route.abort())
        # What went wrong inside the pages, for the test to check and for failure reports.
        context.page_errors = []
        context.console_errors = []
        context.on("weberror", lambda error: context.page_errors.append(str(error.error)))
        context.on(
            "console",
            lambda message: (
                message.type == "error"
                and context.console_errors.append(f"{message.text} ({message.location.get('url')})")
            ),
        )
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as test-results/<name>.png (the folder is not committed)."""

    def save(page, name: str) -> Path:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
