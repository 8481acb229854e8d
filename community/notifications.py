"""Telling members what happened to them: on the site, and by email after commit.

A notification stores its kind and parameters (community.notification_kinds), and is rendered in
the reader's language: when the page is read, and in the recipient's language when emailed.
Callers pass parameters that are safe to show: never content that has not passed moderation
(the author's own submission excepted).
"""

import logging
from collections.abc import Iterable
from smtplib import SMTPException

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from community.consumers import publish_notifications
from community.emails import send_notification_email
from community.member_facts import forget_unread
from community.models import Notification, User
from community.notification_kinds import KINDS
from community.worker import backoff_seconds, retry_later

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """Raised by the email task after its last attempt, so the failure shows in the task
    results (Django admin, "Task results") and in the logs."""


def _checked(kind: str, params: dict | None) -> dict:
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r} (community.notification_kinds)")
    return dict(params or {})


def notify(
    recipient: User,
    *,
    kind: str,
    params: dict | None = None,
    url: str = "",
    email: bool = True,
) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, params=_checked(kind, params), url=url
    )
    if email:
        _email_after_commit([notification.pk])
    publish_notifications([recipient.pk])
    return notification


def notify_many(
    recipients: Iterable[User],
    *,
    kind: str,
    params: dict | None = None,
    url: str = "",
    email: bool = True,
) -> int:
    """One notification per distinct recipient, in one insert."""
    params = _checked(kind, params)
    unique = {user.pk: user for user in recipients}.values()
    created = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, params=params, url=url) for user in unique
    )
    if email and created:
        _email_after_commit([n.pk for n in created])
    publish_notifications([n.recipient_id for n in created])
    return len(created)


def mark_all_read(user: User) -> int:
    count = Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    forget_unread(user)
    if count:
        publish_notifications([user.pk])  # the member's other tabs clear their badge
    return count


def mark_read(user: User, ids: list[int]) -> int:
    """Mark these notifications of the member read (those shown on the page they viewed)."""
    count = (
        Notification.objects.filter(recipient=user, pk__in=ids)
        .unread()
        .update(read_at=timezone.now())
    )
    forget_unread(user)
    if count:
        publish_notifications([user.pk])
    return count


def _email_after_commit(ids: list[int]) -> None:
    transaction.on_commit(lambda: send_notification_emails.enqueue(ids))


@task()
def send_notification_emails(
    notification_ids: list[int], subject: str = "", attempt: int = 1
) -> int:
    """Background work (django-tasks): one email per notification, to active members
    only, in each recipient's language, unless they turned that category off (`subject`:
    only for tasks queued by an older release).

    A failed send is retried, for the failed notifications only, after a doubling wait
    (settings.COCREO_EMAIL_ATTEMPTS attempts in all); the last failure raises EmailNotSent."""
    sent, failed = 0, []
    notifications = Notification.objects.filter(
        pk__in=notification_ids, recipient__is_active=True
    ).select_related("recipient")
    for notification in notifications:
        try:
            sent += send_notification_email(notification, fallback_subject=subject)
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
