"""Shortlist, jury criteria and scores, and the aggregated jury table in the admin."""

import pytest
import time_machine
from django.test import Client

from community.errors import InvalidInput, NotAllowed, WrongPhase
from contests import services
from contests.models import JuryCriterion, JuryScore, Shortlisting
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    contest = factories.make_contest("judging")
    for name in ("Originality", "Feasibility", "Brand fit"):
        JuryCriterion.objects.create(contest=contest, name=name)
    return contest


@pytest.fixture
def entries(contest):
    return [factories.make_entry(contest, title=t) for t in ("Alpha", "Beta", "Gamma")]


def criteria(contest):
    return list(JuryCriterion.objects.filter(contest=contest))


def all_scores(contest, *values):
    return {c.pk: v for c, v in zip(criteria(contest), values, strict=True)}


def test_staff_shortlist_only_approved_entries_of_the_contest(contest, entries, staff):
    pending = factories.make_entry(contest, approved=False)
    with pytest.raises(InvalidInput, match=str(pending.pk)):
        services.set_shortlist(contest, staff=staff, entry_ids=[entries[0].pk, pending.pk])
    services.set_shortlist(contest, staff=staff, entry_ids=[entries[0].pk, entries[1].pk])
    services.set_shortlist(contest, staff=staff, entry_ids=[entries[1].pk, entries[2].pk])
    assert set(Shortlisting.objects.values_list("entry_id", flat=True)) == {
        entries[1].pk,
        entries[2].pk,
    }
    with pytest.raises(NotAllowed, match="Only brand staff"):
        services.set_shortlist(contest, staff=factories.UserFactory(), entry_ids=[])


def test_judging_waits_for_submissions_to_close(staff):
    contest = factories.make_contest("submissions")
    with pytest.raises(WrongPhase, match="when submissions close"):
        services.set_shortlist(contest, staff=staff, entry_ids=[])
    with time_machine.travel(contest.submissions_close_at, tick=False):
        assert services.set_shortlist(contest, staff=staff, entry_ids=[]) == []


def test_jurors_score_every_criterion_from_1_to_10(contest, entries, staff):
    entry = entries[0]
    with pytest.raises(InvalidInput, match="Only shortlisted"):
        services.score_entry(entry, juror=staff, scores=all_scores(contest, 5, 5, 5))
    services.set_shortlist(contest, staff=staff, entry_ids=[entry.pk])
    with pytest.raises(InvalidInput, match="“Feasibility” from 1 to 10"):
        services.score_entry(entry, juror=staff, scores=all_scores(contest, 5, 11, 5))
    with pytest.raises(InvalidInput, match="“Brand fit”"):
        services.score_entry(entry, juror=staff, scores=all_scores(contest, 5, 5, None))
    services.score_entry(entry, juror=staff, scores=all_scores(contest, 5, 6, 7))
    services.score_entry(entry, juror=staff, scores=all_scores(contest, 8, 6, 7))  # replaces
    assert sorted(JuryScore.objects.values_list("score", flat=True)) == [6, 7, 8]


def test_jury_table_aggregates_and_sorts(contest, entries, staff):
    second = factories.brand_staff()
    alpha, beta, _gamma = entries
    services.set_shortlist(contest, staff=staff, entry_ids=[alpha.pk, beta.pk])
    services.score_entry(alpha, juror=staff, scores=all_scores(contest, 4, 6, 8))
    services.score_entry(alpha, juror=second, scores=all_scores(contest, 6, 8, 10))
    services.score_entry(beta, juror=staff, scores=all_scores(contest, 10, 1, 1))
    crit, rows = services.jury_table(contest, viewer=staff)
    assert [c.name for c in crit] == ["Originality", "Feasibility", "Brand fit"]
    assert [r["entry"].title for r in rows] == ["Alpha", "Beta"]
    assert rows[0]["averages"] == [5, 7, 9] and rows[0]["overall"] == 7 and rows[0]["jurors"] == 2
    assert rows[1]["overall"] == 4 and rows[1]["jurors"] == 1
    _c, by_originality = services.jury_table(contest, f"criterion-{crit[0].pk}", viewer=staff)
    assert [r["entry"].title for r in by_originality] == ["Beta", "Alpha"]


def test_admin_jury_page(contest, entries, staff):
    client = client_for(staff)
    url = f"/admin/contests/{contest.pk}/jury/"
    response = client.post(url, {"action": "shortlist", "shortlist": [entries[0].pk]})
    assert response.status_code == 302
    crit = criteria(contest)
    bad = {"action": "score", "entry": entries[0].pk}
    bad.update({f"score-{entries[0].pk}-{c.pk}": "12" for c in crit})
    response = client.post(url, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "from 1 to 10" in html and 'value="12"' in html
    good = {"action": "score", "entry": entries[0].pk}
    good.update({f"score-{entries[0].pk}-{c.pk}": "9" for c in crit})
    assert client.post(url, good).status_code == 302
    html = client.get(url + "?order=jurors").content.decode()
    assert 'data-testid="jury-table"' in html and "9.00" in html
    assert client_for(factories.UserFactory()).get(url).status_code in (302, 403)
    assert Client().get(url).status_code == 302


def test_criteria_are_edited_in_the_page_editor(contest):
    from wagtail.admin.panels import InlinePanel

    from contests.models import ContestPage

    assert any(
        isinstance(p, InlinePanel) and p.relation_name == "jury_criteria"
        for p in ContestPage.content_panels
    )
