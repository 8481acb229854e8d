"""Real-time is a layer on top: events go out after commit, and a channel layer that is down
never fails the request that caused them."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def _send(group: str, event: dict) -> None:
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, event)
    except Exception:  # a broken channel layer must not break the request
        logger.warning("Could not publish %s to %s", event.get("type"), group, exc_info=True)


def publish_after_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: _send(group, event))
