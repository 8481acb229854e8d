"""Every write in a contest. HTML views, the API, the admin and consumers call these."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import live, page_cache
from community.errors import Conflict, InvalidInput, NotAllowed
from community.i18n import in_every_language
from community.images import clean_uploaded_image, private_storage
from community.models import User
from community.notifications import notify, notify_many
from community.ratelimits import check_rate
from community.realtime import publish_after_commit
from community.rules import is_moderator
from community.validators import check_text
from contests import rules, velocity
from contests.models import (
    JURY_SCORE_MAX,
    JURY_SCORE_MIN,
    MAX_IMAGES_PER_ENTRY,
    SCORE_MAX,
    SCORE_MIN,
    Award,
    ContestPage,
    ContestResult,
    Entry,
    EntryImage,
    JuryCriterion,
    JuryScore,
    Shortlisting,
    Vote,
    VoteStatus,
    VotingMethod,
    contest_results_tag,
    contest_tag,
    contest_votes_tag,
)
from moderation.intake import check_intake_open, check_not_suspended
from moderation.models import LogAction, ModerationItem, ModerationStatus
from moderation.services import log, submit_for_moderation

logger = logging.getLogger(__name__)


def contest_group(contest_id: int) -> str:
    return f"contest-{contest_id}"


MAX_TAGS = 10
MAX_TAG_LENGTH = 50


def _clean_images(images: list, field: str = "images") -> list:
    """Decode and re-encode each upload; raise InvalidInput naming the image that is wrong."""
    images = [image for image in images if image]
    if not images:
        raise InvalidInput(_("Choose an image to upload."), field=field)
    if len(images) > MAX_IMAGES_PER_ENTRY:
        raise InvalidInput(
            _("An entry can have at most %(n)s images.") % {"n": MAX_IMAGES_PER_ENTRY},
            field=field,
        )
    cleaned = []
    for number, image in enumerate(images, start=1):
        try:
            cleaned.append(clean_uploaded_image(image))
        except ValidationError as error:
            message = error.messages[0]
            if len(images) > 1:
                message = _("Image %(n)s: %(message)s") % {"n": number, "message": message}
            raise InvalidInput(message, field=field) from None
    return cleaned


def _clean_tags(tags: list[str] | str | None) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    names: list[str] = []
    for tag in tags or []:
        name = " ".join(check_text(str(tag), field="tags").split()).lower()
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise InvalidInput(_("Use at most %(n)s tags.") % {"n": MAX_TAGS}, field="tags")
    if any(len(name) > MAX_TAG_LENGTH for name in names):
        raise InvalidInput(
            _("A tag can be at most %(n)s characters long.") % {"n": MAX_TAG_LENGTH},
            field="tags",
        )
    return names


def _clean_text(title: str, description: str) -> tuple[str, str]:
    title = check_text(title, field="title").strip()
    if not title:
        raise InvalidInput(_("Give your entry a title."), field="title")
    # TextField's max_length is not a model validator: the HTML form checked it, the API did not.
    description = check_text(description, field="description")
    max_description = Entry._meta.get_field("description").max_length
    if len(description) > max_description:
        raise InvalidInput(
            _("A description can be at most %(n)s characters long.") % {"n": max_description},
            field="description",
        )
    return title, description


def _set_images(entry: Entry, cleaned: list) -> list[str]:
    """Write the files to private storage and attach them to the (unsaved) version of the entry:
    the first is the cover. Returns the stored names, to delete them if the submission fails."""
    entry.image.save(cleaned[0].name, cleaned[0], save=False)
    extras = []
    for position, content in enumerate(cleaned[1:]):
        extra = EntryImage(sort_order=position)
        extra.image.save(content.name, content, save=False)
        extras.append(extra)
    entry.extra_images = extras
    return [entry.image.name, *(extra.image.name for extra in extras)]


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


def rules_version(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _record_rules(entry: Entry, contest: ContestPage, accept_rules: bool) -> None:
    if not strip_tags(contest.rules or "").strip():
        return
    if not accept_rules:
        raise InvalidInput(
            _("Accept the contest rules to submit your entry."), field="accept_rules"
        )
    entry.rules_accepted_at = timezone.now()
    entry.rules_accepted_text = contest.rules
    entry.rules_accepted_version = rules_version(contest.rules)


def _counted_entries(contest: ContestPage, author: User):
    return Entry.objects.filter(contest=contest, author=author).exclude(
        moderation_status=ModerationStatus.REJECTED
    )


def submit_entry(
    contest: ContestPage,
    *,
    author: User,
    title: str,
    description: str,
    image=None,
    images: list | None = None,
    tags: list[str] | str | None = None,
    accept_rules: bool = False,
) -> Entry:
    """A member submits a design: one to five images (the first is the cover), a title, a
    description and tags. It stays pending, seen only by its author and moderators, until a
    moderator approves it."""
    rules.check_can_submit(author, contest)
    check_intake_open(author, contest=contest)
    check_rate(author, "submit")
    new_images = ([image] if image else []) + list(images or [])
    if new_images:
        check_rate(author, "upload", cost=len(new_images))
    title, description = _clean_text(title, description)
    tag_names = _clean_tags(tags)
    entry = Entry(contest=contest, author=author, title=title, description=description)
    _record_rules(entry, contest, accept_rules)
    cleaned = _clean_images(new_images, "images" if images else "image")
    names = _set_images(entry, cleaned)
    try:
        with transaction.atomic():
            # One submission at a time per member: the limit holds under concurrent requests.
            User.objects.select_for_update().filter(pk=author.pk).first()
            if _counted_entries(contest, author).count() >= contest.max_entries_per_member:
                raise NotAllowed(
                    ngettext(
                        "You can submit at most %(n)s entry to this contest.",
                        "You can submit at most %(n)s entries to this contest.",
                        contest.max_entries_per_member,
                    )
                    % {"n": contest.max_entries_per_member}
                )
            entry.tags.set(tag_names)
            entry.full_clean(exclude=["image", "tags"])
            entry.save()
            submit_for_moderation(entry, user=author)
    except ValidationError as error:
        _delete_files(names)
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=field) from None
    except BaseException:
        _delete_files(names)  # nothing half-saved: no orphan file
        raise
    return entry


def _own_entry(entry: Entry, author: User) -> Entry:
    rules.check_can_take_part(author)
    if entry.author_id != author.pk:
        raise NotAllowed(_("Only its author can change this entry."))
    rules.check_submissions_open(entry.contest)
    return entry


def _check_edits_left(row: Entry) -> None:
    """At most settings.COCREO_ENTRY_EDITS_PER_DAY edits of one entry in 24 hours: each edit is
    a revision for a moderator to read. Called with the entry's row locked."""
    limit = settings.COCREO_ENTRY_EDITS_PER_DAY
    since = timezone.now() - timedelta(days=1)
    edits = row.revisions.filter(created_at__gte=since).count()
    if row.created_at >= since:
        edits -= 1  # the submission's own revision
    if edits >= limit:
        raise Conflict(
            ngettext(
                "This entry has been edited %(n)s time in the last 24 hours, the most allowed. "
                "Try again tomorrow.",
                "This entry has been edited %(n)s times in the last 24 hours, the most allowed. "
                "Try again tomorrow.",
                limit,
            )
            % {"n": limit}
        )


