"""Live counts that converge: coalesced, versioned totals for everyone watching a group.

A vote (or a support) does not publish its own count. After its commit it marks the item dirty
for the group (a Redis set shared by every web process) and tries to take the group's flush
lock (`SET NX`). The process that takes it flushes after LIVE_COALESCE_SECONDS: in one atomic
step it takes the dirty items and increments the group's version; then it reads the items'
current totals from the database, sends one message, and only then gives the lock back. Items
marked while it held the lock stay dirty, and the release keeps the lock for one more flush a
window later. So a group gets at most one message per window, whatever the number of writers
and processes, every message carries totals read after the commits that made its items dirty,
and versions reach the channel layer in increasing order (no second flusher can send between
one flusher's take and its send).

Versions are consecutive per group (a Redis counter, first seeded from the clock in
microseconds so that a lost counter restarts above any version already sent). Clients drop a
message whose version is not newer than what they show, and refetch the totals from the API
when they see a gap, connect or reconnect.

When Redis does not answer (the cache's circuit is open) each process coalesces on its own,
still at most once per window per process, and sends messages without a version: clients apply
them and refetch. Without Redis at all (development, the SQLite tests) the same in-process store
is the only one and versions are kept in the process.

The flush runs in the server's event loop when the write happened inside an ASGI server (the
loop is remembered by `LoopMiddleware`), otherwise in a short timer thread (task worker,
management commands).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connections, transaction

from community import realtime

logger = logging.getLogger(__name__)


def window() -> float:
    return float(getattr(settings, "LIVE_COALESCE_SECONDS", 1.0))


@dataclass(frozen=True)
class Kind:
    """A kind of live count: its group name, message type and how to read current totals.

    `read(container_id, item_ids)` returns the message body (without type and version), or
    None when nothing may be sent (totals hidden, container gone)."""

    name: str
    group: Callable[[int], str]
    event_type: str
    read: Callable[[int, set[int]], dict | None]


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.name] = kind


def changed(kind: str, container_id: int, item_ids: Iterable[int]) -> None:
    """Call inside the writing transaction: after its commit the items are marked dirty."""
    ids = {int(pk) for pk in item_ids}
    if ids:
        transaction.on_commit(lambda: mark(kind, container_id, ids))


def current_version(kind: str, container_id: int) -> int | None:
    """The group's version now (for the totals endpoints), None when Redis does not answer.
    Read it before reading the totals: totals read afterwards are at least that new."""
    group = _kinds[kind].group(container_id)
    if _shared.configured():
        return _shared.version(group)
    return _local.version(group)


def totals_cache_seconds() -> float:
    return float(getattr(settings, "LIVE_TOTALS_CACHE_SECONDS", 1.0))


def versioned_totals(kind: str, container_id: int, read: Callable[[], dict]) -> dict:
    """`{"version": v, **read()}` for the totals endpoints, served from the shared cache.

    When a version gap or a message without a version makes every page refetch at once, the
    herd asks for the same totals: the body is cached per (group, version) for at most
    `LIVE_TOTALS_CACHE_SECONDS` (1 s). The version is read first, so a body read afterwards is at
    least that new, whichever request computed it: concurrent misses each read the database
    and may overwrite each other, but never put an older body under a newer version. The age
    limit covers the changes that do not move the version (a process whose Redis did not answer
    sends them in a message without a version): pages refetch at least that long after such a
    message (static/js/live.js, UNVERSIONED_WAIT), when every body read before it has expired.
    Without a version (Redis does not answer) nothing is cached: the totals come from the
    database, as when the cache is down (the resilient cache answers a miss)."""
    started = time.time()  # before the version: a body is never younger than this
    version = current_version(kind, container_id)
    if version is None:
        return {"version": None, **read()}
    key = f"live-totals:{_kinds[kind].group(container_id)}:{version}"
    cached = cache.get(key)
    max_age = totals_cache_seconds()
    if isinstance(cached, dict) and 0 <= time.time() - cached["at"] < max_age:
        return {"version": version, **cached["body"]}
    body = read()
    if max_age > 0:
        cache.set(key, {"at": started, "body": body}, timeout=int(max_age) + 1)
    return {"version": version, **body}


# Stores ------------------------------------------------------------------------------------------
class _LocalStore:
    """Dirty items, flush locks and versions in this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._dirty: dict[str, set[int]] = {}
        self._held: dict[str, tuple[str, float]] = {}  # group -> (token, expiry)
        self._versions: dict[str, int] = {}

    def mark(self, group: str, ids: set[int], token: str) -> bool:
        now = time.monotonic()
        with self._lock:
            self._dirty.setdefault(group, set()).update(ids)
            held = self._held.get(group)
            if held is not None and held[1] > now:
                return False
            self._held[group] = (token, now + _lock_seconds())
            return True

    def take(self, group: str, force: bool = False) -> tuple[set[int], int]:
        """The dirty items and the next version; with nothing dirty (and not `force`d: items
        taken elsewhere need one), the current version, not used up."""
        with self._lock:
            ids = self._dirty.pop(group, set())
            version = self._versions.get(group) or _clock_seed()
            if ids or force:
                version += 1
            self._versions[group] = version
            return ids, version

    def release(self, group: str, token: str) -> bool:
        now = time.monotonic()
        with self._lock:
            held = self._held.get(group)
            if held is not None and held[0] != token and held[1] > now:
                return False  # our lock expired and another flusher holds it now
            if self._dirty.get(group):
                self._held[group] = (token, now + _lock_seconds())
                return True
            self._held.pop(group, None)
            return False

    def version(self, group: str) -> int:
        with self._lock:
            return self._versions.setdefault(group, _clock_seed())

    def restore(self, group: str, ids: set[int]) -> None:
        """Mark items dirty again (without the lock: its holder flushes them next)."""
        with self._lock:
            self._dirty.setdefault(group, set()).update(ids)

    def pending(self, group: str) -> bool:
        with self._lock:
            return bool(self._dirty.get(group))


