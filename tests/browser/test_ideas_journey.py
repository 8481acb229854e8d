"""An idea's whole journey in a real browser: a member starts typing a title and is shown a
similar idea, posts theirs anyway; a moderator approves it from the desk; members support it to
the board's goal; brand staff answer "Planned"; the author reads the notification and the
roadmap shows the idea under Planned. One browser context per person.

Screenshots land in test-results/ideas-*.png (not committed).
"""

import re

import pytest
from playwright.sync_api import expect

from ideas import services
from ideas.models import Idea, IdeaStatus, Support
from tests import factories
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_journey import sign_in

TITLE = "Winner Taco with a darker chocolate"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_idea_journey(live_server, new_context, screenshot):
    board = factories.make_board(title="What should we bring back?", goal=3)
    existing = factories.make_idea(
        board, title="Bring back the Winner Taco", description="The best ice cream of the 90s."
    )
    factories.supporters(existing, 2)
    author_user = factories.UserFactory(username="ada")

    # 1. The member starts typing a title: the similar idea shows up under the field.
    author = new_context().new_page()
    sign_in(author, author_user.email)
    author.goto(board.url)
    expect(author.get_by_role("heading", name=board.title, level=1)).to_be_visible()
    screenshot(author, "ideas-1-board")
    author.get_by_role("link", name="Post an idea").click()
    title = author.get_by_label("Title")
    title.press_sequentially("Winner Taco", delay=40)
    suggestions = author.get_by_test_id("similar-ideas")
    expect(suggestions).to_contain_text("Bring back the Winner Taco")
    expect(suggestions).to_contain_text("2 supporters")
    expect(author.locator("#similar-ideas")).to_have_attribute("aria-live", "polite")
    screenshot(author, "ideas-2-similar")

    # ... and posts theirs anyway.
    title.fill(TITLE)
    author.get_by_label("Description").fill("Same taco, but with a darker, less sweet coating.")
    author.get_by_label("Category").select_option(label="Flavours")
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(author.get_by_test_id("moderation-status")).to_contain_text("Pending review")
    screenshot(author, "ideas-3-pending")
    idea = Idea.objects.get(title=TITLE)
    assert not idea.live

    # 2. A moderator approves it from the moderation desk in the Wagtail admin.
    desk = new_context().new_page()
    sign_in(desk, factories.moderator().email)
    desk.goto("/admin/")
    desk.get_by_role("link", name="Moderation").click()
    item = desk.get_by_role("listitem").filter(has=desk.get_by_role("heading", name=TITLE))
    expect(item).to_contain_text("By ada")
    item.get_by_role("button", name="Approve").click()
    expect(desk.get_by_text("Approved: it is now public.")).to_be_visible()
    idea.refresh_from_db()
    assert idea.live

    # 3. Members support it to the goal (3): one through the service, two in the browser.
    factories.supporters(idea, 1)
    fan = new_context().new_page()
    sign_in(fan, factories.UserFactory().email)
    fan.goto(board.url)
    card = fan.locator(f'[data-idea-id="{idea.pk}"]')
    expect(card).to_contain_text("1 of 3 supporters")
    card.get_by_role("button", name="Support").click()
    expect(fan.get_by_text("Thank you for your support!")).to_be_visible()
    expect(card.get_by_role("button", name=re.compile("Supported"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card).to_contain_text("2 of 3 supporters")
    screenshot(fan, "ideas-4-supported-on-board")

    last = new_context().new_page()
    sign_in(last, factories.UserFactory().email)
    last.goto(idea.get_absolute_url())
    last.get_by_test_id("support-box").get_by_role("button", name="Support").click()
    expect(last.get_by_text("Thank you for your support!")).to_be_visible()
    expect(last.get_by_test_id("support-count")).to_have_text("3")
    expect(last.get_by_test_id("idea-status").first).to_have_text("Under review")
    expect(last.get_by_test_id("timeline")).to_contain_text("Reached the support goal")
    screenshot(last, "ideas-5-goal-reached")
    assert Support.objects.filter(idea=idea).count() == 3

    # 4. Brand staff answer and mark it planned.
    staff = new_context().new_page()
    sign_in(staff, factories.brand_staff(board.brand).email)
    staff.goto(idea.get_absolute_url())
    tools = staff.get_by_test_id("staff-tools")
    tools.get_by_label("Status").select_option(label="Planned")
    tools.get_by_label("The brand's answer").fill("We love it: a darker coating is coming in May.")
    tools.get_by_role("button", name="Publish the answer").click()
    expect(staff.get_by_text("Your answer is published on the idea's timeline.")).to_be_visible()
    timeline = staff.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Official answer from Test Brand")
    expect(timeline).to_contain_text("coming in May")
    expect(timeline).to_contain_text("— Test Brand")
    screenshot(staff, "ideas-6-answered")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED

    # 5. The author sees the notification.
    author.goto("/")
    nav = author.get_by_role("navigation", name="Account")
    expect(nav.locator(".badge")).to_be_visible()  # unread notifications
    nav.get_by_role("link", name=re.compile("Notifications")).click()
    notice = author.get_by_role("listitem").filter(has_text="Test Brand answered")
    expect(notice).to_contain_text(f"“{TITLE}”: Planned.")
    screenshot(author, "ideas-7-notification")
    notice.get_by_role("link").click()
    expect(author.get_by_role("heading", name=TITLE, level=1)).to_be_visible()

    # 6. A visitor finds it on the roadmap, under Planned.
    visitor = new_context().new_page()
    visitor.goto(board.url)
    visitor.get_by_role("link", name="Roadmap").click()
    planned = visitor.get_by_role("region", name=re.compile("^Planned"))
    expect(planned.get_by_role("link", name=TITLE)).to_be_visible()
    expect(visitor.get_by_role("region", name=re.compile("^Under review"))).not_to_contain_text(
        TITLE
    )
    screenshot(visitor, "ideas-8-roadmap")

    # No script error, and no failed request other than the admin's Gravatar avatars (the test
    # blocks every host but the live server).
    for page in (author, desk, fan, last, staff, visitor):
        assert page.context.page_errors == [], page.context.page_errors
        # Django's live_server speaks no WebSocket: the live layer says "paused" (its own
        # browser tests run on an ASGI server, tests/browser/test_live.py).
        errors = [
            e
            for e in page.context.console_errors
            if "gravatar.com" not in e and "WebSocket connection to" not in e
        ]
        assert errors == [], errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ideas_pages_have_no_serious_accessibility_violations(live_server, new_context):
    board = factories.make_board(title="What should we bring back?", goal=3, stages=[(2, 30)])
    idea = factories.make_idea(board, title="Bring back the Winner Taco")
    factories.supporters(idea, 1)
    staff = factories.brand_staff(board.brand)
    services.answer_idea(idea, actor=staff, status=IdeaStatus.PLANNED, answer="In May.")
    found = {}
    visitor = new_context().new_page()
    for path in (board.url, f"{board.url}roadmap/", idea.get_absolute_url()):
        visitor.goto(path)
        found[path] = blocking_violations(visitor)
    member = new_context().new_page()
    sign_in(member, factories.UserFactory().email)
    member.goto(board.url)
    found["board (member)"] = blocking_violations(member)
    member.goto(f"{board.url}new/")
    member.get_by_label("Title").press_sequentially("Winner Taco", delay=20)
    expect(member.get_by_test_id("similar-ideas")).to_be_visible()
    found["new idea with suggestions"] = blocking_violations(member)
    manager = new_context().new_page()
    sign_in(manager, staff.email)
    manager.goto(idea.get_absolute_url())
    found["idea (staff)"] = blocking_violations(manager)
    assert {path: v for path, v in found.items() if v} == {}