@transaction.atomic
def edit_entry(
    entry: Entry,
    *,
    author: User,
    title: str,
    description: str,
    images: list | None = None,
    tags: list[str] | str | None = None,
) -> Entry:
    """The author changes their entry while submissions are open. The edit goes to moderation;
    an approved entry keeps its approved version (text and images) public until then.
    `images=None` keeps the images; a list replaces all of them (the first is the cover);
    `tags=None` keeps the tags."""
    _own_entry(entry, author)
    check_intake_open(author, contest=entry.contest)  # an edit is new content to screen
    check_rate(author, "edit")
    if images:
        check_rate(author, "upload", cost=len(images))
    title, description = _clean_text(title, description)
    tag_names = None if tags is None else _clean_tags(tags)
    cleaned = _clean_images(images) if images is not None else None
    row = Entry.objects.select_for_update().get(pk=entry.pk)
    _check_edits_left(row)
    version = row.get_latest_revision_as_object()  # builds on a pending edit, if any
    version.title, version.description = title, description
    if tag_names is not None:
        version.tags.set(tag_names)
    names = _set_images(version, cleaned) if cleaned else []
    try:
        if not row.live:
            # Not public yet: the row itself is the author's draft.
            version.save()
        submit_for_moderation(version, user=author)
    except BaseException:
        _delete_files(names)
        raise
    return version


