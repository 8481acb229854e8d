"""Winners: brand staff pick them after voting closes; then anyone can read them, ranked."""

import pytest

from contests.models import Award, ContestPage, ContestResult, Vote
from tests import factories
from tests.api.conftest import api, csrf_client, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    return factories.make_contest("judging")


@pytest.fixture
def entries(contest):
    return [factories.make_entry(contest, title=f"Entry {i}") for i in range(3)]


def pick(client, contest, ids, reason=""):
    body = {"entries": ids, **({"reason": reason} if reason else {})}
    return post_json(client, f"contests/{contest.slug}/winners", body)


def assert_nothing_picked(client, contest):
    assert not Award.objects.exists()
    assert not ContestResult.objects.exists()
    assert client.get(api(f"contests/{contest.slug}")).json()["phase"] == "judging"
    assert client.get(api(f"contests/{contest.slug}/winners")).json() == []


class TestPick:
    def test_staff_pick_ranked_winners_and_the_results_open(
        self, staff_client, staff, client, contest, entries
    ):
        first, second, _third = entries
        Vote.objects.create(entry=second, contest=contest, voter=factories.UserFactory())
        response = pick(staff_client, contest, [second.pk, first.pk])
        assert response.status_code == 200
        body = response.json()
        assert [(w["rank"], w["entry"]["id"], w["entry"]["votes"]) for w in body] == [
            (1, second.pk, 1),
            (2, first.pk, 0),
        ]
        assert body[0]["entry"]["title"] == "Entry 1"
        assert body[0]["entry"]["status"] == "approved"

        listed = client.get(api(f"contests/{contest.slug}/winners"))
        assert listed.status_code == 200
        assert listed.json() == body
        assert client.get(api(f"contests/{contest.slug}")).json()["phase"] == "results"
        assert [c["slug"] for c in client.get(api("contests"), {"phase": "results"}).json()] == [
            contest.slug
        ]
        assert list(
            Award.objects.filter(kind="winner").values_list("rank", "entry_id", "awarded_by")
        ) == [
            (1, second.pk, staff.pk),
            (2, first.pk, staff.pk),
        ]
        assert ContestResult.objects.get(contest=contest).announced_by == staff

    def test_winners_can_be_changed_while_showing_results(self, staff_client, contest, entries):
        first, second, third = entries
        assert pick(staff_client, contest, [first.pk, second.pk]).status_code == 200
        refused = pick(staff_client, contest, [third.pk])
        assert refused.status_code == 400 and refused.json()["field"] == "reason"
        response = pick(staff_client, contest, [third.pk], reason="The jury changed its mind.")
        assert response.status_code == 200
        assert [(w["rank"], w["entry"]["id"]) for w in response.json()] == [(1, third.pk)]
        assert list(Award.objects.filter(kind="winner").values_list("rank", "entry_id")) == [
            (1, third.pk)
        ]
        assert ContestResult.objects.count() == 1

    def test_needs_csrf(self, staff, contest, entries):
        client, token = csrf_client(staff, contest)
        url = api(f"contests/{contest.slug}/winners")
        body = f'{{"entries": [{entries[0].pk}]}}'
        assert client.post(url, body, content_type="application/json").status_code == 403
        assert not Award.objects.exists()
        ok = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
        assert ok.status_code == 200
        assert Award.objects.get(kind="winner").entry == entries[0]


class TestWho:
    def test_anonymous_is_401(self, client, contest, entries):
        assert pick(client, contest, [entries[0].pk]).status_code == 401
        assert_nothing_picked(client, contest)

    @pytest.mark.parametrize("role", ["member", "moderator"])
    def test_members_and_moderators_are_403(self, request, client, role, contest, entries):
        response = pick(client_for(request.getfixturevalue(role)), contest, [entries[0].pk])
        assert response.status_code == 403
        assert response.json()["detail"] == "Only brand staff can pick winners."
        assert_nothing_picked(client, contest)

    def test_an_entrant_is_403(self, client, contest, entries):
        response = pick(client_for(entries[0].author), contest, [entries[0].pk])
        assert response.status_code == 403
        assert_nothing_picked(client, contest)


class TestWhen:
    @pytest.mark.parametrize("phase", ["submissions", "review", "voting"])
    def test_before_voting_closes_is_409(self, staff_client, client, phase):
        contest = factories.make_contest(phase)
        entry = factories.make_entry(contest)
        response = pick(staff_client, contest, [entry.pk])
        assert response.status_code == 409
        assert response.json()["detail"] == "Winners can be picked only after voting closes."
        assert not Award.objects.exists()
        assert client.get(api(f"contests/{contest.slug}")).json()["phase"] == phase

    def test_winners_are_empty_before_results(self, client):
        contest = factories.make_contest("voting")
        factories.make_entry(contest)
        response = client.get(api(f"contests/{contest.slug}/winners"))
        assert response.status_code == 200
        assert response.json() == []


class TestWhichEntries:
    def assert_refused(self, response, client, contest, contains: str):
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["field"] == "entries"
        assert contains in body["detail"]
        assert_nothing_picked(client, contest)

    def test_pending_entry(self, staff_client, client, contest, entries):
        pending = factories.make_entry(contest, approved=False)
        response = pick(staff_client, contest, [entries[0].pk, pending.pk])
        self.assert_refused(response, client, contest, str(pending.pk))

    def test_entry_of_another_contest(self, staff_client, client, contest, entries):
        elsewhere = factories.make_entry(factories.make_contest("judging"))
        response = pick(staff_client, contest, [elsewhere.pk])
        self.assert_refused(response, client, contest, str(elsewhere.pk))

    def test_unknown_entry(self, staff_client, client, contest, entries):
        self.assert_refused(pick(staff_client, contest, [987654]), client, contest, "987654")

    def test_duplicates(self, staff_client, client, contest, entries):
        response = pick(staff_client, contest, [entries[0].pk, entries[1].pk, entries[0].pk])
        self.assert_refused(response, client, contest, "only one place")

    def test_empty_list(self, staff_client, client, contest, entries):
        self.assert_refused(pick(staff_client, contest, []), client, contest, "at least one")

    def test_malformed_body_is_a_client_error(self, staff_client, client, contest, entries):
        response = post_json(staff_client, f"contests/{contest.slug}/winners", {"entries": "1,2"})
        assert 400 <= response.status_code < 500
        assert_nothing_picked(client, contest)

    def test_unknown_contest_is_404(self, staff_client, entries):
        fake = ContestPage(slug="no-such-contest")
        assert pick(staff_client, fake, [entries[0].pk]).status_code == 404
        assert not Award.objects.exists()
