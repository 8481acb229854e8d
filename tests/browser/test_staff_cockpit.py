"""Brand staff open the admin and reach a contest's jury and pick-winners pages straight from
the dashboard, without the page editor's "…" menu."""

import re

import pytest
from playwright.sync_api import expect

from contests.models import JuryCriterion, Shortlisting
from tests import factories
from tests.browser.test_journey import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_go_from_the_dashboard_to_the_jury_and_the_winners(
    live_server, new_context, screenshot
):
    brand = factories.BrandFactory(name="Aurora")
    contest = factories.make_contest("judging", brand=brand, title="Iced glass")
    JuryCriterion.objects.create(contest=contest, name="Originality", sort_order=0)
    entry = factories.make_entry(contest, title="Mint ice")
    Shortlisting.objects.create(entry=entry, contest=contest)
    other = factories.make_contest(
        "judging", brand=factories.BrandFactory(name="Borealis"), title="Other brand's glass"
    )
    staff = factories.brand_staff(brand)

    context = new_context()
    page = context.new_page()
    sign_in(page, staff.email)
    page.goto("/admin/")
    panel = page.get_by_test_id("contests-attention")
    expect(panel).to_contain_text("Iced glass")
    expect(panel).to_contain_text("You still owe 1 jury score.")
    expect(panel).not_to_contain_text("Other brand's glass")
    screenshot(page, "cockpit-staff-dashboard")

    panel.get_by_role("link", name="Jury").click()
    expect(page).to_have_url(re.compile(rf"/admin/contests/{contest.pk}/jury/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jury of Iced glass")

    page.goto("/admin/")
    page.get_by_test_id("contests-attention").get_by_role("link", name="Pick winners").click()
    expect(page).to_have_url(re.compile(rf"/admin/contests/{contest.pk}/winners/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Winners of Iced glass")
    expect(page.get_by_role("cell", name="Mint ice", exact=True)).to_be_visible()
    assert f"/admin/contests/{other.pk}/" not in page.content()
    assert context.page_errors == []
