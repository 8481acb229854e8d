"""WebSocket consumers: what every live channel shares, and members' own notifications.

Clients only listen; the one message they may send is a ping. Who may join which group is
decided on connect from the session (the WebSocket handshake carries the session cookie and
passes the Origin check in config/asgi.py).

When the channel layer (Redis) does not answer, joining is refused cleanly: the socket is
accepted and closed at once with code 4503 ("try again later"), never an HTTP 500, and a socket
whose layer goes away is closed with the same code. Clients then reconnect with backoff and
refetch what they show.
"""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

logger = logging.getLogger(__name__)

CLOSE_TRY_AGAIN = 4503  # the channel layer does not answer: reconnect later (4xxx: servers
# may only send 1000 or 3000-4999)
CLOSE_RECONNECT = 4000  # the socket is old: reconnect now (and refetch)
CLOSE_NOT_ALLOWED = 4403  # the session may not join this group (or no longer may)
CLOSE_NOT_FOUND = 4404


def join_timeout() -> float:
    return max(4 * float(getattr(settings, "REDIS_TIMEOUT", 0.25)), 1.0)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A socket listening to one group. Subclasses implement `group_for_scope()`, returning
    the group name, or a close code when the session may not join."""

    group_name: str | None = None
    _layer_lost = False
    _raw_receive = None
    _max_age: asyncio.TimerHandle | None = None

    # The channel layer's receive, wrapped: an error there (Redis went away) becomes one
    # "live.layer_lost" message instead of an exception that would end the application
    # with an HTTP 500 during the handshake.
    @property
    def channel_receive(self):
        return self._resilient_receive

    @channel_receive.setter
    def channel_receive(self, value):
        self._raw_receive = value

    async def _resilient_receive(self):
        if self._layer_lost:
            await asyncio.Future()  # never: the consumer is closing
        try:
            return await self._raw_receive()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self._layer_lost = True
            logger.warning("Channel layer lost for %s: %r", self.group_name, error)
            return {"type": "live.layer_lost"}

    async def group_for_scope(self) -> str | int:
        raise NotImplementedError

    async def connect(self):
        target = await self.group_for_scope()
        if isinstance(target, int):
            await self.close(code=target)
            return
        if self._layer_lost:
            await self._refuse_for_now()
            return
        try:
            await asyncio.wait_for(
                self.channel_layer.group_add(target, self.channel_name), timeout=join_timeout()
            )
        except Exception as error:
            logger.warning("Could not join %s: %r", target, error)
            await self._refuse_for_now()
            return
        self.group_name = target
        await self.accept()
        # Reconnect well before the group membership expires (settings: CHANNEL_GROUP_EXPIRY).
        max_age = float(getattr(settings, "LIVE_SOCKET_MAX_AGE", 6 * 3600))
        self._max_age = asyncio.get_running_loop().call_later(
            max_age, lambda: asyncio.ensure_future(self.close(code=CLOSE_RECONNECT))
        )
        await self.joined()

    async def joined(self) -> None:
        """Called once the socket is accepted and in its group."""

    async def _refuse_for_now(self):
        await self.accept()
        await self.close(code=CLOSE_TRY_AGAIN)

    async def live_layer_lost(self, event):
        if self.group_name is None:
            return  # still connecting: connect() refuses
        await self.close(code=CLOSE_TRY_AGAIN)

    async def disconnect(self, code):
        if self._max_age is not None:
            self._max_age.cancel()
        if self.group_name and not self._layer_lost:
            try:
                await asyncio.wait_for(
                    self.channel_layer.group_discard(self.group_name, self.channel_name),
                    timeout=join_timeout(),
                )
            except Exception:  # the group entry expires by itself (group_expiry)
                logger.debug("Could not leave %s", self.group_name, exc_info=True)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_json({"type": "error", "message": _("Send JSON text messages.")})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json({"type": "error", "message": _("That message is not valid JSON.")})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json(
            {"type": "error", "message": _("Unknown message: this channel only accepts pings.")}
        )


def notifications_group(user_id: int) -> str:
    return f"member-{user_id}"


def reader_language(scope: dict, user) -> str:
    """The language a socket's member reads in: their saved one, else the language cookie, else
    the browser's, else the site's (what LocaleMiddleware and ours choose for pages)."""
    if getattr(user, "language", ""):
        return user.language
    supported = dict(settings.LANGUAGES)
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in supported:
        return cookie
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for code, _quality in parse_accept_lang_header(accept):
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def publish_notifications(user_ids) -> None:
    """After the commit, tell each member's sockets that notifications arrived (only the
    member's own group)."""
    from community.realtime import publish_to_many_after_commit

    groups = [notifications_group(pk) for pk in dict.fromkeys(user_ids)]
    publish_to_many_after_commit(groups, {"type": "notifications.changed"})


class NotificationConsumer(LiveConsumer):
    """ws/notifications/: the signed-in member's own notifications. The group comes from the
    session, never from the URL. On each change the member's unread count and latest
    notifications are read and sent."""

    async def group_for_scope(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            return CLOSE_NOT_ALLOWED
        self.user_id = user.pk
        self.language = reader_language(self.scope, user)
        return notifications_group(user.pk)

    async def joined(self):
        await self.send_json(await self._summary())

    @database_sync_to_async
    def _summary(self) -> dict:
        from community.models import Notification

        mine = Notification.objects.filter(recipient_id=self.user_id)
        with translation.override(self.language):
            latest = self._latest(mine)
        return {
            "type": "notifications",
            "unread": mine.filter(read_at__isnull=True).count(),
            "latest": latest,
        }

    @staticmethod
    def _latest(mine) -> list[dict]:
        return [
            {
                "id": n.pk,
                "message": n.text,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "unread": n.read_at is None,
            }
            for n in mine.order_by("-created_at", "-pk")[:10]
        ]

    async def notifications_changed(self, event):
        await self.send_json(await self._summary())
