"""Every write of comments. Member comments pass the publication gate (new comments and edits
are queued); a comment by staff of the target's brand is the brand's official answer and is
published at once, and logged."""

from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comments.models import Comment
from comments.rules import answering_brand_id, editable_until
from community import page_cache
from community.errors import Conflict, InvalidInput, NotAllowed, NotFound
from community.models import User, private_user_fields
from community.notifications import notify_many
from community.ratelimits import check_rate
from community.rules import is_verified_member
from community.validators import check_text
from moderation.intake import check_intake_open, check_not_suspended
from moderation.models import LogAction, ModerationStatus
from moderation.services import log, resubmit, submit_for_moderation

COMMENT_MAX_LENGTH = 2000


# Targets -------------------------------------------------------------------------------------
def commentable_models() -> dict[str, type]:
    """The allow-list (settings.COCREO_COMMENTABLE_MODELS, "app_label.model") by the key
    prefix used in the API: {"entry": Entry, "idea": Idea}."""
    models = {}
    for label in settings.COCREO_COMMENTABLE_MODELS:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # an app that is not installed (yet)
        models[model._meta.model_name] = model
    return models


def is_commentable(target) -> bool:
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    return label in settings.COCREO_COMMENTABLE_MODELS


def target_key(target) -> str:
    return f"{target._meta.model_name}:{target.pk}"


def resolve_target(key: str):
    """The public content named by a key like "entry:12"; NotFound otherwise."""
    prefix, _sep, raw_id = (key or "").partition(":")
    model = commentable_models().get(prefix)
    if model is None or not raw_id.isdigit():
        raise NotFound(_("There is nothing to comment on here."))
    target = model.objects.public().filter(pk=int(raw_id)).first()
    if target is None:
        raise NotFound(_("There is nothing to comment on here."))
    return target


def _content_type(target) -> ContentType:
    return ContentType.objects.get_for_model(target, for_concrete_model=False)


# Checks --------------------------------------------------------------------------------------
def check_can_comment(user: User, target, *, official: bool = False) -> None:
    if not user.is_authenticated:
        raise NotAllowed(_("Sign in to take part."))
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))
    if not is_commentable(target):
        raise NotAllowed(_("This cannot be commented on."))
    if not type(target).objects.public().filter(pk=target.pk).exists():
        raise NotAllowed(_("Only public content can be commented on."))
    if official:
        # The brand answering in public is not member intake: a crisis pause does not silence
        # it (suspensions still apply).
        check_not_suspended(user)
        return
    brand_id, container_id = target.moderation_scope()
    check_intake_open(user, brand_id=brand_id, container_id=container_id)


def _clean_body(body: str) -> str:
    body = check_text(body, field="body").strip()
    if not body:
        raise InvalidInput(_("Write a comment first."), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("A comment can be at most %(n)s characters long.") % {"n": COMMENT_MAX_LENGTH},
            field="body",
        )
    return body


def _thread_parent(target, parent: Comment | int | None) -> Comment | None:
    """Replies are one level deep: a reply to a reply joins its top-level comment."""
    if parent is None:
        return None
    parent_id = parent.pk if isinstance(parent, Comment) else parent
    found = (
        Comment.objects.public()
        .for_target(target)
        .filter(pk=parent_id)
        .select_related("parent")
        .first()
    )
    if found is None:
        raise InvalidInput(_("You can only reply to a public comment here."), field="parent")
    if found.parent_id is not None:
        found = found.parent
        if not found.live:
            raise InvalidInput(_("You can only reply to a public comment here."), field="parent")
    return found


# Writes --------------------------------------------------------------------------------------
def post_comment(
    target, *, author: User, body: str, parent: Comment | int | None = None
) -> Comment:
    """A member comments (or replies); the comment is public once a moderator approves it.
    Staff of the target's brand answer officially: published at once and logged."""
    brand_id = answering_brand_id(author, target) if author.is_authenticated else None
    check_can_comment(author, target, official=brand_id is not None)
    check_rate(author, "comment")
    body = _clean_body(body)
    with transaction.atomic():
        top = _thread_parent(target, parent)
        comment = Comment.objects.create(
            author=author,
            target_type=_content_type(target),
            target_id=target.pk,
            parent=top,
            body=body,
            official=brand_id is not None,
            official_brand_id=brand_id,
            live=False,
        )
        if brand_id is not None:
            _publish_official(comment, author)
        else:
            submit_for_moderation(comment, user=author)
    return comment


def _publish_official(comment: Comment, author: User) -> None:
    """The brand speaks: the revision is published without the queue (Wagtail logs the
    publication; the moderation log records who answered for the brand)."""
    revision = comment.save_revision(user=author, clean=False)
    revision.publish(user=author, skip_permission_checks=True)
    Comment.objects.filter(pk=comment.pk).update(
        moderation_status=ModerationStatus.APPROVED, moderation_reason=""
    )
    comment.refresh_from_db()
    log(
        LogAction.OFFICIAL,
        actor=author,
        obj=comment,
        member=author,
        summary=str(comment)[:80],
    )


