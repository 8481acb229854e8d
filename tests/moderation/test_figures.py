"""Dashboard figures: pending count, oldest pending, median time to decision, per moderator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation import services
from moderation.figures import queue_figures
from moderation.models import ModerationItem
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_figures_and_dashboard_panel(moderator, staff):
    contest = factories.make_contest("submissions")
    other = factories.moderator(username="second-mod")
    now = timezone.now()
    waits = [(moderator, 10), (moderator, 30), (other, 60)]
    for mod, minutes in waits:
        entry = factories.make_entry(contest, approved=False)
        item = factories.pending_item(entry)
        services.approve(item.pk, moderator=mod)
        ModerationItem.objects.filter(pk=item.pk).update(
            submitted_at=now - timedelta(minutes=minutes), decided_at=now
        )
    old = factories.make_entry(contest, approved=False)
    ModerationItem.objects.filter(pk=factories.pending_item(old).pk).update(
        submitted_at=now - timedelta(hours=5)
    )
    factories.make_entry(contest, approved=False)

    figures = queue_figures(now=now)
    assert figures["pending"] == 2
    assert timedelta(hours=5) <= figures["oldest_age"] < timedelta(hours=5, minutes=1)
    [today] = figures["per_day"]
    assert today["decisions"] == 3 and today["median"] == timedelta(minutes=30)
    assert [(m["decided_by__username"], m["decisions"]) for m in figures["per_moderator"]] == [
        (moderator.username, 2),
        ("second-mod", 1),
    ]
    html = client_for(moderator).get("/admin/").content.decode()
    assert 'data-testid="moderation-figures"' in html and "2 submissions waiting" in html
    assert 'data-seconds="1800"' in html
    assert "moderation-figures" not in client_for(staff).get("/admin/").content.decode()
