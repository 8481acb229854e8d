"""A member downloads all their data (built in the background, a signed link valid for a
limited time, for them only) and deletes their account (sessions ended, personal data erased,
contributions kept as "deleted member" or removed, closed contests' results unchanged)."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from community.images import private_storage
from community.models import Follow, Notification, Referral, User
from contests import services as contest_services
from contests.models import Award, Entry, Vote
from moderation import reports
from privacy import services
from privacy.models import DataExport
from profiles.models import Profile
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


@pytest.fixture
def closed(staff):
    """A contest whose results are announced: the member's entry won, others voted."""
    contest = factories.make_contest("judging", title="Closed cup")
    return contest


@pytest.fixture
def life(member, staff, closed):
    """A member who has done a bit of everything."""
    running = factories.make_contest("voting", title="Running cup")
    won = factories.make_entry(closed, author=member, title="Winning cup")
    lost = factories.make_entry(closed, author=member, title="Also ran")
    rival = factories.make_entry(closed, title="Rival cup")
    for _ in range(2):
        Vote.objects.create(contest=closed, entry=won, voter=factories.UserFactory())
    Vote.objects.create(contest=closed, entry=rival, voter=member)
    contest_services.pick_winners(closed, staff=staff, entry_ids=[won.pk])
    open_entry = factories.make_entry(running, author=member, title="Open cup")
    other = factories.make_entry(running, title="Someone else's")
    contest_services.cast_vote(other, voter=member)
    comment = factories.make_comment(other, author=member, body="Lovely glaze")
    profile = factories.make_profile(
        author=member, bio="I draw cups.", avatar=factories.image_upload()
    )
    Follow.objects.create(user=member, brand=closed.brand)
    Referral.objects.create(referrer=member, new_member=factories.UserFactory())
    reports.report(other, reporter=member, reason="spam", text="Looks copied")
    SocialAccount.objects.create(user=member, provider="google", uid="g-123")
    Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return {
        "won": won,
        "lost": lost,
        "open": open_entry,
        "other": other,
        "comment": comment,
        "profile": profile,
        "running": running,
    }


def request_export(client, capture) -> DataExport:
    with capture(execute=True):
        response = client.post(reverse("privacy:request_export"))
    assert response.status_code == 302
    return DataExport.objects.latest("pk")


