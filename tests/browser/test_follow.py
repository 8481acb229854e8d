"""A member follows a brand from a coming-soon contest; when its submissions open, the
scheduled command tells them, and the notification leads back to the contest."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from community.models import Follow
from tests import factories
from tests.browser.test_journey import move_contest_to, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_follow_a_brand_and_hear_when_its_contest_opens(live_server, new_context, screenshot):
    brand = factories.BrandFactory(name="Caffè Aurora", slug="caffe-aurora")
    contest = factories.make_contest("draft", brand=brand, title="Design the winter cup")
    member = factories.UserFactory(username="giulia")

    page = new_context().new_page()
    sign_in(page, member.email)
    page.goto(contest.url)
    expect(page.get_by_test_id("phase")).to_have_text("Coming soon")
    page.get_by_role("button", name="Follow Caffè Aurora").click()
    expect(page.get_by_text("You follow Caffè Aurora")).to_be_visible()
    expect(page.get_by_role("button", name="Following Caffè Aurora")).to_be_visible()
    assert Follow.objects.filter(user=member, brand=brand).exists()
    screenshot(page, "follow-1-following")

    # Nothing to tell yet; then submissions open and the scheduled command runs (twice).
    call_command("notify_opened_contests", verbosity=0)
    move_contest_to(contest, "submissions")
    call_command("notify_opened_contests", verbosity=0)
    call_command("notify_opened_contests", verbosity=0)

    page.goto("/")
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name="Notifications")).to_contain_text("1")
    account.get_by_role("link", name="Notifications").click()
    notice = page.get_by_role("link", name="Caffè Aurora has just opened “Design the winter cup”")
    expect(notice).to_have_count(1)
    screenshot(page, "follow-2-notified")
    notice.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Design the winter cup")
    expect(page.get_by_test_id("phase")).to_have_text("Open for submissions")
