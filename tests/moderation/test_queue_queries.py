"""The queue page costs the same number of queries whatever is on it: new entries with several
images and tags, edits of approved entries (read from their revisions), comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services as comment_services
from contests import services as contest_services
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def add_mixed_items(contest, n: int) -> None:
    for i in range(n):
        factories.make_entry(contest, approved=False, extra_images=2, tags=["blue", f"t{i}"])
        approved = factories.make_entry(contest, extra_images=1, tags=["gold"])
        contest_services.edit_entry(
            approved,
            author=approved.author,
            title=f"Edited {i}",
            description="New text",
            images=[factories.image_upload(), factories.image_upload()],
            tags=["gold", "edited"],
        )
        comment_services.post_comment(approved, author=factories.UserFactory(), body=f"c{i}")


def queue_queries(client) -> tuple[int, str]:
    client.get(reverse("moderation:queue"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_queue_page_queries_do_not_depend_on_what_is_on_it():
    contest = factories.make_contest("submissions")
    client = client_for(factories.moderator())
    add_mixed_items(contest, 1)
    few, html = queue_queries(client)
    assert "Edited 0" in html and "c0" in html
    add_mixed_items(contest, 5)  # 18 items: still one page
    many, html = queue_queries(client)
    assert "Edited 4" in html and "c4" in html
    assert many == few
    # Edits show the images of the submitted version, through the gated view.
    assert html.count("?revision=") >= 2 * 6
