"""axe-core (bundled with axe-playwright-python, no download) on the main public pages, in
the real browser. Serious and critical violations fail the test; the report names them."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_public_pages_have_no_serious_accessibility_violations(new_context):
    contest = factories.make_contest("voting", title="Cups of tomorrow")
    entry = factories.make_entry(contest, title="Aurora cup")
    member = factories.UserFactory()
    page = new_context().new_page()
    paths = ["/", contest.url, entry.get_absolute_url(), "/accounts/login/", "/accounts/signup/"]
    found = {}
    for path in paths:
        page.goto(path)
        found[path] = blocking_violations(page)
    # Signed in: the voting controls and the submission form.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/")
    submissions = factories.make_contest("submissions", title="Open call")
    for path in [contest.url, f"{submissions.url}submit/"]:
        page.goto(path)
        found[f"{path} (member)"] = blocking_violations(page)
    assert {path: v for path, v in found.items() if v} == {}


def test_the_checker_reports_a_known_violation(new_context):
    """Guards the test above against a checker that silently finds nothing."""
    page = new_context().new_page()
    page.goto("/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert any(v.startswith("image-alt") for v in blocking_violations(page))
