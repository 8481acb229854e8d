"""The JSON API for the jury (shortlist, scores, table) and the results."""

import json

import pytest

from contests.models import JuryCriterion, Vote
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def put_json(client, path, data):
    return client.put(api(path), json.dumps(data), content_type="application/json")


@pytest.fixture
def contest():
    contest = factories.make_contest("judging")
    JuryCriterion.objects.create(contest=contest, name="Originality")
    JuryCriterion.objects.create(contest=contest, name="Brand fit")
    return contest


def test_shortlist_score_and_jury_table(contest, staff):
    a, b = factories.make_entry(contest, title="A"), factories.make_entry(contest, title="B")
    client = client_for(staff)
    assert put_json(client, f"contests/{contest.slug}/shortlist", {"entries": [a.pk]}).json() == [
        a.pk
    ]
    crit = list(JuryCriterion.objects.filter(contest=contest))
    bad = put_json(client, f"entries/{a.pk}/jury-scores", {"scores": {crit[0].pk: 11}})
    assert bad.status_code == 400 and "from 1 to 10" in bad.json()["detail"]
    refused = put_json(client, f"entries/{b.pk}/jury-scores", {"scores": {crit[0].pk: 5}})
    assert refused.status_code == 400 and "shortlisted" in refused.json()["detail"]
    ok = put_json(client, f"entries/{a.pk}/jury-scores", {"scores": {crit[0].pk: 8, crit[1].pk: 6}})
    assert ok.status_code == 200
    table = client.get(api(f"contests/{contest.slug}/jury")).json()
    assert table == [
        {
            "entry_id": a.pk,
            "title": "A",
            "averages": {"Originality": 8.0, "Brand fit": 6.0},
            "overall": 7.0,
            "jurors": 1,
        }
    ]
    member = client_for(factories.UserFactory())
    assert member.get(api(f"contests/{contest.slug}/jury")).status_code == 403
    assert (
        put_json(member, f"contests/{contest.slug}/shortlist", {"entries": []}).status_code == 403
    )


def test_results_with_mentions_statement_and_totals(contest, staff, client):
    a, b = factories.make_entry(contest, title="A"), factories.make_entry(contest, title="B")
    Vote.objects.create(contest=contest, entry=b, voter=factories.UserFactory())
    assert client.get(api(f"contests/{contest.slug}/results")).status_code == 409
    response = client_for(staff).post(
        api(f"contests/{contest.slug}/winners"),
        {"entries": [a.pk], "mentions": [b.pk], "statement": "Two fine cups."},
        content_type="application/json",
    )
    assert response.status_code == 200 and [w["entry"]["id"] for w in response.json()] == [a.pk]
    results = client.get(api(f"contests/{contest.slug}/results")).json()
    assert [w["entry"]["id"] for w in results["winners"]] == [a.pk]
    assert [m["entry"]["id"] for m in results["mentions"]] == [b.pk]
    assert results["community_choice"]["id"] == b.pk
    assert results["statement"] == "Two fine cups."
    assert [(t["title"], t["votes"]) for t in results["totals"]] == [("B", 1), ("A", 0)]
