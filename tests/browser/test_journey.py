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
from django.utils.translation import gettext, override
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from community.models import User
from community.second_factor import is_staff_role
from contests.models import Award, ContestPage, Entry, Vote
from tests import factories
from tests.factories import FACTORY_PASSWORD

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")
PASSWORD_LABEL = re.compile(r"^Password:?$")  # allauth labels end with a colon


def sign_in(page: Page, email: str, password: str = FACTORY_PASSWORD, journey=None) -> None:
    """Sign in through allauth like a person: staff (who must use a second factor) get a TOTP
    authenticator if they have none, and type its current code when asked.

    With a `journey` (tests/browser/conftest.py), the person speaks its language (their saved
    language, and the Wagtail admin's) and starts from the home page's "Sign in" link, behind
    the menu on a phone; the labels are the catalog's."""
    secret = staff_totp_secret(email)
    t = journey.t if journey else (lambda message, **params: message % params)
    if journey:
        journey.speaks(User.objects.get(email=email))
        page.goto("/")
        journey.account_nav(page).get_by_role("link", name=t("Sign in"), exact=True).click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
    else:
        page.goto("/accounts/login/")
    page.get_by_label(t("Email")).fill(email)
    page.get_by_label(label_pattern(t("Password"))).fill(password)
    page.get_by_role("button", name=t("Sign In")).click()
    if secret:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.get_by_label(label_pattern(t("Code"))).fill(factories.totp_code(secret))
        page.get_by_role("button", name=t("Sign In")).click()
    signed_in = t("Signed in as %(name)s", name="").strip()
    expect(page.locator("#site-nav")).to_contain_text(signed_in)  # also behind the phone menu


