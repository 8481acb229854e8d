"""A member's data: a copy to download, and the erasure of their account.

Account-level data (the user row, email addresses, social accounts, second factors, follows,
notifications, referrals) is handled here; everything else each app gives or erases through
the hooks described in `privacy.hooks`.
"""

import json
import logging
import tempfile
import zipfile
from datetime import timedelta
from uuid import uuid4

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail import hooks

from community.emails import member_language
from community.errors import Conflict, InvalidInput, NotAllowed, NotFound
from community.images import private_storage
from community.models import Follow, Notification, Referral, User
from community.notifications import notify
from privacy.hooks import MEMBER_DATA_HOOK, MEMBER_ERASE_HOOK
from privacy.models import DataExport, ExportStatus

logger = logging.getLogger(__name__)

EXPORT_SALT = "privacy.export"
ARCHIVE_FORMAT = "cocreo-member-data/1"


def export_valid_for() -> timedelta:
    return timedelta(days=settings.COCREO_DATA_EXPORT_VALID_DAYS)


# Export --------------------------------------------------------------------------------------


def request_export(user: User) -> DataExport:
    """The member asks for a copy of their data; it is built in the background."""
    if not (user.is_authenticated and user.is_active):
        raise NotAllowed(_("Sign in to download your data."))
    purge_expired_exports()
    if DataExport.objects.filter(member=user, status=ExportStatus.PENDING).exists():
        raise Conflict(_("Your data is already being prepared: we will tell you when it is ready."))
    export = DataExport.objects.create(member=user)
    from privacy.tasks import build_member_export

    transaction.on_commit(lambda: build_member_export.enqueue(export.pk))
    return export


def account_data(user: User) -> dict:
    """The account's own section of the export (notifications in the member's language)."""
    with translation.override(member_language(user)):
        notifications = [
            {"kind": n.kind, "message": n.text, "url": n.url, "created_at": n.created_at}
            for n in Notification.objects.filter(recipient=user)
        ]
    return {
        "name": "account",
        "records": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "language": user.language,
            "emails_turned_off": user.emails_off,
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user)
            ],
            "social_accounts": [
                {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined}
                for a in SocialAccount.objects.filter(user=user)
            ],
            # Which second factors are set up, never their secrets.
            "second_factors": [
                {"type": a.type, "created_at": a.created_at}
                for a in Authenticator.objects.filter(user=user)
            ],
            "follows": [
                {"brand": f.brand.name, "since": f.created_at}
                for f in Follow.objects.filter(user=user).select_related("brand")
            ],
            "notifications": notifications,
            "referrals": {
                "brought": [
                    {"member": r.new_member.public_name, "created_at": r.created_at}
                    for r in Referral.objects.filter(referrer=user).select_related("new_member")
                ],
                "brought_by": [
                    {"member": r.referrer.public_name, "created_at": r.created_at}
                    for r in Referral.objects.filter(new_member=user).select_related("referrer")
                ],
            },
        },
    }


def member_sections(user: User) -> list[dict]:
    return [account_data(user), *(source(user) for source in hooks.get_hooks(MEMBER_DATA_HOOK))]


def build_export(export_id: int) -> DataExport | None:
    """Write the member's archive (data.json and their uploads under files/) to private storage
    and tell them it is ready. Returns None when there is nothing to build."""
    export = (
        DataExport.objects.select_related("member")
        .filter(pk=export_id, status=ExportStatus.PENDING)
        .first()
    )
    if export is None:
        return None
    user = export.member
    now = timezone.now()
    document: dict = {"format": ARCHIVE_FORMAT, "generated_at": now, "site": settings.SITE_URL}
    storage = private_storage()
    with tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024) as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for section in member_sections(user):
                document[section["name"]] = section["records"]
                for name in section.get("files", ()):
                    try:
                        with storage.open(name, "rb") as handle:
                            archive.writestr(f"files/{name}", handle.read())
                    except FileNotFoundError:
                        logger.warning("Export %s: file %s is missing", export.pk, name)
            archive.writestr(
                "data.json", json.dumps(document, indent=2, ensure_ascii=False, default=str)
            )
        buffer.seek(0)
        export.file.save(f"{uuid4().hex}.zip", File(buffer), save=False)
    export.status = ExportStatus.READY
    export.ready_at = now
    export.expires_at = now + export_valid_for()
    export.save(update_fields=["file", "status", "ready_at", "expires_at"])
    notify(
        user,
        kind="privacy.export_ready",
        params={"date": export.expires_at.isoformat()},
        url=export_link(export),
    )
    return export


def export_link(export: DataExport) -> str:
    """The signed download address, valid as long as the export."""
    token = signing.TimestampSigner(salt=EXPORT_SALT).sign(str(export.pk))
    return reverse("privacy:download", args=[token])


def open_export(user: User, token: str) -> DataExport:
    """The export behind a download link, for its member only, while the link is valid."""
    try:
        export_id = signing.TimestampSigner(salt=EXPORT_SALT).unsign(
            token, max_age=export_valid_for()
        )
    except signing.BadSignature:  # SignatureExpired included
        raise NotFound(_("This link has expired or is not valid.")) from None
    export = DataExport.objects.filter(pk=export_id, member_id=user.pk).first()
    if export is None or not export.is_downloadable():
        raise NotFound(_("This link has expired or is not valid."))
    return export


def purge_expired_exports(now=None) -> int:
    """Delete the files of expired exports (run on every new request, and by any scheduler)."""
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        export.status = ExportStatus.EXPIRED
        export.save(update_fields=["file", "status"])
    return len(expired)


# Account deletion ----------------------------------------------------------------------------


def check_can_delete(user: User, *, password: str = "", confirm: str = "") -> None:
    if not (user.is_authenticated and user.is_active):
        raise NotAllowed(_("Sign in to delete your account."))
    if user.is_superuser:
        raise NotAllowed(_("An administrator's account is deleted by another administrator."))
    if user.has_usable_password():
        if not user.check_password(password or ""):
            raise InvalidInput(_("That is not your password."), field="password")
    elif (confirm or "").strip() != user.username:
        raise InvalidInput(_("Type your username to confirm."), field="confirm")


def delete_account(
    user: User, *, keep_contributions: bool, password: str = "", confirm: str = ""
) -> User:
    """The member deletes their account, confirming with their password (or, for an account
    without one, their username). Their personal data is erased and every session ends; their
    public contributions stay as by "deleted member" or are deleted, as they choose. Results of
    closed contests do not change. The row stays, anonymised, so that what must remain (votes
    in closed contests, awarded entries) still points somewhere."""
    check_can_delete(user, password=password, confirm=confirm)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for erase in hooks.get_hooks(MEMBER_ERASE_HOOK):
            erase(user, keep_contributions=keep_contributions)
        _erase_account(user)
    logger.info("Account %s deleted (contributions kept: %s)", user.pk, keep_contributions)
    return user


def _erase_account(user: User) -> None:
    from wagtail.users.models import UserProfile

    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    Follow.objects.filter(user=user).delete()
    Referral.objects.filter(Q(referrer=user) | Q(new_member=user)).delete()
    UserProfile.objects.filter(user=user).delete()
    files = [e.file.name for e in DataExport.objects.filter(member=user) if e.file]
    DataExport.objects.filter(member=user).delete()
    transaction.on_commit(lambda: [private_storage().delete(name) for name in files])
    user.username = f"deleted-member-{user.pk}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = False
    user.last_login = None
    user.erased_at = timezone.now()
    # A new (unusable) password changes the session hash: every session of the account ends.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
