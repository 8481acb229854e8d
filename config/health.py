import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # reported, not raised: this is the health check
        return f"error: {type(error).__name__}"
    return "ok"


async def _round_trip(layer) -> None:
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


def _channel_layer_state() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "not configured"
    try:
        async_to_sync(_round_trip)(layer)
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """200 while the database answers; the channel layer is reported but optional, since the
    site keeps working without real-time updates."""
    database = _database_state()
    channel_layer = _channel_layer_state()
    return JsonResponse(
        {
            "status": "ok" if database == "ok" else "error",
            "database": database,
            "channel_layer": channel_layer,
        },
        status=200 if database == "ok" else 503,
    )


def bench_bare(request):
    """A Django view that does no I/O, behind the full middleware stack: the unit that serving
    benchmarks measure pages in (routed only when settings.COCREO_BENCH is on)."""
    return HttpResponse("ok", content_type="text/plain")
