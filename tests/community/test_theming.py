"""Brand looks (colours checked for contrast, typeface, logo), their stylesheet, the contest
hero, hidden vote counts before voting, page titles, help links and signing in by confirming
the email address."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from community.theming import (
    DEFAULT_PRIMARY,
    MIN_CONTRAST,
    WHITE,
    brand_theme,
    contrast,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_cocreo_defaults_without_a_brand():
    theme = brand_theme(None)
    assert theme["primary"] == DEFAULT_PRIMARY and theme["on_primary"] == WHITE
    assert theme["logo_url"] == "" and "Space Grotesk" in theme["font_family"]
    assert {"primary", "on_primary", "accent", "font_family", "logo_url"} <= set(theme)


@pytest.mark.parametrize("colour", ["#777777", "#7a7a7a"])
def test_a_colour_no_text_reads_on_is_refused(colour):
    brand = factories.default_brand()
    brand.primary_color = colour
    with pytest.raises(ValidationError) as refused:
        brand.full_clean()
    assert "primary_color" in refused.value.message_dict


@pytest.mark.parametrize("colour", ["red", "#12345", "#gggggg", "0f5e45"])
def test_a_colour_that_is_not_hex_is_refused(colour):
    brand = factories.default_brand()
    brand.accent_color = colour
    with pytest.raises(ValidationError) as refused:
        brand.full_clean()
    assert "accent_color" in refused.value.message_dict


def test_a_light_colour_gets_dark_text_and_a_darkened_link_colour():
    brand = factories.default_brand()
    brand.primary_color, brand.accent_color, brand.typeface = "#f4c95d", "#0f5e45", "fraunces"
    brand.full_clean()
    theme = brand_theme(brand)
    assert theme["on_primary"] != WHITE and contrast("#f4c95d", theme["on_primary"]) >= 4.5
    # Links in the primary colour on white are darkened until they read.
    assert contrast(theme["primary_text"], WHITE) >= MIN_CONTRAST
    assert theme["on_accent"] == WHITE and "Fraunces" in theme["font_family"]


def test_brand_pages_link_the_brand_stylesheet_and_it_serves_its_colours():
    brand = factories.default_brand()
    brand.primary_color, brand.accent_color = "#0f5e45", "#f4c95d"
    brand.save()
    contest = factories.make_contest("submissions")
    client = Client()
    html = client.get(contest.get_parent().url).content.decode()
    link = re.search(
        r'href="(/brands/test-brand/theme\.css\?v=\w+)" data-testid="brand-theme"', html
    )
    assert link, "the brand page links the brand's stylesheet"
    assert 'class="hero hero-brand"' in html  # not the home page's hero
    assert link.group(1) in client.get(contest.url).content.decode()  # and so do its contests

    css = client.get(link.group(1))
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    body = css.content.decode()
    assert "--primary: #0f5e45;" in body and "--on-accent: #17171c;" in body
    assert "immutable" in css["Cache-Control"]
    assert "immutable" not in client.get("/brands/test-brand/theme.css?v=old")["Cache-Control"]

    # A new colour is a new URL, so caches never serve the old look.
    brand.primary_color = "#7a1f5c"
    brand.save()
    html = client.get(contest.get_parent().url).content.decode()
    assert link.group(1) not in html and "theme.css?v=" in html
    assert "brand-theme" not in client.get("/").content.decode()  # Cocreo's own pages
    assert client.get("/brands/no-such-brand/theme.css").status_code == 404


@pytest.mark.parametrize(
    ("phase", "call"),
    [
        ("draft", "to hear when submissions open"),
        ("submissions", "Submit your design"),
        ("voting", "Vote in the gallery"),
        ("judging", "Winners coming soon"),
    ],
)
def test_contest_hero_has_one_call_to_action_per_phase(phase, call):
    contest = factories.make_contest(phase)
    html = Client().get(contest.url).content.decode()
    start = html.index('data-testid="contest-hero"')
    hero = html[start : html.index("</header>", start)]
    assert call in hero and 'data-testid="phase"' in hero
    others = {"Submit your design", "Vote in the gallery", "Winners coming soon", "See the winners"}
    assert [other for other in others - {call} if other in hero] == []
    if phase != "judging":
        assert "data-countdown" in hero  # the script keeps the server's countdown current


def test_contest_hero_points_to_the_winners_once_results_are_out():
    from contests import services
    from contests.models import ContestResult

    contest = factories.make_contest("judging")
    entry = factories.make_entry(contest)
    services.pick_winners(contest, staff=factories.brand_staff(), entry_ids=[entry.pk])
    ContestResult.objects.filter(contest=contest).update(announced_at=contest.voting_close_at)
    html = Client().get(contest.url).content.decode()
    assert f'href="{contest.url}results/">See the winners' in html.replace("\n", "")
    results = Client().get(f"{contest.url}results/").content.decode()
    assert 'class="winners podium"' in results and 'class="ranking"' in results
    assert "<table" not in results


def test_no_vote_count_before_voting_opens():
    contest = factories.make_contest("submissions", show_running_totals=True)
    entry = factories.make_entry(contest)
    client = Client()
    assert "data-vote-count" not in client.get(contest.url).content.decode()
    assert "0 votes" not in client.get(entry.get_absolute_url()).content.decode()
    contest.voting_open_at, contest.voting_during_submissions = contest.submissions_open_at, True
    contest.save()  # voting opens alongside submissions: now there are votes to count
    assert "data-vote-count" in client.get(contest.url).content.decode()


def test_the_home_page_title_names_cocreo_once():
    home = factories.home_page().specific
    home.title = "Cocreo"
    home.save_revision().publish()
    html = Client().get("/").content.decode()
    assert "<title>Cocreo</title>" in html
    contest = factories.make_contest("submissions", title="Summer cup")
    assert "<title>Summer cup · Cocreo</title>" in Client().get(contest.url).content.decode()


def test_contact_us_links_to_the_help_page(settings):
    settings.COCREO_CONTACT_EMAIL = "care@example.com"
    client = Client()
    reset = client.get(reverse("account_reset_password")).content.decode()
    assert f'href="{reverse("community:help")}">Contact us</a>' in reset
    help_page = client.get(reverse("community:help")).content.decode()
    assert 'href="mailto:care@example.com"' in help_page


def test_allauth_pages_put_errors_under_their_field_and_have_no_inline_styles(member_client):
    response = Client().post(
        reverse("account_signup"),
        {"email": "ada@example.com", "username": "ada", "password1": "short", "password2": "x"},
    )
    html = response.content.decode()
    password1 = html.index('id="id_password1"')
    error = html.index('id="id_password1_error"')
    password2 = html.index('id="id_password2"')
    assert password1 < error < password2  # the error sits under password 1, above password 2
    assert 'aria-invalid="true"' in html and "style=" not in html
    assert "style=" not in member_client.get(reverse("account_email")).content.decode()


def test_confirming_the_email_signs_in_and_returns_where_the_member_started():
    contest = factories.make_contest("submissions")
    client = Client()
    signup = client.get(f"{reverse('account_signup')}?next={contest.url}").content.decode()
    assert f'value="{contest.url}"' in signup  # next travels with the form
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ada@example.com",
            "username": "ada",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
            "next": contest.url,
        },
    )
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    confirmed = client.post(link.group(1))
    assert confirmed.status_code == 302 and confirmed["Location"] == contest.url
    assert "_auth_user_id" in client.session
    # The header's sign-up link keeps the page the visitor was on.
    html = Client().get(contest.url).content.decode()
    assert f"{reverse('account_signup')}?next={contest.url}" in html


def test_admins_set_the_look_in_the_wagtail_admin_and_unreadable_colours_are_refused():
    from tests.conftest import client_for

    brand = factories.default_brand()
    client = client_for(factories.UserFactory(is_superuser=True, is_staff=True))
    url = reverse("wagtailsnippets_community_brand:edit", args=[brand.pk])
    form = client.get(url).content.decode()
    assert 'name="primary_color"' in form and 'name="typeface"' in form and 'name="logo"' in form
    data = {
        "name": brand.name,
        "slug": brand.slug,
        "description": "",
        "logo": "",
        "primary_color": "#777777",
        "accent_color": "#f4c95d",
        "typeface": "nunito",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Text would be hard to read on #777777" in (
        refused.content.decode()
    )
    brand.refresh_from_db()
    assert brand.primary_color == ""
    client.post(url, {**data, "primary_color": "#0f5e45"})
    brand.refresh_from_db()
    assert (brand.primary_color, brand.accent_color, brand.typeface) == (
        "#0f5e45",
        "#f4c95d",
        "nunito",
    )
    assert "Nunito" in brand_theme(brand)["font_family"]
