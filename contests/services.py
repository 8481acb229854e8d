"""Every write in a contest. HTML views, the API, the admin and consumers call these."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import InvalidInput
from community.images import clean_uploaded_image
from community.models import User
from community.realtime import publish_after_commit
from contests import rules
from contests.models import Award, ContestPage, ContestResult, Entry, Vote
from moderation.intake import check_intake_open, check_not_suspended
from moderation.services import submit_for_moderation

logger = logging.getLogger(__name__)


def contest_group(contest_id: int) -> str:
    return f"contest-{contest_id}"


def submit_entry(
    contest: ContestPage, *, author: User, title: str, description: str, image
) -> Entry:
    """A member submits a design. It stays pending, seen only by its author and moderators,
    until a moderator approves it."""
    rules.check_can_submit(author, contest)
    check_intake_open(author, contest=contest)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give your entry a title."), field="title")
    # TextField's max_length is not a model validator: the HTML form checked it, the API did not.
    description = description or ""
    max_description = Entry._meta.get_field("description").max_length
    if len(description) > max_description:
        raise InvalidInput(
            _("A description can be at most %(n)s characters long.") % {"n": max_description},
            field="description",
        )
    try:
        cleaned = clean_uploaded_image(image)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="image") from None
    entry = Entry(contest=contest, author=author, title=title, description=description)
    entry.image.save(cleaned.name, cleaned, save=False)
    try:
        with transaction.atomic():
            entry.full_clean(exclude=["image"])
            entry.save()
            submit_for_moderation(entry, user=author)
    except ValidationError as error:
        entry.image.delete(save=False)
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=field) from None
    except Exception:
        entry.image.delete(save=False)  # nothing half-saved: no orphan file
        raise
    return entry


def vote_count(entry: Entry) -> int:
    return Vote.objects.filter(entry=entry).count()


def _announce_votes(entry: Entry) -> None:
    publish_after_commit(
        contest_group(entry.contest_id),
        {"type": "votes.changed", "entry_id": entry.pk, "votes": vote_count(entry)},
    )


def cast_vote(entry: Entry, *, voter: User) -> bool:
    """Record the member's vote; returns False when they had already voted (nothing changes)."""
    rules.check_can_vote(voter, entry)
    check_not_suspended(voter)
    try:
        with transaction.atomic():
            Vote.objects.create(entry=entry, contest_id=entry.contest_id, voter=voter)
            _announce_votes(entry)
    except IntegrityError:
        return False  # the unique constraint says this member already voted
    return True


def withdraw_vote(entry: Entry, *, voter: User) -> bool:
    """Remove the member's vote; returns False when there was none."""
    rules.check_can_vote(voter, entry)
    with transaction.atomic():
        deleted, _rows = Vote.objects.filter(entry=entry, voter=voter).delete()
        if deleted:
            _announce_votes(entry)
    return bool(deleted)


@transaction.atomic
def pick_winners(contest: ContestPage, *, staff: User, entry_ids: list[int]) -> list[Award]:
    """Brand staff rank the winners (first is first prize) and announce the results."""
    rules.check_can_pick_winners(staff, contest)
    if not entry_ids:
        raise InvalidInput(_("Pick at least one winning entry."), field="entries")
    if len(set(entry_ids)) != len(entry_ids):
        raise InvalidInput(_("Each entry can win only one place."), field="entries")
    # Lock the contest so two staff members picking at once cannot interleave.
    ContestPage.objects.select_for_update().filter(pk=contest.pk).first()
    entries = Entry.objects.public().filter(contest=contest).in_bulk(entry_ids)
    missing = [pk for pk in entry_ids if pk not in entries]
    if missing:
        raise InvalidInput(
            _("These entries are not approved entries of this contest: %(ids)s")
            % {"ids": ", ".join(map(str, missing))},
            field="entries",
        )
    Award.objects.filter(contest=contest, kind=Award.Kind.WINNER).delete()
    awards = Award.objects.bulk_create(
        Award(contest=contest, entry=entries[pk], rank=rank, awarded_by=staff)
        for rank, pk in enumerate(entry_ids, start=1)
    )
    result, created = ContestResult.objects.get_or_create(
        contest=contest, defaults={"announced_by": staff, "announced_at": timezone.now()}
    )
    if not created:
        logger.info("Winners of contest %s changed by %s", contest.pk, staff.pk)
    contest.result = result
    contest.__dict__.pop("results_announced_at", None)
    publish_after_commit(
        contest_group(contest.pk),
        {"type": "results.announced", "winners": [a.entry_id for a in awards]},
    )
    return awards
