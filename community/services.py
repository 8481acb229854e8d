"""Every write of community content: comments and member profiles. Both pass the publication
gate (moderation.services.submit_for_moderation) and the intake checks."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.errors import InvalidInput, NotAllowed
from community.images import clean_uploaded_image
from community.models import Comment, Profile, User
from community.rules import is_verified_member
from moderation.intake import check_intake_open
from moderation.models import ModerationStatus
from moderation.services import resubmit, submit_for_moderation

COMMENT_MAX_LENGTH = 2000
BIO_MAX_LENGTH = 1000


def is_commentable(target) -> bool:
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    return label in settings.COCREO_COMMENTABLE_MODELS


def check_can_comment(user: User, target) -> None:
    if not user.is_authenticated:
        raise NotAllowed(_("Sign in to take part."))
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))
    if not is_commentable(target):
        raise NotAllowed(_("This cannot be commented on."))
    if not type(target).objects.public().filter(pk=target.pk).exists():
        raise NotAllowed(_("Only public content can be commented on."))
    brand_id, container_id = target.moderation_scope()
    check_intake_open(user, brand_id=brand_id, container_id=container_id)


def post_comment(target, *, author: User, body: str) -> Comment:
    """A member comments; the comment is public once a moderator approves it."""
    check_can_comment(author, target)
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write a comment first."), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("A comment can be at most %(n)s characters long.") % {"n": COMMENT_MAX_LENGTH},
            field="body",
        )
    with transaction.atomic():
        comment = Comment.objects.create(
            author=author,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
            body=body,
            live=False,
        )
        submit_for_moderation(comment, user=author)
    return comment


def update_profile(user: User, *, bio: str, avatar=None, remove_avatar: bool = False) -> Profile:
    """The member edits their public profile. A new or edited profile waits for a moderator;
    while an edit waits, the approved version stays public. Avatars are re-encoded without
    metadata (EXIF, GPS) before they are stored."""
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))
    check_intake_open(user)
    bio = (bio or "").strip()
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


def resubmit_comment(comment: Comment, *, author: User, body: str) -> Comment:
    """The author fixes a rejected or removed comment and sends it back to the queue."""
    if comment.author_id != author.pk:
        raise NotAllowed(_("Only the author can resubmit this."))
    target = comment.target
    if target is None:
        raise NotAllowed(_("This cannot be commented on."))
    check_can_comment(author, target)
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write a comment first."), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("A comment can be at most %(n)s characters long.") % {"n": COMMENT_MAX_LENGTH},
            field="body",
        )
    with transaction.atomic():
        # resubmit() refuses content that is public or already waiting.
        if comment.live or comment.moderation_status not in (
            ModerationStatus.REJECTED,
            ModerationStatus.REMOVED,
        ):
            resubmit(comment, user=author)  # raises the refusal
        comment.body = body
        comment.save(update_fields=["body"])
        resubmit(comment, user=author)
    return comment
