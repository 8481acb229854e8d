"""POST / DELETE /api/v1/entries/{id}/vote: session auth with CSRF, voting phase only, one vote
per member, never for one's own or a pending entry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contests.models import ContestPage, Vote
from tests import factories
from tests.api.conftest import api, csrf_client
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    return factories.make_contest("voting")


@pytest.fixture
def entry(contest):
    return factories.make_entry(contest)


def vote_url(entry) -> str:
    return api(f"entries/{entry.pk}/vote")


class TestCsrf:
    def test_post_without_csrf_token_is_refused(self, member, contest, entry):
        client, _token = csrf_client(member, contest)
        response = client.post(vote_url(entry))
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
        assert not Vote.objects.exists()

    def test_post_with_a_wrong_token_is_refused(self, member, contest, entry):
        client, _token = csrf_client(member, contest)
        response = client.post(vote_url(entry), HTTP_X_CSRFTOKEN="x" * 32)
        assert response.status_code == 403
        assert not Vote.objects.exists()

    def test_post_with_cookie_and_header_token_is_accepted(self, member, contest, entry):
        client, token = csrf_client(member, contest)
        response = client.post(vote_url(entry), HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200
        assert response.json() == {"entry_id": entry.pk, "voted": True, "changed": True, "votes": 1}
        assert Vote.objects.get().voter == member

    def test_delete_needs_the_token_too(self, member, contest, entry):
        client, token = csrf_client(member, contest)
        assert client.post(vote_url(entry), HTTP_X_CSRFTOKEN=token).status_code == 200

        refused = client.delete(vote_url(entry))
        assert refused.status_code == 403
        assert Vote.objects.count() == 1

        response = client.delete(vote_url(entry), HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200
        assert response.json() == {
            "entry_id": entry.pk,
            "voted": False,
            "changed": True,
            "votes": 0,
        }
        assert not Vote.objects.exists()

    def test_token_without_a_session_is_still_401(self, contest, entry):
        csrf_only = factories.UserFactory()
        signed_in, token = csrf_client(csrf_only, contest)
        signed_in.logout()
        signed_in.cookies["csrftoken"] = token
        response = signed_in.post(vote_url(entry), HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 401
        assert not Vote.objects.exists()


class TestWhoMayVote:
    def test_anonymous_is_401(self, client, entry):
        response = client.post(vote_url(entry))
        assert response.status_code == 401
        assert "Sign in" in response.json()["detail"]
        assert client.delete(vote_url(entry)).status_code == 401
        assert not Vote.objects.exists()

    def test_unverified_member_is_403(self, unverified_member, entry):
        response = client_for(unverified_member).post(vote_url(entry))
        assert response.status_code == 403
        assert response.json()["detail"] == "Verify your email address before taking part."
        assert not Vote.objects.exists()

    def test_own_entry_is_403(self, entry):
        response = client_for(entry.author).post(vote_url(entry))
        assert response.status_code == 403
        assert response.json()["detail"] == "You cannot vote for your own entry."
        assert not Vote.objects.exists()

    def test_pending_entry_is_404(self, member_client, contest):
        pending = factories.make_entry(contest, approved=False)
        response = member_client.post(vote_url(pending))
        assert response.status_code == 404
        assert not Vote.objects.exists()
        # Even moderators, who can read it, cannot vote for it.
        assert client_for(factories.moderator()).post(vote_url(pending)).status_code == 404

    def test_unknown_entry_is_404(self, member_client):
        assert member_client.post(api("entries/424242/vote")).status_code == 404
        assert member_client.delete(api("entries/424242/vote")).status_code == 404


class TestWhen:
    @pytest.mark.parametrize(
        ("phase", "detail"),
        [
            ("submissions", "Voting has not opened yet."),
            ("review", "Voting has not opened yet."),
            ("judging", "Voting for this contest is closed."),
        ],
    )
    def test_outside_voting_is_409(self, member_client, phase, detail):
        entry = factories.make_entry(factories.make_contest(phase))
        response = member_client.post(vote_url(entry))
        assert response.status_code == 409
        assert response.json() == {"detail": detail}
        assert not Vote.objects.exists()

    def test_votes_cannot_be_withdrawn_after_voting_closes(self, member_client, member, entry):
        assert member_client.post(vote_url(entry)).status_code == 200
        now = timezone.now()
        factories.update_page(
            ContestPage, entry.contest_id, voting_close_at=now - timedelta(hours=1)
        )
        response = member_client.delete(vote_url(entry))
        assert response.status_code == 409
        assert response.json() == {"detail": "Voting for this contest is closed."}
        assert Vote.objects.filter(voter=member).count() == 1


class TestOneVotePerMember:
    def test_second_vote_changes_nothing(self, member_client, member, entry):
        first = member_client.post(vote_url(entry))
        assert first.json() == {"entry_id": entry.pk, "voted": True, "changed": True, "votes": 1}
        second = member_client.post(vote_url(entry))
        assert second.status_code == 200
        assert second.json() == {"entry_id": entry.pk, "voted": True, "changed": False, "votes": 1}
        assert Vote.objects.filter(entry=entry, voter=member).count() == 1

    def test_withdraw_then_withdraw_again(self, member_client, entry):
        member_client.post(vote_url(entry))
        first = member_client.delete(vote_url(entry))
        assert first.json() == {"entry_id": entry.pk, "voted": False, "changed": True, "votes": 0}
        second = member_client.delete(vote_url(entry))
        assert second.status_code == 200
        assert second.json() == {"entry_id": entry.pk, "voted": False, "changed": False, "votes": 0}
        assert not Vote.objects.exists()

    def test_vote_again_after_withdrawing(self, member_client, entry):
        member_client.post(vote_url(entry))
        member_client.delete(vote_url(entry))
        again = member_client.post(vote_url(entry))
        assert again.json()["changed"] is True
        assert Vote.objects.count() == 1

    def test_withdrawing_keeps_other_members_votes(self, member_client, entry):
        other = client_for(factories.UserFactory())
        other.post(vote_url(entry))
        member_client.post(vote_url(entry))
        response = member_client.delete(vote_url(entry))
        assert response.json()["votes"] == 1
        assert Vote.objects.count() == 1

    def test_a_member_may_vote_for_several_entries(self, member_client, member, contest, entry):
        other_entry = factories.make_entry(contest)
        assert member_client.post(vote_url(entry)).json()["changed"] is True
        assert member_client.post(vote_url(other_entry)).json()["changed"] is True
        assert Vote.objects.filter(voter=member).count() == 2


def test_counts_show_in_the_gallery_and_on_the_entry(client, contest, entry):
    voters = [client_for(factories.UserFactory()) for _ in range(3)]
    for number, voter in enumerate(voters, start=1):
        response = voter.post(vote_url(entry))
        assert response.json()["votes"] == number
    gallery = client.get(api(f"contests/{contest.slug}/entries")).json()
    assert [(e["id"], e["votes"]) for e in gallery["items"]] == [(entry.pk, 3)]
    assert client.get(api(f"entries/{entry.pk}")).json()["votes"] == 3
    vote = Vote.objects.first()
    assert vote.contest_id == contest.pk
