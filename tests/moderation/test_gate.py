"""The publication gate: a pending or rejected entry is absent from every public path."""

import pytest
from django.test import Client

from contests.models import Entry
from moderation import services
from moderation.models import ModerationItem
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MARKER = "zq-marker-7731"


@pytest.fixture
def contest():
    return factories.make_contest("voting")


@pytest.fixture
def pending(contest):
    return factories.make_entry(
        contest, approved=False, title=f"Pending {MARKER}", description=f"Body {MARKER}"
    )


def public_paths(contest, entry) -> list[str]:
    return [
        "/",
        contest.url,
        f"{contest.url}?page=2",
        entry.get_absolute_url(),
        entry.image_url(400),
        entry.image_url(800),
        entry.image_url(None),
        f"/api/v1/contests/{contest.slug}/entries",
        f"/api/v1/entries/{entry.pk}",
        f"/api/v1/contests/{contest.slug}",
        "/api/v1/contests",
    ]


def assert_absent(client: Client, contest, entry):
    for path in public_paths(contest, entry):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in body, path
        if path.startswith(("/entries/", "/api/v1/entries/")) or path == entry.get_absolute_url():
            assert response.status_code == 404, path
    summary = client.get(f"/api/v1/contests/{contest.slug}").json()
    assert summary["entry_count"] == Entry.objects.public().filter(contest=contest).count()


def test_pending_entry_is_absent_for_visitors_and_other_members(contest, pending, member):
    assert_absent(Client(), contest, pending)
    assert_absent(client_for(member), contest, pending)


def test_author_and_moderators_see_the_pending_entry_and_its_status(contest, pending, moderator):
    for user in (pending.author, moderator):
        client = client_for(user)
        page = client.get(pending.get_absolute_url())
        assert page.status_code == 200
        assert "Pending review" in page.content.decode()
        assert client.get(pending.image_url(800)).status_code == 200
        image = client.get(pending.image_url(None))
        assert image.status_code == 200
        assert "no-store" in image["Cache-Control"]


def test_approved_entry_is_public_with_its_image(contest, pending, moderator):
    item = ModerationItem.objects.get(object_id=pending.pk)
    services.approve(item.pk, moderator=moderator)
    visitor = Client()
    assert MARKER in visitor.get(contest.url).content.decode()
    assert visitor.get(pending.get_absolute_url()).status_code == 200
    image = visitor.get(pending.image_url(400))
    assert image.status_code == 200 and image["Content-Type"] == "image/webp"
    assert "public" in image["Cache-Control"]


def test_rejected_entry_stays_hidden(contest, pending, moderator):
    item = ModerationItem.objects.get(object_id=pending.pk)
    services.reject(item.pk, moderator=moderator, reason="Off brief")
    assert_absent(Client(), contest, pending)
    author_view = client_for(pending.author).get(pending.get_absolute_url()).content.decode()
    assert "Off brief" in author_view


def test_private_uploads_are_not_under_the_public_media_root(settings, pending):
    from pathlib import Path

    stored = Path(settings.PRIVATE_MEDIA_ROOT) / pending.image.name
    assert stored.exists()
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert Client().get(f"{settings.MEDIA_URL}{pending.image.name}").status_code == 404


def test_edit_of_approved_entry_keeps_the_approved_version_public(contest, moderator):
    entry = factories.make_entry(contest, title="Original title")
    entry.title = f"Edited {MARKER}"
    item = services.submit_for_moderation(entry, user=entry.author)
    assert item.is_edit
    public = Entry.objects.public().get(pk=entry.pk)
    assert public.title == "Original title"
    assert MARKER not in Client().get(contest.url).content.decode()

    services.approve(item.pk, moderator=moderator)
    public = Entry.objects.public().get(pk=entry.pk)
    assert public.title == f"Edited {MARKER}"
    assert public.moderation_status == "approved"
    assert MARKER in Client().get(contest.url).content.decode()


def test_rejected_edit_leaves_approved_version_public(contest, moderator):
    entry = factories.make_entry(contest, title="Original title")
    entry.title = f"Edited {MARKER}"
    item = services.submit_for_moderation(entry, user=entry.author)
    services.reject(item.pk, moderator=moderator, reason="No")
    public = Entry.objects.public().get(pk=entry.pk)
    assert (public.title, public.moderation_status) == ("Original title", "approved")


def test_a_newer_edit_supersedes_an_undecided_one(contest):
    entry = factories.make_entry(contest)
    entry.title = "First edit"
    first = services.submit_for_moderation(entry, user=entry.author)
    entry.title = "Second edit"
    second = services.submit_for_moderation(entry, user=entry.author)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert list(ModerationItem.objects.pending()) == [second]


def test_moderators_cannot_decide_on_their_own_content(contest, moderator):
    own = factories.make_entry(contest, author=moderator, approved=False)
    item = ModerationItem.objects.get(object_id=own.pk)
    from community.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.approve(item.pk, moderator=moderator)
    assert not Entry.objects.public().filter(pk=own.pk).exists()


def test_deciding_twice_is_a_conflict(contest, pending, moderator):
    from community.errors import Conflict

    item = ModerationItem.objects.get(object_id=pending.pk)
    services.approve(item.pk, moderator=moderator)
    with pytest.raises(Conflict):
        services.reject(item.pk, moderator=moderator, reason="Changed my mind")
    assert Entry.objects.public().filter(pk=pending.pk).exists()
