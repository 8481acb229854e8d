"""Whole pages cached for anonymous visitors, invalidated exactly by generation counters.

A view opts in with `cache_anonymous_page(tags=…)` (a Wagtail page with `CachedPageMixin`).
Tags name what the page shows ("contest:7", "contests.entry:12"); every page also carries "site".
Each tag has a generation counter in the cache, and `invalidate(tag)` bumps it after the
transaction commits; nothing is ever deleted.

Storing: before the view renders, the decorator reads the generations of the page's tags; the
page is stored with that snapshot under a key made of scheme, host, path, query string and
language (plus the visitor's order, below). Serving: `PageCacheMiddleware` looks the key up
before any routing (Wagtail's page lookup costs more than the page cache itself) and serves the
page only if every tag still has the generation of the snapshot. An event that happens while a
page renders bumps a counter after the snapshot was read, so that copy is never served.

Pages that show one of the visitor orders (the shuffled gallery during voting, see
`visitor_order`) are stored once per order; a marker under the plain key says so.

A page is served from or stored in the cache only when it is safe to share it:
- the request is a GET or HEAD by an anonymous visitor with no messages waiting, is not an htmx
  request (those get fragments), and has only
  query parameters the page declares (others are rendered, never cached);
- the response is a 200 that sets no cookie, did not ask for a CSRF token (so no visitor's
  token is ever in it), did not write the session, is not private/no-store, and its Wagtail page
  has no view restrictions (a password-protected page is never stored).
Copies live `PAGE_CACHE_SECONDS` at most and never past a moment the view gives with
`valid_until` (a contest's next date). When the cache fails, pages are rendered as if there were
no cache.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.decorators import sync_and_async_middleware
from django.utils.translation import get_language

from community import cookies

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
SITE = "site"  # every cached page shows the page tree and the crisis banner
LISTINGS = "listings"  # pages that list contests (home, brand pages)
# Counters outlive every page stored under them; one that expires starts again from the clock.
GENERATION_SECONDS = 24 * 3600
BY_ORDER = "by-order"  # the marker of a page stored once per visitor order

ORDER_COOKIE = "gallery_order"
ORDER_SALT = "cocreo.gallery.order"
ORDER_MAX_AGE = 365 * 24 * 3600


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def object_tag(obj) -> str:
    """The tag of one object's page, e.g. "contests.entry:12"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


# Visitor orders ------------------------------------------------------------------------------
def _order_from_cookie(request) -> int | None:
    value = request.get_signed_cookie(ORDER_COOKIE, default=None, salt=ORDER_SALT)
    if value is not None and value.isdigit() and int(value) < settings.GALLERY_SHUFFLE_BUCKETS:
        return int(value)
    return None


def visitor_order(request) -> int:
    """The visitor's order (0 … GALLERY_SHUFFLE_BUCKETS − 1), for pages that show items in a
    per-visitor order: from the visitor's signed cookie, or drawn at random now and sent back in
    that cookie. A handful of orders keeps such pages fair (no item is always first) and
    cacheable (one copy per order)."""
    order = getattr(request, "_visitor_order", None)
    if order is None:
        order = _order_from_cookie(request)
        if order is None:
            order = secrets.randbelow(settings.GALLERY_SHUFFLE_BUCKETS)
            cookies.set_signed_cookie_later(
                request, ORDER_COOKIE, str(order), salt=ORDER_SALT, max_age=ORDER_MAX_AGE
            )
        request._visitor_order = order
    return order


# Generations and invalidation ----------------------------------------------------------------
def _generation_key(tag: str) -> str:
    return f"{settings.PAGE_CACHE_PREFIX}:gen:{tag}"


