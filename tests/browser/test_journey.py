"""The whole design-contest journey in a real browser: a visitor signs up and verifies their
email, submits a design, a moderator approves it, a second member votes, brand staff pick the
winner and a signed-out visitor sees the results. One browser context per person.

Screenshots of every step land in test-results/ (not committed); journey-results.png is the
public results page at the end.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from community.models import User
from community.second_factor import is_staff_role
from contests.models import Award, ContestPage, Entry, Vote
from tests import factories
from tests.factories import FACTORY_PASSWORD

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")
PASSWORD_LABEL = re.compile(r"^Password:?$")  # allauth labels end with a colon


def sign_in(page: Page, email: str, password: str = FACTORY_PASSWORD) -> None:
    """Sign in through allauth like a person: staff (who must use a second factor) get a TOTP
    authenticator if they have none, and type its current code when asked."""
    secret = staff_totp_secret(email)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name="Sign In").click()
    if secret:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.get_by_label(re.compile(r"^Code:?$")).fill(factories.totp_code(secret))
        page.get_by_role("button", name="Sign In").click()
    expect(page.locator("#site-nav")).to_contain_text("Signed in as")  # also behind the phone menu


def staff_totp_secret(email: str) -> str | None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    user = User.objects.get(email=email)
    if not is_staff_role(user):
        return None
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(totp.data["secret"]) if totp else factories.give_totp(user)


def move_contest_to(contest: ContestPage, phase: str) -> None:
    """Phases derive from dates: shift the live row's dates (no page revision needed)."""
    now = timezone.now()
    fields = ["submissions_open_at", "submissions_close_at", "voting_open_at", "voting_close_at"]
    offsets = factories.PHASE_OFFSETS[phase]
    ContestPage.objects.filter(pk=contest.pk).update(
        **{field: now + timedelta(days=days) for field, days in zip(fields, offsets, strict=True)}
    )
    assert ContestPage.objects.get(pk=contest.pk).phase == phase


