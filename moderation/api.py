from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from community.bounds import BoundedLimitOffsetPagination
from community.errors import NotAllowed
from community.rules import is_moderator
from community.second_factor import staff_auth
from moderation import services
from moderation.queue import describe, pending_items

router = Router(tags=["moderation"])


class QueueItemOut(Schema):
    id: int
    kind: str
    object_id: int
    is_edit: bool
    title: str
    text: str
    image_url: str | None
    images: list[str] = []
    flagged: bool = False
    # False until the task worker has checked the images (near-duplicates) of the submission.
    screened: bool = True
    context: str
    author: str
    submitted_at: datetime


class DecisionOut(Schema):
    id: int
    status: str
    reason: str
    decided_at: datetime | None


class RejectIn(Schema):
    # Defaulted so that a missing reason gets the service's 400 (field "reason"), not a 422.
    reason: str = ""
    reason_id: int | None = None


class ApproveIn(Schema):
    reason: str = ""


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def _require_moderator(request) -> None:
    if not is_moderator(request.user):
        raise NotAllowed(_("Only moderators can see the moderation queue."))


class _Queue:
    """Lazy for the paginator: previews are built for the requested page only."""

    def __init__(self, queryset):
        self.queryset = queryset

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return len(self)

    def __getitem__(self, item):
        return [
            {
                "id": q.item.pk,
                "kind": q.kind,
                "object_id": q.item.object_id,
                "is_edit": q.item.is_edit,
                "title": q.title,
                "text": q.text,
                "image_url": q.image_url,
                "images": q.images,
                "flagged": q.item.flagged,
                "screened": q.item.screened_at is not None,
                "context": q.context,
                "author": q.author,
                "submitted_at": q.submitted_at,
            }
            for q in describe(self.queryset[item])
        ]


@router.get("queue", response=list[QueueItemOut], auth=staff_auth)
@paginate(BoundedLimitOffsetPagination)
def queue(request):
    _require_moderator(request)
    return _Queue(pending_items())


def _decision(item) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "reason": item.reason,
        "decided_at": item.decided_at,
    }


@router.post(
    "items/{item_id}/approve",
    response={200: DecisionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=staff_auth,
)
def approve(request, item_id: int, data: ApproveIn | None = None):
    item = services.approve(item_id, moderator=request.user, reason=data.reason if data else "")
    return Status(200, _decision(item))


@router.post(
    "items/{item_id}/reject",
    response={200: DecisionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=staff_auth,
)
def reject(request, item_id: int, data: RejectIn):
    item = services.reject(
        item_id, moderator=request.user, reason=data.reason, reason_id=data.reason_id
    )
    return Status(200, _decision(item))