def _generations(tags: Iterable[str]) -> dict[str, int]:
    cache = _cache()
    keys = {_generation_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        # A counter starts at the clock (ns), so one that was evicted and starts again never
        # returns to a value an older snapshot holds.
        for key in missing:
            cache.add(key, time.time_ns(), timeout=GENERATION_SECONDS)
        found.update(cache.get_many(missing))
    return {tag: found.get(key) for key, tag in keys.items()}


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


def valid_until_next_boundary(request, contests: Iterable, now: datetime) -> None:
    """A listing of contests changes when any of them reaches its next date."""
    for contest in contests:
        valid_until(request, contest.next_boundary(now))


def forbid(request) -> None:
    """Never store the page being rendered (e.g. a Wagtail page with view restrictions)."""
    request._page_cache_forbidden = True


# Values every viewer shares -------------------------------------------------------------------
def shared_value(key: str, tags: Iterable[str], compute: Callable[[], object]):
    """A value that is the same for every viewer, signed in or not (a gallery page's public
    entries, say), cached like a page: under the generations of `tags` (and SITE) read before
    `compute()` runs, so an event during the computation leaves the stored copy stale, and for
    `PAGE_CACHE_SECONDS` at most. One round trip when current. `key` must name everything the
    value depends on besides the tags (page, order, language, phase); values must pickle.
    Without the page cache, or when the cache fails, `compute()` answers."""
    if not enabled():
        return compute()
    tags = tuple(dict.fromkeys((SITE, *tags)))
    generation_keys = {_generation_key(tag): tag for tag in tags}
    value_key = f"{settings.PAGE_CACHE_PREFIX}:shared:{hashlib.sha256(key.encode()).hexdigest()}"
    cache = _cache()
    try:
        found = cache.get_many([*generation_keys, value_key])
        if all(k in found for k in generation_keys):
            snapshot = {tag: found[k] for k, tag in generation_keys.items()}
        else:
            snapshot = _generations(tags)
    except Exception:
        logger.warning("Page cache: could not read shared value", exc_info=True)
        return compute()
    if any(generation is None for generation in snapshot.values()):  # the cache is down
        return compute()
    stored = found.get(value_key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == snapshot:
        return stored[1]
    value = compute()
    try:
        cache.set(value_key, (snapshot, value), timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("Page cache: could not store shared value", exc_info=True)
    return value


# Keys, reading and storing -------------------------------------------------------------------
def _is_shareable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    if "HX-Request" in request.headers:
        return False  # an htmx request gets a fragment: never stored as, nor served, a page
    if request.path.startswith(tuple(settings.PAGE_CACHE_SKIP_PREFIXES)):
        return False
    return len(get_messages(request)) == 0


def _base_key(request) -> str:
    material = "\n".join(
        [
            request.scheme,
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            get_language() or "",
        ]
    )
    return f"{settings.PAGE_CACHE_PREFIX}:page:{hashlib.sha256(material.encode()).hexdigest()}"


def _order_key(base: str, order: int) -> str:
    return f"{base}:order={order}"


def _lookup(request) -> HttpResponse | None:
    """The stored page for this request if it is still current, else None."""
    cache = _cache()
    base = _base_key(request)
    order = _order_from_cookie(request)
    keys = [base] if order is None else [base, _order_key(base, order)]
    found = cache.get_many(keys)
    record = found.get(base)
    if record == BY_ORDER:
        if order is None:
            record = cache.get(_order_key(base, visitor_order(request)))
        else:
            record = found.get(_order_key(base, order))
            request._visitor_order = order
    if not isinstance(record, dict):
        return None
    if _generations(record["deps"]) != record["deps"]:
        return None
    response = HttpResponse(record["content"], status=record["status"])
    for name, value in record["headers"]:
        response[name] = value
    response[HEADER] = "hit"
    return response


def _is_shareable_response(request, response) -> bool:
    if getattr(request, "_page_cache_forbidden", False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a CSRF token was rendered: it belongs to this visitor only
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _store(request, response, deps: dict[str, int], by_order: bool) -> None:
    timeout = settings.PAGE_CACHE_SECONDS
    until = getattr(request, "_page_cache_until", None)
    if until is not None:
        timeout = min(timeout, int((until - timezone.now()).total_seconds()))
    if timeout < 1 or not _is_shareable_response(request, response):
        return
    record = {
        "deps": deps,
        "status": response.status_code,
        "headers": [(name, value) for name, value in response.items() if name != HEADER],
        "content": response.content,
    }
    base = _base_key(request)
    if by_order:
        values = {base: BY_ORDER, _order_key(base, visitor_order(request)): record}
    else:
        values = {base: record}
    _cache().set_many(values, timeout)
    response[HEADER] = "miss"


def cached_page_response(
    request,
    render: Callable[[], HttpResponse],
    *,
    tags: Iterable[str] | Callable[[], Iterable[str]] = (),
    by_order: bool | Callable[[], bool] = False,
    params: Iterable[str] = (),
) -> HttpResponse:
    """The page from the cache, or `render()` and store it when it is safe to share. `tags`
    and `by_order` (whether the page shows the visitor's order) may be functions, called only
    when the cache is used."""
    if not enabled() or not _is_shareable_request(request):
        return render()
    if not set(request.GET).issubset(params):
        return render()
    try:
        if not getattr(request, "_page_cache_looked_up", False):
            hit = _lookup(request)
            if hit is not None:
                return hit
        deps = _generations([SITE, *(tags() if callable(tags) else tags)])
    except Exception:
        logger.warning("Page cache unavailable; rendering", exc_info=True)
        return render()
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    try:
        _store(request, response, deps, by_order() if callable(by_order) else by_order)
    except Exception:
        logger.warning("Page cache unavailable; not stored", exc_info=True)
    return response


def cache_anonymous_page(
    *,
    tags: Callable[..., Iterable[str]] = lambda request, *args, **kwargs: (),
    by_order: Callable[..., bool] = lambda request, *args, **kwargs: False,
    params: Iterable[str] = (),
):
    """Decorates a view `view(request, *args, **kwargs)`; `tags` and `by_order` are called with
    the same arguments. `params` are the query parameters the page understands."""
    params = frozenset(params)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return cached_page_response(
                request,
                lambda: view(request, *args, **kwargs),
                tags=lambda: tags(request, *args, **kwargs),
                by_order=lambda: by_order(request, *args, **kwargs),
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


def _serve_from_cache(request) -> HttpResponse | None:
    if not enabled() or not _is_shareable_request(request):
        return None
    request._page_cache_looked_up = True
    try:
        return _lookup(request)
    except Exception:
        logger.warning("Page cache unavailable; rendering", exc_info=True)
        return None


@sync_and_async_middleware
def page_cache_middleware(get_response):
    """Serves a current cached page before URL routing (and Wagtail's page lookup). Goes after
    the authentication, locale and messages middleware."""
    if iscoroutinefunction(get_response):
        lookup = sync_to_async(_serve_from_cache)

        async def middleware(request):
            return await lookup(request) or await get_response(request)

    else:

        def middleware(request):
            return _serve_from_cache(request) or get_response(request)

    return middleware
