"""Desk views for reports, suspensions and the crisis pause (Wagtail admin)."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from community.errors import ActionRefused
from community.models import User
from community.rules import is_brand_staff, is_moderator
from moderation import intake, reports
from moderation.forms import PauseForm, SuspensionForm
from moderation.models import IntakePause, Suspension
from moderation.names import held_names
from moderation.views import require_moderator


def report_list(request):
    require_moderator(request)
    return TemplateResponse(
        request,
        "moderation/reports.html",
        {
            "page_title": _("Reports"),
            "header_icon": "warning",
            "reported": reports.open_reports(),
            "new_account_days": reports.NEW_ACCOUNT_AGE.days,
        },
    )


@require_POST
def report_resolve(request, content_type_id: int, object_id: int):
    require_moderator(request)
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    remove = request.POST.get("decision") == "remove"
    try:
        if content_type is None:
            raise ActionRefused(_("There is no such content."))
        reports.resolve(
            content_type,
            object_id,
            moderator=request.user,
            remove=remove,
            reason=request.POST.get("reason", ""),
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Removed: the author has been told why.") if remove else _("Kept: reports closed."),
        )
    return redirect("moderation:reports")


def suspensions(request):
    require_moderator(request)
    form = SuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = User.objects.filter(username__iexact=form.cleaned_data["username"]).first()
        if member is None:
            form.add_error("username", _("There is no member with this username."))
        else:
            try:
                intake.suspend(
                    member,
                    moderator=request.user,
                    reason=form.cleaned_data["reason"],
                    days=form.cleaned_data["days"],
                    ban=form.cleaned_data["ban"],
                )
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("%(name)s is suspended.") % {"name": member.username})
                return redirect("moderation:suspensions")
    return TemplateResponse(
        request,
        "moderation/suspensions.html",
        {
            "page_title": _("Suspensions"),
            "header_icon": "lock",
            "form": form,
            "active": Suspension.objects.active().select_related("member", "created_by"),
            "held_names": held_names(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def suspension_lift(request, suspension_id: int):
    require_moderator(request)
    try:
        intake.lift_suspension(suspension_id, moderator=request.user)
        messages.success(request, _("Suspension lifted."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("moderation:suspensions")


def _require_pauser(request) -> None:
    if not (is_moderator(request.user) or is_brand_staff(request.user)):
        raise PermissionDenied


def pauses(request):
    _require_pauser(request)
    form = PauseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        container = None
        if form.cleaned_data["container"]:
            container = Page.objects.filter(pk=form.cleaned_data["container"]).first()
            if container is None:
                form.add_error("container", _("There is no such contest or board."))
        if not form.errors:
            try:
                intake.pause_intake(
                    actor=request.user,
                    scope=form.cleaned_data["scope"],
                    brand=form.cleaned_data["brand"],
                    container=container,
                    message=form.cleaned_data["message"],
                )
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Intake paused."))
                return redirect("moderation:pauses")
    return TemplateResponse(
        request,
        "moderation/pauses.html",
        {
            "page_title": _("Crisis pause"),
            "header_icon": "warning",
            "form": form,
            "active": [
                pause
                for pause in IntakePause.objects.active().select_related("brand", "container")
                if intake.can_pause(request.user, pause)
            ],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def pause_resume(request, pause_id: int):
    _require_pauser(request)
    try:
        intake.resume_intake(pause_id, actor=request.user)
        messages.success(request, _("Intake resumed."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("moderation:pauses")
