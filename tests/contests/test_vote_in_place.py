"""Voting in place (htmx): an htmx request gets the vote box as it is now, a plain POST still
redirects back to the card; refusals are shown in place with their status."""

import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client, override_settings

from community.htmx import FRAGMENT_HEADER
from contests.models import Vote, VoteStatus, VotingMethod
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def still_clock():
    """The clock stopped in the middle of the current minute: a "1/m" rate limit's window
    cannot turn between two requests of a test (contest dates are days apart)."""
    middle = datetime.fromtimestamp(time.time() // 60 * 60 + 30, tz=UTC)
    return time_machine.travel(middle, tick=False)


@pytest.fixture
def entry():
    return factories.make_entry(factories.make_contest("voting"), title="Votable cup")


def vote_url(entry):
    return f"{entry.get_absolute_url()}vote/"


def card_post(client, entry, action="vote", **extra):
    # as the card's form sends it: back to the gallery as it was, at the card
    next_url = f"{entry.contest.url}?sort=new#entry-{entry.pk}"
    data = {"action": action, "fragment": "card", "next": next_url}
    return client.post(vote_url(entry), data, **extra)


def test_htmx_vote_answers_the_card_fragment_with_the_voted_state_and_count(
    entry, member_client, member
):
    response = card_post(member_client, entry, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response[FRAGMENT_HEADER] == "1"
    assert "no-store" in response["Cache-Control"]
    assert "<html" not in html and html.lstrip().startswith('<div class="vote-box vote-card"')
    assert f'id="vote-box-{entry.pk}"' in html
    assert 'aria-pressed="true"' in html and "Voted ✓ — withdraw vote" in html
    assert "<span data-vote-count>1</span>" in html
    assert "Thank you for voting!" in html
    # the no-JS fallback inside the fragment still returns to the card
    assert f'value="{entry.contest.url}?sort=new#entry-{entry.pk}"' in html
    assert Vote.objects.filter(entry=entry, voter=member).count() == 1
    # htmx answers never leave a message for the next page
    assert "Thank you for voting!" not in member_client.get(entry.contest.url).content.decode()

    response = card_post(member_client, entry, action="withdraw", **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-pressed="false"' in html and ">Vote</button>" in html
    assert "<span data-vote-count>0</span>" in html
    assert "Your vote has been withdrawn." in html
    assert not Vote.objects.exists()


def test_plain_post_redirects_back_to_the_card_anchor(entry, member_client):
    response = card_post(member_client, entry)
    assert response.status_code == 302
    assert response["Location"] == f"{entry.contest.url}?sort=new#entry-{entry.pk}"
    assert FRAGMENT_HEADER not in response
    page = member_client.get(response["Location"]).content.decode()
    assert "Thank you for voting!" in page
    assert f'id="entry-{entry.pk}"' in page


def test_plain_post_from_the_entry_page_returns_to_its_vote_box(entry, member_client):
    response = member_client.post(vote_url(entry), {"action": "vote"})
    assert response["Location"] == f"{entry.get_absolute_url()}#vote-box-{entry.pk}"
    response = member_client.post(
        vote_url(entry), {"action": "vote", "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(entry.get_absolute_url())


def test_htmx_vote_from_the_entry_page_answers_the_entry_vote_box(entry, member_client):
    response = member_client.post(vote_url(entry), {"action": "vote"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "You voted for this entry." in html and 'aria-pressed="true"' in html
    assert 'name="fragment"' not in html
    assert "<span data-vote-count>1</span>" in html


def test_closed_phase_is_refused_in_place(member_client, member):
    entry = factories.make_entry(factories.make_contest("judging"))
    response = card_post(member_client, entry, **HX)
    assert response.status_code == 409
    assert response[FRAGMENT_HEADER] == "1"
    html = response.content.decode()
    assert "action-error" in html and "Voting" in html
    assert not Vote.objects.exists()
    # without htmx: the same refusal as a message after the redirect
    response = card_post(member_client, entry)
    assert response.status_code == 302


def test_own_entry_and_budget_refusals_keep_their_status(member_client, member):
    own = factories.make_entry(factories.make_contest("voting"), author=member)
    response = card_post(member_client, own, **HX)
    assert response.status_code == 403 and response[FRAGMENT_HEADER] == "1"
    assert not Vote.objects.exists()

    budget = factories.make_contest("voting", voting_method=VotingMethod.BUDGET, vote_budget=1)
    first, second = factories.make_entry(budget), factories.make_entry(budget)
    html = card_post(member_client, first, **HX).content.decode()
    assert 'id="votes-left"' in html and 'hx-swap-oob="true"' in html
    assert "You have 0 votes left." in html
    response = card_post(member_client, second, **HX)
    assert response.status_code == 403
    assert "You have used your 1 vote in this contest" in response.content.decode()
    assert not Vote.objects.filter(entry=second).exists()


@override_settings(COCREO_RATE_LIMITS={"vote": "1/m"})
def test_rate_limit_is_shown_in_place_with_429(entry, member_client):
    with still_clock():
        rate_limited_vote(entry, member_client)


def rate_limited_vote(entry, member_client):
    card_post(member_client, entry, **HX)
    response = card_post(member_client, entry, action="withdraw", **HX)
    assert response.status_code == 429
    assert response[FRAGMENT_HEADER] == "1"
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    assert Vote.objects.count() == 1  # nothing lost
    # a plain POST still gets the 429 page
    response = card_post(member_client, entry, action="withdraw")
    assert response.status_code == 429 and "<html" in response.content.decode()


def test_a_held_vote_says_so_in_place(entry, member_client, member):
    card_post(member_client, entry, **HX)
    Vote.objects.filter(voter=member).update(status=VoteStatus.HELD)
    html = card_post(member_client, entry, **HX).content.decode()
    assert "Your vote counts once a moderator has checked it." in html
    assert "<span data-vote-count>0</span>" in html
    gallery = member_client.get(entry.contest.url).content.decode()
    assert "Your vote counts once a moderator has checked it." in gallery


def test_anonymous_htmx_vote_is_sent_to_sign_in(entry):
    response = Client().post(vote_url(entry), {"action": "vote"}, **HX)
    assert "/accounts/login/" in response["HX-Redirect"]
    response = Client().post(vote_url(entry), {"action": "vote"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Vote.objects.exists()


def test_pending_entries_cannot_be_voted_in_place(member_client):
    contest = factories.make_contest("voting")
    pending = factories.make_entry(contest, approved=False)
    assert card_post(member_client, pending, **HX).status_code == 404
    assert not Vote.objects.exists()


def test_anonymous_gallery_and_entry_page_offer_sign_in_to_vote_back_to_the_card(entry):
    contest = entry.contest
    html = Client().get(contest.url + "?sort=new").content.decode()
    assert "Sign in to vote" in html
    assert f"/accounts/login/?next={contest.url}%3Fsort%3Dnew%23entry-{entry.pk}" in html
    page = Client().get(entry.get_absolute_url()).content.decode()
    assert f"%23vote-box-{entry.pk}" in page and "Sign in to vote" in page


def test_sign_in_returns_to_the_card(entry, member):
    next_url = f"{entry.contest.url}#entry-{entry.pk}"
    response = Client().post(
        "/accounts/login/",
        {"login": member.email, "password": factories.FACTORY_PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_no_vote_buttons_outside_voting_for_anonymous():
    entry = factories.make_entry(factories.make_contest("judging"))
    assert "Sign in to vote" not in Client().get(entry.contest.url).content.decode()


def test_other_members_voted_state_is_their_own(entry, member_client):
    other = factories.UserFactory()
    card_post(client_for(other), entry, **HX)
    html = member_client.get(entry.contest.url).content.decode()
    assert f'id="vote-button-{entry.pk}" name="action" value="vote"' in html


def test_htmx_runs_from_our_files_without_eval(entry, member_client):
    html = member_client.get(entry.contest.url).content.decode()
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in html
    assert '"allowEval": false' in html and '"allowScriptTags": false' in html
    assert '"includeIndicatorStyles": false' in html
    assert "hx-on" not in html and "hx-vars" not in html and "js:" not in html
    assert f'hx-post="{entry.get_absolute_url()}vote/"' in html


def test_a_vote_reads_the_contest_once_as_routed(entry, member_client):
    """The vote's entry takes the routed contest (its result joined) rather than loading the
    contest again and then its result for the phase."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert card_post(member_client, entry).status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if q.startswith('SELECT "contests_contestresult"')], sql
    assert Vote.objects.filter(entry=entry).count() == 1
