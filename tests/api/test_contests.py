"""GET /api/v1/contests and /api/v1/contests/{slug}: live, public contest pages only."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from contests.models import ContestPage, ContestResult
from tests import factories
from tests.api.conftest import api

pytestmark = pytest.mark.django_db

PHASES = ["draft", "submissions", "review", "voting", "judging", "results"]


def make_contest_in(phase: str, **kwargs) -> ContestPage:
    if phase == "results":
        contest = factories.make_contest("judging", **kwargs)
        ContestResult.objects.create(contest=contest)
        return ContestPage.objects.get(pk=contest.pk)
    return factories.make_contest(phase, **kwargs)


@pytest.fixture
def one_per_phase():
    return {phase: make_contest_in(phase, title=f"The {phase} contest") for phase in PHASES}


def test_list_shows_every_live_contest_with_its_phase(client, one_per_phase):
    response = client.get(api("contests"))
    assert response.status_code == 200
    body = response.json()
    assert {c["slug"]: c["phase"] for c in body} == {
        contest.slug: phase for phase, contest in one_per_phase.items()
    }


@pytest.mark.parametrize("phase", PHASES)
def test_list_filters_by_phase(client, one_per_phase, phase):
    response = client.get(api("contests"), {"phase": phase})
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == [one_per_phase[phase].slug]


def test_unknown_phase_filter_is_a_validation_error(client, one_per_phase):
    response = client.get(api("contests"), {"phase": "archived-ish"})
    assert response.status_code == 400
    assert response.json()["field"] == "phase"
    assert response.json()["errors"][0]["loc"] == ["query", "phase"]


def test_list_is_newest_first(client):
    older = factories.make_contest("voting", title="Older")
    newer = factories.make_contest("submissions", title="Newer")
    assert [c["slug"] for c in client.get(api("contests")).json()] == [newer.slug, older.slug]


def test_detail_has_the_contest_fields(client):
    brand = factories.BrandFactory(name="Illy")
    contest = factories.make_contest(
        "submissions", brand=brand, title="Design our cup", prize="A trip"
    )
    response = client.get(api(f"contests/{contest.slug}"))
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == contest.slug == "design-our-cup"
    assert body["title"] == "Design our cup"
    assert body["brand"] == "Illy"
    assert body["prize"] == "A trip"
    assert body["summary"] == "Design our cup summary"
    assert body["phase"] == "submissions"
    assert body["url"] == contest.url
    assert body["entry_count"] == 0
    for field in (
        "submissions_open_at",
        "submissions_close_at",
        "voting_open_at",
        "voting_close_at",
    ):
        assert body[field]


def test_entry_count_counts_approved_entries_only(client):
    contest = factories.make_contest("submissions")
    factories.make_entry(contest, approved=True)
    factories.make_entry(contest, approved=True)
    factories.make_entry(contest, approved=False)
    assert client.get(api(f"contests/{contest.slug}")).json()["entry_count"] == 2
    listed = client.get(api("contests")).json()
    assert [c["entry_count"] for c in listed] == [2]


def test_unknown_contest_is_404(client):
    response = client.get(api("contests/no-such-contest"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_unpublished_contest_is_hidden_everywhere(client, member):
    contest = factories.make_contest("submissions")
    visible = factories.make_contest("submissions")
    factories.make_entry(contest)
    contest.unpublish()
    assert client.get(api(f"contests/{contest.slug}")).status_code == 404
    assert client.get(api(f"contests/{contest.slug}/entries")).status_code == 404
    assert client.get(api(f"contests/{contest.slug}/winners")).status_code == 404
    assert [c["slug"] for c in client.get(api("contests")).json()] == [visible.slug]


def test_view_restricted_contest_is_hidden(client):
    contest = factories.make_contest("voting")
    PageViewRestriction.objects.create(
        page=contest, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert client.get(api(f"contests/{contest.slug}")).status_code == 404
    assert client.get(api("contests")).json() == []


def test_phase_follows_the_dates(client):
    contest = factories.make_contest("submissions")
    assert client.get(api(f"contests/{contest.slug}")).json()["phase"] == "submissions"
    now = timezone.now()
    factories.update_page(
        ContestPage,
        contest.pk,
        submissions_open_at=now - timedelta(days=5),
        submissions_close_at=now - timedelta(days=2),
        voting_open_at=now - timedelta(days=1),
        voting_close_at=now + timedelta(days=3),
    )
    assert client.get(api(f"contests/{contest.slug}")).json()["phase"] == "voting"
