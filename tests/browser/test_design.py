"""The designed front end in a real browser: every main public page fits a 360 px phone (no
sideways scrolling), the header menu opens and closes there, and a brand's pages wear its
colours. Screenshots at 1280 and 360 px go to test-results/ for people to look at."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.images.models import Image

from contests import services as contest_services
from contests.models import ContestResult
from tests import factories
from tests.browser.test_journey import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def design_site():
    """A brand with its own look, a contest in voting with entries, one with results, an
    ideas board with ideas: what a visitor of a real installation sees."""
    brand = factories.default_brand()
    logo = Image.objects.create(
        title="Logo",
        file=ContentFile(
            factories.image_bytes(size=(320, 120), color=(20, 90, 60)), name="logo.png"
        ),
    )
    brand.name, brand.primary_color, brand.accent_color = "Caffè Aurora", "#0f5e45", "#f4c95d"
    brand.typeface, brand.logo = "fraunces", logo
    brand.description = "Coffee people designing the cups of tomorrow, together."
    brand.save()
    voting = factories.make_contest(
        "voting", title="Design the summer cup", prize="Your cup in 300 cafés"
    )
    entries = [
        factories.make_entry(voting, title=title)
        for title in ("Waves at dawn", "Lemon grove", "Night market", "Terracotta")
    ]
    judging = factories.make_contest("judging", title="The winter mug")
    winners = [factories.make_entry(judging, title=t) for t in ("Snowfield", "Ember", "Frost")]
    staff = factories.brand_staff()
    contest_services.pick_winners(judging, staff=staff, entry_ids=[e.pk for e in winners])
    ContestResult.objects.filter(contest=judging).update(
        announced_at=timezone.now() - timezone.timedelta(hours=1)
    )
    board = factories.make_board(title="Bring back our flavours", goal=50)
    idea = factories.make_idea(board, title="Bring back the hazelnut cream")
    factories.make_idea(board, title="A cup made of waffle")
    factories.supporters(idea, 3)
    return {
        "brand_page": voting.get_parent().url,
        "contest": voting.url,
        "entry": entries[0].get_absolute_url(),
        "results": f"{judging.url}results/",
        "board": board.url,
        "roadmap": f"{board.url}roadmap/",
        "idea": idea.get_absolute_url(),
        "member": f"/members/{entries[0].author.username}/",
        "submit": f"{voting.url}submit/",
        "new_idea": f"{board.url}new/",
    }


def test_public_pages_fit_a_phone_and_the_menu_opens(new_context, screenshot):
    urls = design_site()
    public = {
        "home": "/",
        "brand": urls["brand_page"],
        "contest": urls["contest"],
        "gallery-search": urls["contest"] + "?q=lemon&sort=new",
        "entry": urls["entry"],
        "results": urls["results"],
        "board": urls["board"],
        "roadmap": urls["roadmap"],
        "idea": urls["idea"],
        "search": "/search/?q=cup",
        "member": urls["member"],
        "help": "/help/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
        "not-found": "/no-such-page/",
    }
    phone = new_context().new_page()
    phone.set_viewport_size(PHONE)
    desktop = new_context().new_page()
    wide = {}
    for name, url in public.items():
        phone.goto(url)
        wide[name] = overflow(phone)
        screenshot(phone, f"design-360-{name}")
        desktop.goto(url)
        screenshot(desktop, f"design-1280-{name}")
    assert wide == dict.fromkeys(public, 0)

    # The menu: hidden behind its button on a phone, opened and closed by keyboard.
    phone.goto("/")
    toggle = phone.get_by_role("button", name="Menu")
    nav = phone.get_by_role("navigation", name="Account")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Sign in")).to_be_hidden()
    toggle.focus()
    phone.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    screenshot(phone, "design-360-menu-open")
    phone.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Sign in")).to_be_hidden()
    # On a wide screen the links are simply there.
    desktop.goto("/")
    expect(desktop.get_by_role("button", name="Menu")).to_be_hidden()
    expect(desktop.get_by_role("link", name="Sign in")).to_be_visible()

    # The brand's pages wear its colours; Cocreo's own pages keep Cocreo's.
    phone.goto(urls["brand_page"])
    primary = "getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()"
    assert phone.evaluate(primary) == "#0f5e45"
    hero = phone.get_by_test_id("brand-hero")
    expect(hero.get_by_role("img", name="Caffè Aurora")).to_be_visible()
    phone.goto("/")
    assert phone.evaluate(primary) == "#4338ca"

    # Signed-in pages fit too, and the signed-in menu does not wrap into the logo.
    member = factories.UserFactory()
    member_page = new_context().new_page()
    member_page.set_viewport_size(PHONE)
    member_page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(member_page, member.email)
    member_page.set_viewport_size(PHONE)
    signed_in = {
        "submit": urls["submit"],
        "new-idea": urls["new_idea"],
        "notifications": "/notifications/",
        "settings": "/profile/",
        "privacy": "/account/data/",
        "account-email": "/accounts/email/",
    }
    wide = {}
    for name, url in signed_in.items():
        member_page.goto(url)
        wide[name] = overflow(member_page)
        screenshot(member_page, f"design-360-{name}")
    assert wide == dict.fromkeys(signed_in, 0)
    member_page.get_by_role("button", name="Menu").click()
    expect(member_page.get_by_role("link", name=f"Signed in as {member.username}")).to_be_visible()


def test_the_contest_countdown_is_kept_current_by_the_script(new_context):
    contest = factories.make_contest(
        "voting", voting_close_at=timezone.now() + timezone.timedelta(days=9, hours=5, minutes=3)
    )
    page = new_context().new_page()
    page.goto(contest.url)
    # The server says "1 week, 2 days"; the script counts days and hours to the same moment.
    expect(page.get_by_test_id("countdown")).to_contain_text("Voting closes in 9 days, 5 hours")
