"""A gallery page's public part is shared by every viewer, signed in or not
(contests.gallery.gallery_page through community.page_cache.shared_value): members get it
from the cache, with their own votes, pending entries and header on top; every event that
changes what the public part shows makes it stale for them as for visitors."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import page_cache
from contests import services
from contests.models import Vote
from ideas import services as ideas_services
from moderation import services as moderation
from moderation.models import BlockedTerm
from tests import factories
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def voting():
    contest = factories.make_contest("voting", title="Tazza Aurora")
    return contest, factories.make_entry(contest, title="Blue cup")


def gallery_as(user, contest, query="?sort=newest") -> str:
    response = client_for(user).get(contest.url + query)
    assert response.status_code == 200
    return response.content.decode()


def public_part_queries(user, contest, query="?sort=newest") -> list[str]:
    """The queries of a member's gallery view that compute the public part."""
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(contest.url + query).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(*)" in q["sql"]
        and "contests_entry" in q["sql"]  # the gallery's count
        or ('"contests_entry"."live"' in q["sql"] and "LIMIT" in q["sql"])  # its page
    ]


def test_members_get_the_public_part_from_the_cache_and_their_own_part_on_top(voting):
    contest, entry = voting
    ana, bo = factories.UserFactory(), factories.UserFactory()
    Vote.objects.create(contest=contest, entry=entry, voter=ana)
    own = factories.make_entry(contest, author=bo, title="Pending cup of Bo", approved=False)

    assert public_part_queries(ana, contest)  # computed once ...
    assert public_part_queries(bo, contest) == []  # ... then shared
    assert public_part_queries(ana, contest) == []

    html = gallery_as(ana, contest)
    assert 'value="withdraw"' in html and "Pending cup of Bo" not in html
    assert "Signed in as " + ana.username in html
    html = gallery_as(bo, contest)
    assert 'value="withdraw"' not in html and 'value="vote"' in html
    assert "Pending cup of Bo" in html and own.get_absolute_url() in html
    assert "Signed in as " + bo.username in html


def test_each_order_page_search_and_language_has_its_own_public_part(voting):
    contest, _entry = voting
    member = factories.UserFactory()
    assert public_part_queries(member, contest, "?sort=newest")
    for query in ("?sort=newest&page=2", "?sort=newest&q=blue", "?sort=votes", "?"):
        assert public_part_queries(member, contest, query), query
    client = client_for(member)
    client.cookies["django_language"] = "it"
    with CaptureQueriesContext(connection) as queries:
        client.get(contest.url + "?sort=newest")
    assert any("COUNT(*)" in q["sql"] for q in queries.captured_queries)


