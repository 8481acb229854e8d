"""Gallery cards (contests/cards.py), as each viewer sees them on the contest page: escaped
like the template engine escapes, the vote box right for who is looking, in both languages."""

import re

import pytest
from django.test import Client
from django.utils import translation

from contests.models import Vote, VoteStatus, VotingMethod
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def card_of(html: str, entry) -> str:
    match = re.search(rf'<li class="card entry-card" data-entry-id="{entry.pk}".*?</li>', html)
    assert match, f"no card for entry {entry.pk}"
    return match.group(0)


def page_html(client, contest, query="") -> str:
    response = client.get(contest.url + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def contest():
    return factories.make_contest("voting")


def test_titles_and_names_are_escaped_in_every_place_they_appear(contest):
    author = factories.UserFactory(username="ana&bo")
    entry = factories.make_entry(contest, author=author, title='<b>"Cup"</b> & saucer')
    card = card_of(page_html(Client(), contest), entry)
    assert "<b>" not in card and '"Cup"' not in card
    title = "&lt;b&gt;&quot;Cup&quot;&lt;/b&gt; &amp; saucer"
    assert f'alt="{title}"' in card and f">{title}</a></h3>" in card
    assert '<p class="byline">by ana&amp;bo</p>' in card


def test_a_visitor_is_asked_to_sign_in_and_comes_back_to_the_card(contest):
    entry = factories.make_entry(contest, title="Cup")
    card = card_of(page_html(Client(), contest, "?sort=newest&q=Cup"), entry)
    assert (
        f'href="/accounts/login/?next={contest.url}%3Fsort%3Dnewest%26q%3DCup%23entry-{entry.pk}"'
        in card
    )
    assert "<form" not in card and "csrfmiddlewaretoken" not in card


def test_the_author_sees_their_own_entry_without_a_vote_button(contest):
    entry = factories.make_entry(contest)
    card = card_of(page_html(client_for(entry.author), contest), entry)
    assert '<p class="help">Your entry</p>' in card and "<form" not in card


def test_a_member_sees_the_toggle_for_their_vote_and_its_state(contest):
    voted, held, other = (factories.make_entry(contest) for _ in range(3))
    member = factories.UserFactory()
    Vote.objects.create(contest=contest, entry=voted, voter=member)
    Vote.objects.create(contest=contest, entry=held, voter=member, status=VoteStatus.HELD)
    html = page_html(client_for(member), contest, "?sort=newest")

    card = card_of(html, voted)
    assert 'value="withdraw"' in card and 'aria-pressed="true"' in card
    assert f'aria-describedby="vote-note-{voted.pk}"' in card
    assert "You voted for this entry." in card
    assert 'name="csrfmiddlewaretoken"' in card
    assert f'name="next" value="{contest.url}?sort=newest#entry-{voted.pk}"' in card
    assert f'hx-post="{voted.get_absolute_url()}vote/"' in card
    assert "You voted. Your vote counts once a moderator has checked it." in card_of(html, held)
    card = card_of(html, other)
    assert 'value="vote"' in card and 'aria-pressed="false"' in card and "vote-note" not in card


def test_totals_are_shown_only_when_public_and_with_the_right_noun(contest):
    entry = factories.make_entry(contest)
    for voter in factories.UserFactory.create_batch(2):
        Vote.objects.create(contest=contest, entry=entry, voter=voter)
    card = card_of(page_html(Client(), contest), entry)
    assert "<span data-vote-count>2</span> <span data-vote-noun>votes</span>" in card

    contest.show_running_totals = False
    contest.save_revision().publish()
    card = card_of(page_html(Client(), contest), entry)
    assert "data-vote-count" not in card


def test_score_contests_send_members_to_the_entry_page_to_rate(contest):
    contest.voting_method = VotingMethod.SCORE
    contest.save_revision().publish()
    entry = factories.make_entry(contest)
    card = card_of(page_html(client_for(factories.UserFactory()), contest), entry)
    assert f'<a class="button" href="{entry.get_absolute_url()}">Rate this design</a>' in card
    assert "<form" not in card


def test_cards_speak_italian(contest):
    entry = factories.make_entry(contest)
    member = factories.UserFactory()
    Vote.objects.create(contest=contest, entry=entry, voter=member)
    client = client_for(member)
    client.cookies["django_language"] = "it"
    html = page_html(client, contest, "?sort=newest")
    card = card_of(html, entry)
    with translation.override("it"):
        assert translation.gettext("Voted ✓ — withdraw vote") in card
        assert translation.gettext("You voted for this entry.") in card
        assert translation.gettext("by %(name)s") % {"name": entry.author.username} in card
        assert translation.ngettext("vote", "votes", 1) in card
    assert "Voted ✓ — withdraw vote" not in card
