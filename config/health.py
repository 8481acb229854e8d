"""Liveness (/healthz) and readiness (/readyz) checks.

/healthz says whether this process is up and its database answers: a container runtime should
restart the process when it fails. It does not look at Redis, so an outage there never gets
healthy processes restarted.

/readyz reports every dependency: "ok" when all answer, "degraded" (still 200: pages and votes
work) when only optional ones fail (cache, channel layer, storage, task queue), "down" (503)
when the database does not answer."""

import asyncio
import contextlib
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PROBE_TIMEOUT = 1.0  # seconds for the channel layer round trip


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    cache = caches["default"]
    if hasattr(cache, "ping"):  # ResilientRedisCache: ask Redis itself, not the circuit
        cache.ping()
        return
    token = uuid.uuid4().hex
    cache.set("readyz-probe", token, 10)
    if cache.get("readyz-probe") != token:
        raise RuntimeError("the cache did not return what was stored")


async def _round_trip(layer) -> None:
    channel = await layer.new_channel("readyz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "readyz.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


def _channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def probe():
        await asyncio.wait_for(_round_trip(layer), timeout=PROBE_TIMEOUT)

    async_to_sync(probe)()


def _storage() -> None:
    for alias in ("default", "private"):
        if alias in settings.STORAGES:
            storages[alias].exists("readyz-probe")


def _task_queue() -> None:
    from django_tasks import task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist

    backend = task_backends["default"]
    if not backend.supports_get_result:
        return  # runs tasks in the process itself (immediate backend): nothing to reach
    with contextlib.suppress(TaskResultDoesNotExist):  # the queue's store answered
        backend.get_result(str(uuid.UUID(int=0)))


def _state(check) -> str:
    try:
        check()
    except Exception:  # reported, not raised: this is the health check
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Liveness: 200 while the process runs and its database answers, 503 otherwise."""
    database = _state(_database)
    return JsonResponse(
        {"status": "ok" if database == "ok" else "down", "database": database},
        status=200 if database == "ok" else 503,
    )


@never_cache
@require_GET
def readyz(request):
    checks = {
        "database": _state(_database),
        "cache": _state(_cache),
        "channel_layer": _state(_channel_layer),
        "storage": _state(_storage),
        "task_queue": _state(_task_queue),
    }
    if checks["database"] != "ok":
        status = "down"
    elif all(state == "ok" for state in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse({"status": status, **checks}, status=503 if status == "down" else 200)


def bench_bare(request):
    """A Django view that does no I/O, behind the full middleware stack: the unit that serving
    benchmarks measure pages in (routed only when settings.COCREO_BENCH is on)."""
    return HttpResponse("ok", content_type="text/plain")
