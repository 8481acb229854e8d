from django.urls import path

from contests.consumers import ContestConsumer

websocket_urlpatterns = [
    path("ws/contests/<slug:slug>/", ContestConsumer.as_asgi()),
]
