"""The whole design-contest journey through the HTML site and the Wagtail admin."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Award, ContestPage, Entry, Vote
from moderation.models import ModerationItem
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def sign_up_and_verify(email: str, username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "username": username,
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302
    # Not signed in until the address is verified.
    assert "_auth_user_id" not in client.session
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    confirm = client.post(link.group(1))
    assert confirm.status_code == 302
    assert "_auth_user_id" in client.session
    return client


def test_design_contest_journey():
    contest = factories.make_contest("submissions", title="Cups of tomorrow")
    designer = sign_up_and_verify("ada@example.com", "ada")

    response = designer.post(
        f"{contest.url}submit/",
        {"title": "Aurora cup", "description": "Blue glaze", "image": factories.image_upload()},
        follow=True,
    )
    assert "Pending review" in response.content.decode()
    entry = Entry.objects.get(title="Aurora cup")
    assert "Aurora cup" not in Client().get(contest.url).content.decode()

    moderator = client_for(factories.moderator())
    queue = moderator.get(reverse("moderation:queue")).content.decode()
    assert "Aurora cup" in queue
    item = ModerationItem.objects.get(object_id=entry.pk)
    moderator.post(reverse("moderation:decide", args=[item.pk]), {"decision": "approve"})
    assert "Aurora cup" in Client().get(contest.url).content.decode()

    now = timezone.now()
    factories.update_page(
        ContestPage,
        contest.pk,
        submissions_close_at=now - timedelta(days=1),
        voting_open_at=now - timedelta(hours=1),
    )
    voter = sign_up_and_verify("bo@example.com", "bo")
    voter.post(f"{entry.get_absolute_url()}vote/", {"action": "vote"})
    assert Vote.objects.filter(entry=entry).count() == 1

    factories.update_page(ContestPage, contest.pk, voting_close_at=now - timedelta(minutes=1))
    staff = client_for(factories.brand_staff())
    winners_url = reverse("contests_admin:winners", args=[contest.pk])
    assert "Aurora cup" in staff.get(winners_url).content.decode()
    response = staff.post(winners_url, {f"rank-{entry.pk}": "1"})
    assert response.status_code == 302
    assert Award.objects.get(kind="winner").entry == entry

    results = Client().get(contest.url).content.decode()
    assert "Winners" in results and "Aurora cup" in results and 'data-rank="1"' in results


def test_unverified_sign_up_cannot_sign_in():
    Client().post(
        reverse("account_signup"),
        {
            "email": "eve@example.com",
            "username": "eve",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "eve@example.com", "password": "a long pass phrase 42"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and "confirm-email" in response["Location"]


class TestPickWinnersAdmin:
    @pytest.fixture
    def contest(self):
        return factories.make_contest("judging")

    def test_ranks_must_be_consecutive_and_unique(self, contest, staff):
        a, b = factories.make_entry(contest), factories.make_entry(contest)
        client = client_for(staff)
        url = reverse("contests_admin:winners", args=[contest.pk])
        for data, message in [
            ({f"rank-{a.pk}": "1", f"rank-{b.pk}": "1"}, "cannot share rank 1"),
            ({f"rank-{a.pk}": "1", f"rank-{b.pk}": "3"}, "without gaps"),
            ({f"rank-{a.pk}": "first"}, "whole numbers"),
        ]:
            response = client.post(url, data)
            assert response.status_code == 400
            assert message in response.content.decode()
        assert not Award.objects.exists()

    @pytest.mark.parametrize("role", ["member", "moderator"])
    def test_only_brand_staff(self, contest, role, request):
        entry = factories.make_entry(contest)
        client = client_for(request.getfixturevalue(role))
        url = reverse("contests_admin:winners", args=[contest.pk])
        assert client.get(url).status_code in (302, 403)
        client.post(url, {f"rank-{entry.pk}": "1"})
        assert not Award.objects.exists()

    def test_during_voting_the_form_explains_why_not(self, staff):
        contest = factories.make_contest("voting")
        entry = factories.make_entry(contest)
        client = client_for(staff)
        url = reverse("contests_admin:winners", args=[contest.pk])
        assert "only after voting closes" in client.get(url).content.decode()
        client.post(url, {f"rank-{entry.pk}": "1"})
        assert not Award.objects.exists()

    def test_page_header_offers_pick_winners(self, contest, staff):
        html = client_for(staff).get(reverse("wagtailadmin_pages:edit", args=[contest.pk]))
        assert reverse("contests_admin:winners", args=[contest.pk]) in html.content.decode()