class TestExport:
    def test_the_account_page_offers_it(self, member):
        page = client_for(member).get(reverse("profiles:settings"))
        assert reverse("privacy:account_data") in page.content.decode()
        data_page = client_for(member).get(reverse("privacy:account_data"))
        assert reverse("privacy:request_export") in data_page.content.decode()

    def test_archive_holds_all_their_data_and_files(
        self, member, life, django_capture_on_commit_callbacks
    ):
        client = client_for(member)
        export = request_export(client, django_capture_on_commit_callbacks)
        export.refresh_from_db()
        assert export.status == "ready"
        notice = Notification.objects.get(recipient=member, kind="privacy.export_ready")
        assert notice.url == services.export_link(export)
        # The account page links to it too.
        assert notice.url in client.get(reverse("privacy:account_data")).content.decode()

        response = client.get(notice.url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        data = json.loads(archive.read("data.json"))
        account = data["account"]
        assert account["username"] == member.username
        assert account["email_addresses"][0]["email"] == member.email
        assert account["social_accounts"][0]["uid"] == "g-123"
        assert account["second_factors"] == [
            {"type": "totp", "created_at": account["second_factors"][0]["created_at"]}
        ]
        assert "secret" not in json.dumps(account)
        assert account["follows"][0]["brand"] == life["running"].brand.name
        assert account["notifications"]
        assert len(account["referrals"]["brought"]) == 1
        contests = data["contests"]
        titles = {e["title"] for e in contests["entries"]}
        assert titles == {"Winning cup", "Also ran", "Open cup"}
        assert {v["entry"] for v in contests["votes"]} == {"Rival cup", "Someone else's"}
        assert data["profile"]["profile"]["bio"] == "I draw cups."
        assert data["comments"]["comments"][0]["body"] == "Lovely glaze"
        assert data["moderation"]["reports"][0]["text"] == "Looks copied"
        names = set(archive.namelist())
        for entry in (life["won"], life["lost"], life["open"]):
            assert f"files/{entry.image.name}" in names
        assert f"files/{life['profile'].avatar.name}" in names

    def test_link_is_theirs_only(self, member, django_capture_on_commit_callbacks):
        export = request_export(client_for(member), django_capture_on_commit_callbacks)
        link = services.export_link(export)
        assert client_for(factories.UserFactory()).get(link).status_code == 404
        anonymous = Client().get(link)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        forged = link.replace(link.rstrip("/").rsplit(":", 1)[-1], "x" * 20)
        assert client_for(member).get(forged).status_code == 404

    def test_link_expires_after_seven_days(self, member, django_capture_on_commit_callbacks):
        export = request_export(client_for(member), django_capture_on_commit_callbacks)
        link = services.export_link(export)
        with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
            assert client_for(member).get(link).status_code == 200
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            assert client_for(member).get(link).status_code == 404
            services.purge_expired_exports()
        export.refresh_from_db()
        assert export.status == "expired" and not export.file

    def test_one_export_at_a_time(self, member):
        services.request_export(member)  # not built yet: the task runs after commit
        with pytest.raises(services.Conflict):
            services.request_export(member)


def results(contest) -> dict:
    body = Client().get(api(f"contests/{contest.slug}/results")).json()
    return {
        "winners": [(w["rank"], w["entry"]["id"], w["entry"]["votes"]) for w in body["winners"]],
        "totals": [(t["entry_id"], t["votes"]) for t in body["totals"] if t["entry_id"]],
    }


class TestDeletion:
    def test_wrong_password_changes_nothing(self, member, life):
        client = client_for(member)
        response = client.post(
            reverse("privacy:delete_account"), {"contributions": "remove", "password": "nope"}
        )
        assert response.status_code == 400
        member.refresh_from_db()
        assert member.is_active and member.erased_at is None
        assert client.get(reverse("privacy:account_data")).status_code == 200

    def test_delete_and_remove_contributions(
        self, member, life, closed, django_capture_on_commit_callbacks
    ):
        before = results(closed)
        other_session = client_for(member)
        client = client_for(member)
        with django_capture_on_commit_callbacks(execute=True):  # files go after commit
            response = client.post(
                reverse("privacy:delete_account"),
                {"contributions": "remove", "password": PASSWORD},
            )
        assert response.status_code == 302
        user = User.objects.get(pk=member.pk)
        assert user.username == f"deleted-member-{member.pk}" and user.email == ""
        assert not user.is_active and not user.has_usable_password() and user.erased_at
        assert user.public_name == "deleted member"
        for model, lookup in (
            (EmailAddress, "user"),
            (SocialAccount, "user"),
            (Authenticator, "user"),
            (Notification, "recipient"),
            (Follow, "user"),
            (Profile, "author"),
            (Comment, "author"),
        ):
            assert not model.objects.filter(**{lookup: user}).exists(), model
        assert not Referral.objects.filter(referrer=user).exists()
        # Every session ended, this one and the others.
        for session in (client, other_session):
            assert session.get(reverse("privacy:account_data")).status_code == 302
        # Entries removed with their files, except the winner of the closed contest.
        assert list(Entry.objects.filter(author=user)) == [life["won"]]
        assert not private_storage().exists(life["open"].image.name)
        assert not private_storage().exists(life["profile"].avatar.name)
        assert private_storage().exists(life["won"].image.name)
        # The vote in the running contest is withdrawn; the closed contest's results stand.
        assert not Vote.objects.filter(voter=user, contest=life["running"]).exists()
        after = results(closed)
        assert after["winners"] == before["winners"]
        assert Award.objects.filter(entry=life["won"]).exists()
        winner = Client().get(api(f"entries/{life['won'].pk}")).json()
        assert winner["author"] == "deleted member"
        assert set(after["totals"]) == {
            row for row in before["totals"] if row[0] != life["lost"].pk
        }

    def test_delete_and_keep_contributions(self, member, life, closed):
        before = results(closed)
        client_for(member).post(
            reverse("privacy:delete_account"), {"contributions": "keep", "password": PASSWORD}
        )
        user = User.objects.get(pk=member.pk)
        assert user.erased_at and not EmailAddress.objects.filter(user=user).exists()
        assert Entry.objects.filter(author=user).count() == 3
        shown = Client().get(api(f"entries/{life['open'].pk}")).json()
        assert shown["author"] == "deleted member"
        assert Comment.objects.filter(author=user, live=True).count() == 1
        assert not Profile.objects.filter(author=user).exists()  # personal, always erased
        assert results(closed) == before
        page = Client().get(life["open"].get_absolute_url()).content.decode()
        assert "by deleted member" in page
        assert reverse("community:member", args=[user.username]) not in page
        comments = Client().get(life["other"].get_absolute_url()).content.decode()
        assert "Lovely glaze" in comments and "deleted member" in comments
        # Their public page is gone.
        assert Client().get(reverse("community:member", args=[user.username])).status_code == 404

    def test_account_without_password_confirms_with_username(self, member):
        member.set_unusable_password()
        member.save()
        client = client_for(member)
        wrong = client.post(
            reverse("privacy:delete_account"), {"contributions": "keep", "confirm": "someone"}
        )
        assert wrong.status_code == 400
        client.post(
            reverse("privacy:delete_account"),
            {"contributions": "keep", "confirm": member.username},
        )
        assert User.objects.get(pk=member.pk).erased_at

    def test_administrators_cannot_delete_themselves_here(self):
        admin = factories.UserFactory(is_superuser=True, is_staff=True)
        response = client_for(admin).post(
            reverse("privacy:delete_account"), {"contributions": "keep", "password": PASSWORD}
        )
        assert response.status_code == 400
        assert User.objects.get(pk=admin.pk).is_active
