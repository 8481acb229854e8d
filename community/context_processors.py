from community.models import Notification


def notifications(request) -> dict:
    """The unread count in the header: one COUNT query, only for signed-in members."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": lambda: Notification.objects.filter(recipient=user).unread().count()
    }
