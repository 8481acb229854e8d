"""A member's ideas, supports and follows for their export, and their erasure when they delete
their account (see privacy.hooks). Supports and follows are theirs and always go; ideas stay
under "deleted member" or go, as the member chooses."""

from django.db import transaction

from community.models import User
from ideas.models import BoardFollow, Idea, IdeaFollow, Support


def member_data(user: User) -> dict:
    ideas = [
        {
            "id": idea.pk,
            "board": idea.board.title,
            "title": idea.title,
            "description": idea.description,
            "status": idea.status,
            "moderation_status": idea.moderation_status,
            "public": idea.live,
            "created_at": idea.created_at,
            "image": f"files/{idea.image.name}" if idea.image else None,
        }
        for idea in Idea.objects.filter(author=user).select_related("board")
    ]
    supports = [
        {"idea": s.idea_id, "title": s.idea.title, "created_at": s.created_at}
        for s in Support.objects.filter(member=user).select_related("idea")
    ]
    return {
        "name": "ideas",
        "records": {
            "ideas": ideas,
            "supports": supports,
            "followed_ideas": list(
                IdeaFollow.objects.filter(user=user).values_list("idea_id", flat=True)
            ),
            "followed_boards": list(
                BoardFollow.objects.filter(user=user).values_list("board_id", flat=True)
            ),
        },
        "files": [i.image.name for i in Idea.objects.filter(author=user) if i.image],
    }


def erase_member(user: User, *, keep_contributions: bool) -> None:
    Support.objects.filter(member=user).delete()
    IdeaFollow.objects.filter(user=user).delete()
    BoardFollow.objects.filter(user=user).delete()
    if keep_contributions:
        return
    names = []
    for idea in Idea.objects.filter(author=user):
        if idea.image:
            names.append(idea.image.name)
        idea.revisions.delete()  # and, by cascade, its moderation items
        idea.delete()
    storage = Idea._meta.get_field("image").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
