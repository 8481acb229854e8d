"""`ModeratedQuerySet.get_visible`: the same answer as `visible_to(user).get()`, asking for the
user's permissions only for what is neither public nor theirs (pages and images of entries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import User
from contests.models import Entry
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]]


@pytest.fixture
def entries():
    contest = factories.make_contest("voting")
    return factories.make_entry(contest), factories.make_entry(contest, approved=False)


def test_the_same_answer_as_visible_to_for_every_role(entries):
    public, pending = entries
    viewers = [
        factories.UserFactory(),
        pending.author,
        factories.moderator(),
    ]
    from django.contrib.auth.models import AnonymousUser

    for viewer in [AnonymousUser(), *viewers]:
        if viewer.is_authenticated:
            viewer = User.objects.get(pk=viewer.pk)  # no permissions cached yet
        for entry in (public, pending):
            expected = Entry.objects.visible_to(viewer).filter(pk=entry.pk).first()
            try:
                found = Entry.objects.get_visible(viewer, pk=entry.pk)
            except Entry.DoesNotExist:
                found = None
            assert found == expected, (viewer, entry)


def test_public_pages_and_images_ask_no_permissions(entries):
    public, pending = entries
    client = client_for(factories.UserFactory())
    client.get(public.get_absolute_url())  # the header's admin link: a cached answer after
    for url in (public.get_absolute_url(), public.image_url(400)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert permission_queries(queries) == [], url
    for url in (pending.get_absolute_url(), pending.image_url(400)):
        assert client.get(url).status_code == 404, url
        assert client_for(factories.moderator()).get(url).status_code == 200, url
        assert client_for(pending.author).get(url).status_code == 200, url