@transaction.atomic
def withdraw_entry(entry: Entry, *, author: User) -> None:
    """The author withdraws their entry while submissions are open: it is deleted, with its
    votes, revisions and queued moderation items, and no longer counts towards the limit."""
    _own_entry(entry, author)
    names = [entry.image.name, *(e.image.name for e in entry.extra_images.all())]
    ModerationItem.objects.for_object(entry).delete()
    entry.revisions.delete()
    entry.delete()
    transaction.on_commit(lambda: _delete_files([n for n in names if n]))


def vote_count(entry: Entry) -> int:
    return Vote.objects.filter(entry=entry).counted().count()


def vote_totals(entry: Entry) -> dict:
    """The entry's derived totals: number of votes that count and, for score voting, the mean
    score (held and voided votes and those of suspended members are left out)."""
    totals = (
        Vote.objects.filter(entry=entry)
        .counted()
        .aggregate(votes=Count("pk"), average=Avg("score"))
    )
    if entry.contest.voting_method != VotingMethod.SCORE:
        totals["average"] = None
    return totals


def current_totals(contest: ContestPage, entry_ids=None) -> dict:
    """The contest's totals now, for its public entries (or those of `entry_ids`):
    {"totals": {entry_id: votes}} and, for score voting, {"averages": {entry_id: mean}}.
    Callers check `contest.totals_public` first."""
    entries = Entry.objects.public().filter(contest=contest)
    if entry_ids is not None:
        entries = entries.filter(pk__in=list(entry_ids))
    totals = dict.fromkeys(entries.values_list("pk", flat=True), 0)
    score = contest.voting_method == VotingMethod.SCORE
    rows = (
        Vote.objects.counted()
        .filter(entry_id__in=list(totals))
        .values("entry_id")
        .annotate(votes=Count("pk"), average=Avg("score"))
    )
    averages = {}
    for row in rows:
        totals[row["entry_id"]] = row["votes"]
        if score and row["average"] is not None:
            averages[row["entry_id"]] = round(row["average"], 2)
    body = {"totals": {str(pk): n for pk, n in totals.items()}}
    if score:
        body["averages"] = {str(pk): averages.get(pk) for pk in totals}
    return body


def _live_vote_totals(contest_id: int, entry_ids: set[int]) -> dict | None:
    """What a coalesced "votes changed" message carries; nothing while totals are hidden."""
    contest = ContestPage.objects.live().public().filter(pk=contest_id).first()
    if contest is None or not contest.totals_public:
        return None
    body = current_totals(contest, entry_ids)
    return body if body["totals"] else None


live.register(
    live.Kind(
        name="votes",
        group=contest_group,
        event_type="votes.changed",
        read=_live_vote_totals,
    )
)


def votes_left(contest: ContestPage, voter: User) -> int | None:
    """How many votes the member may still cast (budget voting), else None."""
    if contest.voting_method != VotingMethod.BUDGET or not voter.is_authenticated:
        return None
    used = Vote.objects.filter(contest=contest, voter=voter).count()
    return max(contest.vote_budget - used, 0)


def _announce_votes(entry: Entry) -> None:
    """Mark the entry's totals changed: after the commit they go out coalesced (at most one
    message per contest per second, with the totals read then; community/live.py). Hidden
    totals are not sent at all (not even that a vote happened) until the results."""
    if not entry.contest.totals_public:
        return
    page_cache.invalidate(page_cache.object_tag(entry), contest_votes_tag(entry.contest_id))
    live.changed("votes", entry.contest_id, [entry.pk])


def _clean_score(contest: ContestPage, score) -> int | None:
    if contest.voting_method != VotingMethod.SCORE:
        return None
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = None
    if score is None or not SCORE_MIN <= score <= SCORE_MAX:
        raise InvalidInput(
            _("Give a score from %(min)s to %(max)s.") % {"min": SCORE_MIN, "max": SCORE_MAX},
            field="score",
        )
    return score


