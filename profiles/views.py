from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from community.bounds import parse_id
from community.errors import ActionRefused, InvalidInput
from community.images import private_image_response
from community.ratelimits import RateLimited, keep_form
from community.rules import is_moderator
from profiles import services
from profiles.forms import ProfileForm
from profiles.models import Profile


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
            except RateLimited as limited:
                status = keep_form(request, form, limited)
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _("Thank you! Your profile will be public once a moderator approves it."),
                )
                return redirect("profiles:settings")
        if status == 200:
            status = 400
    return TemplateResponse(
        request,
        "profiles/settings.html",
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