class TestEveryEventMakesItStale:
    def test_approval_shows_the_new_entry(self, voting, events):
        contest, _entry = voting
        member = factories.UserFactory()
        pending = factories.make_entry(contest, title="Green cup", approved=False)
        assert "Green cup" not in gallery_as(member, contest)
        with events():
            moderation.approve(factories.pending_item(pending).pk, moderator=factories.moderator())
        assert "Green cup" in gallery_as(member, contest)

    def test_removal_hides_the_entry(self, voting, events):
        contest, entry = voting
        member = factories.UserFactory()
        assert "Blue cup" in gallery_as(member, contest)
        with events():
            moderation.remove_content(entry, moderator=factories.moderator(), reason="Off-topic")
        assert "Blue cup" not in gallery_as(member, contest)

    def test_an_approved_edit_shows(self, events):
        contest = factories.make_contest("submissions")
        entry = factories.make_entry(contest, title="Blue cup")
        member = factories.UserFactory()
        assert "Blue cup" in gallery_as(member, contest, "")
        with events():
            services.edit_entry(
                entry, author=entry.author, title="Bluer cup", description="", tags=""
            )
        assert "Bluer cup" not in gallery_as(member, contest, "")  # not approved yet
        with events():
            moderation.approve(factories.pending_item(entry).pk, moderator=factories.moderator())
        assert "Bluer cup" in gallery_as(member, contest, "")

    def test_a_vote_updates_the_totals(self, voting, events):
        contest, entry = voting
        member, voter = factories.UserFactory(), factories.UserFactory()
        assert "<span data-vote-count>0</span>" in gallery_as(member, contest)
        with events():
            services.cast_vote(entry, voter=voter)
        assert "<span data-vote-count>1</span>" in gallery_as(member, contest)

    def test_a_held_or_changed_name_shows_at_once(self, voting, events):
        contest, entry = voting
        member = factories.UserFactory()
        author = entry.author
        assert f"by {author.username}" in gallery_as(member, contest)
        with events():
            BlockedTerm.objects.create(term=author.username[:6])
        author.refresh_from_db()
        assert author.name_held_at is not None
        html = gallery_as(member, contest)
        assert f"by {author.username}" not in html and "member (name under review)" in html
        author.username = "calm_potter"
        with events():
            author.save()
        assert "by calm_potter" in gallery_as(member, contest)

    def test_the_source_idea_disappears_when_removed(self, events):
        board = factories.make_board()
        idea = factories.make_idea(board, title="Taco cups")
        contest = factories.make_contest("voting")
        type(idea).objects.filter(pk=idea.pk).update(contest=contest)
        idea.refresh_from_db()
        member = factories.UserFactory()
        assert "Taco cups" in gallery_as(member, contest)
        with events():
            moderation.remove_content(idea, moderator=factories.moderator(), reason="Spam")
        assert "Taco cups" not in gallery_as(member, contest)
        assert ideas_services  # the ideas app's own services set the link (open_contest_...)

    def test_a_phase_boundary_changes_the_part(self, settings):
        settings.CACHES = {
            **settings.CACHES,
            "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
        settings.PAGE_CACHE_ALIAS = "memory"
        now = timezone.now()
        contest = factories.make_contest("voting", voting_close_at=now + timedelta(seconds=30))
        factories.make_entry(contest, title="Blue cup")
        member = factories.UserFactory()
        assert 'value="vote"' in gallery_as(member, contest, "")
        with time_machine.travel(now + timedelta(seconds=31), tick=False):
            html = gallery_as(member, contest, "")
            assert 'value="vote"' not in html and "Blue cup" in html


class TestSharedValue:
    def test_an_event_during_the_computation_leaves_the_stored_value_stale(self, events):
        calls = []

        def compute():
            calls.append(1)
            if len(calls) == 1:
                with events():
                    page_cache.invalidate("contest:1")
            return len(calls)

        assert page_cache.shared_value("k", ["contest:1"], compute) == 1
        assert page_cache.shared_value("k", ["contest:1"], compute) == 2  # not the stale 1
        assert page_cache.shared_value("k", ["contest:1"], compute) == 2  # current now

    def test_a_failing_cache_computes_every_time(self, settings):
        settings.CACHES = {
            **settings.CACHES,
            "dead": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            },
        }
        settings.PAGE_CACHE_ALIAS = "dead"
        values = iter(range(10))
        assert page_cache.shared_value("k", ["t"], lambda: next(values)) == 0
        assert page_cache.shared_value("k", ["t"], lambda: next(values)) == 1

    def test_a_dead_cache_leaves_the_gallery_working(self, voting, settings):
        settings.CACHES = {
            **settings.CACHES,
            "dead": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            },
        }
        settings.PAGE_CACHE_ALIAS = "dead"
        contest, _entry = voting
        assert "Blue cup" in gallery_as(factories.UserFactory(), contest)
        assert "Blue cup" in Client().get(contest.url).content.decode()


