from django import template
from django.contrib.contenttypes.models import ContentType

from community.forms import CommentForm
from community.models import Comment

register = template.Library()


@register.inclusion_tag("community/includes/comments.html", takes_context=True)
def comments_for(context, target):
    """Approved comments on `target`, the member's own waiting ones, and the form."""
    request = context.get("request")
    user = getattr(request, "user", None)
    comments = list(Comment.objects.public().for_target(target).select_related("author"))
    own_pending = []
    if user is not None and user.is_authenticated:
        own_pending = list(
            Comment.objects.for_target(target).filter(author=user, live=False).order_by("pk")
        )
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "target_type_id": ContentType.objects.get_for_model(target, for_concrete_model=False).pk,
        "comments": comments,
        "own_pending": own_pending,
        "form": CommentForm(),
    }