def _clock_seed() -> int:
    return time.time_ns() // 1000  # µs: above any count of flushes since an earlier seed


def _lock_seconds() -> float:
    # Held from the first mark through the flush's read and send (bounded by REDIS_TIMEOUT);
    # it only expires when a flusher died.
    return window() + 5.0


# Release the lock if it is ours (or nobody's); when items were marked meanwhile, keep it (or
# take it) for one more flush instead, so that no other flusher can send between ours.
_RELEASE = """
local holder = redis.call('get', KEYS[1])
if holder ~= false and holder ~= ARGV[1] then return -1 end
if redis.call('scard', KEYS[2]) > 0 then
  redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
  return 1
end
if holder ~= false then redis.call('del', KEYS[1]) end
return 0
"""


# Take the dirty items and increment the version, atomically (a script: nothing slips between
# the steps); with nothing dirty (and not forced) the version is read, not used up: a version no
# message carries would be a gap, and every watcher would refetch the totals at once.
_TAKE = """
local ids = redis.call('smembers', KEYS[1])
redis.call('set', KEYS[2], ARGV[1], 'nx')
local version
if #ids > 0 or ARGV[3] == '1' then
  redis.call('del', KEYS[1])
  version = redis.call('incr', KEYS[2])
else
  version = tonumber(redis.call('get', KEYS[2]))
end
redis.call('expire', KEYS[2], ARGV[2])
local out = {version}
for i, id in ipairs(ids) do out[i + 1] = id end
return out
"""


