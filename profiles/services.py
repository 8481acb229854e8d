"""Writes of member profiles: they pass the publication gate and the intake checks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.errors import InvalidInput, NotAllowed
from community.images import clean_uploaded_image
from community.models import User
from community.ratelimits import check_rate
from community.rules import is_verified_member
from community.validators import check_text
from moderation.intake import check_intake_open
from moderation.models import ModerationStatus
from moderation.services import resubmit, submit_for_moderation
from profiles.models import Profile

BIO_MAX_LENGTH = 1000


def update_profile(user: User, *, bio: str, avatar=None, remove_avatar: bool = False) -> Profile:
    """The member edits their public profile. A new or edited profile waits for a moderator;
    while an edit waits, the approved version stays public. Avatars are re-encoded without
    metadata (EXIF, GPS) before they are stored."""
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))
    check_intake_open(user)
    check_rate(user, "edit")
    if avatar is not None:
        check_rate(user, "upload")
    bio = check_text(bio, field="bio").strip()
    if len(bio) > BIO_MAX_LENGTH:
        raise InvalidInput(
            _("Keep it under %(n)s characters.") % {"n": BIO_MAX_LENGTH}, field="bio"
        )
    cleaned = None
    if avatar is not None:
        try:
            cleaned = clean_uploaded_image(avatar)
        except ValidationError as error:
            raise InvalidInput(error.messages[0], field="avatar") from None
    profile = Profile.objects.filter(author=user).first() or Profile(author=user, live=False)
    profile.bio = bio
    if cleaned is not None:
        profile.avatar.save(cleaned.name, cleaned, save=False)
    elif remove_avatar:
        profile.avatar = ""
    try:
        with transaction.atomic():
            if profile.pk is None or not profile.live:
                # Not public: the row holds the member's latest version.
                profile.save()
            if profile.moderation_status in (ModerationStatus.REJECTED, ModerationStatus.REMOVED):
                resubmit(profile, user=user)
            else:
                # For a public profile only a revision is saved: the row stays approved.
                submit_for_moderation(profile, user=user)
    except Exception:
        if cleaned is not None:
            profile.avatar.delete(save=False)
        raise
    return profile


def public_profile(member: User) -> Profile | None:
    """The approved version of the member's profile, if there is one."""
    return Profile.objects.public().filter(author=member).first()
