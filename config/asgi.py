"""ASGI entry point: HTTP through Django, WebSockets through channels."""

import os

from config.asgi_handler import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from community.live import LoopMiddleware  # noqa: E402
from config.body_limits import BodyLimitMiddleware, install_daphne_guard  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from config.ws_origin import AllowedHostsOrigin  # noqa: E402

# Daphne reads request bodies before the application sees them: bound them there too.
install_daphne_guard()

# Every WebSocket handshake passes the Origin check (config/ws_origin.py: a foreign or missing
# Origin is refused) and gets the session's user.
# LoopMiddleware remembers the server's event loop, where coalesced live updates are flushed.
application = LoopMiddleware(
    ProtocolTypeRouter(
        {
            "http": BodyLimitMiddleware(django_asgi_app),
            "websocket": AllowedHostsOrigin(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
)