def label_pattern(label: str) -> re.Pattern:
    """A form label, with or without the colon Django adds."""
    return re.compile(rf"^{re.escape(label)}:?$")


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
    factories.update_page(
        ContestPage,
        contest.pk,
        **{field: now + timedelta(days=days) for field, days in zip(fields, offsets, strict=True)},
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
def test_design_contest_journey(live_server, journey, mailoutbox):
    """In English on a desktop and in Italian on a phone (the `journey` fixture)."""
    t, nt = journey.t, journey.nt
    contest = factories.make_contest("submissions", title="Design the summer cup")
    entry_title = "Waves at dawn"

    # 1. A visitor joins from the header (behind the menu on a phone), confirms the emailed
    # link and ends up signed in.
    author = journey.page()
    author.goto("/")
    journey.check_language(author)
    journey.account_nav(author).get_by_role("link", name=t("Join the community")).click()
    author.get_by_label(t("Email")).fill("ada@example.com")
    author.get_by_label(t("Username")).fill("ada")
    author.get_by_label(label_pattern(t("Password"))).fill("a long sea-green password")
    author.get_by_label(label_pattern(t("Password (again)"))).fill("a long sea-green password")
    author.get_by_role("button", name=t("Sign Up")).click()
    expect(author.get_by_role("heading", name=t("Verify Your Email Address"))).to_be_visible()
    journey.shot(author, "journey-1-verification-sent")

    assert [message.to for message in mailoutbox] == [["ada@example.com"]]
    link = CONFIRM_LINK.search(mailoutbox[0].body)
    assert link, mailoutbox[0].body
    author.goto(link.group(0))
    author.get_by_role("button", name=t("Confirm")).click()
    expect(
        journey.account_nav(author).get_by_text(t("Signed in as %(name)s", name="ada"))
    ).to_be_visible()

    # 2. The member submits a design to the open contest and sees it pending review.
    author.goto(contest.url)
    journey.check_language(author)
    expect(author.get_by_role("heading", name=contest.title, level=1)).to_be_visible()
    author.get_by_role("link", name=t("Submit your design")).click()
    author.get_by_label(t("Title")).fill(entry_title)
    author.get_by_label(t("Description")).fill("A cup that looks like the sea at six.")
    author.get_by_label(t("Design image")).set_input_files(
        files=[
            {
                "name": "waves.png",
                "mimeType": "image/png",
                "buffer": factories.image_bytes(size=(640, 480), color=(30, 120, 200)),
            }
        ]
    )
    author.get_by_role("button", name=t("Submit for review")).click()
    expect(author.get_by_role("heading", name=entry_title, level=1)).to_be_visible()
    expect(
        author.get_by_role("status").filter(has_text=t("Pending review.").rstrip("."))
    ).to_be_visible()
    expect_image_loaded(author.get_by_role("img", name=entry_title), "author, pending entry")
    journey.shot(author, "journey-2-pending-review")
    entry = Entry.objects.get(title=entry_title)
    assert not entry.live

    # 3. A moderator approves it from the moderation desk in the Wagtail admin.
    moderator = factories.moderator()
    desk = journey.page()
    sign_in(desk, moderator.email, journey=journey)
    desk.goto("/admin/")
    journey.check_language(desk)
    open_admin_menu(desk, journey)
    desk.get_by_role("link", name=t("Moderation"), exact=True).click()
    expect(desk).to_have_url(re.compile(r"/admin/moderation/$"))
    item = desk.get_by_role("listitem").filter(has=desk.get_by_role("heading", name=entry_title))
    by_ada = t("By %(author)s, waiting %(age)s.", author="ada", age="")
    expect(item).to_contain_text(by_ada.split(",")[0])
    expect_image_loaded(item.get_by_role("img", name=entry_title), "moderation queue")
    journey.shot(desk, "journey-3-moderation-queue")
    item.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(desk.get_by_text(t("Approved: it is now public."))).to_be_visible()
    expect(desk.get_by_test_id("queue-empty")).to_have_text(
        t("The queue is empty. Nothing is waiting for a decision.")
    )
    entry.refresh_from_db()
    assert entry.live

    # 4. Voting opens; a second verified member votes for the entry in the gallery.
    move_contest_to(contest, "voting")
    voter = factories.UserFactory()
    ballot = journey.page()
    sign_in(ballot, voter.email, journey=journey)
    ballot.goto(contest.url)
    card = ballot.get_by_role("listitem").filter(
        has=ballot.get_by_role("heading", name=entry_title)
    )
    expect(card.locator("[data-vote-count]")).to_have_text("0")
    expect(card.locator("[data-vote-noun]")).to_have_text(nt("vote", "votes", 0))
    card.get_by_role("button", name=t("Vote"), exact=True).click()
    expect(ballot.get_by_text(t("Thank you for voting!"))).to_be_visible()
    expect(card.locator("[data-vote-count]")).to_have_text("1")
    expect(card.locator("[data-vote-noun]")).to_have_text(nt("vote", "votes", 1))
    expect(card.get_by_role("button", name=t("Voted ✓ — withdraw vote"))).to_be_visible()
    journey.shot(ballot, "journey-4-voted")
    assert Vote.objects.filter(entry=entry, voter=voter).count() == 1

    # 5. Voting closes; brand staff rank the entry first and publish the results.
    move_contest_to(contest, "judging")
    staff = factories.brand_staff()
    admin = journey.page()
    sign_in(admin, staff.email, journey=journey)
    admin.goto(f"/admin/contests/{contest.pk}/winners/")
    journey.check_language(admin)
    admin.get_by_label(t("Rank of %(title)s", title=entry_title)).fill("1")
    journey.shot(admin, "journey-5-pick-winners")
    admin.get_by_role("button", name=t("Save winners and publish results")).click()
    expect(admin.get_by_text(t("Winners saved: the results are public."))).to_be_visible()
    assert list(
        Award.objects.filter(contest=contest, kind="winner").values_list("entry_id", "rank")
    ) == [(entry.pk, 1)]

    # 6. A signed-out visitor sees the entry among the winners.
    visitor = journey.page()
    visitor.goto(contest.url)
    journey.check_language(visitor)
    expect(
        journey.account_nav(visitor).get_by_role("link", name=t("Sign in"), exact=True)
    ).to_be_visible()
    winners = visitor.get_by_role("region", name=t("Winners"))
    expect(winners.get_by_role("heading", name=t("Winners"))).to_be_visible()
    winner = winners.get_by_role("listitem").filter(has_text=entry_title)
    expect(winner).to_contain_text(t("Place %(rank)s", rank=1))
    expect(winner).to_contain_text(t("by %(name)s", name="ada"))
    expect(winner).to_contain_text(nt("%(counter)s vote", "%(counter)s votes", 1))
    expect_image_loaded(winner.get_by_role("img", name=entry_title), "visitor, winners")
    gallery = visitor.get_by_role("region", name=t("Entries"))
    expect_image_loaded(gallery.get_by_role("img", name=entry_title), "visitor, gallery")
    visitor.evaluate("window.scrollTo(0, 0)")
    journey.shot(visitor, "journey-6-results")

    # ... and switches language in the footer: the same page, in the other language.
    other = "it" if journey.language == "en" else "en"
    switcher = visitor.get_by_role("navigation", name=t("Language"))
    switcher.locator(f'a[hreflang="{other}"]').click()
    expect(visitor.locator("html")).to_have_attribute("lang", other)
    expect(visitor).to_have_url(re.compile(rf"{re.escape(contest.url)}$"))
    with override(other):
        expect(visitor.get_by_role("region", name=gettext("Winners"))).to_contain_text(entry_title)

    # No page threw an uncaught JavaScript error along the way. (Console errors are expected:
    # the live server speaks WSGI only, so contest pages cannot open their WebSocket.)
    for page in (author, desk, ballot, admin, visitor):
        assert page.context.page_errors == [], (
            page.context.page_errors,
            page.context.console_errors,
        )


def open_admin_menu(page: Page, journey) -> None:
    """On a phone, Wagtail's sidebar is folded away: open it like a person would."""
    if journey.phone:
        toggle = page.get_by_role("button", name=journey.t("Toggle sidebar")).filter(visible=True)
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
