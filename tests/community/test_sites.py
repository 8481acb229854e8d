"""The Wagtail site and its home page come from the cache (community/sites.py): no site or home
page query on a page view, and any change to a site or a page counts from the next request."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.models import HomePage, StandardPage
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def queries_of(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, [q["sql"] for q in queries.captured_queries]


def test_a_page_view_asks_for_no_site_and_no_home_page():
    contest = factories.make_contest("voting")
    home = HomePage.objects.get()
    member = client_for(factories.UserFactory())
    assert member.get(contest.url).status_code == 200  # the answer is cached
    response, sql = queries_of(member, contest.url)
    assert response.status_code == 200
    assert not [q for q in sql if "wagtailcore_site" in q], sql
    assert not [q for q in sql if '"cms_homepage"' in q], sql
    assert not [q for q in sql if f'"wagtailcore_page"."id" = {home.pk}' in q], sql
    assert response.wsgi_request._wagtail_site.root_page.pk == home.pk


def test_a_home_page_edit_counts_from_the_next_request():
    home = HomePage.objects.get()
    member = client_for(factories.UserFactory())
    assert member.get("/").status_code == 200
    home.intro = "<p>Bring back the summer flavours</p>"
    home.save_revision().publish()
    assert "Bring back the summer flavours" in member.get("/").content.decode()


def test_a_page_added_under_the_home_page_is_found_at_once():
    """The cached home page was read when it had no child: routing must not trust its child
    count (treebeard's `get_children` returns nothing without asking when it is 0)."""
    home = HomePage.objects.get()
    for child in home.get_children():
        child.delete()
    client = Client()
    home.refresh_from_db()
    assert home.numchild == 0
    assert client.get("/about/").status_code == 404
    assert client.get("/").status_code == 200
    about = StandardPage(title="About us", slug="about")
    HomePage.objects.get().add_child(instance=about)
    about.save_revision().publish()
    assert client.get("/about/").status_code == 200


def test_sites_saved_or_deleted_count_from_the_next_request(settings):
    settings.ALLOWED_HOSTS = ["testserver", "shop.example.com"]
    home = HomePage.objects.get()
    landing = StandardPage(title="Shop landing", slug="shop-landing")
    home.add_child(instance=landing)
    landing.save_revision().publish()
    client = Client()
    assert "Shop landing" not in client.get("/", HTTP_HOST="shop.example.com").content.decode()
    site = Site.objects.create(hostname="shop.example.com", port=80, root_page=landing)
    response = client.get("/", HTTP_HOST="shop.example.com")
    assert response.status_code == 200 and "Shop landing" in response.content.decode()
    site.delete()
    response = client.get("/", HTTP_HOST="shop.example.com")
    assert response.status_code == 200 and "Shop landing" not in response.content.decode()
