"""Helpers for the JSON API tests: clients per role, URLs, CSRF-enforcing clients, and a look
at the private upload folder."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import client_for

API = "/api/v1"


def api(path: str) -> str:
    return f"{API}/{path.lstrip('/')}"


def private_files() -> set[Path]:
    """Every file currently stored in the private upload folder."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    if not root.exists():
        return set()
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


def csrf_client(user, contest) -> tuple[Client, str]:
    """A signed-in client that enforces CSRF like a browser would, and the token it got from
    the site (the cookie is set by rendering a page with a form, here the contest page)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(contest.url)
    assert page.status_code == 200
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert token
    return client, token


def post_json(client: Client, path: str, data=None, **extra):
    body = "" if data is None else data
    return client.post(api(path), body, content_type="application/json", **extra)


@pytest.fixture
def moderator_client(moderator):
    return client_for(moderator)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def snapshot_private_files(db):
    """Call it to get the files added to the private folder since the test began."""
    before = private_files()
    return lambda: private_files() - before