def cast_vote(entry: Entry, *, voter: User, score: int | None = None, network: str = "") -> bool:
    """Record the member's vote by the contest's voting method; returns False when nothing
    changed (they had already voted, or gave the same score again). `network` is the voter's
    network (`community.network.client_network(request)`), evidence for the velocity rule
    (contests/velocity.py), which may hold the vote aside for a moderator.

    - like: one vote per entry;
    - score: one 1–5 score per entry, which the member may change while voting is open;
    - budget: one vote per entry and at most `vote_budget` votes in the contest. The member's
      row is locked while their votes are counted, so concurrent requests cannot overspend.
    """
    rules.check_can_vote(voter, entry)
    check_not_suspended(voter)
    check_rate(voter, "vote")
    contest = entry.contest
    score = _clean_score(contest, score)
    try:
        with transaction.atomic():
            if contest.voting_method == VotingMethod.BUDGET:
                User.objects.select_for_update().filter(pk=voter.pk).first()
                if Vote.objects.filter(entry=entry, voter=voter).exists():
                    return False
                if Vote.objects.filter(contest=contest, voter=voter).count() >= (
                    contest.vote_budget
                ):
                    raise NotAllowed(
                        ngettext(
                            "You have used your %(n)s vote in this contest. Withdraw it to "
                            "vote for another entry.",
                            "You have used all %(n)s votes in this contest. Withdraw one to "
                            "vote for another entry.",
                            contest.vote_budget,
                        )
                        % {"n": contest.vote_budget}
                    )
            # Votes for one entry take turns, so the velocity rule sees every earlier vote.
            list(Entry.objects.select_for_update().filter(pk=entry.pk).values_list("pk"))
            if score is not None:
                changed = (
                    Vote.objects.filter(entry=entry, voter=voter)
                    .exclude(score=score)
                    .update(score=score)
                )
                if not changed:
                    if Vote.objects.filter(entry=entry, voter=voter).exists():
                        return False
                    _record_vote(entry, voter, score, network)
            else:
                _record_vote(entry, voter, None, network)
            _announce_votes(entry)
    except IntegrityError:
        return False  # the unique constraint says this member already voted
    return True


def _record_vote(entry: Entry, voter: User, score: int | None, network: str) -> Vote:
    vote = Vote.objects.create(
        entry=entry, contest_id=entry.contest_id, voter=voter, score=score, network=network[:64]
    )
    velocity.apply(vote, now=vote.created_at)
    return vote


def held_votes(viewer: User):
    """Votes the velocity rule held, for the moderators' desk (oldest first)."""
    if not is_moderator(viewer):
        raise NotAllowed(_("Only moderators can review held votes."))
    return (
        Vote.objects.held()
        .select_related("voter", "entry", "contest")
        .order_by("entry_id", "created_at", "pk")
    )


@transaction.atomic
def decide_held_votes(
    vote_ids: list[int], *, moderator: User, count: bool, reason: str = ""
) -> int:
    """A moderator clears held votes (they count from now on) or voids them (they never
    count). Each entry's decision is logged. Returns how many votes were decided."""
    if not is_moderator(moderator):
        raise NotAllowed(_("Only moderators can review held votes."))
    votes = list(
        Vote.objects.select_for_update()
        .filter(pk__in=vote_ids, status=VoteStatus.HELD)
        .select_related("entry", "entry__contest")
    )
    if not votes:
        raise InvalidInput(_("Choose held votes to decide on."), field="votes")
    by_entry: dict[int, list[Vote]] = {}
    for vote in votes:
        by_entry.setdefault(vote.entry_id, []).append(vote)
    status = VoteStatus.COUNTED if count else VoteStatus.VOIDED
    Vote.objects.filter(pk__in=[v.pk for v in votes]).update(status=status)
    for entry_votes in by_entry.values():
        entry = entry_votes[0].entry
        log(
            LogAction.VOTES_CLEAR if count else LogAction.VOTES_VOID,
            actor=moderator,
            obj=entry,
            summary=ngettext(
                "%(n)s vote for “%(title)s”", "%(n)s votes for “%(title)s”", len(entry_votes)
            )
            % {"n": len(entry_votes), "title": entry.title},
            reason=(reason or "").strip(),
        )
        _announce_votes(entry)
    return len(votes)


