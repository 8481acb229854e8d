"""The anonymous page cache (community/page_cache.py): what is cached, for whom, and every event
that must make a cached page stale. Events run their after-commit callbacks (`events()`), as
they do outside the test transaction."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from community import page_cache
from contests import services
from contests.models import Vote
from moderation import intake
from moderation import services as moderation
from tests import factories
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

HEADER = page_cache.HEADER


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.get(HEADER), response.content.decode()


def visitor() -> Client:
    """An anonymous visitor with the first shuffle order (a new visitor draws one at random,
    and each order has its own cached gallery)."""
    from tests.contests.test_gallery import client_with_order

    return client_with_order(0)


def warm(url, client=None):
    client = client or visitor()
    assert get(client, url)[0] == "miss"
    assert get(client, url)[0] == "hit"


@pytest.fixture
def voting():
    contest = factories.make_contest("voting", title="Tazza Aurora")
    entry = factories.make_entry(contest, title="Blue cup")
    return contest, entry


def home_url():
    return factories.home_page().url


class TestWhatIsCached:
    def test_anonymous_pages_are_served_from_the_cache(self, voting):
        contest, entry = voting
        brand_page = factories.brand_page(contest.brand)
        for url in (home_url(), brand_page.url, contest.url, entry.get_absolute_url()):
            warm(url)
        pages = [(contest.url, {"sort": "newest"}), (contest.url, {"q": "blue", "page": "1"})]
        for url, params in pages:
            client = Client()
            assert get(client, url, **params)[0] == "miss"
            assert get(client, url, **params)[0] == "hit"

    def test_a_cached_page_is_served_before_routing_without_queries(
        self, voting, django_assert_num_queries
    ):
        contest, entry = voting
        for url in (home_url(), contest.url, entry.get_absolute_url()):
            client = visitor()
            warm(url, client)
            with django_assert_num_queries(0):
                assert client.get(url)[HEADER] == "hit"

    def test_a_password_protected_page_is_never_stored(self, voting):
        from wagtail.models import PageViewRestriction

        contest, _entry = voting
        PageViewRestriction.objects.create(
            page=contest, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        client = visitor()
        form = client.get(contest.url)
        assert form.get(HEADER) is None and "password" in form.content.decode().lower()
        restriction = PageViewRestriction.objects.get(page=contest)
        client.post(
            f"/_util/authenticate_with_password/{restriction.pk}/{contest.pk}/",
            {"password": "secret", "return_url": contest.url},
        )
        for _ in range(2):
            header, html = get(client, contest.url)
            assert header is None and "data-contest-slug" in html
        assert "data-contest-slug" not in visitor().get(contest.url).content.decode()

    def test_the_results_page_is_cached(self, staff):
        contest = factories.make_contest("judging")
        entry = factories.make_entry(contest)
        services.pick_winners(contest, staff=staff, entry_ids=[entry.pk])
        warm(f"{contest.url}results/")

    @pytest.mark.parametrize("who", ["member", "moderator", "staff"])
    def test_signed_in_pages_are_never_stored_nor_served_from_the_cache(self, voting, who):
        contest, entry = voting
        user = {
            "member": factories.UserFactory,
            "moderator": factories.moderator,
            "staff": factories.brand_staff,
        }[who]()
        signed_in = client_for(user)
        for url in (home_url(), contest.url, entry.get_absolute_url()):
            warm(url)  # an anonymous copy is in the cache
            for _ in range(2):
                header, html = get(signed_in, url)
                assert header is None and f"Signed in as {user.username}" in html
            header, html = get(visitor(), url)
            assert header == "hit" and "Signed in as" not in html

    def test_a_members_visit_first_stores_nothing(self, voting, member_client):
        contest, _entry = voting
        assert get(member_client, contest.url)[0] is None
        header, html = get(visitor(), contest.url)
        assert header == "miss" and "Signed in as" not in html

    def test_unknown_query_parameters_are_rendered_not_cached(self, voting):
        contest, _entry = voting
        client = Client()
        for _ in range(2):
            assert get(client, contest.url, utm_source="news")[0] is None

    def test_each_language_has_its_own_copy(self, voting):
        contest, _entry = voting
        warm(contest.url)
        italian = Client(headers={"accept-language": "it"})
        header, html = get(italian, contest.url)
        assert header == "miss" and '<html lang="it">' in html
        header, html = get(italian, contest.url)
        assert header == "hit" and '<html lang="it">' in html
        assert '<html lang="en">' in get(visitor(), contest.url)[1]

    def test_each_shuffle_order_has_its_own_copy_and_new_visitors_get_their_cookie(self, voting):
        from tests.contests.test_gallery import client_with_order

        contest, _entry = voting
        warm(contest.url, client_with_order(3))
        assert get(client_with_order(4), contest.url)[0] == "miss"
        assert get(client_with_order(3), contest.url)[0] == "hit"
        response = Client().get(contest.url)  # cached or not, a new visitor gets an order
        assert "gallery_order" in response.cookies

    def test_messages_for_the_visitor_are_shown_not_a_cached_page(self, voting, member):
        warm(home_url())
        client = client_for(member)
        response = client.post("/accounts/logout/", follow=True)
        assert response.get(HEADER) is None
        assert "You have signed out." in response.content.decode()

    def test_no_csrf_token_in_cached_pages(self, voting):
        contest, entry = voting
        for url in (home_url(), contest.url, entry.get_absolute_url()):
            for _ in range(2):
                response = Client().get(url)
                html = response.content.decode()
                assert "csrfmiddlewaretoken" not in html
                assert settings.CSRF_COOKIE_NAME not in response.cookies

    def test_a_page_that_renders_a_csrf_token_or_sets_a_cookie_is_not_stored(self):
        def request():
            request = RequestFactory().get("/somewhere/")
            request.user = AnonymousUser()
            return request

        def with_token(request):
            return lambda: HttpResponse(f"<input value='{get_token(request)}'>")

        def with_cookie():
            response = HttpResponse("hello")
            response.set_cookie("mine", "1")
            return response

        for _ in range(2):
            first = request()
            assert page_cache.cached_page_response(first, with_token(first)).get(HEADER) is None
        for _ in range(2):
            assert page_cache.cached_page_response(request(), with_cookie).get(HEADER) is None
        plain = lambda: HttpResponse("hello")  # noqa: E731
        assert page_cache.cached_page_response(request(), plain)[HEADER] == "miss"
        assert page_cache.cached_page_response(request(), plain)[HEADER] == "hit"

    def test_a_failing_cache_leaves_pages_working(self, voting, settings, events, member):
        contest, entry = voting
        settings.CACHES = {
            **settings.CACHES,
            "dead": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            },
        }
        settings.PAGE_CACHE_ALIAS = "dead"
        for url in (home_url(), contest.url, entry.get_absolute_url()):
            assert get(visitor(), url)[0] is None
        with events():
            services.cast_vote(entry, voter=member)  # the invalidation fails quietly
        assert Vote.objects.filter(entry=entry).count() == 1


class TestNoSessionsForVisitors:
    def test_anonymous_visits_add_no_session_rows(self, voting, settings):
        settings.PAGE_CACHE_SECONDS = 0  # every page rendered: the strictest case
        contest, entry = voting
        factories.make_entry(contest)
        urls = [home_url(), contest.url, f"{contest.url}?page=1", entry.get_absolute_url()]
        before = Session.objects.count()
        returning = Client()
        for _ in range(25):
            for url in urls:
                assert Client().get(url).status_code == 200
                assert returning.get(url).status_code == 200
        assert Session.objects.count() == before
        assert "sessionid" not in returning.cookies


class TestInvalidation:
    def test_approval_shows_the_new_entry(self, voting, events):
        contest, _entry = voting
        pending = factories.make_entry(contest, title="Green cup", approved=False)
        warm(contest.url)
        with events():
            moderation.approve(factories.pending_item(pending).pk, moderator=factories.moderator())
        header, html = get(visitor(), contest.url)
        assert header == "miss" and "Green cup" in html
        assert get(visitor(), pending.get_absolute_url())[1].count("Green cup") >= 1

    def test_removal_hides_the_entry(self, voting, events):
        contest, entry = voting
        warm(contest.url)
        warm(entry.get_absolute_url())
        with events():
            moderation.remove_content(entry, moderator=factories.moderator(), reason="Off-topic")
        header, html = get(visitor(), contest.url)
        assert header == "miss" and "Blue cup" not in html
        assert Client().get(entry.get_absolute_url()).status_code == 404

    def test_an_edit_shows_once_approved(self, events):
        contest = factories.make_contest("submissions")
        entry = factories.make_entry(contest, title="Blue cup")
        warm(contest.url)
        warm(entry.get_absolute_url())
        with events():
            services.edit_entry(
                entry, author=entry.author, title="Bluer cup", description="", tags=""
            )
        assert "Bluer cup" not in get(visitor(), contest.url)[1]  # not approved yet
        with events():
            moderation.approve(factories.pending_item(entry).pk, moderator=factories.moderator())
        for url in (contest.url, entry.get_absolute_url()):
            header, html = get(visitor(), url)
            assert header == "miss" and "Bluer cup" in html

    def test_a_vote_updates_the_shown_totals(self, voting, events, member):
        contest, entry = voting
        other = factories.make_entry(contest, title="Red cup")
        newest = f"{contest.url}?sort=newest"
        for url in (newest, entry.get_absolute_url(), other.get_absolute_url()):
            warm(url)
        with events():
            services.cast_vote(entry, voter=member)
        header, html = get(visitor(), newest)
        assert header == "miss" and "<span data-vote-count>1</span>" in html
        header, html = get(visitor(), entry.get_absolute_url())
        assert header == "miss" and "<span data-vote-count>1</span>" in html
        assert get(visitor(), other.get_absolute_url())[0] == "hit"  # not this entry's vote
        with events():
            services.withdraw_vote(entry, voter=member)
        assert "<span data-vote-count>0</span>" in get(visitor(), entry.get_absolute_url())[1]

    def test_a_vote_with_hidden_totals_changes_no_cached_page(self, events, member):
        contest = factories.make_contest("voting", show_running_totals=False)
        entry = factories.make_entry(contest)
        newest = f"{contest.url}?sort=newest"
        warm(newest)
        warm(entry.get_absolute_url())
        with events():
            services.cast_vote(entry, voter=member)
        assert Vote.objects.filter(entry=entry).exists()
        assert get(visitor(), newest)[0] == "hit"
        assert get(visitor(), entry.get_absolute_url())[0] == "hit"

    def test_a_page_expires_at_the_next_phase_boundary(self, settings):
        # In memory: the travelling clock moves its expiry times (Redis keeps its own clock).
        settings.CACHES = {
            **settings.CACHES,
            "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
        settings.PAGE_CACHE_ALIAS = "memory"
        now = timezone.now()
        contest = factories.make_contest(
            "submissions", submissions_close_at=now + timedelta(seconds=30)
        )
        warm(contest.url)
        warm(home_url())
        with time_machine.travel(now + timedelta(seconds=31), tick=False):
            header, html = get(visitor(), contest.url)
            assert header == "miss" and "Entries under review" in html
            header, html = get(visitor(), home_url())
            assert header == "miss" and "Entries under review" in html

    def test_picking_winners_shows_the_results(self, events, staff):
        contest = factories.make_contest("judging", show_running_totals=False)
        entry = factories.make_entry(contest, title="Gold cup")
        Vote.objects.create(entry=entry, contest=contest, voter=factories.UserFactory())
        for url in (contest.url, entry.get_absolute_url(), home_url()):
            warm(url)
        assert "data-vote-count" not in get(visitor(), entry.get_absolute_url())[1]
        with events():
            services.pick_winners(contest, staff=staff, entry_ids=[entry.pk])
        header, html = get(visitor(), contest.url)
        assert header == "miss" and 'data-testid="results-link"' in html
        header, html = get(visitor(), entry.get_absolute_url())
        assert header == "miss" and "<span data-vote-count>1</span>" in html  # totals public
        header, html = get(visitor(), home_url())
        assert header == "miss" and 'data-phase="results"' in html

    def test_publishing_a_page_in_wagtail(self, voting, events):
        contest, entry = voting
        for url in (contest.url, entry.get_absolute_url(), home_url()):
            warm(url)
        contest.title = "Tazza Borealis"
        with events():
            contest.save_revision().publish()
        for url in (contest.url, entry.get_absolute_url(), home_url()):
            header, html = get(visitor(), url)
            assert header == "miss" and "Tazza Borealis" in html

    def test_an_approved_comment_shows_on_its_entry(self, voting, events):
        _contest, entry = voting
        warm(entry.get_absolute_url())
        with events():
            factories.make_comment(entry, body="Lovely handle")
        header, html = get(visitor(), entry.get_absolute_url())
        assert header == "miss" and "Lovely handle" in html

    def test_a_crisis_pause_shows_its_banner(self, voting, events):
        contest, _entry = voting
        warm(contest.url)
        with events():
            intake.pause_intake(actor=factories.moderator(), scope="site", message="Back soon.")
        header, html = get(visitor(), contest.url)
        assert header == "miss" and "Back soon." in html


class TestHtmxRequests:
    """htmx requests get fragments: never stored as the page, never answered from it."""

    def test_an_htmx_request_is_neither_served_from_nor_stored_in_the_cache(self, voting):
        contest, entry = voting
        for url in (contest.url, entry.get_absolute_url()):
            client = visitor()
            response = client.get(url, HTTP_HX_REQUEST="true")
            assert response.status_code == 200 and response.get(HEADER) is None
            warm(url)  # the htmx request stored nothing: the plain page is a miss first
            response = client.get(url, HTTP_HX_REQUEST="true")
            assert response.get(HEADER) is None  # a stored page is not an htmx answer
            assert get(client, url)[0] == "hit"

    def test_a_vote_fragment_never_becomes_the_cached_gallery(self, voting, member):
        contest, entry = voting
        warm(contest.url)
        fragment = client_for(member).post(
            f"{entry.get_absolute_url()}vote/",
            {"action": "vote", "fragment": "card"},
            HTTP_HX_REQUEST="true",
        )
        assert fragment.status_code == 200 and "Vary" in fragment
        assert "HX-Request" in fragment["Vary"] and "no-store" in fragment["Cache-Control"]
        status, html = get(visitor(), contest.url)
        assert "<html" in html and "Sign in to vote" in html
