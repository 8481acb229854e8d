"""Every write on an ideas board. HTML views, the API and the admin call these.

Ideas pass the publication gate like every member content; supports are rows under a unique
constraint; the brand's answers are published at once and form the idea's public timeline.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log as wagtail_log

from community import live, page_cache
from community.errors import Conflict, InvalidInput, NotAllowed
from community.i18n import in_every_language
from community.images import clean_uploaded_image
from community.models import User
from community.notifications import notify_many
from community.ratelimits import check_rate
from ideas import rules
from ideas.models import (
    ANSWER_STATUSES,
    BoardFollow,
    Idea,
    IdeaCategory,
    IdeaFollow,
    IdeasBoardPage,
    IdeaStatus,
    StatusUpdate,
    Support,
    board_tag,
    idea_tag,
)
from moderation.intake import check_intake_open
from moderation.models import ModerationItem, ModerationStatus
from moderation.services import resubmit, submit_for_moderation

logger = logging.getLogger(__name__)

TITLE_MAX = Idea._meta.get_field("title").max_length
DESCRIPTION_MAX = Idea._meta.get_field("description").max_length
ANSWER_MAX = StatusUpdate._meta.get_field("answer").max_length


# Submitting and editing --------------------------------------------------------------------------
def _clean_text(title: str, description: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    if not title:
        raise InvalidInput(_("Give your idea a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("A title can be at most %(n)s characters long.") % {"n": TITLE_MAX}, field="title"
        )
    if not description:
        raise InvalidInput(_("Describe your idea."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            _("A description can be at most %(n)s characters long.") % {"n": DESCRIPTION_MAX},
            field="description",
        )
    return title, description


def _clean_category(board: IdeasBoardPage, category_id) -> IdeaCategory | None:
    if category_id in (None, ""):
        return None
    try:
        return IdeaCategory.objects.get(pk=int(category_id), board=board)
    except (ValueError, TypeError, IdeaCategory.DoesNotExist):
        raise InvalidInput(_("Choose one of the board's categories."), field="category") from None


def _clean_image(image):
    if not image:
        return None
    try:
        return clean_uploaded_image(image)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="image") from None


def submit_idea(
    board: IdeasBoardPage,
    *,
    author: User,
    title: str,
    description: str,
    category_id: int | str | None = None,
    image=None,
) -> Idea:
    """A member posts an idea. It stays pending, seen only by its author and moderators,
    until a moderator approves it."""
    rules.check_can_post(author, board)
    check_intake_open(author, brand_id=board.brand_id, container_id=board.pk)
    check_rate(author, "submit")
    if image:
        check_rate(author, "upload")
    title, description = _clean_text(title, description)
    category = _clean_category(board, category_id)
    cleaned = _clean_image(image)
    idea = Idea(
        board=board,
        author=author,
        title=title,
        description=description,
        category=category,
        live=False,
    )
    if cleaned is not None:
        idea.image.save(cleaned.name, cleaned, save=False)
    try:
        with transaction.atomic():
            idea.save()
            submit_for_moderation(idea, user=author)
    except BaseException:
        if idea.image:
            idea.image.delete(save=False)
        raise
    return idea


def _check_author(idea: Idea, author: User) -> None:
    rules.check_can_take_part(author)
    if idea.author_id != author.pk:
        raise NotAllowed(_("Only its author can change this idea."))


def edit_idea(
    idea: Idea,
    *,
    author: User,
    title: str,
    description: str,
    category_id: int | str | None = None,
    image=None,
    remove_image: bool = False,
) -> Idea:
    """The author changes their idea. The edit goes to moderation; an approved idea keeps its
    approved version public until then."""
    _check_author(idea, author)
    if idea.status == IdeaStatus.MERGED:
        raise Conflict(_("This idea was merged into another one and cannot change."))
    rules.check_board_open(idea.board)
    check_intake_open(author, brand_id=idea.board.brand_id, container_id=idea.board_id)
    check_rate(author, "edit")
    if image:
        check_rate(author, "upload")
    title, description = _clean_text(title, description)
    category = _clean_category(idea.board, category_id)
    cleaned = _clean_image(image)
    try:
        with transaction.atomic():
            row = Idea.objects.select_for_update(no_key=True).get(pk=idea.pk)
            version = row.get_latest_revision_as_object()  # builds on a pending edit, if any
            version.title, version.description, version.category = title, description, category
            if cleaned is not None:
                version.image.save(cleaned.name, cleaned, save=False)
            elif remove_image:
                version.image = ""
            if row.live:
                submit_for_moderation(version, user=author)
            else:
                # Not public: the row itself is the author's draft.
                version.save()
                if row.moderation_status in (ModerationStatus.REJECTED, ModerationStatus.REMOVED):
                    resubmit(version, user=author)
                else:
                    submit_for_moderation(version, user=author)
    except BaseException:
        if cleaned is not None and version.image:
            version.image.delete(save=False)
        raise
    return version


@transaction.atomic
def withdraw_idea(idea: Idea, *, author: User) -> None:
    """The author withdraws their idea while the brand has not answered it: it is deleted with
    its supports, revisions and queued moderation items."""
    _check_author(idea, author)
    if idea.status != IdeaStatus.NEW or idea.merged_ideas.exists():
        raise Conflict(
            _("The brand has already acted on this idea: it can no longer be withdrawn.")
        )
    name = idea.image.name if idea.image else ""
    ModerationItem.objects.for_object(idea).delete()
    idea.revisions.delete()
    idea.delete()
    if name:
        storage = Idea._meta.get_field("image").storage
        transaction.on_commit(lambda: storage.delete(name))


def _shown_changed(*ideas: Idea) -> None:
    """The pages showing these ideas (their own and their board's) are stale after commit."""
    tags = set()
    for idea in ideas:
        tags.update((idea_tag(idea.pk), board_tag(idea.board_id)))
    page_cache.invalidate(*sorted(tags))


# Support -----------------------------------------------------------------------------------------
def board_group(board_id: int) -> str:
    return f"board-{board_id}"


def current_supports(board: IdeasBoardPage, idea_ids=None) -> dict:
    """Counted supports now of the board's approved ideas (or of `idea_ids`):
    {"totals": {idea_id: supports}}. Every live total is read through this."""
    ideas = Idea.objects.public().filter(board=board)
    if idea_ids is not None:
        ideas = ideas.filter(pk__in=list(idea_ids))
    rows = ideas.with_support_counts().values_list("pk", "support_count")
    return {"totals": {str(pk): count for pk, count in rows}}


def _live_supports(board_id: int, idea_ids: set[int]) -> dict | None:
    board = IdeasBoardPage.objects.live().public().filter(pk=board_id).first()
    if board is None:
        return None
    body = current_supports(board, idea_ids)
    return body if body["totals"] else None


live.register(
    live.Kind(
        name="supports", group=board_group, event_type="supports.changed", read=_live_supports
    )
)


def support_count(idea: Idea) -> int:
    return Support.objects.counted().filter(idea=idea).count()


def has_supported(idea: Idea, member: User) -> bool:
    return member.is_authenticated and Support.objects.filter(idea=idea, member=member).exists()


def support_idea(idea: Idea, *, member: User, now: datetime | None = None) -> bool:
    """One support per member and idea. Returns False when the member had already supported
    it (nothing changes), so a retried request is harmless."""
    now = now or timezone.now()
    rules.check_can_support(member, idea, now)
    check_rate(member, "support")
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, member=member, created_at=now)
    except IntegrityError:
        return False
    live.changed("supports", idea.board_id, [idea.pk])
    _advance(idea, now)
    _shown_changed(idea)
    return True