def edit_comment(
    comment: Comment, *, author: User, body: str, now: datetime | None = None
) -> Comment:
    """The author edits their comment within the edit window. A member's edit is moderated
    again (an approved comment stays public, as approved, until the edit is approved); an
    official answer by staff still on the brand is published at once."""
    if comment.author_id != author.pk:
        raise NotAllowed(_("Only the author can edit this comment."))
    if (now or timezone.now()) > editable_until(comment):
        raise Conflict(_("The time to edit this comment has passed."))
    target = comment.target
    if target is None:
        raise NotFound(_("There is nothing to comment on here."))
    official = comment.official and answering_brand_id(author, target) == comment.official_brand_id
    check_can_comment(author, target, official=official)
    check_rate(author, "edit")
    body = _clean_body(body)
    if comment.moderation_status in (ModerationStatus.REJECTED, ModerationStatus.REMOVED):
        return resubmit_comment(comment, author=author, body=body)
    with transaction.atomic():
        row = Comment.objects.select_for_update().get(pk=comment.pk)
        version = row.get_latest_revision_as_object()  # builds on a pending edit, if any
        version.body = body
        if official:
            version.save_revision(user=author, clean=False).publish(
                user=author, skip_permission_checks=True
            )
            log(LogAction.OFFICIAL, actor=author, obj=row, member=author, summary=body[:80])
            row.refresh_from_db()
            return row
        if not row.live:
            version.save()  # not public yet: the row is the author's latest version
        submit_for_moderation(version, user=author)
    return version


def resubmit_comment(comment: Comment, *, author: User, body: str) -> Comment:
    """The author fixes a rejected or removed comment and sends it back to the queue."""
    if comment.author_id != author.pk:
        raise NotAllowed(_("Only the author can resubmit this."))
    target = comment.target
    if target is None:
        raise NotAllowed(_("This cannot be commented on."))
    check_can_comment(author, target)
    check_rate(author, "comment")
    body = _clean_body(body)
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


# Reading -------------------------------------------------------------------------------------
def public_thread(target) -> list[Comment]:
    """Approved top-level comments of `target`, each with `thread_replies` (its approved
    replies), in one query (shared by every viewer through the page cache when it is on).
    Replies whose top-level comment is not public are not shown."""
    tag = page_cache.object_tag(target)  # what an approved, removed or edited comment bumps
    return nest(
        page_cache.shared_value(
            f"thread\n{tag}\n{get_language()}",
            [tag],
            lambda: list(
                Comment.objects.public()
                .for_target(target)
                .select_related("author", "official_brand")
                .defer(*private_user_fields("author"))
            ),
        )
    )


def nest(comments: list[Comment], replies: list[Comment] | None = None) -> list[Comment]:
    """Top-level comments with their `thread_replies`; `replies` default to those among
    `comments`."""
    top = [c for c in comments if c.parent_id is None]
    by_id = {c.pk: c for c in top}
    for c in top:
        c.thread_replies = []
    for reply in replies if replies is not None else comments:
        if reply.parent_id in by_id:
            by_id[reply.parent_id].thread_replies.append(reply)
    return top


# Notifications -------------------------------------------------------------------------------
def _has_field(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).is_relation
    except FieldDoesNotExist:
        return False


def tell_about_published_comment(comment: Comment) -> int:
    """A comment became public for the first time (approved, or an official answer): tell the
    target's author, the author of the comment replied to, and the target's followers (when the
    target has `comment_followers()`), never the comment's own author. Messages quote no member
    content; the link leads to the public comment. Returns how many were told."""
    model = ContentType.objects.get_for_id(comment.target_type_id).model_class()
    related = [
        name
        for name in ("author", *getattr(model, "moderation_related", ()))
        if "__" in name or _has_field(model, name)
    ]
    target = model.objects.public().filter(pk=comment.target_id).select_related(*related).first()
    if target is None:
        return 0  # the target is no longer public: nothing to tell about
    # Messages name the (public) target and who spoke, never the comment's text.
    url = f"{target.get_absolute_url()}#comment-{comment.pk}"
    if comment.official and comment.official_brand_id:
        speaker = comment.official_brand.name
    else:
        speaker = comment.author.public_name
    told = {comment.author_id}
    sent = 0

    params = {
        "name": speaker,
        "model": target._meta.label_lower,
        "title": getattr(target, "title", "") or str(target),
        "object_id": target.pk,
        "comment_id": comment.pk,
        "brand_id": comment.official_brand_id,
    }

    def tell(users, kind: str) -> None:
        nonlocal sent
        fresh = [u for u in users if u is not None and u.is_active and u.pk not in told]
        told.update(u.pk for u in fresh)
        sent += notify_many(fresh, kind=kind, params=params, url=url)

    if comment.parent_id:
        parent = Comment.objects.public().filter(pk=comment.parent_id).select_related("author")
        parent = parent.first()
        if parent is not None:
            tell([parent.author], "comment.reply")
    target_author = getattr(target, "author", None)
    tell([target_author], "comment.on_yours")
    followers = getattr(target, "comment_followers", None)
    if callable(followers):
        tell(followers().filter(is_active=True).exclude(pk__in=told), "comment.followed")
    return sent
