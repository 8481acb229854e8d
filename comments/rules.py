"""Who may do what with comments."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from comments.models import Comment
from community.models import User
from community.rules import is_staff_of_brand


def edit_window() -> timedelta:
    return timedelta(minutes=settings.COCREO_COMMENT_EDIT_MINUTES)


def editable_until(comment: Comment) -> datetime:
    return comment.created_at + edit_window()


def can_edit(user: User, comment: Comment, now: datetime | None = None) -> bool:
    """The author may edit their comment for a while after posting it (no query)."""
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and (now or timezone.now()) <= editable_until(comment)
    )


def answering_brand_id(user: User, target) -> int | None:
    """The brand a comment by `user` on `target` speaks for: the target's brand when the user
    is on that brand's staff (their comment is an official answer), otherwise None."""
    brand_id = target.moderation_scope()[0]
    return brand_id if brand_id and is_staff_of_brand(user, brand_id) else None