def withdraw_support(idea: Idea, *, member: User) -> bool:
    rules.check_can_take_part(member)
    check_rate(member, "support")
    deleted, _rows = Support.objects.filter(idea=idea, member=member).delete()
    if deleted:
        live.changed("supports", idea.board_id, [idea.pk])
        _shown_changed(idea)
    return bool(deleted)


def _staff_of(board: IdeasBoardPage) -> QuerySet[User]:
    group_id = board.brand.staff_group_id
    if group_id is None:
        return User.objects.none()
    return User.objects.filter(groups=group_id, is_active=True)


def _advance(idea: Idea, now: datetime) -> None:
    """After supports changed: clear the stages the idea has reached and, the first time it
    reaches the board's goal, send it to review and tell the brand's staff. Each step is a
    conditional update, so concurrent supports record it once."""
    board = idea.board
    count = support_count(idea)
    stages = board.stage_list()
    cleared = Idea.objects.filter(pk=idea.pk).values_list("stages_cleared", flat=True).first()
    while cleared is not None and cleared < len(stages) and count >= stages[cleared].supporters:
        moved = Idea.objects.filter(pk=idea.pk, stages_cleared=cleared).update(
            stages_cleared=cleared + 1, stage_started_at=now
        )
        if moved:
            StatusUpdate.objects.create(
                idea=idea,
                kind=StatusUpdate.Kind.STAGE,
                status=idea.status,
                previous_status=idea.status,
                brand_id=board.brand_id,
                created_at=now,
            )
        cleared += 1
    if count < board.support_goal:
        return
    with transaction.atomic():
        reached = Idea.objects.filter(pk=idea.pk, goal_reached_at__isnull=True).update(
            goal_reached_at=now
        )
        if not reached:
            return
        idea.refresh_from_db(fields=["status", "goal_reached_at"])
        previous = idea.status
        if previous == IdeaStatus.NEW:
            Idea.objects.filter(pk=idea.pk).update(
                status=IdeaStatus.UNDER_REVIEW, status_changed_at=now
            )
            idea.status = IdeaStatus.UNDER_REVIEW
        StatusUpdate.objects.create(
            idea=idea,
            kind=StatusUpdate.Kind.GOAL,
            status=idea.status,
            previous_status=previous,
            brand_id=board.brand_id,
            created_at=now,
        )
        url = idea.get_absolute_url()
        params = {**_about(idea, board), "goal": board.support_goal}
        notify_many(_staff_of(board), kind="ideas.goal_staff", params=params, url=url)
        _tell_followers(idea, kind="ideas.goal", params=params)


