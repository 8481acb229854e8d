"""The moderation desk in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.errors import ActionRefused
from community.rules import is_moderator
from moderation import services
from moderation.forms import DecisionForm
from moderation.queue import describe, pending_items

QUEUE_PAGE_SIZE = 25


def queue(request):
    if not is_moderator(request.user):
        raise PermissionDenied
    items = pending_items()
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "moderation/queue.html",
        {
            "page_title": _("Moderation"),
            "header_icon": "tasks",
            "entries": describe(page.object_list),
            "page_obj": page,
            "pending_count": page.paginator.count,
        },
    )


@require_POST
def decide(request, item_id: int):
    if not is_moderator(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("moderation:queue")
    try:
        if form.cleaned_data["decision"] == "approve":
            services.approve(item_id, moderator=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Approved: it is now public."))
        else:
            services.reject(item_id, moderator=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Rejected: the author will see your reason."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("moderation:queue")
