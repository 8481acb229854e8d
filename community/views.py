from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks

from community import services
from community.errors import ActionRefused
from community.models import Brand, User
from community.notifications import mark_all_read
from community.referrals import referral_count, remember_share
from community.rules import is_moderator

NOTIFICATIONS_PAGE_SIZE = 30
# Apps add sections to a member's public profile by registering a function
# `(request, member) -> dict | None` under this Wagtail hook; the dict names the `template` to
# include and is its context (as `section`). Sections show only public (approved) content.
PROFILE_SECTIONS_HOOK = "cocreo_member_profile_sections"
# Apps add to the header of a member's page by registering `(request, member) -> dict` under
# this hook (the profiles app gives the approved `profile`); the dict joins the page context.
MEMBER_HEADER_HOOK = "cocreo_member_profile_header"


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), NOTIFICATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(request, "community/notifications.html", {"page_obj": page})


@login_required
@require_POST
def notifications_read(request):
    mark_all_read(request.user)
    return redirect("community:notifications")


def _next_url(request, fallback: str) -> str:
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return fallback


@login_required
@require_POST
def follow(request, slug: str):
    brand = get_object_or_404(Brand, slug=slug)
    fallback = brand.page.url if hasattr(brand, "page") else "/"
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow_brand(request.user, brand)
            messages.success(request, _("You no longer follow %(brand)s.") % {"brand": brand})
        else:
            services.follow_brand(request.user, brand)
            messages.success(
                request,
                _("You follow %(brand)s: we will tell you when its next contest opens.")
                % {"brand": brand},
            )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect(_next_url(request, fallback))


def member_profile(request, username: str):
    """A member's public page: who they are and what they made that passed moderation."""
    member = get_object_or_404(User, username=username, is_active=True)
    if member.name_held_at and request.user != member and not is_moderator(request.user):
        raise Http404  # a name held for review is not shown to the public
    header = {"profile": None}
    for build in hooks.get_hooks(MEMBER_HEADER_HOOK):
        header.update(build(request, member) or {})
    sections = [
        section
        for build in hooks.get_hooks(PROFILE_SECTIONS_HOOK)
        if (section := build(request, member))
    ]
    return TemplateResponse(
        request,
        "community/member_profile.html",
        {
            **header,
            "member": member,
            "sections": sections,
            "is_self": request.user == member,
            "referrals": referral_count(member) if request.user == member else None,
        },
    )


def share(request, code: str):
    """A member's share link: remember who shared (for a sign-up), then show what was shared.
    Bogus codes, and links to anything not public, lead nowhere."""
    obj = remember_share(request, code)
    if obj is None:
        raise Http404
    return redirect(obj.get_absolute_url())


@require_GET
def switch_language(request, code: str):
    """The footer's language links: remember the language in Django's language cookie and go
    back. Plain links rather than a form that posts to `set_language`, so a page carries no
    CSRF token (cached anonymous pages must not carry another visitor's) and the switch works
    without JavaScript. Only the language cookie changes."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    add_never_cache_headers(response)
    return response
