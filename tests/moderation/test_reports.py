"""Community reports: rate-limited, never removing anything by themselves."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from community.errors import Conflict, NotAllowed
from contests.models import Entry
from moderation import reports
from moderation.models import LogAction, ModerationLogEntry, Report, ReportStatus
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return factories.make_entry(factories.make_contest("voting"), title="Rival design")


def test_a_wave_of_reports_from_fresh_accounts_removes_nothing(entry, moderator):
    for _ in range(30):
        reports.report(entry, reporter=factories.UserFactory(), reason="offensive")
    assert Entry.objects.public().filter(pk=entry.pk).exists()
    [reported] = reports.open_reports()
    assert (reported.count, reported.from_new_accounts) == (30, 30)
    html = client_for(moderator).get(reverse("moderation:reports")).content.decode()
    assert "Rival design" in html and "30 from accounts younger than 7 days" in html


def test_reporters_are_rate_limited_and_report_once(entry):
    reporter = factories.UserFactory()
    reports.report(entry, reporter=reporter, reason="spam")
    with pytest.raises(Conflict, match="already reported"):
        reports.report(entry, reporter=reporter, reason="spam")
    others = [factories.make_entry(entry.contest) for _ in range(reports.REPORTS_PER_HOUR - 1)]
    for other in others:
        reports.report(other, reporter=reporter, reason="spam")
    with pytest.raises(Conflict, match="many reports"):
        reports.report(factories.make_entry(entry.contest), reporter=reporter, reason="spam")
    Report.objects.update(created_at=timezone.now() - timedelta(hours=2))
    reports.report(factories.make_entry(entry.contest), reporter=reporter, reason="spam")


def test_only_public_content_by_verified_members(entry, unverified_member):
    with pytest.raises(NotAllowed):
        reports.report(entry, reporter=unverified_member, reason="spam")
    pending = factories.make_entry(entry.contest, approved=False)
    with pytest.raises(NotAllowed):
        reports.report(pending, reporter=factories.UserFactory(), reason="spam")
    with pytest.raises(NotAllowed):
        reports.report(entry, reporter=entry.author, reason="spam")


def test_moderator_keeps_or_removes(entry, moderator):
    ct = ContentType.objects.get_for_model(Entry)
    reports.report(entry, reporter=factories.UserFactory(), reason="copyright")
    client = client_for(moderator)
    client.post(reverse("moderation:report_resolve", args=[ct.pk, entry.pk]), {"decision": "keep"})
    assert Report.objects.get().status == ReportStatus.KEPT
    assert Entry.objects.public().filter(pk=entry.pk).exists()
    assert ModerationLogEntry.objects.filter(action=LogAction.REPORT_KEEP).exists()

    reports.report(entry, reporter=factories.UserFactory(), reason="copyright")
    client.post(
        reverse("moderation:report_resolve", args=[ct.pk, entry.pk]),
        {"decision": "remove", "reason": "Copied from a catalogue."},
    )
    assert not Entry.objects.public().filter(pk=entry.pk).exists()
    assert Report.objects.filter(status=ReportStatus.REMOVED).count() == 1


def test_report_from_the_entry_page(entry, member):
    client = client_for(member)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Report this" in html
    ct = ContentType.objects.get_for_model(Entry)
    response = client.post(
        reverse("moderation_public:report"),
        {
            "content_type": ct.pk,
            "object_id": entry.pk,
            "reason": "spam",
            "next": entry.get_absolute_url(),
        },
        follow=True,
    )
    assert "a moderator will look at your report" in response.content.decode()
    assert Report.objects.filter(reporter=member, object_id=entry.pk).exists()