# Following ---------------------------------------------------------------------------------------
def _check_can_follow(user: User) -> None:
    if not (user.is_authenticated and user.is_active):
        raise NotAllowed(_("Sign in to follow."))


def follow_idea(idea: Idea, *, user: User) -> bool:
    _check_can_follow(user)
    if not rules.can_see(user, idea):
        raise NotAllowed(_("This idea is not public."))
    try:
        with transaction.atomic():
            IdeaFollow.objects.create(user=user, idea=idea)
    except IntegrityError:
        return False
    return True


def unfollow_idea(idea: Idea, *, user: User) -> bool:
    _check_can_follow(user)
    return bool(IdeaFollow.objects.filter(user=user, idea=idea).delete()[0])


def follow_board(board: IdeasBoardPage, *, user: User) -> bool:
    _check_can_follow(user)
    try:
        with transaction.atomic():
            BoardFollow.objects.create(user=user, board=board)
    except IntegrityError:
        return False
    return True


def unfollow_board(board: IdeasBoardPage, *, user: User) -> bool:
    _check_can_follow(user)
    return bool(BoardFollow.objects.filter(user=user, board=board).delete()[0])


def followers(idea: Idea) -> QuerySet[User]:
    """Who hears about the idea: its author, its followers and its board's followers."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk=idea.author_id)
            | Q(idea_follows__idea=idea)
            | Q(board_follows__board_id=idea.board_id)
        )
        .distinct()
    )


def _about(idea: Idea, board: IdeasBoardPage | None = None) -> dict:
    """Notification parameters naming the idea and its board (community.notification_kinds)."""
    board = board or idea.board
    return {
        "title": idea.title,
        "idea_id": idea.pk,
        "board": in_every_language(board, "title"),
        "board_id": board.pk,
        "brand_id": board.brand_id,
    }


def _tell_followers(
    idea: Idea, *, kind: str, params: dict | None = None, exclude: User | None = None
) -> int:
    recipients = followers(idea)
    if exclude is not None:
        recipients = recipients.exclude(pk=exclude.pk)
    return notify_many(
        recipients, kind=kind, params=params or _about(idea), url=idea.get_absolute_url()
    )


# The brand answers -------------------------------------------------------------------------------
def _clean_answer(answer: str, *, required: bool = True) -> str:
    answer = (answer or "").strip()
    if required and not answer:
        raise InvalidInput(_("Write the brand's answer."), field="answer")
    if len(answer) > ANSWER_MAX:
        raise InvalidInput(
            _("An answer can be at most %(n)s characters long.") % {"n": ANSWER_MAX},
            field="answer",
        )
    return answer


def _lock_public(idea: Idea) -> Idea:
    locked = (
        Idea.objects.select_for_update(no_key=True).select_related("board__brand").get(pk=idea.pk)
    )
    if not locked.live:
        raise Conflict(_("Only approved ideas can be answered."))
    return locked


@transaction.atomic
def answer_idea(idea: Idea, *, actor: User, status: str, answer: str) -> StatusUpdate:
    """Brand staff set the idea's status with a public answer, signed by the brand. It is
    published at once, logged, and its author and followers are told."""
    rules.check_can_manage(actor, idea.board)
    if status not in ANSWER_STATUSES:
        raise InvalidInput(_("Choose one of the statuses."), field="status")
    answer = _clean_answer(answer)
    locked = _lock_public(idea)
    if locked.status == IdeaStatus.MERGED:
        raise Conflict(_("This idea was merged into another one: answer that one instead."))
    now = timezone.now()
    previous = locked.status
    Idea.objects.filter(pk=locked.pk).update(status=status, status_changed_at=now)
    idea.status, idea.status_changed_at = status, now
    update = StatusUpdate.objects.create(
        idea=locked,
        kind=StatusUpdate.Kind.ANSWER,
        status=status,
        previous_status=previous,
        answer=answer,
        brand_id=locked.board.brand_id,
        author=actor,
        created_at=now,
    )
    _shown_changed(locked)
    wagtail_log(
        instance=locked,
        action="ideas.answer",
        user=actor,
        data={"status": status, "previous_status": previous, "update": update.pk},
    )
    _tell_followers(
        locked,
        kind="ideas.answer",
        params={
            **_about(locked),
            "brand": locked.board.brand.name,
            "status": status,
            "status_field": "ideas.idea.status",
        },
        exclude=actor,
    )
    return update


@transaction.atomic
def edit_answer(update: StatusUpdate, *, actor: User, answer: str) -> StatusUpdate:
    """Staff correct a published answer; the timeline shows it was edited, the log keeps both."""
    idea = update.idea
    rules.check_can_manage(actor, idea.board)
    if update.kind != StatusUpdate.Kind.ANSWER:
        raise Conflict(_("Only the brand's answers can be edited."))
    answer = _clean_answer(answer)
    previous = update.answer
    update.answer = answer
    update.edited_at = timezone.now()
    update.edited_by = actor
    update.save(update_fields=["answer", "edited_at", "edited_by"])
    _shown_changed(idea)
    wagtail_log(
        instance=idea,
        action="ideas.answer_edit",
        user=actor,
        data={"update": update.pk, "previous_answer": previous[:1000]},
    )
    return update


@transaction.atomic
def revive_idea(idea: Idea, *, actor: User, answer: str = "") -> StatusUpdate:
    """Staff give an expired idea a new chance: the current stage's clock starts again."""
    rules.check_can_manage(actor, idea.board)
    answer = _clean_answer(answer, required=False)
    locked = _lock_public(idea)
    now = timezone.now()
    if locked.status != IdeaStatus.EXPIRED and not locked.has_missed_stage_at(now):
        raise Conflict(_("Only expired ideas can be revived."))
    status = IdeaStatus.UNDER_REVIEW if locked.goal_reached_at else IdeaStatus.NEW
    Idea.objects.filter(pk=locked.pk).update(
        status=status, status_changed_at=now, stage_started_at=now
    )
    update = StatusUpdate.objects.create(
        idea=locked,
        kind=StatusUpdate.Kind.REVIVED,
        status=status,
        previous_status=IdeaStatus.EXPIRED,
        answer=answer,
        brand_id=locked.board.brand_id,
        author=actor,
        created_at=now,
    )
    _shown_changed(locked)
    wagtail_log(instance=locked, action="ideas.revive", user=actor, data={"update": update.pk})
    _tell_followers(
        locked,
        kind="ideas.revived",
        exclude=actor,
    )
    return update


