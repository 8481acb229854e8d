"""Django's Redis cache that survives Redis being down or frozen.

Every operation has short socket timeouts (set in CACHES' OPTIONS) and goes through a circuit
breaker: a Redis error is logged once, answered as a cache miss (or a no-op write), and Redis is
then skipped for a few seconds. So pages and Wagtail's site and rendition lookups fall back to
the database instead of failing, and a frozen Redis costs one timeout per cooldown, not one per
call.

Keys that start with one of FALLBACK_KEY_PREFIXES (allauth's rate limits by default) are kept in
a process-local memory cache while Redis is unavailable, so rate limits are still enforced, per
process, instead of being lifted. Nothing else falls back to local memory: a page cached in one
process could not be invalidated from another."""

import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import setting_changed
from django.dispatch import receiver
from redis.exceptions import RedisError

from config.circuit import CircuitBreaker

_MISSING = object()
# Errors that mean "Redis did not answer" (redis-py raises its own, sockets raise OSError).
REDIS_ERRORS = (RedisError, OSError)


class SharedRedisCacheClient(RedisCacheClient):
    """Django's client, with one redis-py client per connection pool instead of one per call
    (redis-py's clients are thread-safe over their pool; each one builds its own tables)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


# Django makes a cache object per thread and, under ASGI, per request (each request runs in its
# own thread-sensitive context): its client, so its Redis connections, and the circuit would
# then live for one request only (a new connection per request; with Redis frozen, a timeout
# per request instead of one per cooldown). They are kept here once per process and location.
_SHARED: dict[tuple, tuple[RedisCacheClient, CircuitBreaker]] = {}
_SHARED_LOCK = threading.Lock()


def _shared(servers, options: dict, cooldown: float) -> tuple[RedisCacheClient, CircuitBreaker]:
    key = (tuple(servers), repr(sorted(options.items())), cooldown)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = (
                SharedRedisCacheClient(servers, **options),
                CircuitBreaker(f"Redis cache at {','.join(servers)}", cooldown=cooldown),
            )
        return _SHARED[key]


@receiver(setting_changed)
def _forget_shared(*, setting, **kwargs):
    """Tests that point CACHES elsewhere (their own Redis, stopped and started again) start
    with new connections and a closed circuit."""
    if setting == "CACHES":
        with _SHARED_LOCK:
            for client, _circuit in _SHARED.values():
                for pool in client._pools.values():
                    pool.disconnect()
            _SHARED.clear()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        cooldown = float(options.pop("CIRCUIT_COOLDOWN", 5.0))
        prefixes = tuple(options.pop("FALLBACK_KEY_PREFIXES", ("allauth:rl:",)))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.25)
        options.setdefault("retry_on_timeout", False)
        params["OPTIONS"] = options
        super().__init__(server, params)
        # Instance attributes: they take the place of RedisCache's cached `_cache` property.
        self._cache, self.circuit = _shared(self._servers, self._options, cooldown)
        self._fallback_prefixes = prefixes
        self._fallback = LocMemCache("resilient-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _uses_fallback(self, keys) -> bool:
        return bool(self._fallback_prefixes) and all(
            str(key).startswith(self._fallback_prefixes) for key in keys
        )

    def _call(self, keys, name: str, down_value, *args, **kwargs):
        """Run RedisCache.<name>; when Redis is unavailable answer `down_value` (or use the
        local fallback for rate-limit keys)."""
        return self._guarded(
            keys, getattr(super(), name), getattr(self._fallback, name), down_value, *args, **kwargs
        )

    def _guarded(self, keys, redis_op, fallback_op, down_value, *args, **kwargs):
        fallback = self._uses_fallback(keys)
        if self.circuit.allow():
            try:
                result = redis_op(*args, **kwargs)
            except REDIS_ERRORS as error:
                self.circuit.failure(error)
            else:
                self.circuit.success()
                return result
        if fallback:
            return fallback_op(*args, **kwargs)
        return down_value() if callable(down_value) else down_value

    def add_and_incr_many(self, counters: dict, delta: int, version=None) -> dict:
        """Raise each counter (key → timeout in seconds) by `delta`, creating it at 0 with its
        timeout unless it exists, in one round trip to Redis; the new values. While Redis is
        unavailable every counter answers `delta` (nothing is counted), as `incr` would."""
        return self._guarded(
            list(counters),
            self._redis_counters,
            lambda *args: add_and_incr_many(self._fallback, *args),
            lambda: dict.fromkeys(counters, delta),
            counters,
            delta,
            version,
        )

    def _redis_counters(self, counters: dict, delta: int, version=None) -> dict:
        pipe = self._cache.get_client(write=True).pipeline(transaction=False)
        for key, timeout in counters.items():
            redis_key = self.make_and_validate_key(key, version=version)
            pipe.set(redis_key, 0, ex=int(timeout), nx=True)  # ints are stored as such
            pipe.incrby(redis_key, delta)
        values = pipe.execute()[1::2]
        return {key: int(value) for key, value in zip(counters, values, strict=True)}

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True while down: callers that use add() as a lock (allauth) go on rather than wait.
        return self._call([key], "add", True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call([key], "get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call([key], "set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call([key], "touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call([key], "delete", False, key, version)

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._call(keys, "get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call([key], "has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call([key], "incr", _MISSING, key, delta, version)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), "set_many", lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call(keys, "delete_many", None, keys, version)

    def clear(self):
        return self._call([], "clear", False)

    def ping(self) -> None:
        """Raise unless Redis answers now (for /readyz; bypasses the circuit)."""
        self._cache.get_client(write=True).ping()


def add_and_incr_many(cache, counters: dict, delta: int, version=None) -> dict:
    """Counters on any Django cache (see ResilientRedisCache.add_and_incr_many): one round trip
    on the Redis cache; elsewhere `add` then `incr`, each atomic on its backend."""
    counted = getattr(cache, "add_and_incr_many", None)  # `cache` may be Django's proxy
    if counted is not None:
        return counted(counters, delta, version)
    values = {}
    for key, timeout in counters.items():
        cache.add(key, 0, timeout=timeout, version=version)
        try:
            values[key] = cache.incr(key, delta, version=version)
        except ValueError:  # expired between add and incr
            cache.add(key, delta, timeout=timeout, version=version)
            values[key] = delta
    return values
