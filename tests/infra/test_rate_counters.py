"""Rate-limit counters on the Redis cache (config/resilient_cache.py add_and_incr_many): every
rate of an action counted in one round trip, exactly under concurrency, and not at all (never
an error) while Redis is unavailable."""

import threading

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from community.ratelimits import RateLimited, check_rate
from config.resilient_cache import add_and_incr_many
from tests import factories
from tests.infra.test_redis_down import DEAD_REDIS, REDIS_PORT, own_redis, resilient_cache

__all__ = ["own_redis"]  # the fixture, used by name

pytestmark = pytest.mark.django_db

TWO_RATES = {"vote": "5/m,600/h"}


@pytest.fixture
def redis_cache(own_redis):
    with override_settings(CACHES=resilient_cache(f"redis://127.0.0.1:{REDIS_PORT}/0")):
        yield caches["default"]


def commands_processed(counter) -> int:
    return counter.info("stats")["total_commands_processed"]


def test_every_rate_of_an_action_is_counted_in_one_round_trip(redis_cache, settings):
    settings.COCREO_RATE_LIMITS = TWO_RATES
    member = factories.UserFactory()
    check_rate(member, "vote")  # the pool's connection is open from here on
    trips = []
    original = redis.client.Pipeline.execute
    redis.client.Pipeline.execute = lambda self, *a, **k: trips.append(1) or original(self, *a, **k)
    counter = redis.Redis(port=REDIS_PORT)
    try:
        first = commands_processed(counter)
        idle = commands_processed(counter) - first  # what counting itself adds
        before = commands_processed(counter)
        check_rate(member, "vote")
        assert commands_processed(counter) - before - idle == 4  # SET NX + INCRBY per rate
    finally:
        redis.client.Pipeline.execute = original
    assert trips == [1]
    for _ in range(3):
        check_rate(member, "vote")
    with pytest.raises(RateLimited) as limited:
        check_rate(member, "vote")  # the sixth in a minute
    assert 0 < limited.value.retry_after <= 60
    values = redis_cache.get_many(_keys(member))
    assert sorted(values.values()) == [6, 6]  # both windows counted every attempt


def _keys(member):
    import time

    now = time.time()
    return [
        f"rl:vote:5/60:user:{member.pk}:{int(now // 60)}",
        f"rl:vote:600/3600:user:{member.pk}:{int(now // 3600)}",
    ]


@pytest.mark.parametrize("backend", ["redis", "local memory"])
def test_concurrent_attempts_are_counted_exactly(backend, request, settings):
    if backend == "redis":
        request.getfixturevalue("redis_cache")
    counters = {"rl:test:exact": 60}
    cache = caches["default"]
    results, barrier = [], threading.Barrier(20)

    def attempt():
        barrier.wait()
        results.append(add_and_incr_many(cache, counters, 1)["rl:test:exact"])

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 21))  # each attempt saw its own count


def test_while_redis_is_unavailable_nothing_is_counted_and_nothing_fails(settings):
    settings.COCREO_RATE_LIMITS = {"vote": "1/m"}
    member = factories.UserFactory()
    with override_settings(CACHES=resilient_cache(DEAD_REDIS)):
        for _ in range(3):
            check_rate(member, "vote")  # not limited, no error
        assert caches["default"].circuit.is_open
