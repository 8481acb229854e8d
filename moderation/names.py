"""Names chosen before a blocked term was added: found, held and shown to the moderators.

Sign-up and every name change are screened (community.names). When the blocked terms change,
`screen_existing_names` looks at every member's names again: a member whose name now contains a
blocked term has it held (`User.name_held_at`: the public sees "member (name under review)"
and no member page), the hold is logged, and the moderators are told. The hold ends when the
name is changed to one that passes (User.save), by the member or by a moderator in the admin.
It runs as a task after a blocked term is saved, and as `manage.py screen_member_names`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community import page_cache
from community.names import NAME_FIELDS, name_problems
from community.notifications import notify_many
from community.rules import MODERATORS_GROUP
from moderation.models import LogAction

User = get_user_model()


def problems_in_names(user) -> list[str]:
    found: list[str] = []
    for field in NAME_FIELDS:
        for term in name_problems(getattr(user, field, "") or ""):
            if term not in found:
                found.append(term)
    return found


def screen_existing_names() -> list:
    """Hold every active member's name that contains a blocked term and is not held yet, and
    end the holds of names that pass now (a term was removed); returns the members held now."""
    from moderation.services import log

    released = 0
    for user in User.objects.filter(name_held_at__isnull=False).only("pk", *NAME_FIELDS):
        if not problems_in_names(user):
            released += User.objects.filter(pk=user.pk).update(name_held_at=None)
    candidates = User.objects.filter(erased_at__isnull=True, name_held_at__isnull=True).only(
        "pk", *NAME_FIELDS
    )
    found = []
    for user in candidates.iterator(chunk_size=2000):
        terms = problems_in_names(user)
        if terms:
            found.append((user, terms))
    held = []
    now = timezone.now()
    with transaction.atomic():
        for user, terms in found:
            # Only if still unheld and unchanged: a rename meanwhile is screened on its own.
            updated = User.objects.filter(
                pk=user.pk,
                name_held_at__isnull=True,
                **{field: getattr(user, field) for field in NAME_FIELDS},
            ).update(name_held_at=now)
            if not updated:
                continue
            held.append(user)
            log(
                LogAction.NAME_HOLD,
                actor=None,
                member=user,
                summary=_("Name held: %(name)s") % {"name": user.username},
                reason=", ".join(terms),
            )
        if held or released:
            # Bylines on pages shared by every viewer show the public names: stale now.
            page_cache.invalidate(page_cache.SITE)
        if held:
            moderators = User.objects.filter(groups__name=MODERATORS_GROUP, is_active=True)
            notify_many(
                moderators.distinct(),
                kind="moderation.names_held",
                params={"n": len(held)},
                url=reverse("moderation:suspensions"),
                email=False,
            )
    return held


def held_names():
    """Members whose names are held, with the blocked terms found (for the moderators)."""
    members = User.objects.filter(name_held_at__isnull=False).order_by("name_held_at", "pk")
    return [(member, problems_in_names(member)) for member in members[:200]]
