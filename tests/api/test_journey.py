"""The whole contest through the API alone: submit, approve, vote, pick the winner, read it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contests.models import ContestPage, Entry, Vote
from tests import factories
from tests.api.conftest import api, csrf_client, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def move_to(contest, phase: str) -> None:
    now = timezone.now()
    days = {
        "voting": (-20, -10, -1, 10),
        "judging": (-30, -20, -10, -1),
    }[phase]
    factories.update_page(
        ContestPage,
        contest.pk,
        **{
            field: now + timedelta(days=d)
            for field, d in zip(
                [
                    "submissions_open_at",
                    "submissions_close_at",
                    "voting_open_at",
                    "voting_close_at",
                ],
                days,
                strict=True,
            )
        },
    )


def test_member_submits_moderator_approves_members_vote_staff_pick_the_winner(client):
    contest = factories.make_contest("submissions", title="Design our cup")
    author, voter, other_voter = (factories.UserFactory() for _ in range(3))
    moderator, staff = factories.moderator(), factories.brand_staff()
    slug = contest.slug

    # The contest is open for submissions.
    listed = client.get(api("contests"), {"phase": "submissions"}).json()
    assert [c["slug"] for c in listed] == [slug]

    # A member submits a design through the API (a browser-like client, with CSRF).
    author_client, token = csrf_client(author, contest)
    submitted = author_client.post(
        api(f"contests/{slug}/entries"),
        {"title": "Blue cup", "description": "Blue and gold.", "image": factories.image_upload()},
        HTTP_X_CSRFTOKEN=token,
    )
    assert submitted.status_code == 201, submitted.content
    entry_id = submitted.json()["id"]
    assert submitted.json()["status"] == "pending"
    assert client.get(api(f"contests/{slug}/entries")).json()["count"] == 0
    assert client.get(api(f"entries/{entry_id}")).status_code == 404

    # A moderator finds it in the queue and approves it.
    moderator_client, moderator_token = csrf_client(moderator, contest)
    queue = moderator_client.get(api("moderation/queue")).json()
    assert [(i["object_id"], i["title"]) for i in queue["items"]] == [(entry_id, "Blue cup")]
    item_id = queue["items"][0]["id"]
    approved = moderator_client.post(
        api(f"moderation/items/{item_id}/approve"),
        "",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=moderator_token,
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    gallery = client.get(api(f"contests/{slug}/entries")).json()
    assert [(e["id"], e["status"], e["votes"]) for e in gallery["items"]] == [
        (entry_id, "approved", None)  # no count before voting opens
    ]
    assert client.get(api(f"contests/{slug}")).json()["entry_count"] == 1

    # Voting is not open yet.
    voter_client, voter_token = csrf_client(voter, contest)
    early = voter_client.post(api(f"entries/{entry_id}/vote"), HTTP_X_CSRFTOKEN=voter_token)
    assert early.status_code == 409

    # Time passes: voting opens, other members vote.
    move_to(contest, "voting")
    assert client.get(api(f"contests/{slug}")).json()["phase"] == "voting"
    voted = voter_client.post(api(f"entries/{entry_id}/vote"), HTTP_X_CSRFTOKEN=voter_token)
    assert voted.status_code == 200
    assert voted.json() == {"entry_id": entry_id, "voted": True, "changed": True, "votes": 1}
    assert client_for(other_voter).post(api(f"entries/{entry_id}/vote")).json()["votes"] == 2
    own = author_client.post(api(f"entries/{entry_id}/vote"), HTTP_X_CSRFTOKEN=token)
    assert own.status_code == 403

    # Staff cannot pick while voting is open.
    staff_client, staff_token = csrf_client(staff, contest)
    payload = f'{{"entries": [{entry_id}]}}'
    too_early = staff_client.post(
        api(f"contests/{slug}/winners"),
        payload,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=staff_token,
    )
    assert too_early.status_code == 409

    # Voting closes; staff pick the winner.
    move_to(contest, "judging")
    assert client.get(api(f"contests/{slug}")).json()["phase"] == "judging"
    late_vote = client_for(factories.UserFactory()).post(api(f"entries/{entry_id}/vote"))
    assert late_vote.status_code == 409
    picked = staff_client.post(
        api(f"contests/{slug}/winners"),
        payload,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=staff_token,
    )
    assert picked.status_code == 200, picked.content
    assert [(w["rank"], w["entry"]["id"]) for w in picked.json()] == [(1, entry_id)]

    # Everyone can see the results.
    contest_now = client.get(api(f"contests/{slug}")).json()
    assert contest_now["phase"] == "results"
    winners = client.get(api(f"contests/{slug}/winners")).json()
    assert len(winners) == 1
    assert winners[0]["rank"] == 1
    assert winners[0]["entry"]["id"] == entry_id
    assert winners[0]["entry"]["title"] == "Blue cup"
    assert winners[0]["entry"]["author"] == author.username
    assert winners[0]["entry"]["votes"] == 2
    assert Vote.objects.filter(entry_id=entry_id).count() == 2
    assert Entry.objects.public().get().pk == entry_id

    # The journey left the contest in the results listing.
    assert [c["slug"] for c in client.get(api("contests"), {"phase": "results"}).json()] == [slug]
    decided_again = post_json(
        moderator_client, f"moderation/items/{item_id}/approve", HTTP_X_CSRFTOKEN=moderator_token
    )
    assert decided_again.status_code == 409
