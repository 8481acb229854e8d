"""The velocity rule: votes that look like one person with many accounts are held aside.

When, within the window (COCREO_VOTE_WINDOW_MINUTES), more than COCREO_VOTE_MAX_NEW_ACCOUNTS
votes for one entry come from accounts younger than COCREO_VOTE_NEW_ACCOUNT_DAYS, or more than
COCREO_VOTE_MAX_SAME_NETWORK come from one network (/24 IPv4, /64 IPv6), those votes are held:
they stay in the database but count nowhere until a moderator clears them (they count) or voids
them. Only votes are held: the entry itself is never touched, so nobody can sink a rival's
entry by voting for it from many accounts. A vote a moderator has cleared is not held again.

`cast_vote` runs this with the entry's row locked, so concurrent votes are seen in order and
cannot slip under the thresholds together.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Subquery
from django.db.models.lookups import GreaterThan

from contests.models import Vote, VoteStatus

HOLD_NEW_ACCOUNTS = "new_accounts"
HOLD_NETWORK = "network"


def apply(vote: Vote, *, now) -> bool:
    """Hold `vote` (just created) and the votes of the same burst if a threshold is passed.
    Returns whether `vote` is held."""
    since = now - timedelta(minutes=settings.COCREO_VOTE_WINDOW_MINUTES)
    recent = Vote.objects.filter(entry_id=vote.entry_id, created_at__gte=since)
    held = False
    young_since = now - timedelta(days=settings.COCREO_VOTE_NEW_ACCOUNT_DAYS)
    if vote.voter.date_joined > young_since:
        young = recent.filter(voter__date_joined__gt=young_since)
        held |= _hold_if_over(young, settings.COCREO_VOTE_MAX_NEW_ACCOUNTS, HOLD_NEW_ACCOUNTS)
    if vote.network:
        same = recent.filter(network=vote.network)
        held |= _hold_if_over(same, settings.COCREO_VOTE_MAX_SAME_NETWORK, HOLD_NETWORK)
    return held


def _hold_if_over(burst, limit: int, reason: str) -> bool:
    """Hold the burst's votes if it has more than `limit` votes (all of them, held or not), in
    one statement: this runs while the entry's row is locked, so every round trip saved is
    time other voters of the entry do not wait. The vote just cast belongs to the burst and is
    still counted, so some row is updated exactly when the limit is passed."""
    size = burst.order_by().values("entry_id").annotate(n=Count("pk")).values("n")
    # Only counted votes that no moderator has looked at (a cleared vote keeps its hold_reason).
    return bool(
        burst.filter(GreaterThan(Subquery(size), limit))
        .filter(status=VoteStatus.COUNTED, hold_reason="")
        .update(status=VoteStatus.HELD, hold_reason=reason)
    )
