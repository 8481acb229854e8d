"""Every WebSocket route. config/asgi.py puts them behind the Origin check and the session."""

from django.urls import path

from community.consumers import NotificationConsumer
from contests.consumers import ContestConsumer
from ideas.consumers import BoardConsumer
from moderation.consumers import ModerationQueueConsumer

websocket_urlpatterns = [
    path("ws/contests/<slug:slug>/", ContestConsumer.as_asgi()),
    path("ws/ideas/<slug:slug>/", BoardConsumer.as_asgi()),
    path("ws/moderation/queue/", ModerationQueueConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
