"""Changing winners after the announcement: a reason is required (service, API, admin), the
change is in the decision log, and the members whose award changed are told."""

import pytest

from community.errors import InvalidInput
from community.models import Notification
from contests import services
from contests.models import Award
from moderation.models import LogAction, ModerationLogEntry
from tests import factories
from tests.api.conftest import api, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced(staff):
    contest = factories.make_contest("judging")
    first, second, third = (factories.make_entry(contest, title=t) for t in "ABC")
    services.pick_winners(contest, staff=staff, entry_ids=[first.pk], mention_ids=[second.pk])
    return contest, first, second, third


def changed_recipients():
    return set(
        Notification.objects.filter(kind="contest.results_changed").values_list(
            "recipient_id", flat=True
        )
    )


def test_the_service_requires_a_reason_and_logs_and_tells(announced, staff):
    contest, first, second, third = announced
    with pytest.raises(InvalidInput) as refused:
        services.pick_winners(contest, staff=staff, entry_ids=[third.pk], reason="  ")
    assert refused.value.field == "reason"
    assert Award.objects.get(kind="winner").entry == first  # nothing changed
    services.pick_winners(
        contest,
        staff=staff,
        entry_ids=[third.pk],
        mention_ids=[second.pk],
        reason="Entry A broke rule 4.",
    )
    entry = ModerationLogEntry.objects.get(action=LogAction.WINNERS_CHANGE)
    assert entry.actor == staff and entry.reason == "Entry A broke rule 4."
    assert entry.object_id == contest.pk and entry.summary == contest.title
    # A lost first place, C won it; B kept the same mention and is not bothered.
    assert changed_recipients() == {first.author_id, third.author_id}
    message = Notification.objects.filter(kind="contest.results_changed").first().text
    assert "Entry A broke rule 4." in message


def test_the_api_requires_a_reason(announced, staff):
    contest, _first, _second, third = announced
    client = client_for(staff)
    url = f"contests/{contest.slug}/winners"
    refused = post_json(client, url, {"entries": [third.pk]})
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    ok = post_json(client, url, {"entries": [third.pk], "reason": "Jury recount."})
    assert ok.status_code == 200 and ok.json()[0]["entry"]["id"] == third.pk
    assert ModerationLogEntry.objects.filter(action=LogAction.WINNERS_CHANGE).count() == 1
    assert client.get(api(f"contests/{contest.slug}/results")).status_code == 200


def test_the_admin_form_asks_for_a_reason_and_the_log_shows_it(announced, staff):
    contest, first, _second, third = announced
    client = client_for(staff)
    url = f"/admin/contests/{contest.pk}/winners/"
    assert 'name="reason"' in client.get(url).content.decode()
    refused = client.post(url, {f"rank-{third.pk}": "1", "statement": ""})
    assert refused.status_code == 400
    assert "give a reason" in refused.content.decode()
    assert Award.objects.get(kind="winner").entry == first
    done = client.post(url, {f"rank-{third.pk}": "1", "statement": "", "reason": "Appeal upheld."})
    assert done.status_code == 302
    assert Award.objects.get(kind="winner").entry == third
    log = client_for(factories.moderator()).get("/admin/moderation/log/").content.decode()
    assert "Appeal upheld." in log and "Winners changed after the announcement" in log
