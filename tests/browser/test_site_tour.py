"""The whole public site as visitors and members see it, in both languages and at desktop and
phone widths: every page answers, carries no serious or critical accessibility violation
(axe-core), fits the screen without sideways scrolling, and is saved as a screenshot under
test-results/tour/ (CI keeps that folder as an artefact).
"""

import pytest

from contests import services as contest_services
from tests import factories
from tests.browser.test_accessibility import blocking_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEVICES = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 360, "height": 740},
}
LANGUAGES = ["en", "it"]


def build_site() -> dict:
    """A small site with a contest in every public phase, a board with ideas and a member."""
    member = factories.UserFactory(username="ada")
    open_call = factories.make_contest("submissions", title="Cups of tomorrow")
    voting = factories.make_contest("voting", title="Espresso cups")
    entries = [
        factories.make_entry(voting, title=f"Aurora {n}", extra_images=1 if n == 1 else 0)
        for n in range(1, 4)
    ]
    results = factories.make_contest("judging", title="Travel mugs")
    finalists = [factories.make_entry(results, title=f"Mug {n}") for n in range(1, 4)]
    contest_services.pick_winners(
        results,
        staff=factories.brand_staff(),
        entry_ids=[finalists[0].pk, finalists[1].pk],
        mention_ids=[finalists[2].pk],
    )
    board = factories.make_board(title="Bring back our flavours", goal=3)
    idea = factories.make_idea(board, title="The Winner Taco", author=member)
    factories.supporters(idea, 2)
    factories.make_profile(author=member, bio="I draw cups.")
    brand = open_call.brand
    public = {
        "home": "/",
        "brand": factories.brand_page(brand).url,
        "contest-open": open_call.url,
        "contest-voting": voting.url,
        "entry": entries[0].get_absolute_url(),
        "results": f"{results.url}results/",
        "board": board.url,
        "roadmap": f"{board.url}roadmap/",
        "idea": idea.get_absolute_url(),
        "search": "/search/?q=cup",
        "member": f"/members/{member.username}/",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
        "not-found": "/no-such-page/",
    }
    members_only = {
        "submit": f"{open_call.url}submit/",
        "post-idea": f"{board.url}new/",
        "notifications": "/notifications/",
        "profile-settings": "/profile/",
        "account-data": "/account/data/",
    }
    return {"member": member, "public": public, "members_only": members_only}


def visit(page, path: str, name: str, screenshot) -> list[str]:
    """Open `path`; returns what is wrong with it (status, axe, sideways scrolling)."""
    response = page.goto(path)
    problems = []
    expected = 404 if name.endswith("not-found") else 200
    if response is None or response.status != expected:
        problems.append(f"status {response.status if response else None}")
    problems += blocking_violations(page)
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        problems.append(f"scrolls sideways by {overflow}px")
    screenshot(page, f"tour/{name}")
    return problems


def sign_in_cookies(browser, base_url: str, email: str) -> dict:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(factories.FACTORY_PASSWORD)
    page.locator("form[action*='login'] [type=submit]").click()
    page.wait_for_load_state()
    state = context.storage_state()
    context.close()
    return state


def test_every_page_in_both_languages_and_widths(browser, live_server, screenshot):
    site = build_site()
    member_state = sign_in_cookies(browser, live_server.url, site["member"].email)
    problems: dict[str, list[str]] = {}
    for language in LANGUAGES:
        for device, viewport in DEVICES.items():
            for who, pages, state in [
                ("visitor", site["public"], None),
                ("member", site["members_only"], member_state),
            ]:
                context = browser.new_context(
                    base_url=live_server.url,
                    viewport=viewport,
                    locale="it-IT" if language == "it" else "en-US",
                    storage_state=state,
                )
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": live_server.url}]
                )
                context.set_default_timeout(10_000)
                page = context.new_page()
                for name, path in pages.items():
                    label = f"{language}-{device}-{name}"
                    found = visit(page, path, label, screenshot)
                    lang = page.get_attribute("html", "lang")
                    if lang != language:
                        found.append(f'html lang="{lang}"')
                    if found:
                        problems[f"{label} ({who}) {path}"] = found
                context.close()
    assert problems == {}


def test_the_language_switch_keeps_the_page(browser, live_server):
    contest = factories.make_contest("voting", title="Espresso cups")
    factories.make_entry(contest, title="Aurora")
    for device, viewport in DEVICES.items():
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        page.goto(contest.url)
        assert page.get_attribute("html", "lang") == "en"
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Italiano").click()
        page.wait_for_url(f"**{contest.url}")
        assert page.get_attribute("html", "lang") == "it", device
        page.get_by_role("navigation", name="Lingua").get_by_role("link", name="English").click()
        page.wait_for_url(f"**{contest.url}")
        assert page.get_attribute("html", "lang") == "en", device
        context.close()