def expire_ideas(now: datetime | None = None) -> int:
    """Record the expiry of ideas that missed a stage of their board. Phases come from dates,
    so such an idea already shows as expired and refuses support; this makes it visible in
    lists and tells its author and followers. Safe to run as often as you like."""
    now = now or timezone.now()
    expired = 0
    boards = IdeasBoardPage.objects.filter(stages__isnull=False).distinct()
    for board in boards.prefetch_related("stages").select_related("brand"):
        stages = board.stage_list()
        candidates = Idea.objects.filter(
            board=board, live=True, status=IdeaStatus.NEW, goal_reached_at__isnull=True
        ).exclude(stage_started_at__isnull=True, first_published_at__isnull=True)
        for idea in candidates:
            idea.board = board
            if idea.has_missed_stage_at(now, stages):
                expired += _expire(idea, now)
    return expired


@transaction.atomic
def _expire(idea: Idea, now: datetime) -> int:
    if not Idea.objects.filter(pk=idea.pk, status=IdeaStatus.NEW).update(
        status=IdeaStatus.EXPIRED, status_changed_at=now
    ):
        return 0
    _shown_changed(idea)
    StatusUpdate.objects.create(
        idea=idea,
        kind=StatusUpdate.Kind.EXPIRED,
        status=IdeaStatus.EXPIRED,
        previous_status=IdeaStatus.NEW,
        brand_id=idea.board.brand_id,
        created_at=now,
    )
    _tell_followers(
        idea,
        kind="ideas.expired",
    )
    return 1


