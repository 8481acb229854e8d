"""One-tap actions in a real browser: a visitor's "Sign in to vote" comes back to the card,
voting in place keeps the page (no reload, same scroll position) and the entry lightbox, in
both languages and at desktop and phone widths; the share box's copy button, and support counts
that change live on an ideas board."""

import re

import pytest
from playwright.sync_api import expect

from contests.models import Entry, Vote
from ideas.models import Support
from tests import factories
from tests.browser.test_journey import label_pattern, sign_in
from tests.browser.test_live import asgi_server, open_page  # noqa: F401 (fixtures)
from tests.factories import FACTORY_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def no_page_errors(context):
    """No script error, and no CSP violation (htmx and our scripts need no inline code or
    eval). Django's live server speaks no WebSocket: the live layer's failed connection is
    expected there."""
    assert context.page_errors == []
    console = [e for e in context.console_errors if "WebSocket connection to" not in e]
    assert console == []


def assert_scroll_kept(page, before: float, card) -> None:
    """No jump: the page stays where it was (a reload or a full swap would go back to the top);
    Chrome's scroll anchoring may move it by the height of the note and status lines added to
    the card (about two lines of text), never back to the top."""
    after = page.evaluate("window.scrollY")
    assert abs(after - before) < 100, (before, after)
    expect(card.get_by_role("heading")).to_be_in_viewport()


