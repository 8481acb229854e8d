"""Whole pages cached for anonymous visitors, invalidated exactly by generation counters.

A page opts in with `cache_anonymous_page(tags=…)` on its view (or `cached_page_response` for a
Wagtail page's `serve`). Each tag names what the page shows ("contest:7", "contests.entry:12");
every page also carries the tag "site". Each tag has a generation counter in the cache; a page is
stored under a key made of its URL, host, language, any extra key parts (the visitor's shuffle
order) and the generations of its tags. `invalidate(tag)` bumps the counter after the
transaction commits, so every page that shows the tag gets a new key: nothing is deleted, old
entries simply expire. The generations are read before the page is rendered, so a page rendered
from data older than an event is stored under a key that is no longer read once the event's
bump has happened.

A page is served from or stored in the cache only when it is safe to share it:
- the request is a GET or HEAD by an anonymous visitor, with no messages waiting for them, and
  only with query parameters the page declares (others are rendered, never cached);
- the response is a 200 that sets no cookie, did not ask for a CSRF token (so no other
  visitor's token can be in it), did not write the session, and is not marked private/no-store.
Entries live for `PAGE_CACHE_SECONDS` at most, and never past a moment the view gives with
`valid_until` (a contest's next phase boundary). When the cache fails, pages are rendered as
if there were no cache.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
SITE = "site"  # every cached page shows the site's pages and settings
LISTINGS = "listings"  # pages that list contests (home, brand pages)
# Counters outlive every page stored under them; one that expires starts again from the clock.
GENERATION_SECONDS = 24 * 3600


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def object_tag(obj) -> str:
    """The tag of one object's page, e.g. "contests.entry:12"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def _generation_key(tag: str) -> str:
    return f"{settings.PAGE_CACHE_PREFIX}:gen:{tag}"


def _generations(tags: list[str]) -> list[int]:
    cache = _cache()
    keys = [_generation_key(tag) for tag in tags]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # A counter starts at the clock (ns), so one that was evicted and starts again never
        # returns to a value some older page was stored under.
        for key in missing:
            cache.add(key, time.time_ns(), timeout=GENERATION_SECONDS)
        found.update(cache.get_many(missing))
    return [found.get(key, 0) for key in keys]


def _bump(tags: Iterable[str]) -> None:
    cache = _cache()
    for tag in dict.fromkeys(tags):
        key = _generation_key(tag)
        try:
            try:
                cache.incr(key)
            except ValueError:  # no counter yet (or evicted): any new value will do
                cache.set(key, time.time_ns(), timeout=GENERATION_SECONDS)
        except Exception:
            logger.warning("Page cache: could not invalidate %s", tag, exc_info=True)


def invalidate(*tags: str) -> None:
    """Every cached page showing one of these tags is stale once the current transaction
    commits (at once outside a transaction)."""
    tags = tuple(tag for tag in tags if tag)
    if tags and enabled():
        transaction.on_commit(lambda: _bump(tags))


def valid_until(request, moment: datetime | None) -> None:
    """The page being rendered must not be served after `moment` (None: no limit)."""
    if moment is None:
        return
    current = getattr(request, "_page_cache_until", None)
    if current is None or moment < current:
        request._page_cache_until = moment


def _request_is_shareable(request, params: Iterable[str]) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    if getattr(request, "is_preview", False):
        return False
    if not set(request.GET).issubset(params):
        return False
    return len(get_messages(request)) == 0


def _response_is_shareable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a CSRF token was rendered: it belongs to this visitor only
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _page_key(request, tags: list[str], parts: Iterable) -> str:
    material = "\n".join(
        [
            request.scheme,
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            get_language() or "",
            *(str(part) for part in parts),
            *(
                f"{tag}={generation}"
                for tag, generation in zip(tags, _generations(tags), strict=True)
            ),
        ]
    )
    return f"{settings.PAGE_CACHE_PREFIX}:page:{hashlib.sha256(material.encode()).hexdigest()}"


def _timeout(request) -> int:
    timeout = settings.PAGE_CACHE_SECONDS
    until = getattr(request, "_page_cache_until", None)
    if until is not None:
        timeout = min(timeout, int((until - timezone.now()).total_seconds()))
    return timeout


def cached_page_response(
    request,
    render: Callable[[], HttpResponse],
    *,
    tags: Iterable[str] | Callable[[], Iterable[str]] = (),
    key_parts: Iterable | Callable[[], Iterable] = (),
    params: Iterable[str] = (),
) -> HttpResponse:
    """The page from the cache, or `render()` and store it, when it is safe to share. `tags`
    and `key_parts` may be given as functions, called only when the cache is used."""
    if not enabled() or not _request_is_shareable(request, params):
        return render()
    tags = [SITE, *(tags() if callable(tags) else tags)]
    key_parts = key_parts() if callable(key_parts) else key_parts
    try:
        key = _page_key(request, tags, key_parts)
        stored = _cache().get(key)
    except Exception:
        logger.warning("Page cache unavailable; rendering", exc_info=True)
        return render()
    if stored is not None:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    timeout = _timeout(request)
    if timeout >= 1 and _response_is_shareable(request, response):
        headers = [(name, value) for name, value in response.items() if name != HEADER]
        try:
            _cache().set(key, (response.status_code, headers, response.content), timeout)
        except Exception:
            logger.warning("Page cache unavailable; not stored", exc_info=True)
        else:
            response[HEADER] = "miss"
    return response


def cache_anonymous_page(
    *,
    tags: Callable[..., Iterable[str]] = lambda request, *args, **kwargs: (),
    key_parts: Callable[..., Iterable] = lambda request, *args, **kwargs: (),
    params: Iterable[str] = (),
):
    """Decorates a view `view(request, *args, **kwargs)`: `tags` and `key_parts` are called with
    the same arguments. `params` are the query parameters the page understands."""
    params = frozenset(params)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return cached_page_response(
                request,
                lambda: view(request, *args, **kwargs),
                tags=lambda: tags(request, *args, **kwargs),
                key_parts=lambda: key_parts(request, *args, **kwargs),
                params=params,
            )

        return wrapper

    return decorator


class CachedPageMixin:
    """A Wagtail page served from the page cache to anonymous visitors; `page_cache_tags`
    names what it shows besides the page tree (which every cached page depends on)."""

    page_cache_tags: tuple[str, ...] = ()

    def serve(self, request, *args, **kwargs):
        return cached_page_response(
            request,
            lambda: super(CachedPageMixin, self).serve(request, *args, **kwargs),
            tags=self.page_cache_tags,
        )


def valid_until_next_boundary(request, contests: Iterable, now: datetime) -> None:
    """A listing of contests changes when any of them reaches its next date."""
    for contest in contests:
        valid_until(request, contest.next_boundary(now))
