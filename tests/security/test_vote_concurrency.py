"""Concurrent votes around the velocity threshold on a real PostgreSQL: votes for one entry take
turns (the entry's row is locked), so a burst cannot slip under the rule by arriving at once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from contests import services
from contests.models import Vote, VoteStatus
from tests import factories
from tests.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_burst_of_new_accounts_at_the_threshold_is_held_even_when_simultaneous():
    entry = factories.make_entry(factories.make_contest("voting"))
    burst = settings.COCREO_VOTE_MAX_NEW_ACCOUNTS + 1  # one over the limit, all at once
    voters = [factories.UserFactory() for _ in range(burst)]
    outcomes = race(
        lambda v, i: services.cast_vote(entry, voter=v, network=f"10.{i}.0.0/24"),
        [(v, i) for i, v in enumerate(voters)],
    )
    assert outcomes == [True] * burst
    assert Vote.objects.filter(entry=entry, status=VoteStatus.HELD).count() == burst
    assert services.vote_count(entry) == 0


def test_one_network_at_the_threshold_is_held_even_when_simultaneous():
    entry = factories.make_entry(factories.make_contest("voting"))
    burst = settings.COCREO_VOTE_MAX_SAME_NETWORK + 1
    voters = [
        factories.UserFactory(date_joined=timezone.now() - timedelta(days=365))
        for _ in range(burst)
    ]
    outcomes = race(
        lambda v: services.cast_vote(entry, voter=v, network="203.0.113.0/24"),
        [(v,) for v in voters],
    )
    assert outcomes == [True] * burst
    assert services.vote_count(entry) == 0
