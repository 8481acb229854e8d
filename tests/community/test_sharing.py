"""Sharing: Open Graph / Twitter tags for public content only, and share links that credit the
sign-ups they bring (member-get-member)."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.test import Client
from django.urls import reverse

from community.models import Referral, User
from community.referrals import COOKIE_NAME, share_path
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

META = re.compile(r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)"')


def meta_tags(html: str) -> dict[str, str]:
    return dict(META.findall(html))


def sign_up(client: Client, username: str):
    response = client.post(
        reverse("account_signup"),
        {
            "email": f"{username}@example.com",
            "username": username,
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302
    return User.objects.get(username=username)


@pytest.fixture
def contest():
    return factories.make_contest("voting", title="Cups of tomorrow")


@pytest.fixture
def sharer():
    return factories.UserFactory(username="giulia")


class TestOpenGraph:
    def test_approved_entry_has_complete_tags_with_absolute_urls(self, client, contest):
        entry = factories.make_entry(contest, title="Riviera", description="Blue & gold stripes")
        tags = meta_tags(client.get(entry.get_absolute_url()).content.decode())
        absolute = f"http://testserver{entry.get_absolute_url()}"
        image = f"http://testserver{reverse('contests:entry_image', args=[entry.pk, '1600'])}"
        assert tags["og:url"] == absolute
        assert tags["og:site_name"] == "Cocreo"
        assert tags["og:title"] == tags["twitter:title"] == "Riviera"
        assert tags["og:description"] == tags["twitter:description"] == "Blue &amp; gold stripes"
        assert tags["og:image"] == tags["twitter:image"] == image
        assert tags["twitter:card"] == "summary_large_image"
        # The image really is served to anyone (the crawler is a visitor).
        assert client.get(image.removeprefix("http://testserver")).status_code == 200

    def test_pending_entries_expose_no_tags_not_even_to_their_author(self, contest):
        author = factories.UserFactory()
        entry = factories.make_entry(contest, author=author, approved=False, title="Secret")
        response = client_for(author).get(entry.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert meta_tags(html) == {}
        assert '<meta name="robots" content="noindex">' in html
        assert share_path(author, entry) not in html
        assert Client().get(entry.get_absolute_url()).status_code == 404

    def test_contest_page_has_tags(self, client, contest):
        tags = meta_tags(client.get(contest.url).content.decode())
        assert tags["og:url"] == f"http://testserver{contest.url}"
        assert tags["og:title"] == "Cups of tomorrow"
        assert tags["og:description"] == "Cups of tomorrow summary"
        assert tags["og:type"] == "website"


class TestShareLinks:
    def test_members_see_their_share_link_on_approved_entries(self, contest, sharer):
        entry = factories.make_entry(contest)
        html = client_for(sharer).get(entry.get_absolute_url()).content.decode()
        assert f"http://testserver{share_path(sharer, entry)}" in html

    def test_a_sign_up_through_a_share_link_records_one_referral(self, contest, sharer):
        entry = factories.make_entry(contest)
        visitor = Client()
        response = visitor.get(share_path(sharer, entry))
        assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
        assert COOKIE_NAME in response.cookies and "sessionid" not in visitor.cookies
        new_member = sign_up(visitor, "nuovo")
        referral = Referral.objects.get()
        assert (referral.referrer, referral.new_member, referral.object_id) == (
            sharer,
            new_member,
            entry.pk,
        )
        assert referral.content_type.model_class().__name__ == "Entry"
        assert visitor.cookies[COOKIE_NAME].value == ""  # dropped once it has counted
        # The sharer sees it on their profile; others do not see the count.
        own = client_for(sharer).get(reverse("community:member", args=[sharer.username]))
        assert "Your share links brought 1 new member." in own.content.decode()
        public = Client().get(reverse("community:member", args=[sharer.username]))
        assert "share links brought" not in public.content.decode()

    def test_bogus_and_tampered_codes_are_ignored(self, contest, sharer):
        entry = factories.make_entry(contest)
        visitor = Client()
        code = share_path(sharer, entry).split("/")[2]
        value, signature = code[:-13], code[-12:]  # the signature may contain "-"
        ct, obj, member = value.split(".")
        other_member = f"{ct}.{obj}.{int(member, 36) + 1:x}-{signature}"  # another referrer
        truncated = f"{value}-{signature[:-1]}"
        old_form_tampered = signing.Signer(salt="cocreo.share").sign("1.2.3")[:-1] + "x"
        for bad in (
            "nonsense",
            other_member,
            truncated,
            "1.2.3:abc",
            "1.2.3-abc",
            old_form_tampered,
        ):
            assert visitor.get(reverse("community:share", args=[bad])).status_code == 404
        sign_up(visitor, "nuovo")
        assert not Referral.objects.exists()

    def test_codes_whose_signature_contains_a_dash_are_read(self):
        from community.referrals import _base36, _signature, read_share_code

        codes = {n: f"7.2s.{_base36(n)}" for n in range(300)}
        codes = {n: f"{value}-{_signature(value)}" for n, value in codes.items()}
        assert any("-" in code[-12:] for code in codes.values())  # the case in question occurs
        assert all(read_share_code(code) == (7, 100, n) for n, code in codes.items())

    def test_share_links_are_short(self, contest, sharer):
        entry = factories.make_entry(contest)
        path = share_path(sharer, entry)
        assert re.fullmatch(r"/s/[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+-[\w-]{12}/", path), path
        assert len(path) <= 32

    def test_links_of_the_first_longer_form_still_credit_the_sharer(self, contest, sharer):
        entry = factories.make_entry(contest)
        content_type = ContentType.objects.get_for_model(entry)
        old_code = signing.Signer(salt="cocreo.share").sign(
            f"{content_type.pk}.{entry.pk}.{sharer.pk}"
        )
        visitor = Client()
        response = visitor.get(reverse("community:share", args=[old_code]))
        assert response.status_code == 302
        assert response["Location"] == entry.get_absolute_url()
        sign_up(visitor, "nuovo")
        assert Referral.objects.get().referrer == sharer

    def test_links_to_pending_entries_lead_nowhere(self, contest):
        author = factories.UserFactory()
        entry = factories.make_entry(contest, author=author, approved=False)
        visitor = Client()
        assert visitor.get(share_path(author, entry)).status_code == 404
        sign_up(visitor, "nuovo")
        assert not Referral.objects.exists()

    def test_self_referral_is_ignored(self, contest, sharer):
        from django.http import HttpResponse
        from django.test import RequestFactory

        from community.referrals import COOKIE_SALT, record_referral

        entry = factories.make_entry(contest)
        signed = RequestFactory().get("/")
        response = HttpResponse()
        response.set_signed_cookie(COOKIE_NAME, f"1.{entry.pk}.{sharer.pk}", salt=COOKIE_SALT)
        signed.COOKIES[COOKIE_NAME] = response.cookies[COOKIE_NAME].value
        assert record_referral(signed, sharer) is None
        assert not Referral.objects.exists()

    def test_a_forged_referral_cookie_is_ignored(self, contest, sharer):
        visitor = Client()
        visitor.cookies[COOKIE_NAME] = f"1.1.{sharer.pk}"
        sign_up(visitor, "nuovo")
        assert not Referral.objects.exists()

    def test_the_sharer_following_their_own_link_records_nothing(self, contest, sharer):
        entry = factories.make_entry(contest)
        client = client_for(sharer)
        response = client.get(share_path(sharer, entry))
        assert response.status_code == 302 and COOKIE_NAME not in response.cookies