def withdraw_vote(entry: Entry, *, voter: User) -> bool:
    """Remove the member's vote (or score); returns False when there was none."""
    rules.check_can_vote(voter, entry)
    check_rate(voter, "vote")
    with transaction.atomic():
        deleted, _rows = Vote.objects.filter(entry=entry, voter=voter).delete()
        if deleted:
            _announce_votes(entry)
    return bool(deleted)


def community_choice(contest: ContestPage) -> Entry | None:
    """The community's favourite by the contest's voting method (most votes, or the best
    Bayesian average of scores); None when nobody voted."""
    return (
        Entry.objects.public().filter(contest=contest).ranked(contest).filter(vote_count__gt=0)
    ).first()


@transaction.atomic
def pick_winners(
    contest: ContestPage,
    *,
    staff: User,
    entry_ids: list[int],
    mention_ids: list[int] | None = None,
    statement: str | None = None,
    reason: str = "",
) -> list[Award]:
    """Brand staff rank the winners (first is first prize), optionally name honourable mentions
    and write the jury's statement, and announce the results. The Community Choice award goes
    to the community's favourite by the contest's voting method. The first announcement
    notifies the winners and every participant. Changing the awards after the announcement
    needs a `reason`: it is logged in the decision log and every member whose award changed
    is told."""
    rules.check_can_pick_winners(staff, contest)
    reason = (reason or "").strip()
    mention_ids = list(mention_ids or [])
    if not entry_ids:
        raise InvalidInput(_("Pick at least one winning entry."), field="entries")
    if len(set(entry_ids)) != len(entry_ids):
        raise InvalidInput(_("Each entry can win only one place."), field="entries")
    if len(set(mention_ids)) != len(mention_ids) or set(mention_ids) & set(entry_ids):
        raise InvalidInput(
            _("An entry is either a winner or an honourable mention, once."), field="mentions"
        )
    if statement is not None:
        check_text(statement, field="statement")
    if statement is not None and len(statement) > 5000:
        raise InvalidInput(
            _("Keep the jury's statement under %(n)s characters.") % {"n": 5000},
            field="statement",
        )
    # Lock the contest so two staff members picking at once cannot interleave.
    ContestPage.objects.select_for_update().filter(pk=contest.pk).first()
    announced = ContestResult.objects.filter(contest=contest).exists()
    if announced and not reason:
        raise InvalidInput(
            _("The results are out: give a reason for changing them."), field="reason"
        )
    if len(reason) > 1000:
        raise InvalidInput(
            _("Keep the reason under %(n)s characters.") % {"n": 1000}, field="reason"
        )
    before = _award_map(contest)
    entries = Entry.objects.public().filter(contest=contest).in_bulk(entry_ids + mention_ids)
    missing = [pk for pk in entry_ids + mention_ids if pk not in entries]
    if missing:
        raise InvalidInput(
            _("These entries are not approved entries of this contest: %(ids)s")
            % {"ids": ", ".join(map(str, missing))},
            field="entries",
        )
    Award.objects.filter(contest=contest).delete()
    awards = Award.objects.bulk_create(
        [
            Award(contest=contest, entry=entries[pk], rank=rank, awarded_by=staff)
            for rank, pk in enumerate(entry_ids, start=1)
        ]
        + [
            Award(
                contest=contest,
                entry=entries[pk],
                kind=Award.Kind.MENTION,
                rank=rank,
                awarded_by=staff,
            )
            for rank, pk in enumerate(mention_ids, start=1)
        ]
    )
    favourite = community_choice(contest)
    if favourite is not None:
        Award.objects.create(
            contest=contest, entry=favourite, kind=Award.Kind.COMMUNITY, rank=1, awarded_by=staff
        )
    result, created = ContestResult.objects.get_or_create(
        contest=contest, defaults={"announced_by": staff, "announced_at": timezone.now()}
    )
    if statement is not None and result.jury_statement != statement.strip():
        result.jury_statement = statement.strip()
        result.save(update_fields=["jury_statement"])
    if created:
        _notify_results(contest, entries, entry_ids, mention_ids, favourite)
    else:
        _record_change(contest, staff, reason, before, _award_map(contest))
    contest.result = result
    contest.__dict__.pop("results_announced_at", None)
    page_cache.invalidate(
        contest_tag(contest.pk),
        contest_votes_tag(contest.pk),
        contest_results_tag(contest.pk),
        page_cache.LISTINGS,
    )
    winners = [a for a in awards if a.kind == Award.Kind.WINNER]
    publish_after_commit(
        contest_group(contest.pk),
        {"type": "results.announced", "winners": [a.entry_id for a in winners]},
    )
    return winners