class _SharedStore:
    """The same in Redis (through the resilient cache's client and circuit)."""

    def configured(self) -> bool:
        return hasattr(cache, "circuit") and hasattr(cache, "_cache")

    def _key(self, group: str, part: str) -> str:
        return cache.make_key(f"live:{group}:{part}")

    def _run(self, build):
        """Run a pipeline; None when Redis does not answer (and open the circuit)."""
        from config.resilient_cache import REDIS_ERRORS

        if not cache.circuit.allow():
            return None
        try:
            client = cache._cache.get_client(write=True)
            result = build(client)
        except REDIS_ERRORS as error:
            cache.circuit.failure(error)
            return None
        cache.circuit.success()
        return result

    def mark(self, group: str, ids: set[int], token: str) -> bool | None:
        dirty, lock = self._key(group, "dirty"), self._key(group, "lock")

        def build(client):
            pipe = client.pipeline(transaction=False)
            pipe.sadd(dirty, *ids)
            pipe.expire(dirty, 3600)
            pipe.set(lock, token, nx=True, px=int(_lock_seconds() * 1000))
            return bool(pipe.execute()[2])

        return self._run(build)

    def take(self, group: str, force: bool = False) -> tuple[set[int], int] | None:
        dirty, version = self._key(group, "dirty"), self._key(group, "version")

        def build(client):
            result = client.eval(
                _TAKE, 2, dirty, version, _clock_seed(), 30 * 86400, 1 if force else 0
            )
            return {int(pk) for pk in result[1:]}, int(result[0])

        return self._run(build)

    def release(self, group: str, token: str) -> bool | None:
        lock, dirty = self._key(group, "lock"), self._key(group, "dirty")

        def build(client):
            kept = client.eval(_RELEASE, 2, lock, dirty, token, int(_lock_seconds() * 1000))
            return int(kept) == 1

        return self._run(build)

    def restore(self, group: str, ids: set[int]) -> bool | None:
        dirty = self._key(group, "dirty")

        def build(client):
            pipe = client.pipeline(transaction=False)
            pipe.sadd(dirty, *ids)
            pipe.expire(dirty, 3600)
            pipe.execute()
            return True

        return self._run(build)

    def version(self, group: str) -> int | None:
        key = self._key(group, "version")

        def build(client):
            pipe = client.pipeline(transaction=True)
            pipe.set(key, _clock_seed(), nx=True)
            pipe.get(key)
            return int(pipe.execute()[1])

        return self._run(build)


_local = _LocalStore()
_shared = _SharedStore()


# Marking and flushing ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Hold:
    """The flush lock of one group, taken by this process: in Redis or in this process."""

    kind: str
    container_id: int
    group: str
    shared: bool
    token: str

    def release(self) -> bool:
        """Give the lock back after the send; True when items were marked meanwhile and the
        lock is kept for one more flush (the caller arms it)."""
        if self.shared:
            return bool(_shared.release(self.group, self.token))
        return _local.release(self.group, self.token)


def mark(kind: str, container_id: int, ids: set[int]) -> None:
    """Mark items dirty now (after the commit); arm a flush when this process took the lock."""
    group = _kinds[kind].group(container_id)
    token = uuid.uuid4().hex
    shared = _shared.configured()
    won = _shared.mark(group, ids, token) if shared else None
    if won is None:  # no Redis, or Redis does not answer: coalesce in this process
        shared = False
        won = _local.mark(group, ids, token)
    if won:
        _arm(_Hold(kind, container_id, group, shared, token))


def collect(kind: str, container_id: int) -> dict | None:
    """Take the group's dirty items and read their current totals: the message to send.
    The caller holds the group's flush lock (until it has sent the message)."""
    return _collect(kind, container_id)[0]


def _collect(kind: str, container_id: int) -> tuple[dict | None, set[int]]:
    """The message and the items it was read for. When the read fails the items are marked
    dirty again (and the error raised): the lock's holder keeps the lock and flushes them again
    a window later, instead of the watchers staying stale until the next change of those items.
    """
    spec = _kinds[kind]
    group = spec.group(container_id)
    local_ids, local_version = _local.take(group)
    ids, version = set(local_ids), local_version
    shared = _shared.configured()
    if shared:
        taken = _shared.take(group, force=bool(local_ids))
        if taken is None:
            version = None  # the counter is in Redis: a message without version means "refetch"
        else:
            ids |= taken[0]
            version = taken[1]
    if not ids:
        return None, ids
    try:
        body = spec.read(container_id, ids)
    except BaseException:
        restore(group, ids)
        raise
    if body is None:
        return None, ids
    return {"type": spec.event_type, "version": version, **body}, ids


def restore(group: str, ids: set[int]) -> None:
    """Mark items dirty again after a flush could not send them: in Redis when it answers
    (where every process's flusher looks), else in this process."""
    if ids and not (_shared.configured() and _shared.restore(group, ids)):
        _local.restore(group, ids)


def flush_now(kind: str, container_id: int) -> dict | None:
    """Collect and send at once (synchronously); returns what was sent (None: nothing, or the
    send failed and the items are dirty again)."""
    event, ids = _collect(kind, container_id)
    if event is None:
        return None
    group = _kinds[kind].group(container_id)
    if not realtime.send_now(group, event):
        restore(group, ids)
        return None
    return event


