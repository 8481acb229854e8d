"""Telling members what happened to them: on the site, and by email after commit.

Callers pass text that is safe to show: never content that has not passed moderation.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from community.models import Notification, User


def notify(
    recipient: User,
    *,
    kind: str,
    message: str,
    url: str = "",
    subject: str = "",
    email: bool = True,
) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, message=str(message), url=url
    )
    if email:
        _email_after_commit([notification.pk], str(subject or message))
    return notification


def notify_many(
    recipients: Iterable[User],
    *,
    kind: str,
    message: str,
    url: str = "",
    subject: str = "",
    email: bool = True,
) -> int:
    """One notification per distinct recipient, in one insert."""
    unique = {user.pk: user for user in recipients}.values()
    created = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, message=str(message), url=url) for user in unique
    )
    if email and created:
        _email_after_commit([n.pk for n in created], str(subject or message))
    return len(created)


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())


def _email_after_commit(ids: list[int], subject: str) -> None:
    transaction.on_commit(lambda: send_notification_emails.enqueue(ids, subject))


@task()
def send_notification_emails(notification_ids: list[int], subject: str) -> int:
    """Background work (django-tasks): one email per notification, to active members only."""
    sent = 0
    notifications = Notification.objects.filter(
        pk__in=notification_ids, recipient__is_active=True
    ).select_related("recipient")
    for notification in notifications:
        if not notification.recipient.email:
            continue
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        sent += send_mail(
            subject=f"[Cocreo] {subject}"[:200],
            message=f"{notification.message}{link}",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    return sent
