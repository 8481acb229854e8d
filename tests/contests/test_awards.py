"""Winners, honourable mentions, the Community Choice award, the results page, notifications."""

import pytest
from django.test import Client

from community.errors import InvalidInput
from community.models import Notification
from contests import services
from contests.models import Award, ContestPage, ContestResult, Vote, VotingMethod
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def judging(**fields) -> ContestPage:
    return factories.make_contest("judging", **fields)


def add_votes(contest, entry, scores):
    Vote.objects.bulk_create(
        Vote(contest=contest, entry=entry, voter=factories.UserFactory(), score=s) for s in scores
    )


def test_mentions_and_community_choice_by_votes(staff):
    contest = judging()
    a, b, c, d = (factories.make_entry(contest, title=t) for t in "ABCD")
    add_votes(contest, c, [None] * 3)
    add_votes(contest, a, [None])
    services.pick_winners(contest, staff=staff, entry_ids=[a.pk, b.pk], mention_ids=[d.pk])
    awards = {(x.kind, x.rank): x.entry_id for x in Award.objects.filter(contest=contest)}
    assert awards == {
        ("winner", 1): a.pk,
        ("winner", 2): b.pk,
        ("mention", 1): d.pk,
        ("community", 1): c.pk,
    }


def test_community_choice_by_bayesian_score(staff):
    contest = judging(voting_method=VotingMethod.SCORE)
    few, many = factories.make_entry(contest), factories.make_entry(contest)
    add_votes(contest, few, [5, 5, 5])
    add_votes(contest, many, [4] * 40)
    services.pick_winners(contest, staff=staff, entry_ids=[few.pk])
    assert Award.objects.get(contest=contest, kind="community").entry == many


def test_no_community_choice_without_votes_and_no_double_award(staff):
    contest = judging()
    a, b = factories.make_entry(contest), factories.make_entry(contest)
    with pytest.raises(InvalidInput, match="either a winner or an honourable mention"):
        services.pick_winners(contest, staff=staff, entry_ids=[a.pk], mention_ids=[a.pk])
    services.pick_winners(contest, staff=staff, entry_ids=[a.pk], mention_ids=[b.pk])
    assert not Award.objects.filter(kind="community").exists()


def test_winners_and_every_participant_are_notified_once(staff):
    contest = judging()
    winner, mentioned, other = (factories.make_entry(contest) for _ in range(3))
    pending = factories.make_entry(contest, approved=False)
    add_votes(contest, other, [None])
    services.pick_winners(
        contest, staff=staff, entry_ids=[winner.pk], mention_ids=[mentioned.pk], statement="Bold."
    )
    contest_notifications = Notification.objects.filter(kind__startswith="contest.")
    kinds = dict(contest_notifications.values_list("recipient_id", "kind"))
    assert kinds == {
        winner.author_id: "contest.won",
        mentioned.author_id: "contest.mention",
        other.author_id: "contest.community_choice",
        pending.author_id: "contest.results",
    }
    assert "won place 1" in contest_notifications.get(recipient=winner.author).text
    services.pick_winners(contest, staff=staff, entry_ids=[other.pk], reason="Typo in ranks.")
    # The correction tells only those whose award changed (security/test_winner_changes.py).
    changed = contest_notifications.filter(kind="contest.results_changed")
    assert set(changed.values_list("recipient_id", flat=True)) == {
        winner.author_id,
        mentioned.author_id,
        other.author_id,
    }
    assert contest_notifications.count() == 7


def test_results_page_with_statement_mentions_choice_and_totals(staff):
    contest = judging(show_running_totals=False)
    a, b = factories.make_entry(contest, title="Alpha"), factories.make_entry(contest, title="Beta")
    add_votes(contest, b, [None] * 4)
    client = Client()
    assert client.get(f"{contest.url}results/").status_code == 404  # not before the results
    services.pick_winners(
        contest, staff=staff, entry_ids=[a.pk], mention_ids=[b.pk], statement="A bold cup."
    )
    html = client.get(f"{contest.url}results/").content.decode()
    assert 'data-testid="jury-statement"' in html and "A bold cup." in html
    assert 'data-rank="1"' in html and "Alpha" in html
    assert 'data-testid="mentions"' in html and 'data-testid="community-choice"' in html
    row = html[html.index(f'<li data-entry-id="{b.pk}">') :]
    row = row[: row.index("</li>")]
    assert f'<a href="{contest.url}entries/{b.pk}/">Beta</a>' in row
    assert '<span data-testid="vote-total">4 votes</span>' in row  # hidden during voting
    assert "See the full results" in client.get(contest.url).content.decode()


def test_admin_saves_mentions_and_statement(staff):
    contest = judging()
    a, b = factories.make_entry(contest), factories.make_entry(contest)
    client = client_for(staff)
    url = f"/admin/contests/{contest.pk}/winners/"
    response = client.post(
        url, {f"rank-{a.pk}": "1", f"mention-{b.pk}": "1", "statement": "Well done."}
    )
    assert response.status_code == 302
    assert ContestResult.objects.get(contest=contest).jury_statement == "Well done."
    assert Award.objects.get(contest=contest, kind="mention").entry == b
    page = client.get(url).content.decode()
    assert "Well done." in page and f'name="mention-{b.pk}" value="1" checked' in page
