"""Web baseline: `check --deploy` passes with production defaults, a strict CSP without inline
script on the public site, no third-party requests from any page, and signed-in responses
kept out of shared caches."""

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from contests import services
from tests import factories
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$")


def test_deploy_check_passes_with_production_defaults():
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DEBUG", "DJANGO_SETTINGS"))
    }
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=config.settings.production",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    values = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert values.stdout.strip().split(maxsplit=3) == [
        "True",
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
    ], values.stderr


class PageParts(HTMLParser):
    """Inline scripts, event-handler attributes and every URL a page would load."""

    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.event_attributes: list[str] = []
        self.loaded_urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            kind = attributes.get("type", "text/javascript")
            self._in_script = "src" not in attributes and "json" not in kind
        for name, value in attrs:
            if EVENT_ATTRIBUTE.match(name):
                self.event_attributes.append(f"<{tag} {name}>")
            if value and name in ("src", "srcset", "poster", "data", "action", "formaction"):
                self.loaded_urls.extend(u.strip().split(" ")[0] for u in value.split(","))
            if value and name == "href" and tag != "a":  # <link href>, not a navigation link
                self.loaded_urls.append(value)
            if value and name == "content" and value.startswith(("http://", "https://")):
                pass  # Open Graph tags name our own addresses; browsers do not load them

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:80])


def parse(html: str) -> PageParts:
    parts = PageParts()
    parts.feed(html)
    return parts


def off_site(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.hostname not in ("testserver", "localhost", "127.0.0.1")


@pytest.fixture
def public_paths(db):
    member = factories.UserFactory(username="ada")
    factories.make_profile(author=member, approved=True)
    running = factories.make_contest("voting")
    entry = factories.make_entry(running, author=member)
    finished = factories.make_contest("judging")
    winner = factories.make_entry(finished, author=member)
    services.pick_winners(finished, staff=factories.brand_staff(), entry_ids=[winner.pk])
    return [
        "/",
        running.get_parent().url,  # the brand's page
        running.url,
        entry.get_absolute_url(),
        f"{finished.url}results/",
        "/members/ada/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "member", "staff"])
def test_public_pages_have_a_strict_csp_and_no_inline_script(public_paths, who):
    """Staff see the Wagtail userbar on public pages: it too runs from files."""
    signed_in = who != "visitor"
    client = {
        "visitor": Client,
        "member": lambda: client_for(factories.UserFactory()),
        "staff": lambda: client_for(factories.brand_staff()),
    }[who]()
    for path in public_paths:
        response = client.get(path)
        if signed_in and path.startswith("/accounts/"):
            continue  # allauth sends signed-in members away from these
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", path
        assert "unsafe" not in policy, path
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
        parts = parse(response.content.decode())
        assert parts.inline_scripts == [], path
        assert parts.event_attributes == [], path
        assert [u for u in parts.loaded_urls if off_site(u)] == [], path


@pytest.mark.django_db
def test_the_admin_has_its_own_relaxed_policy_and_no_gravatar():
    staff = factories.brand_staff()
    response = client_for(staff).get("/admin/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy
    html = response.content.decode()
    assert "gravatar" not in html
    assert [u for u in parse(html).loaded_urls if off_site(u)] == []


@pytest.mark.django_db
def test_signed_in_responses_are_private_and_not_stored(public_paths):
    member = factories.UserFactory()
    client = client_for(member)
    for path in [p for p in public_paths if not p.startswith("/accounts/")] + [
        "/notifications/",
        "/profile/",
    ]:
        response = client.get(path)
        assert response["Cache-Control"] == "private, no-store", path
    staff_response = client_for(factories.moderator()).get("/admin/moderation/")
    assert staff_response.status_code == 200
    assert "no-store" in staff_response["Cache-Control"]
    api = client.get("/api/v1/contests")
    assert api["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_visitors_pages_stay_cacheable(public_paths):
    response = Client().get(public_paths[2])
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_production_redirects_plain_http_but_not_the_health_probe(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
    secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
