"""Requests carrying control characters are refused with a 400 before any view runs (see
`community.validators`): in the URL and query string everywhere, and in every field of an API
request (form or JSON). HTML forms check their own fields (so a refused form keeps what the
member typed); a NUL byte in an HTML form body, which nobody types and PostgreSQL cannot store,
is refused here for every form, the admin's included."""

import json
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.utils import translation
from django.views.defaults import bad_request

from community.validators import MESSAGE, NUL, has_control_characters

API_PREFIX = "/api/"


def _strings(value, name: str) -> Iterator[tuple[str, str]]:
    """(field name, text) for every string in a decoded JSON document, keys included."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield name or str(key), str(key)
            yield from _strings(item, name or str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, name)


def _query(request) -> Iterator[tuple[str, str]]:
    yield "path", request.path
    for key, values in request.GET.lists():
        yield key, key
        for value in values:
            yield key, value


def _body(request) -> Iterator[tuple[str, str]]:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            document = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return  # the API itself says the body is not JSON
        yield from _strings(document, "")
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():
            yield key, key
            for value in values:
                yield key, value
        for key, upload in request.FILES.items():
            yield key, upload.name or ""


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith(API_PREFIX)
        field = self.refused_field(request, is_api)
        if field is None:
            return self.get_response(request)
        if is_api:
            return JsonResponse({"detail": str(MESSAGE), "field": field}, status=400)
        return bad_request(request, SuspiciousOperation(str(MESSAGE)))

    @staticmethod
    def refused_field(request, is_api: bool) -> str | None:
        for field, text in _query(request):
            if has_control_characters(text):
                return field
        for field, text in _body(request):
            if has_control_characters(text) if is_api else NUL in text:
                return field
        return None


def member_language_middleware(get_response):
    """After LocaleMiddleware and authentication: a signed-in member's saved language wins
    over the browser's and the language cookie."""

    def middleware(request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_authenticated and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return get_response(request)

    return middleware
