"""Helpers for the security tests: signing in over HTTP (the real doors, never force_login),
and a cache of its own for each test so rate-limit counters never leak between tests."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import FACTORY_PASSWORD


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A fresh key prefix per test: counters start at zero, on locmem and on a shared Redis
    alike (no flush)."""
    caches = {name: dict(conf) for name, conf in django_settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"sec-{uuid.uuid4().hex}"
    settings.CACHES = caches


def signed_in_user_id(client: Client):
    return client.session.get("_auth_user_id")


def password_login(client: Client, email: str, password: str = FACTORY_PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)
