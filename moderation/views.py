"""The moderation desk in the Wagtail admin: the queue, one-item review with keyboard
shortcuts, bulk decisions and the decision log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.bounds import parse_id
from community.errors import ActionRefused
from community.models import Brand
from community.rules import is_moderator
from moderation import claims, services
from moderation.forms import BulkDecisionForm, DecisionForm, RemovalForm
from moderation.models import ModerationItem, ModerationLogEntry, RejectionReason
from moderation.queue import describe, moderated_content_types, pending_items

QUEUE_PAGE_SIZE = 25
LOG_PAGE_SIZE = 50
SKIPPED_KEY = "moderation_skipped"
FILTERS = ("kind", "brand", "container", "flagged", "reported")


def require_moderator(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied


def queue_filters(params) -> dict:
    filters = {}
    for name in FILTERS:
        value = parse_id(params.get(name))
        if value is not None:
            filters[name] = value
    return filters


def _filter_query(filters: dict) -> str:
    from django.utils.http import urlencode

    return urlencode({k: v for k, v in filters.items() if v})


def _filter_choices() -> dict:
    from wagtail.models import Page

    container_ids = (
        ModerationItem.objects.pending().exclude(container=None).values("container_id").distinct()
    )
    return {
        "kinds": moderated_content_types(),
        "brands": list(Brand.objects.only("pk", "name")),
        "containers": list(Page.objects.filter(pk__in=container_ids).only("pk", "title")),
    }


def queue(request):
    require_moderator(request)
    filters = queue_filters(request.GET)
    items = pending_items(filters)
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "moderation/queue.html",
        {
            "page_title": _("Moderation"),
            "header_icon": "tasks",
            "entries": describe(page.object_list, with_history=True),
            "page_obj": page,
            "pending_count": page.paginator.count,
            "filters": filters,
            "filter_query": _filter_query(filters),
            "reasons": list(RejectionReason.objects.filter(active=True)),
            **_filter_choices(),
        },
    )


def review(request, item_id: int | None = None):
    """One item at a time, claimed for this moderator: the keyboard-driven desk."""
    require_moderator(request)
    filters = queue_filters(request.GET)
    item = None
    if item_id is not None:
        try:
            item = claims.claim(item_id, moderator=request.user)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect(reverse("moderation:queue") + "?" + _filter_query(filters))
    else:
        # Skipped items wait until the rest of the queue is done, then come back.
        skipped = [pk for pk in request.session.get(SKIPPED_KEY, []) if isinstance(pk, int)]
        skip = parse_id(request.GET.get("after"))
        if skip is not None:
            claims.release(skip, moderator=request.user)
            skipped = [*skipped, skip][-200:]
        queryset = pending_items(filters)
        item = claims.claim_next(queryset.exclude(pk__in=skipped), moderator=request.user)
        if item is None and skipped:
            skipped = []
            item = claims.claim_next(queryset, moderator=request.user)
        request.session[SKIPPED_KEY] = skipped
    entry = None
    if item is not None:
        item = pending_items().filter(pk=item.pk).first()
        described = describe([item], with_history=True) if item else []
        entry = described[0] if described else None
    return TemplateResponse(
        request,
        "moderation/review.html",
        {
            "page_title": _("Review"),
            "header_icon": "tasks",
            "q": entry,
            "filters": filters,
            "filter_query": _filter_query(filters),
            "reasons": list(RejectionReason.objects.filter(active=True)[:9]),
            "pending_count": pending_items(filters).count(),
        },
    )


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _show_form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
def decide(request, item_id: int):
    require_moderator(request)
    form = DecisionForm(request.POST)
    back = _back(request, reverse("moderation:queue"))
    if not form.is_valid():
        _show_form_errors(request, form)
        return redirect(back)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.approve(item_id, moderator=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Approved: it is now public."))
        else:
            services.reject(item_id, moderator=request.user, **form.reason_kwargs)
            messages.success(request, _("Rejected: the author will see your reason."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect(back)


@require_POST
def bulk(request):
    require_moderator(request)
    form = BulkDecisionForm(request.POST)
    back = _back(request, reverse("moderation:queue"))
    if not form.is_valid():
        _show_form_errors(request, form)
        return redirect(back)
    try:
        done, refusals = services.bulk_decide(
            form.cleaned_data["items"],
            moderator=request.user,
            decision=form.cleaned_data["decision"],
            **form.reason_kwargs,
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    if form.cleaned_data["decision"] == "approve":
        messages.success(request, _("%(n)s approved.") % {"n": done})
    else:
        messages.success(request, _("%(n)s rejected.") % {"n": done})
    for refusal in refusals:
        messages.warning(request, refusal)
    return redirect(back)


@require_POST
def remove(request, content_type_id: int, object_id: int):
    """Take approved content off the site."""
    from django.contrib.contenttypes.models import ContentType

    require_moderator(request)
    back = _back(request, reverse("moderation:reports"))
    form = RemovalForm(request.POST)
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    obj = model.objects.filter(pk=object_id).first() if model else None
    if obj is None or not hasattr(obj, "moderation_status"):
        messages.error(request, _("There is no such content."))
        return redirect(back)
    if not form.is_valid():
        _show_form_errors(request, form)
        return redirect(back)
    try:
        services.remove_content(obj, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Removed: the author has been told why."))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect(back)


def decision_log(request):
    require_moderator(request)
    entries = ModerationLogEntry.objects.select_related("actor", "member", "content_type")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    who = (request.GET.get("q") or "").strip()
    if who:
        entries = entries.filter(Q(actor__username__iexact=who) | Q(member__username__iexact=who))
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    from moderation.models import LogAction

    return TemplateResponse(
        request,
        "moderation/log.html",
        {
            "page_title": _("Moderation log"),
            "header_icon": "history",
            "page_obj": page,
            "actions": LogAction.choices,
            "action": action,
            "who": who,
        },
    )
