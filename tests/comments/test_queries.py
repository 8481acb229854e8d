"""The comment thread costs the same number of queries with 10 or 50 comments."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.services import public_thread
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def add_comments(entry, n: int, staff) -> None:
    """Approved comments with replies and an official answer, by several authors."""
    authors = [factories.UserFactory() for _ in range(3)]
    tops = []
    for i in range(n):
        if i % 3 == 2 and tops:
            factories.make_comment(entry, author=authors[i % 3], parent=tops[-1], body=f"r{i}")
        else:
            tops.append(factories.make_comment(entry, author=authors[i % 3], body=f"c{i}"))
    factories.make_comment(entry, author=staff, parent=tops[0], body="Official")


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_thread_queries_do_not_grow_with_comments(entry, member, staff):
    member_client = client_for(member)
    url = entry.get_absolute_url()
    thread_url = api(f"comments?target=entry:{entry.pk}")
    counts = {}
    for n in (10, 50):
        Comment.objects.all().delete()
        add_comments(entry, n, staff)
        factories.make_comment(entry, author=member, approved=False)  # own pending
        member_client.get(url)  # warm caches
        counts[n] = (
            count_queries(lambda: member_client.get(url)),
            count_queries(lambda: Client().get(url)),
            count_queries(lambda: Client().get(thread_url)),
            count_queries(lambda: public_thread(entry)),
        )
        assert len(public_thread(entry)) > 1
    assert counts[10] == counts[50], counts
    assert counts[50][3] == 1
