from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail import hooks

from community import htmx, services
from community.emails import read_unsubscribe_token
from community.errors import ActionRefused
from community.forms import MemberSettingsForm
from community.models import Brand, Follow, User
from community.notification_kinds import CATEGORIES
from community.notifications import mark_all_read, mark_read
from community.referrals import referral_count, remember_share
from community.rules import is_moderator
from community.theming import brand_theme, theme_css

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
    """The member's notifications, in their language. Viewing the list reads it: the new ones
    are still marked as such on this page, and the badge (and the member's other tabs) clear."""
    page = Paginator(request.user.notifications.all(), NOTIFICATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    fresh = [n.pk for n in shown if n.read_at is None]
    if fresh:
        mark_read(request.user, fresh)
    return TemplateResponse(
        request,
        "community/notifications.html",
        {"page_obj": page, "notifications": shown},
    )


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


@require_POST
def follow(request, slug: str):
    brand = get_object_or_404(Brand, slug=slug)
    fallback = brand.page.url if hasattr(brand, "page") else "/"
    if not request.user.is_authenticated:
        login = redirect_to_login(fallback)
        return htmx.client_redirect(login.url) if htmx.is_htmx(request) else login
    error = None
    status = 200
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow_brand(request.user, brand)
            message = _("You no longer follow %(brand)s.") % {"brand": brand}
        else:
            services.follow_brand(request.user, brand)
            message = _("You follow %(brand)s: we will tell you when its next contest opens.") % {
                "brand": brand
            }
    except ActionRefused as refused:
        error, status = refused.message, refused.status
    if htmx.is_htmx(request):
        context = {
            "brand": brand,
            "following": Follow.objects.filter(user=request.user, brand=brand).exists(),
            "next_path": _next_url(request, fallback),
            "action_message": None if error else message,
            "action_error": error,
        }
        return htmx.fragment(
            request, "community/includes/follow_button.html", context, status=status
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
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
        if request.user.is_authenticated:
            services.set_language(request.user, code)
    add_never_cache_headers(response)
    return response


@login_required
def member_settings(request):
    """The member's language and which emails they get."""
    user = request.user
    initial = {
        "language": user.language,
        "emails": [
            c.code for c in CATEGORIES.values() if c.optional and c.code not in user.emails_off
        ],
    }
    form = MemberSettingsForm(request.POST or None, initial=initial)
    always = [c for c in CATEGORIES.values() if not c.optional]
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_language(user, form.cleaned_data["language"])
                services.set_emails(user, form.cleaned_data["emails"])
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                if user.language:
                    translation.activate(user.language)
                messages.success(request, _("Your settings are saved."))
                return redirect("community:settings")
        return TemplateResponse(
            request, "community/settings.html", {"form": form, "always": always}, status=400
        )
    return TemplateResponse(request, "community/settings.html", {"form": form, "always": always})


@csrf_exempt  # the signed token is the credential; mail clients post without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """An email's unsubscribe link: GET asks to confirm, POST (the page's button, or a mail
    client's one-click RFC 8058 request) turns the category off. No sign-in needed."""
    try:
        member, category = read_unsubscribe_token(token)
    except signing.BadSignature:
        response = TemplateResponse(
            request, "community/unsubscribe.html", {"invalid": True}, status=400
        )
        add_never_cache_headers(response)
        return response
    done = False
    if request.method == "POST":
        services.unsubscribe(member, category)
        done = True
    response = TemplateResponse(
        request,
        "community/unsubscribe.html",
        {"category": CATEGORIES[category], "done": done, "token": token},
    )
    add_never_cache_headers(response)
    return response


@require_GET
def brand_theme_css(request, slug):
    """The brand's colours and typeface as CSS custom properties. Pages link it with the theme's
    version in the URL, so a matching version is cached for a year and a change is a new URL."""
    brand = get_object_or_404(Brand.objects.select_related("logo"), slug=slug)
    theme = brand_theme(brand)
    response = HttpResponse(theme_css(theme), content_type="text/css; charset=utf-8")
    if request.GET.get("v") == theme["version"]:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def help_page(request):
    return TemplateResponse(
        request, "community/help.html", {"contact_email": settings.COCREO_CONTACT_EMAIL}
    )
