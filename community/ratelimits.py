"""Rate limits for members' actions, counted in the shared cache (Redis in production, so
every worker sees the same counters).

Services call `check_rate(user, action)` before doing the work; it raises `RateLimited`,
which the HTML side turns into a 429 page and the API into a 429 JSON answer, both with
`Retry-After`. Sign-up, sign-in and password reset are limited by allauth
(`ACCOUNT_RATE_LIMITS`); both take the client address from `client_ip()`, which trusts
`X-Forwarded-For` only as far as `ALLAUTH_TRUSTED_PROXY_COUNT` proxies.

Rates are "amount/period" with periods in s, m, h or d ("10/h", "5/m,50/d"), per action in
`COCREO_RATE_LIMITS`; an action without rates is not limited.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.resilient_cache import add_and_incr_many

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int


def parse_rates(text: str) -> list[Rate]:
    rates = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        amount, _slash, period = part.partition("/")
        count = period[:-1] or "1"
        rates.append(Rate(int(amount), int(count) * UNITS[period[-1]]))
    return rates


class RateLimited(Exception):
    """Too many attempts of one action: try again after `retry_after` seconds."""

    status = 429

    def __init__(self, action: str, retry_after: int):
        self.action = action
        self.retry_after = max(1, int(retry_after))
        super().__init__(self.message)

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if self.retry_after < 120:
            return ngettext(
                "Too many attempts. Please try again in %(n)s second.",
                "Too many attempts. Please try again in %(n)s seconds.",
                self.retry_after,
            ) % {"n": self.retry_after}
        return ngettext(
            "Too many attempts. Please try again in %(n)s minute.",
            "Too many attempts. Please try again in %(n)s minutes.",
            minutes,
        ) % {"n": minutes}


def _who(key) -> str:
    pk = getattr(key, "pk", None)
    return f"user:{pk}" if pk is not None else f"ip:{key}"


def check_rate(key, action: str, *, cost: int = 1) -> None:
    """Count `cost` attempts of `action` by `key` (a user, or a client address from
    `client_ip`) and raise `RateLimited` once any of the action's rates is exceeded.

    Fixed windows per rate: one counter per window, created at 0 unless it exists and raised,
    both atomic on Redis, so concurrent workers never lose a count."""
    rates = parse_rates(getattr(settings, "COCREO_RATE_LIMITS", {}).get(action, ""))
    if not rates:
        return
    now = time.time()
    windows = {}  # counter key -> (rate, the window it counts)
    for rate in rates:
        window = int(now // rate.seconds)
        windows[f"rl:{action}:{rate.amount}/{rate.seconds}:{_who(key)}:{window}"] = (rate, window)
    # Every rate's counter in one round trip to Redis (a vote has two: per minute and per hour).
    timeouts = {k: rate.seconds + 1 for k, (rate, _window) in windows.items()}
    used = add_and_incr_many(cache, timeouts, cost)
    for cache_key, (rate, window) in windows.items():
        if used[cache_key] > rate.amount:
            raise RateLimited(action, math.ceil((window + 1) * rate.seconds - now))


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For hop added by the outermost of
    `ALLAUTH_TRUSTED_PROXY_COUNT` trusted proxies (hops further left are the client's to
    write, so they are ignored). The same function allauth uses for its own limits."""
    return get_account_adapter().get_client_ip(request)


def too_many_requests(request: HttpRequest, message: str, retry_after: int) -> HttpResponse:
    response = render(
        request, "429.html", {"message": message, "retry_after": retry_after}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def keep_form(request: HttpRequest, form, limited: RateLimited) -> int:
    """A form refused by a rate limit comes back with what the member typed, the limit's
    message and the status 429 (the middleware adds Retry-After). Returns the status."""
    if form.is_multipart():
        note = _(
            "What you wrote is kept below: send it again then (choose your files again: "
            "browsers do not keep them)."
        )
    else:
        note = _("What you wrote is kept below: send it again then.")
    form.add_error(None, f"{limited.message} {note}")
    request.rate_limited = limited
    return limited.status


class RateLimitedMiddleware:
    """HTML views let `RateLimited` through; here it becomes the 429 page. Form views that
    catch it keep the form (`keep_form`); here their 429 gets its Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        limited = getattr(request, "rate_limited", None)
        if limited is not None and response.status_code == 429:
            response.setdefault("Retry-After", str(limited.retry_after))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RateLimited):
            return too_many_requests(request, exception.message, exception.retry_after)
        return None


# allauth's own limits (sign-up, sign-in, password reset) answer through handler429, which
# does not know which rate was hit: Retry-After is the longest period of that action's rates.
ALLAUTH_ACTIONS_BY_PATH = {
    "/accounts/signup/": "signup",
    "/accounts/login/": "login",
    "/accounts/password/reset/": "reset_password",
}
# Never sent back into a page: what a refused POST keeps is everything but these.
SECRET_FIELDS = frozenset(
    {"password", "password1", "password2", "oldpassword", "code", "csrfmiddlewaretoken"}
)


def allauth_handler429(request: HttpRequest) -> HttpResponse:
    from allauth.account import app_settings as account_settings
    from allauth.core.internal.ratelimit import parse_rates as parse_allauth_rates

    action = ALLAUTH_ACTIONS_BY_PATH.get(request.path_info, "")
    rates = parse_allauth_rates(account_settings.RATE_LIMITS.get(action))
    retry_after = math.ceil(max((r.duration for r in rates), default=60))
    message = _("Too many attempts. Please wait a little and try again.")
    if action and request.method == "POST":
        kept = _allauth_form_kept(request, action, message, retry_after)
        if kept is not None:
            return kept
    return too_many_requests(request, message, retry_after)


def _allauth_form_kept(
    request: HttpRequest, action: str, message: str, retry_after: int
) -> HttpResponse | None:
    """allauth's sign-up, sign-in or reset page again, with what was typed (passwords
    excepted), the limit's message and 429, as `keep_form` does for our own forms. The form is
    not bound: binding would validate it, and a sign-in form's validation is a sign-in."""
    from allauth.account.views import LoginView, PasswordResetView, SignupView

    view_class = {"login": LoginView, "signup": SignupView, "reset_password": PasswordResetView}
    view = view_class[action]()
    view.setup(request)
    kwargs = view.get_form_kwargs()
    kwargs.pop("data", None)
    kwargs.pop("files", None)
    typed = {k: v for k, v in request.POST.items() if k not in SECRET_FIELDS}
    kwargs["initial"] = {**kwargs.get("initial", {}), **typed}
    form = view.get_form_class()(**kwargs)
    form.full_clean()  # on an unbound form: no validation, just an empty error list
    form.cleaned_data = {}
    form.add_error(None, f"{message} {_('What you wrote is kept below: send it again then.')}")
    response = view.render_to_response(view.get_context_data(form=form))
    response.render()
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response
