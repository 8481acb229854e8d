"""The fair gallery: per-visitor shuffle during voting, sorting, search, pagination, and a
number of queries that does not grow with entries or votes."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from contests import gallery
from contests.models import Entry, Vote
from contests.views import GALLERY_PAGE_SIZE
from moderation.models import ModerationStatus
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def bulk_entries(contest, n: int, *, votes_each: int = 0, title="Cup") -> list[Entry]:
    """Approved entries straight into the table (fast), with `votes_each` votes each."""
    authors = factories.UserFactory.create_batch(3)
    now = timezone.now()
    entries = Entry.objects.bulk_create(
        Entry(
            contest=contest,
            author=authors[i % 3],
            title=f"{title} {i}",
            description=f"Design number {i}",
            image=f"entries/bulk/{i}.png",
            image_width=64,
            image_height=48,
            live=True,
            moderation_status=ModerationStatus.APPROVED,
            created_at=now - timezone.timedelta(minutes=i),
        )
        for i in range(n)
    )
    if votes_each:
        voters = factories.UserFactory.create_batch(votes_each)
        Vote.objects.bulk_create(
            Vote(contest=contest, entry=e, voter=v) for e in entries for v in voters
        )
    return entries


def client_with_order(bucket: int) -> Client:
    """A visitor whose signed cookie names their shuffle order."""
    response = HttpResponse()
    response.set_signed_cookie(gallery.COOKIE_NAME, str(bucket), salt=gallery.COOKIE_SALT)
    client = Client()
    client.cookies[gallery.COOKIE_NAME] = response.cookies[gallery.COOKIE_NAME].value
    return client


def order_of(client: Client) -> int:
    request = RequestFactory().get("/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    return int(request.get_signed_cookie(gallery.COOKIE_NAME, salt=gallery.COOKIE_SALT))


def ids_on_pages(client, url, pages) -> list[int]:
    import re

    ids = []
    for page in range(1, pages + 1):
        html = client.get(f"{url}{'&' if '?' in url else '?'}page={page}").content.decode()
        ids += [int(x) for x in re.findall(r'class="card entry-card" data-entry-id="(\d+)"', html)]
    return ids


class TestShuffle:
    def test_each_visitor_has_a_stable_order_without_gaps_or_repeats(self):
        contest = factories.make_contest("voting")
        entries = bulk_entries(contest, 3 * GALLERY_PAGE_SIZE - 5)
        first = Client()
        order = ids_on_pages(first, contest.url, 3)
        second = client_with_order((order_of(first) + 1) % settings.GALLERY_SHUFFLE_BUCKETS)
        assert sorted(order) == sorted(e.pk for e in entries)  # nothing missing or repeated
        assert ids_on_pages(first, contest.url, 3) == order  # stable across visits
        other = ids_on_pages(second, contest.url, 3)
        assert sorted(other) == sorted(order) and other != order  # another visitor, another order
        newest = [e.pk for e in sorted(entries, key=lambda e: e.created_at, reverse=True)]
        assert order != newest

    @pytest.mark.parametrize(
        "seed", [(1, 0, 0, 0), (gallery.PRIME - 1, 0, 0, 0), (2, 5, 7, 11), (1, 1, 1, 1)]
    )
    def test_even_the_worst_seeds_shuffle(self, seed):
        """With the affine step alone these seeds gave oldest- or newest-first order."""
        contest = factories.make_contest("voting")
        ids = [e.pk for e in bulk_entries(contest, 26)]
        entries, sort, count = gallery.gallery_entries(
            contest, sort="", query="", seed=lambda: seed, now=timezone.now()
        )
        order = list(entries.values_list("pk", flat=True))
        assert sort == "shuffle" and sorted(order) == sorted(ids) and count() == len(ids)
        assert order not in (sorted(ids), sorted(ids, reverse=True))
        assert len(set(order)) == len(order)

    @pytest.mark.parametrize("bucket", [0, 7])
    def test_the_sql_key_is_the_documented_arithmetic(self, bucket):
        contest = factories.make_contest("voting")
        entries = bulk_entries(contest, 12)
        seed = gallery.bucket_seed(bucket)
        keys = dict(
            Entry.objects.filter(contest=contest)
            .annotate(key=gallery.shuffle_key(seed))
            .values_list("pk", "key")
        )
        assert keys == {e.pk: gallery.shuffle_key_of(e.pk, seed) for e in entries}
        # Large keys too: every intermediate stays exact (below 2^62) on both databases.
        big = Entry.objects.filter(pk=entries[0].pk).annotate(
            key=gallery.shuffle_key((gallery.PRIME - 1, gallery.PRIME - 1, gallery.PRIME - 1, 5))
        )
        assert big.get().key == gallery.shuffle_key_of(
            entries[0].pk, (gallery.PRIME - 1, gallery.PRIME - 1, gallery.PRIME - 1, 5)
        )

    def test_the_order_lives_in_a_signed_cookie_not_in_a_session(self):
        contest = factories.make_contest("voting")
        bulk_entries(contest, 5)
        client = Client()
        response = client.get(contest.url)
        assert gallery.COOKIE_NAME in response.cookies and "sessionid" not in response.cookies
        assert client.get(contest.url).cookies == {}  # kept, not sent again
        forged = Client()
        forged.cookies[gallery.COOKIE_NAME] = "3"  # not signed: a new order is drawn
        assert gallery.COOKIE_NAME in forged.get(contest.url).cookies
        orders = {gallery.bucket_seed(b) for b in range(settings.GALLERY_SHUFFLE_BUCKETS)}
        assert len(orders) == settings.GALLERY_SHUFFLE_BUCKETS

    def test_no_order_cookie_outside_voting(self):
        contest = factories.make_contest("submissions")
        bulk_entries(contest, 3)
        assert Client().get(contest.url).cookies == {}

    def test_outside_voting_the_default_is_newest(self):
        contest = factories.make_contest("submissions")
        entries = bulk_entries(contest, 5)
        assert ids_on_pages(Client(), contest.url, 1) == [e.pk for e in entries]


class TestSortAndSearch:
    def test_sort_by_votes_when_totals_are_public(self):
        contest = factories.make_contest("voting")
        low, high = bulk_entries(contest, 2)
        Vote.objects.bulk_create(
            Vote(contest=contest, entry=high, voter=v)
            for v in factories.UserFactory.create_batch(3)
        )
        client = Client()
        assert ids_on_pages(client, f"{contest.url}?sort=votes", 1) == [high.pk, low.pk]
        assert ids_on_pages(client, f"{contest.url}?sort=newest", 1) == [low.pk, high.pk]

    def test_no_sort_by_votes_while_totals_are_hidden(self):
        contest = factories.make_contest("voting", show_running_totals=False)
        bulk_entries(contest, 3)
        html = Client().get(contest.url, {"sort": "votes"}).content.decode()
        assert 'value="votes"' not in html and 'value="shuffle" selected' in html

    def test_search_in_title_and_description_keeps_the_query_in_pagination(self):
        contest = factories.make_contest("voting")
        bulk_entries(contest, GALLERY_PAGE_SIZE + 2, title="Tulip")
        bulk_entries(contest, 3, title="Rose")
        client = Client()
        html = client.get(contest.url, {"q": "tulip", "sort": "newest"}).content.decode()
        assert "Rose" not in html and 'value="tulip"' in html
        assert "?sort=newest&amp;q=tulip&amp;page=2" in html
        # "Design number 1", 10…19 among the tulips and "Design number 1" among the roses
        assert len(ids_on_pages(client, f"{contest.url}?q=number+1&sort=newest", 1)) == 12
        assert "No entries match" in client.get(contest.url, {"q": "zzz"}).content.decode()

    def test_the_api_sorts_and_searches_the_same_way(self):
        contest = factories.make_contest("voting")
        bulk_entries(contest, 4, title="Tulip")
        bulk_entries(contest, 2, title="Rose")
        client = Client()
        body = client.get(api(f"contests/{contest.slug}/entries"), {"q": "rose"}).json()
        assert body["count"] == 2
        first = [
            e["id"] for e in client.get(api(f"contests/{contest.slug}/entries")).json()["items"]
        ]
        again = [
            e["id"] for e in client.get(api(f"contests/{contest.slug}/entries")).json()["items"]
        ]
        assert first == again and len(first) == 6


class TestQueriesDoNotGrow:
    """Pinned: the same number of queries with 10 and with 500 entries (and their votes)."""

    def queries(self, client, url, django_assert_num_queries, expected):
        client.get(url)  # the site caches are warm, as for a returning visitor
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200

    @pytest.mark.parametrize("n", [10, 500])
    def test_gallery(self, n, django_assert_num_queries):
        contest = factories.make_contest("voting")
        bulk_entries(contest, n, votes_each=2)
        client = client_for(factories.UserFactory())
        self.queries(client, contest.url, django_assert_num_queries, GALLERY_QUERIES)

    @pytest.mark.parametrize("n", [10, 500])
    def test_entry_page(self, n, django_assert_num_queries):
        contest = factories.make_contest("voting")
        entries = bulk_entries(contest, n, votes_each=2)
        client = client_for(factories.UserFactory())
        url = entries[0].get_absolute_url()
        self.queries(client, url, django_assert_num_queries, ENTRY_QUERIES)

    @pytest.mark.parametrize("n", [10, 500])
    def test_api_listing(self, n, django_assert_num_queries):
        contest = factories.make_contest("voting")
        bulk_entries(contest, n, votes_each=2)
        client = Client()
        self.queries(
            client, api(f"contests/{contest.slug}/entries"), django_assert_num_queries, API_QUERIES
        )


# Site and page routing (3: site, home page, its specific page), contest result, session,
# count, the page of entries (authors joined), the votes of that page's entries only (one
# query: no COUNT over the whole contest before LIMIT), the visitor's votes on it, their
# pending entries, notifications badge… — a constant; see the test ids for 10 and 500
# entries. Both pages also route to the contest under the brand's page (2: the pages on the
# path in one query, then the contest; cms.models.HomePage.route), and the gallery asks whether
# the member follows the brand (1); the entry page reads its approved comments and the member's
# own waiting ones (2). The gallery also looks for the idea the contest was opened from (1). The
# entry page reads the brand for its theme's stylesheet (1; the gallery reads it anyway).
# Whether any crisis pause or view restriction exists, and whether the member may open the
# admin, are asked once, then kept in the cache (no query; community/versioned.py): -2 for view
# restrictions (the path's pages, their restrictions), -2 for the admin link (the member's and
# their groups' permissions). The Wagtail site and its home page come from the cache too
# (community/sites.py): -2 (the site, the home page as its specific page). The contest comes
# with its brand and its result joined (ContestPage.route_select_related): -2.
# The pages on the path and the routed page itself are cached answers too (cms.models:
# `_pages_at`, `_specific`): -2. The member's
# verified email and unread count come in one query (community/member_facts.py): -1. With the
# page cache on, the gallery's public part (count, page of entries, their votes, source idea)
# is shared by every viewer (tests/contests/test_shared_gallery.py); here it is off.
GALLERY_QUERIES = 10
# The entry page asks the member's permissions only for an entry that is neither public nor
# theirs (get_visible), and reads the tags with their names in one query.
ENTRY_QUERIES = 9
API_QUERIES = 7


class TestCardLinks:
    def test_card_links_are_the_entry_and_image_urls(self):
        contest = factories.make_contest("voting")
        entries = bulk_entries(contest, 3)
        html = Client().get(contest.url).content.decode()
        for entry in Entry.objects.filter(pk__in=[e.pk for e in entries]):
            assert f'<a href="{entry.get_absolute_url()}">' in html
            assert f'src="{entry.image_url()}"' in html
            assert f'srcset="{entry.image_url(400)} 400w, {entry.image_url(800)} 800w"' in html

    def test_attach_card_urls_matches_reverse_for_any_id(self):
        contest = factories.make_contest("voting")
        entries = [Entry(pk=pk, contest=contest) for pk in (1, 918, 918273645, 10**12)]
        for entry in gallery.attach_card_urls(entries, contest):
            assert entry.card_url == entry.get_absolute_url()
            assert entry.card_image_400 == entry.image_url(400)
            assert entry.card_image_800 == entry.image_url(800)

    def test_ids_in_cards_are_never_grouped_in_italian(self, settings):
        settings.USE_THOUSAND_SEPARATOR = True
        contest = factories.make_contest("voting")
        entry = bulk_entries(contest, 1)[0]
        Entry.objects.filter(pk=entry.pk).update(id=12345)
        html = Client(headers={"accept-language": "it"}).get(contest.url).content.decode()
        assert 'data-entry-id="12345"' in html
