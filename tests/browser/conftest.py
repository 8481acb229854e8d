"""Browser tests: Playwright's sync API driving Debian's chromium against `live_server`.

Playwright's own browser download cannot work on this machine, and pytest-playwright is not
used: the fixtures below launch the system chromium directly.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
DEVICES = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 360, "height": 740},
}
BROWSER_LOCALES = {"en": "en-US", "it": "it-IT"}
# The journeys of every role run twice: in English on a desktop and in Italian on a phone, so
# each role's journey is seen in both languages and at both widths.
JOURNEYS = [("en", "desktop"), ("it", "phone")]


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
    - On the in-memory SQLite test database, that second connection would be a second
      connection to a shared-cache database, where a write meeting the live server's open read
      fails at once with "database table is locked" (shared-cache locks do not wait). The test
      code is therefore given the very connection the live server thread uses, as Django's
      LiveServerTestCase does for the test thread.
    """
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium); "
            "Playwright's own browser download is not used. Deselect them with -m 'not browser'.",
            pytrace=False,
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    shared = live_server.thread.connections_override

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            for alias, connection in shared.items():
                connections[alias] = connection
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
    """Open a fresh browser context (its own cookies: one per person) on the live server, with
    the browser's language ("en" or "it") and a screen size from DEVICES."""
    contexts = []

    def open_context(language: str = "en", device: str = "desktop"):
        context = browser.new_context(
            base_url=live_server.url,
            locale=BROWSER_LOCALES[language],
            viewport=DEVICES[device],
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


@dataclass
class Journey:
    """One run of a journey: the language its people speak and the screen they use. Labels come
    from the translation catalogs (ours, allauth's and Wagtail's), never typed in English, so
    the Italian run finds the Italian page or fails."""

    language: str
    device: str
    new_context: Any
    screenshot: Any

    @property
    def phone(self) -> bool:
        return self.device == "phone"

    def t(self, message: str, **params) -> str:
        """`message` as the page shows it in this language ({% translate %}/blocktranslate)."""
        from django.utils.translation import gettext, override

        with override(self.language):
            text = gettext(message)
        return text % params if params else text

    def nt(self, singular: str, plural: str, count: int, **params) -> str:
        from django.utils.translation import ngettext, override

        with override(self.language):
            text = ngettext(singular, plural, count)
        return text % {"counter": count, **params}

    def page(self):
        """A new person: a fresh context with this language and screen, and its page."""
        return self.new_context(self.language, self.device).new_page()

    def speaks(self, user) -> None:
        """The member's saved language and, for moderators and staff, the Wagtail admin's."""
        from wagtail.users.models import UserProfile

        from community import services

        services.set_language(user, self.language)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = self.language
        profile.save(update_fields=["preferred_language"])

    def shot(self, page, name: str):
        """test-results/journeys/<name>-<language>-<device>.png"""
        return self.screenshot(page, f"journeys/{name}-{self.language}-{self.device}")

    def check_language(self, page) -> None:
        from playwright.sync_api import expect

        expect(page.locator("html")).to_have_attribute("lang", self.language)

    def account_nav(self, page):
        """The header's account links, opening the menu first on a phone like a person would
        (at phone width they are behind the Menu button)."""
        from playwright.sync_api import expect

        nav = page.get_by_role("navigation", name=self.t("Account"))
        if self.phone:
            toggle = page.get_by_role("button", name=self.t("Menu"))
            expect(toggle).to_be_visible()
            expect(nav).to_be_hidden()
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(nav).to_be_visible()
        return nav


@pytest.fixture(params=JOURNEYS, ids=[f"{language}-{device}" for language, device in JOURNEYS])
def journey(request, new_context, screenshot) -> Journey:
    """Parametrizes a test with the JOURNEYS (language, device) pairs."""
    language, device = request.param
    return Journey(language, device, new_context, screenshot)
