"""The home page routes a path in two queries (cms.models.HomePage.route), with the same answer
as Wagtail's walk, level by level."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.http import Http404
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from cms.models import HomePage, StandardPage
from community.brands import brand_page
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def wagtail_route(home, components):
    """Wagtail's own walk (Page.route on each level's specific page)."""
    return Page.route(home, RequestFactory().get("/"), components)


def answer(route, home, components):
    try:
        result = route(home, components)
    except Http404:
        return "404"
    # A routable page's answer holds its view bound to the page: compare the view itself.
    args = tuple(getattr(arg, "__func__", arg) for arg in result.args)
    return (type(result.page), result.page.pk, args, result.kwargs)


@pytest.fixture
def tree():
    home = HomePage.objects.get()
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest)
    draft = factories.make_contest("voting", title="Draft contest")
    draft.unpublish()
    brand = brand_page(contest.brand)
    hidden = StandardPage(title="Hidden section", slug="hidden")
    home.add_child(instance=hidden)
    hidden.save_revision().publish()
    child = StandardPage(title="Child", slug="child")
    hidden.add_child(instance=child)
    child.save_revision().publish()
    hidden.refresh_from_db()
    hidden.unpublish()
    return {"home": home, "contest": contest, "entry": entry, "draft": draft, "brand": brand}


def test_every_path_routes_as_in_wagtail(tree):
    home, brand, contest = tree["home"], tree["brand"].slug, tree["contest"].slug
    paths = [
        [],
        [brand],
        [brand, contest],
        [brand, contest, "entries", str(tree["entry"].pk)],
        [brand, contest, "entries", "999999"],
        [brand, contest, "results"],
        [brand, contest, "no-such-route"],
        [brand, tree["draft"].slug],  # unpublished: 404
        [brand, tree["draft"].slug, "entries", "1"],
        [brand, "no-such-page"],
        ["no-such-page", contest],
        [contest],  # a contest is not a child of the home page
        ["hidden"],  # unpublished parent: 404
        ["hidden", "child"],  # a live page under it: as Wagtail decides
    ]
    for components in paths:
        ours = answer(lambda h, c: h.route(RequestFactory().get("/"), c), home, components)
        assert ours == answer(wagtail_route, home, components), components
    assert answer(lambda h, c: h.route(RequestFactory().get("/"), c), home, [brand, contest])[
        1
    ] == (tree["contest"].pk)
    assert answer(wagtail_route, home, [brand, tree["draft"].slug]) == "404"


def test_a_contest_is_routed_in_two_page_queries_then_none(tree, django_assert_num_queries):
    home = tree["home"]
    components = [tree["brand"].slug, tree["contest"].slug]
    with django_assert_num_queries(2):  # the pages on the path, then the contest itself
        result = home.route(RequestFactory().get("/"), components)
    assert result.page.pk == tree["contest"].pk
    with django_assert_num_queries(0):  # the pages on the path and the contest: cached answers
        result = home.route(RequestFactory().get("/"), components)
    assert result.page.pk == tree["contest"].pk
    with django_assert_num_queries(0):  # joined: ContestPage.route_select_related
        assert result.page.brand == tree["contest"].brand
        assert result.page.results_announced_at is None
        assert result.page.get_parent().pk == tree["brand"].pk  # kept from the walk


def test_cached_routes_follow_every_change_of_the_tree(tree, django_capture_on_commit_callbacks):
    home, brand, contest = tree["home"], tree["brand"], tree["contest"]
    old_slug = contest.slug

    def route(*components):
        return answer(lambda h, c: h.route(RequestFactory().get("/"), c), home, list(components))

    assert route(brand.slug, contest.slug)[1] == contest.pk
    assert route(brand.slug, contest.slug)[1] == contest.pk  # from the cached answer
    with django_capture_on_commit_callbacks(execute=True):
        contest.slug = "renamed-cup"
        contest.save_revision().publish()
    assert route(brand.slug, "renamed-cup")[1] == contest.pk
    assert route(brand.slug, old_slug) == "404"
    assert route(brand.slug, "renamed-cup", "entries", str(tree["entry"].pk))[1] == contest.pk
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=contest.pk).unpublish()
    assert route(brand.slug, "renamed-cup") == "404"
    for components in ([brand.slug, "renamed-cup"], [brand.slug], []):
        assert route(*components) == answer(wagtail_route, home, components), components


def test_a_cached_contest_follows_what_it_joins(tree, django_capture_on_commit_callbacks):
    """The routed contest comes with its brand, hero image and result (route_select_related):
    a change to any of them makes the cached answer stale."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from contests.models import ContestResult

    home, contest = tree["home"], tree["contest"]
    components = [tree["brand"].slug, contest.slug]

    def routed():
        return home.route(RequestFactory().get("/"), components).page

    assert routed().brand.name == contest.brand.name
    with django_capture_on_commit_callbacks(execute=True):
        contest.brand.name = "Renamed brand"
        contest.brand.save()
    assert routed().brand.name == "Renamed brand"
    image = Image.objects.create(title="Hero", file=get_test_image_file())
    with django_capture_on_commit_callbacks(execute=True):
        contest.hero_image = image
        contest.save_revision().publish()
    assert routed().hero_image.title == "Hero"
    with django_capture_on_commit_callbacks(execute=True):
        image.title = "Hero, retitled"
        image.save()
    assert routed().hero_image.title == "Hero, retitled"
    assert not hasattr(routed(), "result") or routed().result is None
    with django_capture_on_commit_callbacks(execute=True):
        ContestResult.objects.create(contest=contest)
    assert routed().result.contest_id == contest.pk


def test_pages_over_http(tree):
    client = Client()
    assert client.get(tree["contest"].url).status_code == 200
    assert client.get(tree["contest"].url.rstrip("/")).status_code in (200, 301)
    assert client.get(tree["entry"].get_absolute_url()).status_code == 200
    draft_url = tree["contest"].url.replace(tree["contest"].slug, tree["draft"].slug)
    assert client.get(draft_url).status_code == 404
    assert client.get("/hidden/").status_code == 404


def test_a_restricted_page_asks_for_sign_in_or_the_group(tree):
    contest = tree["contest"]
    group = Group.objects.create(name="Jury only")
    restriction = PageViewRestriction.objects.create(
        page=contest, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    anonymous = Client().get(contest.url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    member = factories.UserFactory()
    assert client_for(member).get(contest.url).status_code == 302  # Wagtail: sign in as another
    member.groups.add(group)
    assert client_for(member).get(contest.url).status_code == 200
    # the sub-routes below a restricted page are restricted too
    entry_url = tree["entry"].get_absolute_url()
    assert Client().get(entry_url).status_code == 302


def test_view_restrictions_are_asked_only_when_some_exist(tree):
    """Whether any restriction exists is a cached answer: no restriction query on a site
    without any, and a restriction saved or deleted counts from the next request."""
    contest = tree["contest"]
    member = client_for(factories.UserFactory())
    assert member.get(contest.url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert member.get(contest.url).status_code == 200
    assert not [q for q in queries.captured_queries if "pageviewrestriction" in q["sql"]]
    restriction = PageViewRestriction.objects.create(
        page=tree["brand"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    page = member.get(contest.url).content.decode()  # Wagtail's password form, not the page
    assert 'name="password"' in page and contest.title not in page
    restriction.delete()
    page = member.get(contest.url).content.decode()
    assert 'name="password"' not in page and contest.title in page
