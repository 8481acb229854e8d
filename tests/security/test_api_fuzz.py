"""Every API response is what the OpenAPI schema says, for any input: schemathesis generates
valid and invalid requests for every operation of /api/v1/openapi.json and sends them in-process
to Django's WSGI application, as a visitor, a member and a moderator. Any 5xx or any response
that does not match its documented schema fails the test.

Bounded and deterministic: EXAMPLES_PER_MODE examples per operation and mode (`derandomize`), no
shrinking, no example database: about 15 s per role on an idle machine. Path parameters are
sometimes replaced by ids and slugs that exist, so the fuzzer reaches real objects and not only
404s.
"""

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from moderation.models import ModerationItem
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EXAMPLES_PER_MODE = 5
CSRF_TOKEN = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # a 32-character CSRF secret
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Django's real WSGI handler (CSRF enforced), in the test's transaction: the handler must
    not close the test's database connection after each request, as the test client ensures."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """Something of every kind, so that real ids lead somewhere."""
    submissions = factories.make_contest("submissions", title="Open cup")
    voting = factories.make_contest("voting", title="Vote cup")
    judging = factories.make_contest("judging", title="Judged cup")
    author = factories.UserFactory(username="fuzz-author")
    entries = [
        factories.make_entry(submissions, author=author),
        factories.make_entry(submissions, approved=False),
        factories.make_entry(voting),
        factories.make_entry(voting, extra_images=1, tags=["blue"]),
        factories.make_entry(judging),
    ]
    factories.make_profile(approved=False)  # a pending profile in the queue
    factories.make_comment(entries[2], approved=False)
    return {
        "slug": [c.slug for c in (submissions, voting, judging)],
        "entry_id": [e.pk for e in entries],
        "item_id": list(ModerationItem.objects.values_list("pk", flat=True)[:5]),
        "author": author,
    }


def _session_cookies(user) -> dict:
    cookies = {"csrftoken": CSRF_TOKEN}
    if user is not None:
        cookies["sessionid"] = client_for(user).cookies["sessionid"].value
    return cookies


def _with_real_ids(strategy, operation, world):
    names = [p.name for p in operation.path_parameters]
    if not names:
        return strategy
    choices = {
        name: st.one_of(st.none(), st.sampled_from(world.get(name) or [None])) for name in names
    }

    def apply(args):
        case, real = args
        for name, value in real.items():
            if value is not None:
                case.path_parameters = {**(case.path_parameters or {}), name: value}
        return case

    return st.tuples(strategy, st.fixed_dictionaries(choices)).map(apply)


def _run(strategy, label: str, cookies: dict, headers: dict, seen: set) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def run(case):
        response = case.call(cookies=cookies, headers=headers)
        seen.add((label, response.status_code))
        case.validate_response(response, checks=CHECKS)

    run()


def fuzz(schema, user, world) -> tuple[list[str], set[tuple[str, int]]]:
    """Returns the failures and the (operation, status) pairs seen."""
    cookies = _session_cookies(user)
    headers = {"X-CSRFToken": CSRF_TOKEN, "Referer": "http://localhost/"}
    failures, seen = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = _with_real_ids(operation.as_strategy(generation_mode=mode), operation, world)
            try:
                _run(strategy, operation.label, cookies, headers, seen)
            except hypothesis.errors.Unsatisfiable:
                pass  # no invalid value exists (a path parameter that is any string)
            except Exception as failure:  # noqa: BLE001 - collected and reported below
                failures.append(f"{operation.label} [{mode.value}]: {failure}")
    return failures, seen


@pytest.mark.parametrize("role", ["visitor", "member", "moderator"])
def test_every_response_matches_the_schema(role, world, wsgi_app):
    user = {
        "visitor": None,
        "member": world["author"],
        "moderator": factories.moderator(username="fuzz-moderator"),
    }[role]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures, seen = fuzz(schema, user, world)
    assert not failures, "\n\n".join(failures)
    # The requests were made as this role, and reached real objects.
    queue = {status for label, status in seen if label == "GET /api/v1/moderation/queue"}
    assert {"visitor": 401, "member": 403, "moderator": 200}[role] in queue, queue
    assert ("GET /api/v1/contests/{slug}", 200) in seen