# Entry pages --------------------------------------------------------------------------------
def entry_as(user, entry) -> str:
    response = client_for(user).get(entry.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def entry_queries(user, entry) -> list[str]:
    """The queries of a member's entry page that read the entry, its images and tags, and the
    approved comments (the public part)."""
    with CaptureQueriesContext(connection) as queries:
        assert client_for(user).get(entry.get_absolute_url()).status_code == 200
    public = (
        'FROM "contests_entryimage"',
        'FROM "contests_taggedentry"',
        '"comments_comment"."live"',
    )
    return [
        q["sql"]
        for q in queries.captured_queries
        if any(p in q["sql"] for p in public) and "author_id" not in q["sql"]  # not own pending
    ]


class TestSharedEntryPage:
    def test_members_share_the_public_entry_and_thread_and_keep_their_own_part(self, voting):
        contest, entry = voting
        factories.make_comment(entry, body="Lovely handle")
        ana, bo = factories.UserFactory(), factories.UserFactory()
        Vote.objects.create(contest=contest, entry=entry, voter=ana)
        assert entry_queries(ana, entry)  # computed once ...
        assert entry_queries(bo, entry) == []  # ... then shared
        html = entry_as(ana, entry)
        assert "Lovely handle" in html and 'value="withdraw"' in html
        assert "Signed in as " + ana.username in html
        html = entry_as(bo, entry)
        assert "Lovely handle" in html and 'value="withdraw"' not in html
        assert "Signed in as " + bo.username in html

    def test_the_shared_copies_carry_nothing_private_of_the_authors(
        self, voting, settings, monkeypatch
    ):
        from django.core.cache import caches

        contest, entry = voting
        comment = factories.make_comment(entry, body="Lovely handle")
        cache = caches[settings.PAGE_CACHE_ALIAS]
        stored, store = [], cache.set

        def keep(key, value, *args, **kwargs):
            if ":shared:" in key:
                stored.append(value[1])
            return store(key, value, *args, **kwargs)

        monkeypatch.setattr(cache, "set", keep)
        entry_as(factories.UserFactory(), entry)
        shared = [
            obj for value in stored for obj in (value if isinstance(value, list) else [value])
        ]
        authors = [obj.author for obj in shared if hasattr(obj, "author_id")]
        assert {a.pk for a in authors} >= {entry.author_id, comment.author_id}
        for author in authors:
            assert {"password", "email", "last_login", "is_superuser"}.isdisjoint(author.__dict__)
            assert author.username  # what the page shows is there

    def test_the_authors_pending_entry_is_theirs_alone(self, voting):
        contest, _entry = voting
        pending = factories.make_entry(contest, title="Green cup", approved=False)
        assert "Green cup" in entry_as(pending.author, pending)
        assert (
            client_for(factories.UserFactory()).get(pending.get_absolute_url()).status_code == 404
        )
        assert "Green cup" in entry_as(factories.moderator(), pending)

    def test_votes_comments_and_edits_show_at_once(self, events):
        contest = factories.make_contest("submissions")
        entry = factories.make_entry(contest, title="Blue cup")
        member = factories.UserFactory()
        assert "Blue cup" in entry_as(member, entry)
        with events():
            services.edit_entry(
                entry, author=entry.author, title="Bluer cup", description="", tags=""
            )
        assert "Bluer cup" not in entry_as(member, entry)  # not approved yet
        with events():
            moderation.approve(factories.pending_item(entry).pk, moderator=factories.moderator())
        assert "Bluer cup" in entry_as(member, entry)
        with events():
            comment = factories.make_comment(entry, body="Lovely handle")
        assert "Lovely handle" in entry_as(member, entry)
        with events():
            moderation.remove_content(comment, moderator=factories.moderator(), reason="Spam")
        assert "Lovely handle" not in entry_as(member, entry)

    def test_a_vote_updates_the_total_on_the_entry_page(self, voting, events):
        contest, entry = voting
        member = factories.UserFactory()
        assert "<span data-vote-count>0</span>" in entry_as(member, entry)
        with events():
            services.cast_vote(entry, voter=factories.UserFactory())
        assert "<span data-vote-count>1</span>" in entry_as(member, entry)
