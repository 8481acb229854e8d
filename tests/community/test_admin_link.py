"""The header's "Admin" link: shown exactly to those who may open the admin, at once after a
change of their groups or permissions, and without permission queries on every page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.brands import add_brand_staff, remove_brand_staff
from community.rules import BRAND_STAFF_GROUP, MODERATORS_GROUP
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ADMIN_HREF = f'href="{reverse("wagtailadmin_home")}"'


def shows_admin_link(client) -> bool:
    response = client.get(reverse("community:help"))
    assert response.status_code == 200
    return ADMIN_HREF in response.content.decode()


def test_a_member_gets_and_loses_the_link_with_their_groups():
    member = factories.UserFactory()
    client = client_for(member)
    assert not shows_admin_link(client)
    member.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    assert shows_admin_link(client)
    member.groups.clear()
    assert not shows_admin_link(client)


def test_brand_staff_get_it_and_lose_it_with_the_role():
    brand = factories.BrandFactory()
    member = factories.UserFactory()
    client = client_for(member)
    assert not shows_admin_link(client)
    add_brand_staff(brand, member)
    assert shows_admin_link(client)
    remove_brand_staff(brand, member)
    member.groups.remove(Group.objects.get(name=BRAND_STAFF_GROUP))
    assert not shows_admin_link(client)


def test_a_permission_given_to_or_taken_from_a_group_counts_at_once():
    group = Group.objects.create(name="Newsletter editors")
    member = factories.UserFactory()
    member.groups.add(group)
    client = client_for(member)
    assert not shows_admin_link(client)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    group.permissions.add(access_admin)
    assert shows_admin_link(client)
    group.delete()
    assert not shows_admin_link(client)
    member.user_permissions.add(access_admin)
    assert shows_admin_link(client)


def test_staff_accounts_always_and_visitors_never():
    assert shows_admin_link(client_for(factories.UserFactory(is_staff=True)))
    from django.test import Client

    assert not shows_admin_link(Client())


def test_a_members_pages_ask_no_permission_query_once_the_answer_is_known():
    # Members are nearly everyone signed in; the admin's userbar (which asks Django itself) is
    # only rendered for those who may open the admin.
    client = client_for(factories.UserFactory())
    assert not shows_admin_link(client)
    with CaptureQueriesContext(connection) as queries:
        assert not shows_admin_link(client)
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_django_answers_when_the_cache_is_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    member = factories.UserFactory()
    client = client_for(member)
    assert not shows_admin_link(client)
    member.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    assert shows_admin_link(client)


def test_a_page_asks_for_the_answer_once(monkeypatch):
    """The link and the userbar both ask; the answer is read from the cache once per page."""
    from community.rules import ADMIN_ACCESS

    client = client_for(factories.UserFactory())
    asked = []
    original = ADMIN_ACCESS.get
    monkeypatch.setattr(ADMIN_ACCESS, "get", lambda *args: asked.append(args[0]) or original(*args))
    assert not shows_admin_link(client)
    assert len(asked) == 1