@transaction.atomic
def merge_ideas(source: Idea, *, into: Idea, actor: User, answer: str = "") -> Idea:
    """Staff merge a duplicate (`source`) into `into`: its supports move over without counting
    anyone twice, its followers follow the target, its address redirects there, and both
    authors and the source's followers are told."""
    rules.check_can_manage(actor, source.board)
    if source.pk == into.pk:
        raise InvalidInput(_("An idea cannot be merged into itself."), field="into")
    if source.board_id != into.board_id:
        raise InvalidInput(_("Ideas can be merged only within one board."), field="into")
    answer = _clean_answer(answer, required=False)
    # Lock both rows in a fixed order: two merges of the same pair cannot deadlock or cross.
    # Every lock on an idea is FOR NO KEY UPDATE (no idea's key changes): a support committing
    # meanwhile checks its foreign key with a KEY SHARE lock on the idea, which FOR UPDATE would
    # block while the merge waits on that support's row, a deadlock.
    locked = {
        i.pk: i
        for i in Idea.objects.select_for_update(no_key=True)
        .select_related("board__brand")
        .filter(pk__in=[source.pk, into.pk])
        .order_by("pk")
    }
    source, into = locked[source.pk], locked[into.pk]
    if not (source.live and into.live):
        raise Conflict(_("Only approved ideas can be merged."))
    if IdeaStatus.MERGED in (source.status, into.status):
        raise Conflict(_("One of these ideas is already merged."))
    now = timezone.now()
    moving = Support.objects.filter(idea=source).exclude(member_id=into.author_id)
    Support.objects.bulk_create(
        [Support(idea=into, member_id=s.member_id, created_at=s.created_at) for s in moving],
        ignore_conflicts=True,  # members who supported both count once
    )
    Support.objects.filter(idea=source).delete()
    live.changed("supports", into.board_id, [source.pk, into.pk])
    source_followers = list(
        IdeaFollow.objects.filter(idea=source).values_list("user_id", flat=True)
    )
    IdeaFollow.objects.bulk_create(
        [IdeaFollow(user_id=user_id, idea=into) for user_id in source_followers],
        ignore_conflicts=True,
    )
    Idea.objects.filter(pk=source.pk).update(
        status=IdeaStatus.MERGED, status_changed_at=now, merged_into=into
    )
    brand_id = source.board.brand_id
    StatusUpdate.objects.create(
        idea=source,
        kind=StatusUpdate.Kind.MERGED,
        status=IdeaStatus.MERGED,
        previous_status=source.status,
        answer=answer,
        brand_id=brand_id,
        author=actor,
        created_at=now,
    )
    StatusUpdate.objects.create(
        idea=into,
        kind=StatusUpdate.Kind.MERGED,
        status=into.status,
        previous_status=into.status,
        answer=answer,
        brand_id=brand_id,
        author=actor,
        created_at=now,
    )
    _shown_changed(source, into)
    wagtail_log(instance=source, action="ideas.merge", user=actor, data={"into": into.pk})
    recipients = User.objects.filter(is_active=True).filter(
        pk__in=[source.author_id, into.author_id, *source_followers]
    )
    notify_many(
        recipients.exclude(pk=actor.pk),
        kind="ideas.merged",
        params={
            **_about(into),
            "source": source.title,
            "source_id": source.pk,
            "target": into.title,
        },
        url=into.get_absolute_url(),
    )
    source.status, source.merged_into = IdeaStatus.MERGED, into
    _advance(into, now)
    return into


