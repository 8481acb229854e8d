from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks

from community import services
from community.bounds import parse_id
from community.errors import ActionRefused, InvalidInput
from community.forms import CommentForm, ProfileForm
from community.images import private_image_response
from community.models import Brand, Comment, Profile, User
from community.notifications import mark_all_read
from community.referrals import referral_count, remember_share
from community.rules import is_moderator

NOTIFICATIONS_PAGE_SIZE = 30
# Apps add sections to a member's public profile by registering a function
# `(request, member) -> dict | None` under this Wagtail hook; the dict names the `template` to
# include and is its context (as `section`). Sections show only public (approved) content.
PROFILE_SECTIONS_HOOK = "cocreo_member_profile_sections"


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
    profile = Profile.objects.public().filter(author=member).first()  # the approved version
    sections = [
        section
        for build in hooks.get_hooks(PROFILE_SECTIONS_HOOK)
        if (section := build(request, member))
    ]
    return TemplateResponse(
        request,
        "community/member_profile.html",
        {
            "member": member,
            "profile": profile,
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


@login_required
@require_POST
def post_comment(request):
    ct_id, target_id = (
        parse_id(request.POST.get("target_type")),
        parse_id(request.POST.get("target_id")),
    )
    content_type = ContentType.objects.filter(pk=ct_id).first() if ct_id else None
    model = content_type.model_class() if content_type else None
    if model is None or not target_id or not hasattr(model.objects, "public"):
        raise Http404
    target = model.objects.public().filter(pk=target_id).first()
    if target is None or not services.is_commentable(target):
        raise Http404
    form = CommentForm(request.POST)
    back = target.get_absolute_url()
    if not form.is_valid():
        messages.error(request, _("Write a comment first (at most 2000 characters)."))
        return redirect(back + "#comments")
    try:
        services.post_comment(target, author=request.user, body=form.cleaned_data["body"])
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Thank you! Your comment will appear once a moderator approves it.")
        )
    return redirect(back + "#comments")


@login_required
@require_POST
def resubmit_comment(request, comment_id: int):
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    back = comment.get_absolute_url() or "/"
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first (at most 2000 characters)."))
        return redirect(back)
    try:
        services.resubmit_comment(comment, author=request.user, body=form.cleaned_data["body"])
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you! Your comment is waiting for a moderator again."))
    return redirect(back)


@login_required
def profile_settings(request):
    profile = Profile.objects.filter(author=request.user).first()
    # The member edits their latest version (a pending edit if there is one).
    current = profile.get_latest_revision_as_object() if profile else None
    form = ProfileForm(
        request.POST or None, request.FILES or None, initial={"bio": current.bio if current else ""}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_profile(
                    request.user,
                    bio=form.cleaned_data["bio"],
                    avatar=form.cleaned_data["avatar"],
                    remove_avatar=form.cleaned_data["remove_avatar"],
                )
            except InvalidInput as invalid:
                form.add_error(
                    invalid.field if invalid.field in form.fields else None, invalid.message
                )
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _("Thank you! Your profile will be public once a moderator approves it."),
                )
                return redirect("community:profile_settings")
        status = 400
    return TemplateResponse(
        request,
        "community/profile_settings.html",
        {"form": form, "profile": profile, "current": current},
        status=status,
    )


@require_GET
def avatar(request, username: str, size: str):
    """Serve the approved avatar to anyone; a pending one only to its author and moderators."""
    profile = get_object_or_404(Profile.objects.visible_to(request.user), author__username=username)
    name = profile.avatar.name if profile.live else ""
    revision_id = request.GET.get("revision", "")
    if revision_id or not profile.live:
        if not (is_moderator(request.user) or profile.author_id == request.user.pk):
            raise Http404
        if revision_id:
            revision_pk = parse_id(revision_id)
            revision = profile.revisions.filter(pk=revision_pk).first() if revision_pk else None
            if revision is None:
                raise Http404
            name = revision.content.get("avatar") or ""
        else:
            name = profile.avatar.name
    return private_image_response(name, size, public=profile.live and not revision_id)
