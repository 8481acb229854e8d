import pytest

from contests import services
from contests.models import Entry
from moderation.models import ModerationItem
from moderation import services as moderation_services
from tests import factories


@pytest.mark.django_db
def test_smoke(client):
    contest = factories.make_contest("submissions")
    author = factories.UserFactory()
    entry = services.submit_entry(contest, author=author, title="Cup", description="d", image=factories.image_upload())
    assert not Entry.objects.public().exists()
    item = ModerationItem.objects.get()
    moderation_services.approve(item.pk, moderator=factories.moderator())
    assert Entry.objects.public().get() == entry
    r = client.get(contest.url)
    assert r.status_code == 200, r.content
    assert b"Cup" in r.content
    r = client.get(Entry.objects.get().get_absolute_url())
    assert r.status_code == 200
    r = client.get("/")
    assert r.status_code == 200
    assert contest.title.encode() in r.content
