"""Cookies set from code that has the request but not the response (the gallery's shuffle
order, a share link's referrer): queued on the request, written on the response by
`pending_cookies_middleware`, also when the page itself came from the page cache.

These replace session keys for anonymous visitors, so a visitor who never signs in creates no
session row."""

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.utils.decorators import sync_and_async_middleware


def set_signed_cookie_later(request, name: str, value: str, *, salt: str, max_age: int) -> None:
    request.__dict__.setdefault("_pending_cookies", {})[name] = (value, salt, max_age)


def delete_cookie_later(request, name: str) -> None:
    request.__dict__.setdefault("_pending_cookies", {})[name] = None


def _write(request, response) -> None:
    for name, cookie in getattr(request, "_pending_cookies", {}).items():
        if cookie is None:
            response.delete_cookie(name, samesite="Lax")
            continue
        value, salt, max_age = cookie
        response.set_signed_cookie(
            name,
            value,
            salt=salt,
            max_age=max_age,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


@sync_and_async_middleware
def pending_cookies_middleware(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            response = await get_response(request)
            _write(request, response)
            return response

    else:

        def middleware(request):
            response = get_response(request)
            _write(request, response)
            return response

    return middleware
