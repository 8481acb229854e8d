"""What every page asks of the signed-in member (is an email address verified? how many
notifications are unread?), in one query, kept on the user object for the rest of the request.

The header shows the unread count and the rules ask for a verified address (community.rules.
is_verified_member) on most pages; asked apart they were two queries a page. Whatever changes a
fact within a request forgets it (`forget_unread` after notifications are marked read).
"""

from django.db import connection

from community.models import Notification, User

_VERIFIED, _UNREAD = "_cocreo_verified", "_cocreo_unread"


def _load(user: User) -> None:
    # Plain SQL: the ORM spent longer compiling this query (two correlated subqueries) than
    # the database answering it. Table names come from the models.
    from allauth.account.models import EmailAddress

    emails, notifications = EmailAddress._meta.db_table, Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS(SELECT 1 FROM {emails} WHERE user_id = %s AND verified),"  # noqa: S608
            f" (SELECT COUNT(*) FROM {notifications}"
            " WHERE recipient_id = %s AND read_at IS NULL)",
            [user.pk, user.pk],
        )
        verified, count = cursor.fetchone()
    setattr(user, _VERIFIED, bool(verified))
    setattr(user, _UNREAD, count)


def _fact(user: User, name: str):
    if getattr(user, name, None) is None:
        _load(user)
    return getattr(user, name)


def has_verified_email(user: User) -> bool:
    return _fact(user, _VERIFIED)


def unread_notifications(user: User) -> int:
    return _fact(user, _UNREAD)


def forget_unread(user: User) -> None:
    user.__dict__.pop(_UNREAD, None)
