"""Comments in the JSON API: the approved thread of commentable content, posting, and the
author's edits within the edit window. Targets are keys like "entry:12" ("idea:3" once the
ideas app is in settings.COCREO_COMMENTABLE_MODELS)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from comments import services
from comments.models import Comment
from comments.rules import editable_until

router = Router(tags=["comments"])


class ReplyOut(Schema):
    id: int
    target: str
    parent: int | None
    author: str
    body: str
    official: bool
    brand: str | None
    status: str
    created_at: datetime
    editable_until: datetime


class CommentOut(ReplyOut):
    replies: list[ReplyOut] = []


class CommentIn(Schema):
    target: str
    body: str = ""
    parent: int | None = None


class CommentEditIn(Schema):
    body: str = ""


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def comment_out(comment: Comment, key: str, replies=None) -> dict:
    out = {
        "id": comment.pk,
        "target": key,
        "parent": comment.parent_id,
        "author": comment.author.public_name,
        "body": comment.body,
        "official": comment.official,
        "brand": comment.official_brand.name if comment.official_brand_id else None,
        # An approved comment with an edit waiting is still the approved version here.
        "status": "approved" if comment.live else comment.moderation_status,
        "created_at": comment.created_at,
        "editable_until": editable_until(comment),
    }
    if replies is not None:
        out["replies"] = [comment_out(r, key) for r in replies]
    return out


class _Thread:
    """Lazy for the paginator: a page of top-level comments, then their replies in one query."""

    def __init__(self, target):
        self.key = services.target_key(target)
        self.queryset = (
            Comment.objects.public()
            .for_target(target)
            .filter(parent__isnull=True)
            .select_related("author", "official_brand")
        )
        self.replies = Comment.objects.public().select_related("author", "official_brand")

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return len(self)

    def __getitem__(self, item):
        top = list(self.queryset[item])
        replies = list(self.replies.filter(parent__in=[c.pk for c in top])) if top else []
        services.nest(top, replies)
        return [comment_out(c, self.key, c.thread_replies) for c in top]


@router.get("comments", response={200: list[CommentOut], 404: ErrorOut})
@paginate(PageNumberPagination, page_size=20)
def list_comments(request, target: str):
    """The approved thread, oldest first: top-level comments with their replies nested."""
    return _Thread(services.resolve_target(target))


@router.post(
    "comments",
    response={201: CommentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
)
def post_comment(request, data: CommentIn):
    """A member's comment waits for a moderator ("status": "pending"); an answer by staff of
    the target's brand is published at once and marked official."""
    target = services.resolve_target(data.target)
    comment = services.post_comment(target, author=request.user, body=data.body, parent=data.parent)
    return Status(201, comment_out(comment, services.target_key(target), []))


@router.patch(
    "comments/{comment_id}",
    response={200: CommentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
)
def edit_comment(request, comment_id: int, data: CommentEditIn):
    """The author edits their comment within the edit window; the response is the submitted
    version ("status": "pending" until a moderator approves the edit)."""
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("author", "official_brand"),
        pk=comment_id,
    )
    version = services.edit_comment(comment, author=request.user, body=data.body)
    target = comment.target
    out = comment_out(version, services.target_key(target) if target else "", [])
    if version.live and version.has_unpublished_changes:
        out["status"] = "pending"
    return Status(200, out)
