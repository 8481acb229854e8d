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
        if young.count() > settings.COCREO_VOTE_MAX_NEW_ACCOUNTS:
            _hold(young, HOLD_NEW_ACCOUNTS)
            held = True
    if vote.network:
        same = recent.filter(network=vote.network)
        if same.count() > settings.COCREO_VOTE_MAX_SAME_NETWORK:
            _hold(same, HOLD_NETWORK)
            held = True
    return held


def _hold(votes, reason: str) -> None:
    # Only counted votes that no moderator has looked at (a cleared vote keeps its hold_reason).
    votes.filter(status=VoteStatus.COUNTED, hold_reason="").update(
        status=VoteStatus.HELD, hold_reason=reason
    )
