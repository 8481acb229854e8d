"""Reading entries: the public gallery (approved only, paginated, with votes) and one entry,
which only its author and moderators see before approval."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contests.models import Entry, Vote
from moderation import services as moderation_services
from moderation.models import ModerationItem
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def add_votes(entry: Entry, n: int) -> None:
    for _ in range(n):
        Vote.objects.create(entry=entry, contest_id=entry.contest_id, voter=factories.UserFactory())


def reject(entry: Entry, reason: str = "Off topic") -> None:
    item = ModerationItem.objects.for_object(entry).pending().get()
    moderation_services.reject(item.pk, moderator=factories.moderator(), reason=reason)


class TestGallery:
    def test_lists_approved_entries_only_with_vote_counts(self, client):
        contest = factories.make_contest("voting")
        first = factories.make_entry(contest, title="First")
        second = factories.make_entry(contest, title="Second")
        pending = factories.make_entry(contest, approved=False, title="Pending")
        rejected = factories.make_entry(contest, approved=False, title="Rejected")
        reject(rejected)
        other_contest = factories.make_entry(factories.make_contest("voting"), title="Elsewhere")
        add_votes(first, 3)
        add_votes(second, 1)

        response = client.get(api(f"contests/{contest.slug}/entries"), {"sort": "newest"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert [(e["id"], e["title"], e["votes"]) for e in body["items"]] == [
            (second.pk, "Second", 1),
            (first.pk, "First", 3),
        ]
        ids = {e["id"] for e in body["items"]}
        assert not ids & {pending.pk, rejected.pk, other_contest.pk}
        item = body["items"][1]
        assert item["status"] == "approved"
        assert item["contest"] == contest.slug
        assert item["author"] == first.author.username
        assert item["url"] == first.get_absolute_url()
        assert item["image_url"] == first.image_url(800)
        assert item["description"] == "A design."

    def test_empty_gallery(self, client):
        contest = factories.make_contest("submissions")
        factories.make_entry(contest, approved=False)
        response = client.get(api(f"contests/{contest.slug}/entries"))
        assert response.status_code == 200
        assert response.json() == {"items": [], "count": 0}

    def test_unknown_contest_is_404(self, client):
        assert client.get(api("contests/nope/entries")).status_code == 404

    def test_pending_entries_stay_out_even_for_their_author_and_moderators(self, moderator):
        contest = factories.make_contest("submissions")
        pending = factories.make_entry(contest, approved=False)
        for user in (pending.author, moderator):
            body = client_for(user).get(api(f"contests/{contest.slug}/entries")).json()
            assert body == {"items": [], "count": 0}

    def test_pagination(self, client):
        contest = factories.make_contest("voting")
        entries = [factories.make_entry(contest, author=factories.UserFactory()) for _ in range(26)]
        newest_first = [e.pk for e in reversed(entries)]

        newest = {"sort": "newest"}
        page1 = client.get(api(f"contests/{contest.slug}/entries"), newest).json()
        assert page1["count"] == 26
        assert [e["id"] for e in page1["items"]] == newest_first[:24]

        page2 = client.get(api(f"contests/{contest.slug}/entries"), {**newest, "page": 2}).json()
        assert page2["count"] == 26
        assert [e["id"] for e in page2["items"]] == newest_first[24:]

        # During voting the default is this visitor's shuffle: every entry exactly once.
        shuffled = [
            e["id"]
            for page in (1, 2)
            for e in client.get(api(f"contests/{contest.slug}/entries"), {"page": page}).json()[
                "items"
            ]
        ]
        assert sorted(shuffled) == sorted(newest_first) and shuffled != newest_first

        beyond = client.get(api(f"contests/{contest.slug}/entries"), {"page": 9}).json()
        assert beyond == {"items": [], "count": 26}

        invalid = client.get(api(f"contests/{contest.slug}/entries"), {"page": 0})
        assert invalid.status_code == 400


class TestGalleryQueries:
    """The gallery costs a fixed number of queries whatever the number of entries."""

    # view restrictions, contest, count, the page of entries (authors joined), the votes of
    # that page's entries only, one prefetch each for the further images and the tags of the
    # page (the visitor's shuffle order is in a signed cookie: no session)
    MAX_QUERIES = 7

    def count_queries(self, client, contest) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(api(f"contests/{contest.slug}/entries"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()

    def test_query_count_does_not_grow_with_entries(self, client, django_assert_max_num_queries):
        contest = factories.make_contest("voting")
        for i in range(5):
            add_votes(factories.make_entry(contest), i % 3)
        client.get(api(f"contests/{contest.slug}/entries"))  # warm site-root caches
        with django_assert_max_num_queries(self.MAX_QUERIES):
            small, body = self.count_queries(client, contest)
        assert body["count"] == 5

        for i in range(25):
            add_votes(factories.make_entry(contest), i % 2)
        with django_assert_max_num_queries(self.MAX_QUERIES):
            large, body = self.count_queries(client, contest)
        assert body["count"] == 30
        assert len(body["items"]) == 24
        assert large == small

    def test_signed_in_reader_does_not_cost_per_entry_queries(self, member):
        contest = factories.make_contest("voting")
        for _ in range(5):
            factories.make_entry(contest)
        client = client_for(member)
        client.get(api(f"contests/{contest.slug}/entries"))
        small, _body = self.count_queries(client, contest)
        for _ in range(25):
            factories.make_entry(contest)
        large, _body = self.count_queries(client, contest)
        assert large == small


class TestEntryDetail:
    def test_approved_entry_is_public(self, client):
        contest = factories.make_contest("voting")
        entry = factories.make_entry(contest, title="Blue cup")
        add_votes(entry, 2)
        response = client.get(api(f"entries/{entry.pk}"))
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["title"], body["status"], body["votes"]) == (
            entry.pk,
            "Blue cup",
            "approved",
            2,
        )
        assert body["contest"] == contest.slug

    def test_pending_entry_is_404_to_visitors_other_members_and_staff(self, client, member, staff):
        entry = factories.make_entry(factories.make_contest("submissions"), approved=False)
        for c in (client, client_for(member), client_for(staff)):
            response = c.get(api(f"entries/{entry.pk}"))
            assert response.status_code == 404
            assert entry.title not in response.content.decode()

    def test_pending_entry_is_shown_to_its_author_and_moderators(self, moderator):
        entry = factories.make_entry(factories.make_contest("submissions"), approved=False)
        for user in (entry.author, moderator):
            response = client_for(user).get(api(f"entries/{entry.pk}"))
            assert response.status_code == 200
            body = response.json()
            assert (body["id"], body["status"], body["votes"]) == (entry.pk, "pending", None)

    def test_rejected_entry_is_shown_only_to_its_author_with_its_status(self, client, member):
        entry = factories.make_entry(factories.make_contest("submissions"), approved=False)
        reject(entry)
        assert client.get(api(f"entries/{entry.pk}")).status_code == 404
        assert client_for(member).get(api(f"entries/{entry.pk}")).status_code == 404
        response = client_for(entry.author).get(api(f"entries/{entry.pk}"))
        assert response.status_code == 200
        assert response.json()["status"] == "rejected"

    def test_unknown_entry_is_404(self, client):
        response = client.get(api("entries/987654"))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}

    def test_entry_of_an_unpublished_contest_stays_reachable_by_id(self, client):
        """Entries belong to the community: the API serves approved ones by id even when the
        contest page is taken offline (documenting current behaviour)."""
        contest = factories.make_contest("voting")
        entry = factories.make_entry(contest)
        contest.unpublish()
        assert client.get(api(f"entries/{entry.pk}")).status_code == 200


class TestImageUrls:
    """The image URL the API hands out is gated like the entry itself."""

    def test_approved_image_is_served_to_visitors(self, client):
        entry = factories.make_entry(factories.make_contest("voting"))
        image_url = client.get(api(f"entries/{entry.pk}")).json()["image_url"]
        response = client.get(image_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:4] == b"RIFF"  # a WebP rendition

    def test_pending_image_is_not_served_to_visitors(self, client):
        entry = factories.make_entry(factories.make_contest("submissions"), approved=False)
        author_client = client_for(entry.author)
        image_url = author_client.get(api(f"entries/{entry.pk}")).json()["image_url"]
        assert author_client.get(image_url).status_code == 200
        assert client.get(image_url).status_code == 404
        original = image_url.replace("/800/", "/original/")
        assert client.get(original).status_code == 404