def test_a_visitor_signs_in_from_a_card_votes_withdraws_in_place_and_opens_the_lightbox(
    journey,
):
    """In English on a desktop and in Italian on a phone (the `journey` fixture): "Sign in to
    vote" on a card far down the gallery brings the visitor back to that card; voting and
    withdrawing there keep the page (no reload, same scroll position); the entry's lightbox
    shows every view."""
    t = journey.t
    contest = factories.make_contest("voting", title="Scroll cup")
    for n in range(6):
        factories.make_entry(contest, title=f"Design {n}")
    factories.make_entry(contest, title="Three views", extra_images=2)
    member = factories.UserFactory()
    journey.speaks(member)
    page = journey.page()
    context = page.context
    page.goto(contest.url)
    journey.check_language(page)
    cards = page.get_by_role("region", name=t("Entries")).locator("li.entry-card")
    expect(cards).to_have_count(7)

    # 1. Sign in to vote from the last card (the gallery's order may be shuffled), and come
    # back to it.
    target = cards.last.get_attribute("id")  # entry-<pk>
    card = page.locator(f"#{target}")
    card.get_by_role("link", name=t("Sign in to vote")).click()
    page.get_by_label(t("Email")).fill(member.email)
    page.get_by_label(label_pattern(t("Password"))).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name=t("Sign In")).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(contest.url)}#{target}$"))
    expect(card).to_be_in_viewport()
    journey.shot(page, "interact-1-back-to-the-card")

    # 2. Vote and withdraw in place: no reload, the page stays where it is.
    page.evaluate("window.__noReload = 'still here'")
    before = page.evaluate("window.scrollY")
    assert before > 100  # the card is well down the page
    card.get_by_role("button", name=t("Vote"), exact=True).click()
    voted = card.get_by_role("button", name=t("Voted ✓ — withdraw vote"))
    expect(voted).to_have_attribute("aria-pressed", "true")
    expect(card.locator("[data-vote-count]")).to_have_text("1")
    expect(card).to_contain_text(t("Thank you for voting!"))
    assert page.evaluate("window.__noReload") == "still here"
    assert_scroll_kept(page, before, card)
    expect(voted).to_be_focused()  # focus stays on the toggle
    if journey.phone:
        # Two gallery columns on a phone: the toggle spans its card rather than being squeezed
        # by the vote box's own padding into a round button of four one-word lines.
        widths = (voted.bounding_box()["width"], card.bounding_box()["width"])
        assert widths[0] >= 0.75 * widths[1], widths
    journey.shot(page, "interact-2-voted-in-place")
    assert Vote.objects.filter(entry_id=target.removeprefix("entry-"), voter=member).count() == 1

    voted.click()
    expect(card.get_by_role("button", name=t("Vote"), exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(card.locator("[data-vote-count]")).to_have_text("0")
    expect(card).to_contain_text(t("Your vote has been withdrawn."))
    assert page.evaluate("window.__noReload") == "still here"
    assert_scroll_kept(page, before, card)
    assert not Vote.objects.exists()

    # 3. The lightbox of an entry with three views: arrows on a desktop, buttons on a phone.
    entry = Entry.objects.get(title="Three views")
    page.goto(entry.get_absolute_url())
    dialog = page.locator("dialog[data-lightbox]")
    expect(dialog).to_be_hidden()
    first = page.locator("a[data-lightbox-item]").first
    first.click()
    expect(dialog).to_be_visible()
    caption = dialog.locator("[data-lightbox-caption]")
    position = t("Image {n} of {total}")
    expect(caption).to_have_text(position.format(n=1, total=3))
    image = dialog.locator("[data-lightbox-image]")
    expect(image).to_have_attribute("src", re.compile(rf"/entries/{entry.pk}/image/1600/$"))
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    journey.shot(page, "interact-3-lightbox")
    following = dialog.get_by_role("button", name=t("Next image"))
    preceding = dialog.get_by_role("button", name=t("Previous image"))
    (following.click if journey.phone else lambda: page.keyboard.press("ArrowRight"))()
    expect(caption).to_have_text(position.format(n=2, total=3))
    expect(image).to_have_attribute("src", re.compile(rf"/entries/{entry.pk}/image/2/1600/$"))
    for _ in range(2):
        (preceding.click if journey.phone else lambda: page.keyboard.press("ArrowLeft"))()
    expect(caption).to_have_text(position.format(n=3, total=3))  # wraps around
    following.click()
    expect(caption).to_have_text(position.format(n=1, total=3))
    if journey.phone:
        dialog.get_by_role("button", name=t("Close")).click()
    else:
        page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(first).to_be_focused()  # focus returns to what opened it
    no_page_errors(context)


def test_the_copy_button_copies_the_share_link(new_context):
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest)
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, factories.UserFactory().email)
    page.goto(entry.get_absolute_url())
    share = page.get_by_test_id("share")
    link = share.locator("input[data-share-url]").input_value()
    share.get_by_role("button", name="Copy link").click()
    expect(share.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    no_page_errors(context)


def test_supports_change_live_on_the_board_when_another_member_supports(open_page):  # noqa: F811
    board = factories.make_board(title="Live board", goal=5)
    idea = factories.make_idea(board, title="Bring back the taco")
    fan = factories.UserFactory()

    watcher = open_page()
    watcher.goto(board.url)
    count = watcher.locator(f'[data-idea-id="{idea.pk}"] [data-support-count]')
    expect(count).to_have_text("0")
    expect(watcher.locator("html")).to_have_attribute("data-live", "connected")

    supporter = open_page()
    sign_in(supporter, fan.email)
    supporter.goto(board.url)
    card = supporter.locator(f"#idea-{idea.pk}")
    card.get_by_role("button", name="Support").click()
    expect(card.get_by_role("button", name=re.compile("Supported"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.locator("[data-support-count]")).to_have_text("1")  # in place

    expect(count).to_have_text("1")  # live, without a reload
    expect(watcher.locator(f'[data-idea-id="{idea.pk}"] [data-progress-text]')).to_have_text(
        "1 of 5 supporters"
    )
    assert Support.objects.filter(idea=idea, member=fan).exists()

    idea_page = open_page()
    idea_page.goto(idea.get_absolute_url())
    expect(idea_page.locator("html")).to_have_attribute("data-live", "connected")
    expect(idea_page.get_by_test_id("support-count")).to_have_text("1")
    factories.supporters(idea, 1)
    expect(idea_page.get_by_test_id("support-count")).to_have_text("2")