def _award_map(contest: ContestPage) -> dict[int, set[tuple[str, int]]]:
    """Each awarded entry's awards, as {entry id: {(kind, rank)}}."""
    awards: dict[int, set[tuple[str, int]]] = {}
    for entry_id, kind, rank in Award.objects.filter(contest=contest).values_list(
        "entry_id", "kind", "rank"
    ):
        awards.setdefault(entry_id, set()).add((kind, rank))
    return awards


def _record_change(contest: ContestPage, staff: User, reason: str, before: dict, after: dict):
    """Winners changed after the announcement: the decision log keeps who, when and why, and
    every member whose award changed (gained, lost or moved) is told."""
    changed = sorted(pk for pk in set(before) | set(after) if before.get(pk) != after.get(pk))
    log(
        LogAction.WINNERS_CHANGE,
        actor=staff,
        obj=contest,
        summary=contest.title,
        reason=reason,
    )
    logger.info("Winners of contest %s changed by %s", contest.pk, staff.pk)
    url = contest.url + contest.reverse_subpage("results")
    authors = User.objects.filter(
        pk__in=Entry.objects.filter(pk__in=changed).values("author_id")
    ).distinct()
    notify_many(
        authors,
        kind="contest.results_changed",
        params={**_about_contest(contest), "reason": reason},
        url=url,
    )


def _about_contest(contest: ContestPage) -> dict:
    return {
        "contest": in_every_language(contest, "title"),
        "contest_id": contest.pk,
        "brand_id": contest.brand_id,
    }


def _about_entry(contest: ContestPage, entry: Entry) -> dict:
    return {**_about_contest(contest), "title": entry.title, "entry_id": entry.pk}


def _notify_results(contest, entries, winner_ids, mention_ids, favourite) -> None:
    url = contest.url + contest.reverse_subpage("results")
    awarded: set[int] = set()
    for rank, pk in enumerate(winner_ids, start=1):
        entry = entries[pk]
        notify(
            entry.author,
            kind="contest.won",
            params={**_about_entry(contest, entry), "rank": rank},
            url=url,
        )
        awarded.add(entry.author_id)
    for pk in mention_ids:
        entry = entries[pk]
        notify(entry.author, kind="contest.mention", params=_about_entry(contest, entry), url=url)
        awarded.add(entry.author_id)
    if favourite is not None:
        notify(
            favourite.author,
            kind="contest.community_choice",
            params=_about_entry(contest, favourite),
            url=url,
        )
        awarded.add(favourite.author_id)
    participants = User.objects.filter(
        pk__in=Entry.objects.filter(contest=contest).values("author_id")
    ).exclude(pk__in=awarded)
    notify_many(participants, kind="contest.results", params=_about_contest(contest), url=url)


# Judging -------------------------------------------------------------------------------------


@transaction.atomic
def set_shortlist(contest: ContestPage, *, staff: User, entry_ids: list[int]) -> list[int]:
    """Brand staff choose the shortlist the jury scores (replacing the previous one). Scores of
    entries taken off the list are kept, in case they come back."""
    rules.check_can_judge(staff, contest)
    wanted = set(entry_ids)
    found = set(
        Entry.objects.public().filter(contest=contest, pk__in=wanted).values_list("pk", flat=True)
    )
    if missing := sorted(wanted - found):
        raise InvalidInput(
            _("These entries are not approved entries of this contest: %(ids)s")
            % {"ids": ", ".join(map(str, missing))},
            field="entries",
        )
    Shortlisting.objects.filter(contest=contest).exclude(entry_id__in=found).delete()
    existing = set(Shortlisting.objects.filter(contest=contest).values_list("entry_id", flat=True))
    Shortlisting.objects.bulk_create(
        Shortlisting(contest=contest, entry_id=pk, added_by=staff) for pk in found - existing
    )
    return sorted(found)