_server_loop: asyncio.AbstractEventLoop | None = None
_tasks: set[asyncio.Task] = set()
# Flushes armed and not yet done: token -> the event loop they run in (None: a timer thread).
_in_flight: dict[str, asyncio.AbstractEventLoop | None] = {}


async def drain(timeout: float = 5.0) -> bool:
    """Wait until every flush this process armed has sent (tests; a server shutting down).
    True when none is left. Flushes armed in an event loop that is closed never run: dropped."""
    deadline = time.monotonic() + timeout
    while True:
        for token, loop in list(_in_flight.items()):
            if loop is not None and loop.is_closed():
                _in_flight.pop(token, None)
        if not _in_flight:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)


class LoopMiddleware:
    """ASGI middleware that remembers the server's event loop, where flushes are scheduled."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        global _server_loop
        _server_loop = asyncio.get_running_loop()
        return await self.app(scope, receive, send)


def _arm(hold: _Hold, delay: float | None = None) -> None:
    delay = window() if delay is None else delay
    loop = _server_loop
    if loop is not None and loop.is_running() and not loop.is_closed():
        try:
            _in_flight[hold.token] = loop
            loop.call_soon_threadsafe(loop.call_later, delay, _start_flush, hold)
            return
        except RuntimeError:  # closed meanwhile
            pass
    _in_flight[hold.token] = None
    timer = threading.Timer(delay, _flush_in_thread, (hold,))
    timer.daemon = True
    timer.start()


def _start_flush(hold: _Hold) -> None:
    task = asyncio.get_running_loop().create_task(_flush(hold))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def _collect_in_pool_thread(kind: str, container_id: int) -> tuple[dict | None, set[int]]:
    try:
        return _collect(kind, container_id)
    finally:
        # This executor thread's connection goes back (to the pool, when there is one); none is
        # left open behind the server's back.
        connections.close_all()


async def _flush(hold: _Hold) -> None:
    # The lock is held from the take through the send and released only then: a second
    # flusher of the group cannot send a newer version before this one sends its older one.
    failed = False
    try:
        event, ids = await database_sync_to_async(_collect_in_pool_thread, thread_sensitive=False)(
            hold.kind, hold.container_id
        )
        # Not sent (timed out, the layer failed or its circuit is open): the items are dirty
        # again, so the release below keeps the lock and a flush retries them.
        if event is not None and not await realtime.send_async(hold.group, event):
            failed = True
            await sync_to_async(restore, thread_sensitive=False)(hold.group, ids)
    except Exception:  # a flush must never take the server down
        failed = True
        logger.exception("Live flush of %s %s failed", hold.kind, hold.container_id)
    finally:
        again = await sync_to_async(_release, thread_sensitive=False)(hold)
        _in_flight.pop(hold.token, None)
        if again:
            _arm(again, _retry_delay() if failed else None)


def _retry_delay() -> float:
    """After a failed flush: a window, or longer while the channel layer's circuit is open (its
    sends are skipped until then), so a layer that stays down costs one read per cooldown."""
    return max(window(), realtime.circuit.retry_in())


def _release(hold: _Hold) -> _Hold | None:
    """Release the lock; the hold to flush again with, when items are (still) dirty."""
    try:
        if hold.release():
            return hold
    except Exception:
        logger.exception("Live flush lock of %s could not be released", hold.group)
    # Items put back in this process while Redis did not answer: flush them from here.
    if hold.shared and _local.pending(hold.group):
        local = _Hold(hold.kind, hold.container_id, hold.group, False, uuid.uuid4().hex)
        if _local.mark(hold.group, set(), local.token):
            return local
    return None


def _flush_in_thread(hold: _Hold) -> None:
    failed = False
    try:
        close_old_connections()
        event, ids = _collect(hold.kind, hold.container_id)
        if event is not None and not realtime.send_now(hold.group, event):
            failed = True
            restore(hold.group, ids)
    except Exception:
        failed = True
        logger.exception("Live flush of %s %s failed", hold.kind, hold.container_id)
    finally:
        connections.close_all()
        again = _release(hold)
        _in_flight.pop(hold.token, None)
        if again:
            _arm(again, _retry_delay() if failed else None)
