"""The JSON API for entries with several images and tags, edits and withdrawals."""

import pytest

from contests.models import Entry
from moderation import services as moderation_services
from moderation.models import ModerationItem
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


def create(client, contest, **data):
    data.setdefault("title", "Blue cup")
    data.setdefault("image", factories.image_upload())
    return client.post(api(f"contests/{contest.slug}/entries"), data)


def test_create_with_several_images_and_tags(contest, member):
    response = create(
        client_for(member),
        contest,
        images=[factories.image_upload(), factories.image_upload()],
        tags="blue, Gold",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["images"]) == 3 and body["images"][0] == body["image_url"]
    assert body["tags"] == ["blue", "gold"]


def test_create_requires_the_rules_when_the_contest_has_them(contest, member):
    contest.rules = "<p>Be original.</p>"
    contest.save()
    client = client_for(member)
    refused = create(client, contest)
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Accept the contest rules to submit your entry.",
        "field": "accept_rules",
    }
    assert create(client, contest, accept_rules="true").status_code == 201
    assert Entry.objects.get().rules_accepted_text == "<p>Be original.</p>"


def test_edit_of_an_approved_entry_is_moderated(contest, member):
    entry = factories.make_entry(contest, author=member, title="Old")
    client = client_for(member)
    response = client.post(
        api(f"entries/{entry.pk}/edit"),
        {"title": "New", "tags": "red", "images": [factories.image_upload()] * 1},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "New" and body["status"] == "pending"
    assert "?revision=" in body["image_url"]
    assert client.get(body["image_url"]).status_code == 200
    assert client_for(factories.UserFactory()).get(body["image_url"]).status_code == 404
    public = client_for(factories.UserFactory()).get(api(f"entries/{entry.pk}")).json()
    assert public["title"] == "Old" and public["tags"] == []
    item = ModerationItem.objects.for_object(entry).pending().get()
    moderation_services.approve(item.pk, moderator=factories.moderator())
    assert client.get(api(f"entries/{entry.pk}")).json()["tags"] == ["red"]


def test_only_the_author_edits_or_withdraws(contest, member):
    entry = factories.make_entry(contest, author=member)
    other = client_for(factories.UserFactory())
    assert other.post(api(f"entries/{entry.pk}/edit"), {"title": "x"}).status_code == 404
    assert other.delete(api(f"entries/{entry.pk}")).status_code == 404
    assert client_for(member).delete(api(f"entries/{entry.pk}")).status_code == 204
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_no_edit_once_submissions_close(member):
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest, author=member)
    response = client_for(member).post(api(f"entries/{entry.pk}/edit"), {"title": "x"})
    assert response.status_code == 409
    assert response.json()["detail"] == "Submissions for this contest are closed."
