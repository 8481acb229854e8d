"""A member's comments for their export, and their erasure when they delete their account
(see privacy.hooks): comments stay under "deleted member" or go, as the member chooses."""

from comments.models import Comment
from community.models import User


def member_data(user: User) -> dict:
    comments = [
        {
            "id": c.pk,
            "on": str(c.target) if c.target else "",
            "body": c.body,
            "status": c.moderation_status,
            "public": c.live,
            "created_at": c.created_at,
        }
        for c in Comment.objects.filter(author=user).prefetch_related("target")
    ]
    return {"name": "comments", "records": {"comments": comments}, "files": []}


def erase_member(user: User, *, keep_contributions: bool) -> None:
    if keep_contributions:
        return
    for comment in Comment.objects.filter(author=user):
        comment.revisions.delete()  # and, by cascade, its moderation items
        comment.delete()
