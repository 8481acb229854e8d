"""The Origin check of every WebSocket handshake.

A handshake is accepted only when its Origin header names one of ALLOWED_HOSTS (read at each
handshake, so settings overrides apply). A handshake without an Origin header is refused too:
every browser sends one, and other clients can send it (the benchmark does). A refused
handshake gets HTTP 403 before any consumer runs."""

from channels.security.websocket import OriginValidator
from django.conf import settings


class AllowedHostsOrigin(OriginValidator):
    def __init__(self, application):
        super().__init__(application, [])

    @property
    def allowed_origins(self):
        return settings.ALLOWED_HOSTS

    @allowed_origins.setter
    def allowed_origins(self, value):
        pass  # always ALLOWED_HOSTS
