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
from django.contrib.auth import get_user_model
from django.db import connection

from contests.models import Vote, VoteStatus

HOLD_NEW_ACCOUNTS = "new_accounts"
HOLD_NETWORK = "network"


def apply(vote: Vote, *, now) -> bool:
    """Hold `vote` (just created) and the votes of the same burst if a threshold is passed.
    Returns whether `vote` is held."""
    since = now - timedelta(minutes=settings.COCREO_VOTE_WINDOW_MINUTES)
    held = False
    young_since = now - timedelta(days=settings.COCREO_VOTE_NEW_ACCOUNT_DAYS)
    if vote.voter.date_joined > young_since:
        burst = (
            f"FROM {VOTES} v JOIN {USERS} u ON u.id = v.voter_id"
            " WHERE v.entry_id = %s AND v.created_at >= %s AND u.date_joined > %s"
        )
        params = [vote.entry_id, _at(since), _at(young_since)]
        held |= _hold_if_over(
            burst, params, settings.COCREO_VOTE_MAX_NEW_ACCOUNTS, HOLD_NEW_ACCOUNTS
        )
    if vote.network:
        burst = f"FROM {VOTES} v WHERE v.entry_id = %s AND v.created_at >= %s AND v.network = %s"
        params = [vote.entry_id, _at(since), vote.network]
        held |= _hold_if_over(burst, params, settings.COCREO_VOTE_MAX_SAME_NETWORK, HOLD_NETWORK)
    return held


VOTES, USERS = Vote._meta.db_table, get_user_model()._meta.db_table


def _at(moment):
    return connection.ops.adapt_datetimefield_value(moment)


def _hold_if_over(burst: str, params: list, limit: int, reason: str) -> bool:
    """Hold the burst's votes if it has more than `limit` votes (all of them, held or not), in
    one statement: this runs while the entry's row is locked, so every round trip saved is
    time other voters of the entry do not wait. The vote just cast belongs to the burst and is
    still counted, so some row is updated exactly when the limit is passed. `burst` is the
    FROM and WHERE of the burst's votes (alias v). Plain SQL: the ORM spent longer compiling
    these two statements than the database running them, with the entry's row locked."""
    # Only counted votes that no moderator has looked at (a cleared vote keeps its hold_reason).
    sql = (
        f"UPDATE {VOTES} SET status = %s, hold_reason = %s"  # noqa: S608 (table names only)
        f" WHERE id IN (SELECT v.id {burst} AND v.status = %s AND v.hold_reason = '')"
        f" AND (SELECT COUNT(*) {burst}) > %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [VoteStatus.HELD.value, reason, *params, VoteStatus.COUNTED.value, *params, limit]
        )
        return cursor.rowcount > 0