def merge_target(idea: Idea) -> Idea:
    """Where a merged idea's address leads: the end of its merge chain."""
    seen = {idea.pk}
    while idea.merged_into_id and idea.merged_into_id not in seen:
        seen.add(idea.merged_into_id)
        idea = Idea.objects.select_related("board").get(pk=idea.merged_into_id)
    return idea


# From idea to contest ----------------------------------------------------------------------------
@transaction.atomic
def open_contest_from_idea(idea: Idea, *, actor: User, title: str = "") -> "object":
    """Staff start a design contest from an idea: a draft contest under the brand's page that
    links back to the idea (and the idea to it); staff finish and publish it in the CMS."""
    from contests.models import ContestPage

    rules.check_can_manage(actor, idea.board)
    locked = _lock_public(idea)
    if locked.contest_id:
        raise Conflict(_("A design contest was already opened from this idea."))
    title = " ".join((title or "").split()) or locked.title
    brand_page = locked.board.get_parent().specific
    now = timezone.now()
    opens = (now + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    contest = ContestPage(
        title=title[:255],
        brand_id=locked.board.brand_id,
        summary=locked.title[:280],
        submissions_open_at=opens,
        submissions_close_at=opens + timedelta(days=30),
        voting_open_at=opens + timedelta(days=30),
        voting_close_at=opens + timedelta(days=44),
        live=False,
    )
    brand_page.add_child(instance=contest)
    contest.save_revision(user=actor)
    Idea.objects.filter(pk=locked.pk).update(contest=contest)
    StatusUpdate.objects.create(
        idea=locked,
        kind=StatusUpdate.Kind.CONTEST,
        status=locked.status,
        previous_status=locked.status,
        brand_id=locked.board.brand_id,
        author=actor,
        created_at=now,
    )
    _shown_changed(locked)
    wagtail_log(instance=locked, action="ideas.contest", user=actor, data={"contest": contest.pk})
    idea.contest = contest
    return contest
