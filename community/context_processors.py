from functools import cache

from community.member_facts import unread_notifications
from community.rules import can_open_admin


def notifications(request) -> dict:
    """The unread count in the header, only for signed-in members (community/member_facts.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_notifications(user)}


def admin_link(request) -> dict:
    """Whether the header links to the admin (asked only when a signed-in member sees it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Asked twice by the page (the link, the userbar): answered once.
    return {"can_open_admin": cache(lambda: can_open_admin(user))}