def expect_image_loaded(image: Locator, where: str) -> None:
    """The image is on screen and its file was served and decoded (not a broken image)."""
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()  # gallery images load lazily
    try:
        image.page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=5_000
        )
    except PlaywrightTimeoutError:
        src = image.evaluate("img => img.currentSrc || img.src")
        pytest.fail(f"{where}: the image {src} did not load", pytrace=False)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_design_contest_journey(live_server, new_context, mailoutbox, screenshot):
    contest = factories.make_contest("submissions", title="Design the summer cup")
    entry_title = "Waves at dawn"

    # 1. A visitor signs up, confirms the emailed link and ends up signed in.
    author = new_context().new_page()
    author.goto("/accounts/signup/")
    author.get_by_label("Email").fill("ada@example.com")
    author.get_by_label("Username").fill("ada")
    author.get_by_label(PASSWORD_LABEL).fill("a long sea-green password")
    author.get_by_label("Password (again)").fill("a long sea-green password")
    author.get_by_role("button", name="Sign Up").click()
    expect(author.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    screenshot(author, "journey-1-verification-sent")

    assert [message.to for message in mailoutbox] == [["ada@example.com"]]
    link = CONFIRM_LINK.search(mailoutbox[0].body)
    assert link, mailoutbox[0].body
    author.goto(link.group(0))
    author.get_by_role("button", name="Confirm").click()
    expect(
        author.get_by_role("navigation", name="Account").get_by_text("Signed in as ada")
    ).to_be_visible()

    # 2. The member submits a design to the open contest and sees it pending review.
    author.goto(contest.url)
    expect(author.get_by_role("heading", name=contest.title, level=1)).to_be_visible()
    author.get_by_role("link", name="Submit your design").click()
    author.get_by_label("Title").fill(entry_title)
    author.get_by_label("Description").fill("A cup that looks like the sea at six in the morning.")
    author.get_by_label("Design image").set_input_files(
        files=[
            {
                "name": "waves.png",
                "mimeType": "image/png",
                "buffer": factories.image_bytes(size=(640, 480), color=(30, 120, 200)),
            }
        ]
    )
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_role("heading", name=entry_title, level=1)).to_be_visible()
    expect(author.get_by_role("status").filter(has_text="Pending review")).to_be_visible()
    expect_image_loaded(author.get_by_role("img", name=entry_title), "author, pending entry")
    screenshot(author, "journey-2-pending-review")
    entry = Entry.objects.get(title=entry_title)
    assert not entry.live

    # 3. A moderator approves it from the moderation desk in the Wagtail admin.
    moderator = factories.moderator()
    desk = new_context().new_page()
    sign_in(desk, moderator.email)
    desk.goto("/admin/")
    desk.get_by_role("link", name="Moderation").click()
    expect(desk).to_have_url(re.compile(r"/admin/moderation/$"))
    item = desk.get_by_role("listitem").filter(has=desk.get_by_role("heading", name=entry_title))
    expect(item).to_contain_text("By ada")
    expect_image_loaded(item.get_by_role("img", name=entry_title), "moderation queue")
    screenshot(desk, "journey-3-moderation-queue")
    item.get_by_role("button", name="Approve").click()
    expect(desk.get_by_text("Approved: it is now public.")).to_be_visible()
    expect(desk.get_by_text("The queue is empty.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.live

    # 4. Voting opens; a second verified member votes for the entry in the gallery.
    move_contest_to(contest, "voting")
    voter = factories.UserFactory()
    ballot = new_context().new_page()
    sign_in(ballot, voter.email)
    ballot.goto(contest.url)
    card = ballot.get_by_role("listitem").filter(
        has=ballot.get_by_role("heading", name=entry_title)
    )
    expect(card).to_contain_text("0 votes")
    card.get_by_role("button", name="Vote", exact=True).click()
    expect(ballot.get_by_text("Thank you for voting!")).to_be_visible()
    expect(card).to_contain_text(re.compile(r"\b1 votes?\b"))
    expect(card.get_by_role("button", name="Withdraw vote")).to_be_visible()
    screenshot(ballot, "journey-4-voted")
    assert Vote.objects.filter(entry=entry, voter=voter).count() == 1

    # 5. Voting closes; brand staff rank the entry first and publish the results.
    move_contest_to(contest, "judging")
    staff = factories.brand_staff()
    admin = new_context().new_page()
    sign_in(admin, staff.email)
    admin.goto(f"/admin/contests/{contest.pk}/winners/")
    admin.get_by_label(f"Rank of {entry_title}").fill("1")
    screenshot(admin, "journey-5-pick-winners")
    admin.get_by_role("button", name="Save winners and publish results").click()
    expect(admin.get_by_text("Winners saved: the results are public.")).to_be_visible()
    assert list(
        Award.objects.filter(contest=contest, kind="winner").values_list("entry_id", "rank")
    ) == [(entry.pk, 1)]

    # 6. A signed-out visitor sees the entry among the winners.
    visitor = new_context().new_page()
    visitor.goto(contest.url)
    expect(visitor.get_by_role("link", name="Sign in")).to_be_visible()
    winners = visitor.get_by_role("region", name="Winners")
    expect(winners.get_by_role("heading", name="Winners")).to_be_visible()
    winner = winners.get_by_role("listitem").filter(has_text=entry_title)
    expect(winner).to_contain_text("Place 1")
    expect(winner).to_contain_text("by ada")
    expect(winner).to_contain_text(re.compile(r"\b1 vote\b"))
    expect_image_loaded(winner.get_by_role("img", name=entry_title), "visitor, winners")
    gallery = visitor.get_by_role("region", name="Entries")
    expect_image_loaded(gallery.get_by_role("img", name=entry_title), "visitor, gallery")
    visitor.evaluate("window.scrollTo(0, 0)")
    screenshot(visitor, "journey-results")

    # No page threw an uncaught JavaScript error along the way. (Console errors are expected:
    # the live server speaks WSGI only, so contest pages cannot open their WebSocket.)
    for page in (author, desk, ballot, admin, visitor):
        assert page.context.page_errors == [], (
            page.context.page_errors,
            page.context.console_errors,
        )
