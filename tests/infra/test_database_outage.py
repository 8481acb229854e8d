"""A lost database connection gives a retryable 503 (never a 500) in HTML and API, and vote
endpoints are idempotent, so retrying a vote that was committed reports it as committed."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from config.unavailable import handler500
from contests import services
from contests.models import Vote
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def entry(db):
    return factories.make_entry(factories.make_contest("voting"))


def lost_connection(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_api_vote_gets_503_with_retry_after(entry, member, monkeypatch):
    monkeypatch.setattr(services, "cast_vote", lost_connection)
    response = client_for(member).post(f"/api/v1/entries/{entry.pk}/vote")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "try again" in response.json()["detail"]


def test_html_vote_gets_503_with_retry_after(entry, member, monkeypatch):
    def interface_error(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(services, "cast_vote", interface_error)
    response = client_for(member).post(f"{entry.get_absolute_url()}vote/", {"action": "vote"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "text/html" in response["Content-Type"]


def test_database_error_outside_a_view_is_503_too(db):
    """handler500 turns a database error raised in a middleware into the same 503."""
    request = RequestFactory().get("/")
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = handler500(request)
    assert response.status_code == 503
    assert response["Retry-After"]
    try:
        raise ValueError("a bug")
    except ValueError:
        assert handler500(request).status_code == 500


def test_a_database_error_in_the_session_middleware_is_503(entry, member, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    client = client_for(member)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", lost_connection)
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 503


def test_api_vote_is_idempotent(entry, member):
    client = client_for(member)
    url = f"/api/v1/entries/{entry.pk}/vote"
    first, again = client.post(url), client.post(url)
    assert first.status_code == again.status_code == 200
    assert first.json()["voted"] is again.json()["voted"] is True
    assert first.json()["votes"] == again.json()["votes"] == 1
    assert Vote.objects.filter(entry=entry, voter=member).count() == 1
    gone, gone_again = client.delete(url), client.delete(url)
    assert gone.status_code == gone_again.status_code == 200
    assert gone.json()["voted"] is gone_again.json()["voted"] is False
    assert not Vote.objects.filter(entry=entry).exists()


@pytest.mark.parametrize("method", ["budget", "score"])
def test_api_vote_is_idempotent_for_every_voting_method(db, member, method):
    contest = factories.make_contest("voting", voting_method=method)
    entry = factories.make_entry(contest)
    client = client_for(member)
    url = f"/api/v1/entries/{entry.pk}/vote" + ("?score=4" if method == "score" else "")
    responses = [client.post(url) for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200]
    assert all(r.json()["voted"] for r in responses)
    assert Vote.objects.filter(entry=entry, voter=member).count() == 1


def test_html_vote_is_idempotent(entry, member):
    client = client_for(member)
    url = f"{entry.get_absolute_url()}vote/"
    for _ in range(2):
        response = client.post(url, {"action": "vote"}, follow=True)
        assert response.status_code == 200
        assert "Thank you for voting!" in response.content.decode()
    assert Vote.objects.filter(entry=entry, voter=member).count() == 1


def test_next_request_after_an_outage_is_served(entry, member, monkeypatch):
    client = client_for(member)
    with monkeypatch.context() as patched:
        patched.setattr(services, "cast_vote", lost_connection)
        assert client.post(f"/api/v1/entries/{entry.pk}/vote").status_code == 503
    assert client.post(f"/api/v1/entries/{entry.pk}/vote").status_code == 200
    assert Client().get("/healthz").status_code == 200
