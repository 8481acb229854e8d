from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from comments.forms import CommentForm
from comments.models import Comment
from comments.rules import can_edit
from comments.services import public_thread

register = template.Library()


def thread_context(request, target, **extra) -> dict:
    """The approved thread on `target` (top-level comments with their replies), the member's
    own waiting or refused comments, and the forms. Two queries, however many comments.
    `extra` overrides (a refused form with what the member typed, an outcome to show)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    thread = public_thread(target)
    own_pending = []
    if signed_in:
        now = timezone.now()
        for comment in thread:
            for c in (comment, *comment.thread_replies):
                c.editable = can_edit(user, c, now)
        own_pending = list(
            Comment.objects.for_target(target).filter(author=user, live=False).order_by("pk")
        )
        for c in own_pending:
            c.editable = can_edit(user, c, now)
    return {
        "request": request,
        "user": user,
        "target": target,
        "target_type_id": ContentType.objects.get_for_model(target, for_concrete_model=False).pk,
        "thread": thread,
        "own_pending": own_pending,
        "form": CommentForm(),
        **extra,
    }


@register.inclusion_tag("comments/includes/thread.html", takes_context=True)
def comments_for(context, target):
    return {
        **thread_context(context.get("request"), target),
        "csrf_token": context.get("csrf_token"),
    }
