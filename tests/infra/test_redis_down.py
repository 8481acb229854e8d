"""Redis is optional at run time: with it stopped, frozen or never reachable, pages answer,
votes are recorded and /readyz says "degraded"; the cache gives up within its short timeout and
its circuit then skips Redis for a while."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from community import realtime
from contests.models import Vote
from tests import factories
from tests.conftest import client_for

REDIS_PORT = int(os.environ.get("COCREO_TEST_REDIS_PORT", "6382"))
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def resilient_cache(url: str, cooldown: float = 5.0) -> dict:
    return {
        "default": {
            "BACKEND": "config.resilient_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"cocreo-infra-test-{os.getpid()}",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "CIRCUIT_COOLDOWN": cooldown,
            },
        }
    }


@pytest.fixture
def own_redis():
    """A redis-server of our own, which the test may stop or freeze (never the shared one)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for the Redis failure tests"
    workdir = tempfile.mkdtemp(prefix="cocreo-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
                break
        assert time.monotonic() < deadline, "our redis-server did not start"
        time.sleep(0.05)
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.kill()
        process.wait()


@pytest.fixture
def voting_entry(db):
    contest = factories.make_contest("voting")
    return factories.make_entry(contest)


def pages_of(entry):
    contest = entry.contest
    return ["/", contest.get_parent().url, contest.url, entry.get_absolute_url()]


def visit_and_vote(entry, member):
    """Every page answers 200, quickly, and the member's vote is recorded."""
    client = client_for(member)
    for url in pages_of(entry):
        started = time.monotonic()
        assert client.get(url).status_code == 200, url
        assert time.monotonic() - started < 5, url
    response = client.post(f"/api/v1/entries/{entry.pk}/vote")
    assert response.status_code == 200
    assert response.json()["voted"] is True
    assert Vote.objects.filter(entry=entry, voter=member).exists()
    return client


def test_dead_redis_address(voting_entry, member, caplog):
    with override_settings(CACHES=resilient_cache(DEAD_REDIS)):
        with caplog.at_level(logging.WARNING, logger="cocreo.circuit"):
            client = visit_and_vote(voting_entry, member)
            readiness = client.get("/readyz")
        assert readiness.status_code == 200
        assert readiness.json()["status"] == "degraded"
        assert readiness.json()["cache"] == "down"
    # One message when the circuit opened, not one per cache call.
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1


def test_redis_stopped_mid_run(own_redis, voting_entry, member):
    with override_settings(CACHES=resilient_cache(f"redis://127.0.0.1:{REDIS_PORT}/0")):
        cache.set("probe", "stored")
        assert cache.get("probe") == "stored"
        client = client_for(member)
        assert client.get("/readyz").json()["status"] == "ok"

        own_redis.kill()
        own_redis.wait()

        visit_and_vote(voting_entry, member)
        readiness = client.get("/readyz")
        assert readiness.status_code == 200
        assert readiness.json() | {"status": "degraded", "cache": "down", "database": "ok"} == (
            readiness.json()
        )


def test_frozen_redis_costs_one_short_timeout_then_nothing(own_redis, voting_entry, member):
    with override_settings(CACHES=resilient_cache(f"redis://127.0.0.1:{REDIS_PORT}/0", 0.5)):
        cache.set("probe", "stored")
        own_redis.send_signal(signal.SIGSTOP)  # accepts connections, never answers
        started = time.monotonic()
        assert cache.get("probe", "missed") == "missed"
        assert time.monotonic() - started < 1  # gave up after the socket timeout
        started = time.monotonic()
        for _ in range(50):  # the circuit is open: Redis is not asked
            assert cache.get("probe") is None
            cache.set("probe", "x")
        assert time.monotonic() - started < 0.25
        visit_and_vote(voting_entry, member)

        own_redis.send_signal(signal.SIGCONT)
        time.sleep(0.6)  # the cooldown passes; the next call probes Redis again
        cache.set("probe", "back")
        assert cache.get("probe") == "back"


def test_rate_limit_keys_fall_back_to_local_memory_while_redis_is_down(db):
    """allauth's rate limits stay enforced (per process) instead of being lifted."""
    with override_settings(CACHES=resilient_cache(DEAD_REDIS)):
        key = "allauth:rl:account:login_failed:10/m:ip:127.0.0.1"
        assert cache.get(key, []) == []
        cache.set(key, [1.0, 2.0], 60)
        assert cache.get(key) == [1.0, 2.0]
        assert cache.add(key + ":lock", True, 10) is True
        assert cache.add(key + ":lock", True, 10) is False  # the lock holds
        cache.delete(key + ":lock")
        # Other keys are plain misses: a page cached in one process could not be invalidated
        # from another.
        cache.set("page", "html")
        assert cache.get("page") is None


def test_publishing_gives_up_quickly_and_opens_the_circuit(settings, caplog):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": DEAD_REDIS, "socket_connect_timeout": 0.25}]},
        }
    }
    channel_layers.backends.clear()
    realtime.circuit.reset()
    try:
        started = time.monotonic()
        realtime.send_now("contest-x", {"type": "votes.changed"})
        assert time.monotonic() - started < 1
        assert realtime.circuit.is_open
        started = time.monotonic()
        for _ in range(20):
            realtime.send_now("contest-x", {"type": "votes.changed"})
        assert time.monotonic() - started < 0.1
    finally:
        realtime.circuit.reset()
        channel_layers.backends.clear()


def test_cache_objects_of_every_thread_share_one_client_and_one_circuit():
    """Django makes a cache object per thread (and per request under ASGI); the Redis
    connections and the circuit behind them are the process's, or the circuit would open for
    one request only and every request would open connections of its own."""
    with override_settings(CACHES=resilient_cache(DEAD_REDIS)):
        from django.core.cache import caches

        here, there = caches["default"], []
        thread = threading.Thread(target=lambda: there.append(caches["default"]))
        thread.start()
        thread.join()
        assert there[0] is not here  # Django's own: one cache object per thread
        assert there[0]._cache is here._cache
        assert there[0].circuit is here.circuit
        assert here.get("anything") is None  # Redis is not there: the shared circuit opens
        assert there[0].circuit.is_open


def connections_received(counter) -> int:
    return counter.info("stats")["total_connections_received"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_asgi_requests_reuse_the_processes_redis_connections(own_redis):
    """Through Django's ASGI handler (each request in its own context), twenty requests that use
    the cache open no new connection to Redis after the first."""
    import asyncio

    from django.test import AsyncClient

    async def twenty_requests() -> list[str]:
        # Run from an event loop of its own, as a server does: no outer synchronous thread, so
        # each request's synchronous code runs in a thread of its own.
        client = AsyncClient()
        return [(await client.get("/readyz")).json()["cache"] for _ in range(20)]

    import redis

    counter = redis.Redis(port=REDIS_PORT)
    with override_settings(CACHES=resilient_cache(f"redis://127.0.0.1:{REDIS_PORT}/0")):
        assert asyncio.run(twenty_requests()) == ["ok"] * 20
        before = connections_received(counter)
        assert asyncio.run(twenty_requests()) == ["ok"] * 20
        assert connections_received(counter) == before
