"""Role checks on every desk page and action: members and brand staff are kept out."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from contests.models import Entry
from moderation.models import ModerationItem, Report
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["member", "staff"])
def test_desk_is_for_moderators_only(role, request):
    user = request.getfixturevalue(role)
    contest = factories.make_contest("voting")
    pending = factories.make_entry(contest, approved=False)
    public = factories.make_entry(contest)
    item = ModerationItem.objects.for_object(pending).get()
    ct = ContentType.objects.get_for_model(Entry)
    Report.objects.create(
        reporter=factories.UserFactory(), content_type=ct, object_id=public.pk, reason="spam"
    )
    client = client_for(user)
    for name, args in [
        ("moderation:queue", []),
        ("moderation:review", []),
        ("moderation:review_item", [item.pk]),
        ("moderation:log", []),
        ("moderation:reports", []),
        ("moderation:suspensions", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code in (302, 403), name
    posts = [
        (reverse("moderation:decide", args=[item.pk]), {"decision": "approve"}),
        (reverse("moderation:bulk"), {"items": [item.pk], "decision": "approve"}),
        (reverse("moderation:remove", args=[ct.pk, public.pk]), {"reason": "x"}),
        (reverse("moderation:report_resolve", args=[ct.pk, public.pk]), {"decision": "remove"}),
        (reverse("moderation:suspensions"), {"username": factories.UserFactory().username}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (302, 403), url
    assert not Entry.objects.get(pk=pending.pk).live
    assert Entry.objects.get(pk=public.pk).live
    assert Report.objects.get().status == "open"
    item.refresh_from_db()
    assert item.status == "pending" and item.claimed_by is None
