"""What the staff dashboard (the Wagtail admin home) shows brand staff about their idea boards:
ideas that reached their support goal and wait for the brand's official answer."""

from dataclasses import dataclass

from django.db.models import QuerySet

from community.models import User
from community.rules import is_brand_staff, staff_brand_ids
from ideas.models import Idea, IdeaStatus
from ideas.rules import can_manage_board

DASHBOARD_LIMIT = 10


@dataclass
class IdeasAwaiting:
    ideas: list[Idea]  # the longest waiting first, at most DASHBOARD_LIMIT
    total: int


def _awaiting(user: User) -> QuerySet[Idea]:
    ideas = Idea.objects.public().filter(
        goal_reached_at__isnull=False, status=IdeaStatus.UNDER_REVIEW, board__live=True
    )
    if user.is_superuser:
        return ideas
    if not is_brand_staff(user):
        return ideas.none()
    return ideas.filter(board__brand_id__in=staff_brand_ids(user))


def ideas_awaiting_answer(user: User, limit: int = DASHBOARD_LIMIT) -> IdeasAwaiting:
    """Ideas of the boards `user` runs that reached their goal and have no answer yet."""
    queryset = _awaiting(user)
    ideas = [
        idea
        for idea in queryset.with_support_counts()
        .select_related("board__brand")
        .order_by("goal_reached_at", "pk")[:limit]
        if can_manage_board(user, idea.board)  # the same predicate as the answer itself
    ]
    return IdeasAwaiting(ideas=ideas, total=queryset.count())