@transaction.atomic
def score_entry(entry: Entry, *, juror: User, scores: dict[int, int]) -> list[JuryScore]:
    """A jury member scores a shortlisted entry from 1 to 10 on every criterion of the contest
    (scoring again replaces their scores)."""
    contest = entry.contest
    rules.check_can_judge(juror, contest)
    if not Shortlisting.objects.filter(entry=entry, contest=contest).exists():
        raise InvalidInput(_("Only shortlisted entries are scored by the jury."), field="entry")
    criteria = list(JuryCriterion.objects.filter(contest=contest))
    if not criteria:
        raise InvalidInput(_("This contest has no jury criteria yet."), field="scores")
    cleaned: dict[int, int] = {}
    for criterion in criteria:
        raw = scores.get(criterion.pk, scores.get(str(criterion.pk)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not JURY_SCORE_MIN <= value <= JURY_SCORE_MAX:
            raise InvalidInput(
                _("Score “%(criterion)s” from %(min)s to %(max)s.")
                % {"criterion": criterion.name, "min": JURY_SCORE_MIN, "max": JURY_SCORE_MAX},
                field=f"criterion-{criterion.pk}",
            )
        cleaned[criterion.pk] = value
    saved = []
    for criterion_id, value in cleaned.items():
        row, _created = JuryScore.objects.update_or_create(
            entry=entry,
            criterion_id=criterion_id,
            juror=juror,
            defaults={"score": value, "scored_at": timezone.now()},
        )
        saved.append(row)
    return saved


JURY_ORDERS = ("overall", "jurors", "title", "votes")


def jury_table(
    contest: ContestPage, order: str = "overall", *, viewer: User
) -> tuple[list, list[dict]]:
    """The jury's aggregated scores of the shortlist: per entry, the average per criterion,
    the overall average (mean of the criterion averages) and the number of jurors.
    `order` is "overall", "jurors", "title", "votes" or "criterion-<id>" (descending numbers).
    Three queries, whatever the number of entries, jurors and scores. Only for the contest's
    brand staff (`viewer`)."""
    rules.check_can_see_jury(viewer, contest)
    criteria = list(JuryCriterion.objects.filter(contest=contest))
    entries = list(
        Entry.objects.public()
        .filter(contest=contest, shortlisting__isnull=False)
        .ranked(contest)
        .select_related("author")
    )
    averages: dict[tuple[int, int], float] = {
        (row["entry_id"], row["criterion_id"]): row["average"]
        for row in JuryScore.objects.filter(entry__in=entries, criterion__in=criteria)
        .values("entry_id", "criterion_id")
        .annotate(average=Avg("score"))
    }
    jurors = dict(
        JuryScore.objects.filter(entry__in=entries)
        .values("entry_id")
        .annotate(n=Count("juror", distinct=True))
        .values_list("entry_id", "n")
    )
    rows = []
    for entry in entries:
        per = [averages.get((entry.pk, c.pk)) for c in criteria]
        given = [a for a in per if a is not None]
        rows.append(
            {
                "entry": entry,
                "averages": per,
                "overall": sum(given) / len(given) if given else None,
                "jurors": jurors.get(entry.pk, 0),
                "votes": entry.vote_count,
            }
        )

    def number(value):
        return (value is not None, value or 0)

    if order == "title":
        rows.sort(key=lambda r: r["entry"].title.lower())
    elif order in ("jurors", "votes"):
        rows.sort(key=lambda r: r[order], reverse=True)
    elif order.startswith("criterion-") and order[10:].isdigit():
        ids = [c.pk for c in criteria]
        index = ids.index(int(order[10:])) if int(order[10:]) in ids else None
        if index is not None:
            rows.sort(key=lambda r: number(r["averages"][index]), reverse=True)
    else:
        rows.sort(key=lambda r: number(r["overall"]), reverse=True)
    return criteria, rows
