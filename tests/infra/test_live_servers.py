"""Live updates across real server processes sharing Redis (daphne with production settings,
as the Dockerfile runs it): a vote through one process reaches a WebSocket client connected to
another; with Redis gone, votes still work, joining is refused cleanly (no 500) and, once Redis
is back, clients join again and the totals endpoint gives the database's totals."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from contests.models import Vote
from tests import factories
from tests.infra.servers import daphne, database_url_of_tests, request
from tests.infra.test_postgres_server import Member

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
REDIS_PORT = int(os.environ.get("COCREO_TEST_LIVE_REDIS_PORT", "6383"))


class Redis:
    """A redis-server of our own on REDIS_PORT, which the test may stop and start again."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        assert self.binary, "redis-server is needed for the live server tests"
        self.workdir = tempfile.mkdtemp(prefix="cocreo-live-redis-")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", self.workdir],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
                    return
            assert time.monotonic() < deadline, "our redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


@pytest.fixture
def redis():
    server = Redis()
    server.start()
    yield server
    server.stop()


def server_env() -> dict[str, str]:
    return {
        "DATABASE_URL": database_url_of_tests(),
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "DB_POOL_MAX": "4",
        "REDIS_CIRCUIT_COOLDOWN": "0.5",
        "SECURE_SSL_REDIRECT": "false",
    }


def ws_url(url: str, path: str) -> str:
    return url.replace("http://", "ws://") + path


def listen(url: str, path: str, origin: str | None = "same"):
    origin = url if origin == "same" else origin
    return connect(ws_url(url, path), origin=origin, open_timeout=5, close_timeout=1)


def next_event(websocket, of_type: str, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads(websocket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
        if event.get("type") == of_type:
            return event


def totals_of(url: str, contest) -> dict:
    status, _headers, body = request(url, "GET", f"/api/v1/contests/{contest.slug}/totals")
    assert status == 200, body
    return json.loads(body)


def test_a_vote_through_one_process_reaches_a_client_of_another(redis):
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest)
    voter = Member(factories.UserFactory())
    with daphne(server_env()) as (first, _p1), daphne(server_env()) as (second, _p2):
        path = f"/ws/contests/{contest.slug}/"
        with listen(second, path) as websocket:
            status, _headers, _body = voter.vote(first, entry)
            assert status == 200
            event = next_event(websocket, "votes.changed")
            assert event["totals"] == {str(entry.pk): 1}
            assert totals_of(first, contest)["version"] >= event["version"]
        # The Origin check, on the real server: a foreign or missing Origin is refused.
        for origin in ("https://evil.example", None):
            with pytest.raises(InvalidStatus) as refused:
                listen(second, path, origin=origin)
            assert refused.value.response.status_code == 403


def test_with_redis_down_votes_work_joining_is_refused_cleanly_and_recovery_resyncs(redis):
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest)
    voters = [Member(factories.UserFactory()) for _ in range(3)]
    path = f"/ws/contests/{contest.slug}/"
    with daphne(server_env()) as (url, process):
        with listen(url, path) as websocket:
            redis.stop()
            # The open socket is closed so that its page reconnects (and shows "paused").
            with pytest.raises(ConnectionClosed):
                while True:
                    websocket.recv(timeout=10)
        for voter in voters[:2]:
            status, _headers, _body = voter.vote(url, entry)
            assert status == 200
        assert Vote.objects.filter(entry=entry).count() == 2
        status, _headers, body = request(url, "GET", "/readyz")
        assert status == 200 and json.loads(body)["channel_layer"] != "ok"
        # Joining now: accepted and closed with "try again later", never an HTTP 500.
        try:
            with listen(url, path) as refused:
                with pytest.raises(ConnectionClosed) as closed:
                    refused.recv(timeout=5)
                assert closed.value.rcvd.code == 4503, _log(process).decode()[-3000:]
        except InvalidStatus as error:
            assert error.response.status_code != 500
        assert b"Exception inside application" not in _log(process)

        redis.start()
        deadline = time.monotonic() + 10
        while True:  # the page's reconnect loop, faster
            try:
                with listen(url, path) as websocket:
                    websocket.send(json.dumps({"type": "ping"}))
                    assert next_event(websocket, "pong")["type"] == "pong"
                    # On reconnect the page refetches: the totals are the database's.
                    assert totals_of(url, contest)["totals"] == {str(entry.pk): 2}
                    status, _headers, _body = voters[2].vote(url, entry)
                    assert status == 200
                    assert next_event(websocket, "votes.changed")["totals"] == {str(entry.pk): 3}
                    break
            except (ConnectionClosed, InvalidStatus, TimeoutError):
                assert time.monotonic() < deadline, "could not join again after Redis returned"
                time.sleep(0.5)


def _log(process) -> bytes:
    process.log.flush()
    process.log.seek(0)
    return process.log.read().encode()
