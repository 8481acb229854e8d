"""A real daphne process with production settings on the test database: the connection pool
bounds what PostgreSQL sees under 64 concurrent clients, and backends terminated mid-request
give 503s that a retry turns into the right, single outcome."""

import secrets
import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.test import Client, override_settings

from community.models import User
from contests.models import Vote
from tests import factories
from tests.infra.servers import (
    SERVER_APPLICATION_NAME,
    SERVER_SECRET_KEY,
    daphne,
    database_url_of_tests,
    request,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POOL_MAX = 8


@pytest.fixture(scope="module")
def server(django_db_setup):
    env = {
        "DATABASE_URL": database_url_of_tests(),
        "DB_POOL_MIN": "1",
        "DB_POOL_MAX": str(POOL_MAX),
        "DB_POOL_TIMEOUT": "20",
    }
    with daphne(env) as (url, _process):
        yield url


def admin_connection() -> psycopg.Connection:
    """A connection of the test's own, outside Django and outside the server's pool."""
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        autocommit=True,
    )


def server_backends(conn, where: str = "true") -> list[int]:
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "  # noqa: S608
        f"AND application_name = %s AND {where}",  # `where`: fixed fragments in this file
        [SERVER_APPLICATION_NAME],
    ).fetchall()
    return [pid for (pid,) in rows]


class Member:
    """A signed-in member as an HTTP client of the server: session cookie and CSRF token."""

    def __init__(self, user: User):
        client = Client()
        with override_settings(SECRET_KEY=SERVER_SECRET_KEY):  # the server's key signs it
            client.force_login(user)
        self.user = user
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.token = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret

    def vote(self, url: str, entry, method: str = "POST"):
        status, headers, body = request(
            url,
            method,
            f"/api/v1/entries/{entry.pk}/vote",
            headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}; "
                f"{settings.CSRF_COOKIE_NAME}={self.token}",
                "X-CSRFToken": self.token,
            },
        )
        return status, headers, body

    def vote_until_answered(self, url: str, entry, method: str = "POST", statuses=None):
        """Retry 503s as a client told `Retry-After` would (faster, for the test)."""
        import json

        for _ in range(100):
            status, headers, body = self.vote(url, entry, method)
            if statuses is not None:
                statuses.append(status)
            if status != 503:
                return status, json.loads(body)
            assert headers.get("Retry-After")
            time.sleep(0.1)
        raise AssertionError("still 503 after 100 tries")


def members(n: int) -> list[Member]:
    return [Member(factories.UserFactory()) for _ in range(n)]


def test_64_concurrent_voters_never_exceed_the_pool(server):
    contest = factories.make_contest("voting")
    entries = [factories.make_entry(contest), factories.make_entry(contest)]
    voters = members(64)
    results: list[tuple[int, bool]] = []
    peak = [0]
    done = threading.Event()

    def sample():
        with admin_connection() as conn:
            while not done.is_set():
                peak[0] = max(peak[0], len(server_backends(conn)))
                time.sleep(0.02)

    barrier = threading.Barrier(len(voters))

    def run(member: Member):
        barrier.wait()
        for entry in entries:
            status, _headers, body = member.vote(server, entry)
            results.append((status, b'"voted": true' in body))

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=run, args=(m,)) for m in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    sampler.join()

    assert len(results) == 128
    assert {status for status, _voted in results} == {200}
    assert all(voted for _status, voted in results)
    assert Vote.objects.filter(entry__in=entries).count() == 128
    assert 0 < peak[0] <= POOL_MAX


def test_backend_terminated_mid_vote_gives_503_then_the_retry_records_one_vote(server):
    contest = factories.make_contest("voting", voting_method="budget", vote_budget=3)
    entry = factories.make_entry(contest)
    voter = members(1)[0]
    outcome = {}
    with admin_connection() as admin, admin_connection() as locker:
        # Hold the voter's row, which a budget vote locks: the server's request waits on it.
        with locker.transaction():
            locker.execute(
                f"SELECT 1 FROM {User._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
                [voter.user.pk],
            )
            thread = threading.Thread(
                target=lambda: outcome.update(response=voter.vote(server, entry))
            )
            thread.start()
            deadline = time.monotonic() + 30
            while not (waiting := server_backends(admin, "wait_event_type = 'Lock'")):
                assert time.monotonic() < deadline, "the vote never reached the row lock"
                time.sleep(0.05)
            admin.execute("SELECT pg_terminate_backend(%s)", [waiting[0]])
            thread.join(timeout=30)
        status, headers, body = outcome["response"]
        assert status == 503
        assert int(headers["Retry-After"]) > 0
        assert not Vote.objects.filter(entry=entry).exists()  # rolled back, not recorded

        status, body = voter.vote_until_answered(server, entry)
        assert status == 200 and body["voted"] is True

        # Every idle pooled connection dies: the pool checks them and the next request works;
        # the vote already committed is reported as committed.
        for pid in server_backends(admin):
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        status, body = voter.vote_until_answered(server, entry)
        assert status == 200 and body["voted"] is True
    assert Vote.objects.filter(entry=entry, voter=voter.user).count() == 1
    assert request(server, "GET", "/healthz")[0] == 200


def test_backends_terminated_during_a_crowd_lose_no_vote_and_add_none(server):
    contest = factories.make_contest("voting")
    liked, unliked = factories.make_entry(contest), factories.make_entry(contest)
    voters = members(24)
    for member in voters:  # each withdraws this vote during the run
        Vote.objects.create(entry=unliked, contest=contest, voter=member.user)
    statuses: list[int] = []
    finals: list[tuple[str, bool]] = []
    done = threading.Event()

    def terminate():
        with admin_connection() as admin:
            while not done.is_set():
                for pid in server_backends(admin, "state <> 'idle'"):
                    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
                time.sleep(0.05)

    def run(member: Member):
        status, body = member.vote_until_answered(server, liked, "POST", statuses)
        finals.append(("liked", status == 200 and body["voted"]))
        status, body = member.vote_until_answered(server, unliked, "DELETE", statuses)
        finals.append(("unliked", status == 200 and not body["voted"]))

    terminator = threading.Thread(target=terminate)
    terminator.start()
    threads = [threading.Thread(target=run, args=(m,)) for m in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    terminator.join()

    assert set(statuses) <= {200, 503}  # never a 500
    assert len(finals) == 48 and all(ok for _what, ok in finals)
    voter_ids = {m.user.pk for m in voters}
    assert set(Vote.objects.filter(entry=liked).values_list("voter", flat=True)) == voter_ids
    assert not Vote.objects.filter(entry=unliked).exists()
