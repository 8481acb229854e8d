"""A member's contest data for their export, and its erasure when they delete their account
(see privacy.hooks): entries with their images, votes, jury scores."""

from django.db import transaction

from community.images import private_storage
from community.models import User
from contests.models import Award, Entry, JuryScore, Vote


def _image_names(entry: Entry) -> list[str]:
    """Every image of the entry: the row's and those of its revisions (pending edits)."""
    names = [entry.image.name, *(extra.image.name for extra in entry.extra_images.all())]
    for content in entry.revisions.values_list("content", flat=True):
        names.append(content.get("image") or "")
        names.extend(extra.get("image") or "" for extra in content.get("extra_images", []))
    return list(dict.fromkeys(name for name in names if name))


def member_data(user: User) -> dict:
    entries = (
        Entry.objects.filter(author=user)
        .select_related("contest")
        .prefetch_related("extra_images", "tagged__tag")
        .order_by("created_at", "pk")
    )
    files: list[str] = []
    records = []
    for entry in entries:
        names = _image_names(entry)
        files.extend(names)
        records.append(
            {
                "id": entry.pk,
                "contest": entry.contest.title,
                "title": entry.title,
                "description": entry.description,
                "tags": sorted(t.tag.name for t in entry.tagged.all()),
                "status": entry.moderation_status,
                "public": entry.live,
                "created_at": entry.created_at,
                "rules_accepted_at": entry.rules_accepted_at,
                "images": [f"files/{name}" for name in names],
                "awards": [
                    {"kind": a.kind, "rank": a.rank}
                    for a in Award.objects.filter(entry=entry).order_by("kind", "rank")
                ],
            }
        )
    votes = [
        {
            "contest": v.entry.contest.title,
            "entry_id": v.entry_id,
            "entry": v.entry.title,
            "score": v.score,
            "created_at": v.created_at,
        }
        for v in Vote.objects.filter(voter=user).select_related("entry__contest")
    ]
    scores = [
        {
            "entry_id": s.entry_id,
            "criterion": s.criterion.name,
            "score": s.score,
            "scored_at": s.scored_at,
        }
        for s in JuryScore.objects.filter(juror=user).select_related("criterion")
    ]
    return {
        "name": "contests",
        "records": {"entries": records, "votes": votes, "jury_scores": scores},
        "files": files,
    }


def erase_member(user: User, *, keep_contributions: bool) -> None:
    """Votes in contests whose results are not out are withdrawn; votes of announced contests
    stay (anonymous now), so those results do not change. Entries stay under "deleted member"
    when the member keeps their contributions; otherwise they are deleted with their images,
    except entries that won an award in an announced contest (kept, anonymised)."""
    Vote.objects.filter(voter=user, contest__result__isnull=True).delete()
    if keep_contributions:
        return
    awarded = Award.objects.filter(contest__result__isnull=False).values("entry_id")
    names: list[str] = []
    for entry in Entry.objects.filter(author=user).exclude(pk__in=awarded):
        names.extend(_image_names(entry))
        entry.revisions.delete()  # and, by cascade, its moderation items
        entry.delete()
    storage = private_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
