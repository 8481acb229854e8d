"""Community reports on public content. A report only brings content to a moderator's
attention: nothing is hidden or removed until a moderator decides."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import Conflict, InvalidInput, NotAllowed
from community.models import User
from community.ratelimits import check_rate
from community.rules import is_moderator, is_verified_member
from community.validators import check_text
from moderation.intake import check_not_suspended
from moderation.models import (
    LogAction,
    ModeratedModel,
    Report,
    ReportReason,
    ReportStatus,
)
from moderation.services import log, remove_content

REPORTS_PER_HOUR = 10
NEW_ACCOUNT_AGE = timedelta(days=7)


def check_can_report(reporter: User) -> None:
    if not is_verified_member(reporter):
        raise NotAllowed(_("Sign in with a verified account to report content."))
    check_not_suspended(reporter)
    since = timezone.now() - timedelta(hours=1)
    if Report.objects.filter(reporter=reporter, created_at__gte=since).count() >= REPORTS_PER_HOUR:
        raise Conflict(_("You have sent many reports in the last hour. Please try again later."))


def report(obj: ModeratedModel, *, reporter: User, reason: str, text: str = "") -> Report:
    """Report public content to the moderators."""
    check_can_report(reporter)
    check_rate(reporter, "report")
    if reason not in ReportReason.values:
        raise InvalidInput(_("Choose why you are reporting this."), field="reason")
    text = check_text(text, field="text").strip()
    if len(text) > 1000:
        raise InvalidInput(_("Keep the details under 1000 characters."), field="text")
    if not type(obj).objects.public().filter(pk=obj.pk).exists():
        raise NotAllowed(_("Only public content can be reported."))
    if obj.author_id == reporter.pk:
        raise NotAllowed(_("You cannot report your own content."))
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
                object_id=obj.pk,
                reason=reason,
                text=text,
            )
    except IntegrityError:
        raise Conflict(_("You have already reported this; a moderator will look at it.")) from None


@dataclass
class ReportedContent:
    content_type: ContentType
    object_id: int
    obj: ModeratedModel | None
    count: int
    from_new_accounts: int
    first_at: object
    reasons: list[str]
    preview: dict


def open_reports(limit: int = 50) -> list[ReportedContent]:
    """Reported content with open reports, most reported first, with how many reports come
    from accounts younger than a week (a wave of fresh accounts is a warning sign)."""
    young = timezone.now() - NEW_ACCOUNT_AGE
    groups = list(
        Report.objects.filter(status=ReportStatus.OPEN)
        .values("content_type", "object_id")
        .annotate(
            count=Count("pk"),
            from_new=Count("pk", filter=Q(reporter__date_joined__gte=young)),
            first_at=Min("created_at"),
        )
        .order_by("-count", "first_at")[:limit]
    )
    reasons: dict = {}
    keys = Q()
    for g in groups:
        keys |= Q(content_type_id=g["content_type"], object_id=g["object_id"])
    if groups:
        for ct_id, object_id, reason in Report.objects.filter(
            keys, status=ReportStatus.OPEN
        ).values_list("content_type_id", "object_id", "reason"):
            reasons.setdefault((ct_id, object_id), set()).add(reason)
    by_type: dict = {}
    for g in groups:
        by_type.setdefault(g["content_type"], []).append(g["object_id"])
    objects = {}
    for ct_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        for obj in model.objects.filter(pk__in=ids).select_related(*model.moderation_related):
            objects[(ct_id, obj.pk)] = obj
    labels = dict(ReportReason.choices)
    result = []
    for g in groups:
        key = (g["content_type"], g["object_id"])
        obj = objects.get(key)
        result.append(
            ReportedContent(
                content_type=ContentType.objects.get_for_id(g["content_type"]),
                object_id=g["object_id"],
                obj=obj,
                count=g["count"],
                from_new_accounts=g["from_new"],
                first_at=g["first_at"],
                reasons=[str(labels[r]) for r in sorted(reasons.get(key, ()))],
                preview=obj.moderation_preview() if obj else {},
            )
        )
    return result


@transaction.atomic
def resolve(
    content_type: ContentType, object_id: int, *, moderator: User, remove: bool, reason: str = ""
) -> int:
    """Keep the content (reports closed) or remove it (through the removal service)."""
    if not is_moderator(moderator):
        raise NotAllowed(_("Only moderators can handle reports."))
    reason = check_text(reason, field="reason")
    model = content_type.model_class()
    obj = model.objects.filter(pk=object_id).first() if model else None
    if obj is None:
        raise InvalidInput(_("There is no such content."))
    if remove:
        remove_content(obj, moderator=moderator, reason=reason)
    elif obj.author_id == moderator.pk:
        raise NotAllowed(_("Moderators cannot decide on their own content."))
    closed = Report.objects.filter(
        content_type=content_type, object_id=object_id, status=ReportStatus.OPEN
    ).update(
        status=ReportStatus.REMOVED if remove else ReportStatus.KEPT,
        resolved_by=moderator,
        resolved_at=timezone.now(),
    )
    if not remove:
        log(
            LogAction.REPORT_KEEP,
            actor=moderator,
            obj=obj,
            member=obj.author,
            summary=obj.moderation_kind_label,
            reason=reason,
        )
    return closed
