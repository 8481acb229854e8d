"""Real-time is a layer on top: events go out after commit, and a channel layer that is down
never fails the request that caused them. Publishing gives up after REDIS_TIMEOUT seconds, and
after a failure the circuit skips publishing for REDIS_CIRCUIT_COOLDOWN seconds, so a frozen
Redis does not slow every vote down."""

import asyncio
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from config.circuit import CircuitBreaker

logger = logging.getLogger(__name__)
circuit = CircuitBreaker("Channel layer", cooldown=getattr(settings, "REDIS_CIRCUIT_COOLDOWN", 5.0))


async def _group_send(layer, group: str, event: dict) -> None:
    await asyncio.wait_for(
        layer.group_send(group, event), timeout=getattr(settings, "REDIS_TIMEOUT", 0.25)
    )


async def send_async(group: str, event: dict) -> bool:
    """Publish from async code (a flush in the server's event loop), with the same timeout and
    circuit as publishing after commit. False when it was not sent (skipped, failed, timed out)."""
    if not circuit.allow():
        return False
    try:
        layer = get_channel_layer()
        if layer is not None:
            await _group_send(layer, group, event)
    except Exception as error:  # a broken channel layer must not break the caller
        circuit.failure(error)
        logger.debug("Could not publish %s to %s", event.get("type"), group, exc_info=True)
        return False
    circuit.success()
    return True


def _run_sync(coroutine_function, *args) -> None:
    """async_to_sync, also from a thread whose own event loop is running (sync code called
    from async code, e.g. a test driving a browser): then in a short helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(coroutine_function)(*args)
        return
    errors: list[BaseException] = []

    def run():
        try:
            async_to_sync(coroutine_function)(*args)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(error)

    helper = threading.Thread(target=run, daemon=True)
    helper.start()
    helper.join()
    if errors:
        raise errors[0]


def send_now(group: str, event: dict) -> bool:
    """Publish now; False when it was not sent (skipped, failed, timed out)."""
    if not circuit.allow():
        return False
    try:
        layer = get_channel_layer()
        if layer is not None:
            _run_sync(_group_send, layer, group, event)
    except Exception as error:  # a broken channel layer must not break the request
        circuit.failure(error)
        logger.debug("Could not publish %s to %s", event.get("type"), group, exc_info=True)
        return False
    circuit.success()
    return True


def send_to_many_now(groups: list[str], event: dict) -> None:
    """One event to many groups at once (one round trip of concurrent sends, one timeout)."""
    if not groups or not circuit.allow():
        return

    async def send_all(layer):
        await asyncio.wait_for(
            asyncio.gather(*(layer.group_send(group, dict(event)) for group in groups)),
            timeout=getattr(settings, "REDIS_TIMEOUT", 0.25) + 0.01 * len(groups),
        )

    try:
        layer = get_channel_layer()
        if layer is not None:
            _run_sync(send_all, layer)
    except Exception as error:
        circuit.failure(error)
        logger.debug("Could not publish %s to %s groups", event.get("type"), len(groups))
    else:
        circuit.success()


def publish_to_many_after_commit(groups: list[str], event: dict) -> None:
    transaction.on_commit(lambda: send_to_many_now(groups, event))


def publish_after_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: send_now(group, event))
