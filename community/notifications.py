"""Telling members what happened to them: on the site, and by email after commit.

Callers pass text that is safe to show: never content that has not passed moderation.
"""

import logging
from collections.abc import Iterable
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from community.consumers import publish_notifications
from community.models import Notification, User
from community.worker import backoff_seconds, retry_later

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """Raised by the email task after its last attempt, so the failure shows in the task
    results (Django admin, "Task results") and in the logs."""


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
    publish_notifications([recipient.pk])
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
    publish_notifications([n.recipient_id for n in created])
    return len(created)


def mark_all_read(user: User) -> int:
    count = Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    if count:
        publish_notifications([user.pk])  # the member's other tabs clear their badge
    return count


def _email_after_commit(ids: list[int], subject: str) -> None:
    transaction.on_commit(lambda: send_notification_emails.enqueue(ids, subject))


@task()
def send_notification_emails(notification_ids: list[int], subject: str, attempt: int = 1) -> int:
    """Background work (django-tasks): one email per notification, to active members only.

    A failed send is retried, for the failed notifications only, after a doubling wait
    (settings.COCREO_EMAIL_ATTEMPTS attempts in all); the last failure raises EmailNotSent."""
    sent, failed = 0, []
    notifications = Notification.objects.filter(
        pk__in=notification_ids, recipient__is_active=True
    ).select_related("recipient")
    for notification in notifications:
        if not notification.recipient.email:
            continue
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        try:
            sent += send_mail(
                subject=f"[Cocreo] {subject}"[:200],
                message=f"{notification.message}{link}",
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        except (SMTPException, OSError) as error:
            logger.warning(
                "Email for notification %s failed (attempt %s): %r", notification.pk, attempt, error
            )
            failed.append(notification.pk)
    if not failed:
        return sent
    if attempt < settings.COCREO_EMAIL_ATTEMPTS:
        retry_later(
            send_notification_emails,
            failed,
            subject,
            attempt=attempt + 1,
            delay_seconds=backoff_seconds(attempt, settings.COCREO_EMAIL_RETRY_SECONDS),
        )
        return sent
    logger.error("Gave up emailing notifications %s after %s attempts", failed, attempt)
    raise EmailNotSent(f"notifications {failed}: not sent after {attempt} attempts")
