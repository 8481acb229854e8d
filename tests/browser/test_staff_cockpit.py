"""Brand staff open the admin and reach a contest's jury and pick-winners pages and answer an
idea at its support goal straight from the dashboard, without the page editor's "…" menu: in
English on a desktop and in Italian on a phone (the `journey` fixture)."""

import re

import pytest
from playwright.sync_api import expect

from contests.models import JuryCriterion, Shortlisting
from ideas.models import IdeaStatus
from tests import factories
from tests.browser.test_journey import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_go_from_the_dashboard_to_the_jury_the_winners_and_an_answer(live_server, journey):
    t = journey.t
    brand = factories.BrandFactory(name="Aurora")
    contest = factories.make_contest("judging", brand=brand, title="Iced glass")
    JuryCriterion.objects.create(contest=contest, name="Originality", sort_order=0)
    entry = factories.make_entry(contest, title="Mint ice")
    Shortlisting.objects.create(entry=entry, contest=contest)
    other = factories.make_contest(
        "judging", brand=factories.BrandFactory(name="Borealis"), title="Other brand's glass"
    )
    board = factories.make_board(brand=brand, title="Aurora ideas", goal=1)
    idea = factories.make_idea(board, title="Mint all year")
    factories.supporters(idea, 1)  # at its goal: waiting for the brand's answer
    staff = factories.brand_staff(brand)

    page = journey.page()
    context = page.context
    sign_in(page, staff.email, journey=journey)
    page.goto("/admin/")
    journey.check_language(page)
    panel = page.get_by_test_id("contests-attention")
    expect(panel.get_by_role("heading", name=t("Your contests"))).to_be_visible()
    expect(panel).to_contain_text("Iced glass")
    expect(panel).to_contain_text(
        journey.nt(
            "You still owe %(counter)s jury score.", "You still owe %(counter)s jury scores.", 1
        )
    )
    expect(panel).not_to_contain_text("Other brand's glass")
    ideas = page.get_by_test_id("ideas-awaiting")
    expect(ideas.get_by_role("heading", name=t("Ideas awaiting your answer"))).to_be_visible()
    expect(ideas).to_contain_text("Mint all year")
    journey.shot(page, "cockpit-1-staff-dashboard")

    panel.get_by_role("link", name=t("Jury"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/contests/{contest.pk}/jury/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t("Jury of %(title)s", title="Iced glass")
    )

    page.goto("/admin/")
    page.get_by_test_id("contests-attention").get_by_role("link", name=t("Pick winners")).click()
    expect(page).to_have_url(re.compile(rf"/admin/contests/{contest.pk}/winners/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t("Winners of %(title)s", title="Iced glass")
    )
    expect(page.get_by_role("cell", name="Mint ice", exact=True)).to_be_visible()
    assert f"/admin/contests/{other.pk}/" not in page.content()

    page.goto("/admin/")
    page.get_by_test_id("ideas-awaiting").get_by_role("link", name=t("Answer"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/ideas/{idea.pk}/$"))
    planned = IdeaStatus.PLANNED
    with_status = page.get_by_label(t("Status"), exact=True)
    with_status.select_option(value=planned.value)
    expect(with_status.locator("option:checked")).to_have_text(t("Planned"))
    page.get_by_label(t("Public answer, signed by the brand")).fill("Coming in May.")
    page.get_by_role("button", name=t("Publish the answer")).click()
    expect(page.get_by_text(t("Answer published."))).to_be_visible()
    journey.shot(page, "cockpit-2-answered")
    idea.refresh_from_db()
    assert idea.status == planned

    page.goto("/admin/")
    expect(page.get_by_test_id("ideas-calm")).to_have_text(
        t("No idea at its support goal is waiting for an answer.")
    )
    assert context.page_errors == []
