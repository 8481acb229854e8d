"""What every page asks of the signed-in member (is an email address verified? how many
notifications are unread?), in one query, kept on the user object for the rest of the request.

The header shows the unread count and the rules ask for a verified address (community.rules.
is_verified_member) on most pages; asked apart they were two queries a page. Whatever changes a
fact within a request forgets it (`forget_unread` after notifications are marked read).
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from community.models import Notification, User

_VERIFIED, _UNREAD = "_cocreo_verified", "_cocreo_unread"


def _load(user: User) -> None:
    from allauth.account.models import EmailAddress

    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"))
        .unread()
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    verified, count = (
        User.objects.filter(pk=user.pk)
        .annotate(
            verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .values_list("verified", "unread")
        .get()
    )
    setattr(user, _VERIFIED, verified)
    setattr(user, _UNREAD, count)


def has_verified_email(user: User) -> bool:
    if getattr(user, _VERIFIED, None) is None:
        _load(user)
    return getattr(user, _VERIFIED)


def unread_notifications(user: User) -> int:
    if getattr(user, _UNREAD, None) is None:
        _load(user)
    return getattr(user, _UNREAD)


def forget_unread(user: User) -> None:
    user.__dict__.pop(_UNREAD, None)
