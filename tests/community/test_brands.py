"""Brands: each has its page and staff group; brand staff run only their brand's contests."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from community.brands import ensure_brand_space
from community.errors import NotAllowed
from community.forms import BrandScopedPageForm
from community.models import Brand, BrandPage
from contests import services
from contests.models import Award, ContestPage
from tests import factories
from tests.api.conftest import post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def brands():
    return factories.BrandFactory(name="Aurora"), factories.BrandFactory(name="Borealis")


@pytest.fixture
def contests(brands):
    a, b = brands
    ca, cb = (factories.make_contest("judging", brand=brand) for brand in brands)
    return ca, cb


@pytest.fixture
def staff_a(brands):
    return factories.brand_staff(brand=brands[0])


def test_a_new_brand_gets_its_page_under_the_home_page_and_its_staff_group():
    brand = Brand.objects.create(name="Caffè Nero", slug="caffe-nero")
    page = BrandPage.objects.get(brand=brand)
    assert page.live and page.get_parent().pk == Page.objects.get(depth=2).pk
    assert page.url == "/caffe-nero/"
    assert brand.staff_group.name == "Brand staff: Caffè Nero"
    # Idempotent: nothing new the second time.
    assert ensure_brand_space(brand).pk == page.pk
    assert BrandPage.objects.filter(brand=brand).count() == 1


def test_contests_live_under_their_brand_page(contests, brands):
    for contest, brand in zip(contests, brands, strict=True):
        assert contest.get_parent().pk == brand.page.pk
        assert contest.url.startswith(brand.page.url)


def test_setup_brands_command_is_idempotent(brands):
    out = StringIO()
    call_command("setup_brands", stdout=out)
    call_command("setup_brands", stdout=out)
    assert BrandPage.objects.count() == 2
    assert "Brand staff: Aurora" in out.getvalue()


class TestAdminPages:
    def test_staff_edit_their_brand_contests_only(self, contests, staff_a):
        own, other = contests
        client = client_for(staff_a)
        assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
        response = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
        assert response.status_code in (302, 403)
        assert response.status_code != 200
        # Nor can they publish a change to it.
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[other.pk]),
            {"title": "Hijacked", "slug": other.slug, "action-publish": "publish"},
        )
        assert response.status_code in (302, 403)
        other.refresh_from_db()
        assert other.title != "Hijacked"

    def test_staff_add_contests_only_under_their_brand_page(self, brands, staff_a):
        a, b = brands
        client = client_for(staff_a)
        add = "wagtailadmin_pages:add"
        own = client.get(reverse(add, args=["contests", "contestpage", a.page.pk]))
        assert own.status_code == 200
        other = client.get(reverse(add, args=["contests", "contestpage", b.page.pk]))
        assert other.status_code in (302, 403)

    def test_under_a_brand_page_the_contest_belongs_to_that_brand(self, brands, staff_a):
        a, b = brands
        form_class = ContestPage.get_edit_handler().get_form_class()
        assert issubclass(form_class, BrandScopedPageForm)
        form = form_class(
            data={"brand": b.pk}, instance=ContestPage(), parent_page=a.page, for_user=staff_a
        )
        assert list(form.fields["brand"].queryset) == [a]
        assert not form.is_valid()
        assert "brand" in form.errors


class TestPickWinners:
    def test_service_refuses_staff_of_another_brand(self, contests, staff_a):
        own, other = contests
        entry = factories.make_entry(other)
        with pytest.raises(NotAllowed, match="Only the staff of Borealis"):
            services.pick_winners(other, staff=staff_a, entry_ids=[entry.pk])
        assert not Award.objects.exists()
        own_entry = factories.make_entry(own)
        services.pick_winners(own, staff=staff_a, entry_ids=[own_entry.pk])
        assert Award.objects.get().entry == own_entry

    def test_staff_of_no_brand_and_superusers(self, contests):
        own, _other = contests
        entry = factories.make_entry(own)
        with pytest.raises(NotAllowed):
            services.pick_winners(own, staff=factories.brand_staff(brand=False), entry_ids=[1])
        admin = factories.UserFactory(is_superuser=True, is_staff=True)
        services.pick_winners(own, staff=admin, entry_ids=[entry.pk])
        assert Award.objects.get().awarded_by == admin

    def test_admin_view_refuses_another_brand(self, contests, staff_a):
        own, other = contests
        entry = factories.make_entry(other)
        client = client_for(staff_a)
        url = reverse("contests_admin:winners", args=[other.pk])
        # Wagtail's admin turns PermissionDenied into a redirect to its dashboard.
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, {f"rank-{entry.pk}": "1"}).status_code in (302, 403)
        assert not Award.objects.exists()
        assert client.get(reverse("contests_admin:winners", args=[own.pk])).status_code == 200

    def test_page_header_offers_pick_winners_only_for_own_brand(self, contests, staff_a):
        own, other = contests
        client = client_for(staff_a)
        html = client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).content.decode()
        assert reverse("contests_admin:winners", args=[own.pk]) in html
        listing = client.get(reverse("wagtailadmin_explore", args=[other.get_parent().pk]))
        assert reverse("contests_admin:winners", args=[other.pk]) not in listing.content.decode()

    def test_api_is_403_for_another_brand(self, contests, staff_a):
        own, other = contests
        entry = factories.make_entry(other)
        client = client_for(staff_a)
        response = post_json(client, f"contests/{other.slug}/winners", {"entries": [entry.pk]})
        assert response.status_code == 403
        detail = response.json()["detail"]
        assert detail == "Only the staff of Borealis can pick this contest's winners."
        own_entry = factories.make_entry(own)
        response = post_json(client, f"contests/{own.slug}/winners", {"entries": [own_entry.pk]})
        assert response.status_code == 200


@pytest.mark.parametrize("n", [2, 8])
def test_brand_page_lists_its_contests_with_a_fixed_number_of_queries(
    n, client, member, django_assert_max_num_queries
):
    brand = factories.BrandFactory(name="Aurora")
    for i in range(n):
        factories.make_contest("submissions" if i % 2 else "judging", brand=brand)
    factories.make_contest("submissions", title="Someone else's contest")
    member_client = client_for(member)
    # 16 for the page and its contests, 2 for its ideas boards (the page's public() filter
    # reads view restrictions).
    with django_assert_max_num_queries(18):
        response = member_client.get(brand.page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card contest-card"') == n
    assert "Someone else's contest" not in html
    assert "Follow Aurora" in html


def test_staff_create_a_contest_under_their_brand_page_in_the_admin(brands, staff_a):
    a, b = brands
    client = client_for(staff_a)
    url = reverse("wagtailadmin_pages:add", args=["contests", "contestpage", a.page.pk])
    dates = {
        "submissions_open_at": "2030-01-01 10:00",
        "submissions_close_at": "2030-02-01 10:00",
        "voting_open_at": "2030-02-02 10:00",
        "voting_close_at": "2030-03-01 10:00",
    }
    form = {
        # Translated texts have a field per language (cms/translation.py).
        "title_en": "Winter cup",
        "title_it": "Tazza d'inverno",
        "slug": "winter-cup",
        "summary_en": "",
        "prize_en": "",
        "voting_method": "like",
        "max_entries_per_member": "3",
        "vote_budget": "5",
        "min_account_age_days": "0",
        "jury_criteria-TOTAL_FORMS": "0",
        "jury_criteria-INITIAL_FORMS": "0",
        "jury_criteria-MIN_NUM_FORMS": "0",
        "jury_criteria-MAX_NUM_FORMS": "1000",
        **dates,
    }
    refused = client.post(url, {**form, "brand": b.pk, "action-publish": "publish"})
    assert refused.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in refused.content.decode()  # only the parent page's brand
    assert not ContestPage.objects.filter(slug="winter-cup").exists()
    response = client.post(url, {**form, "brand": a.pk, "action-publish": "publish"})
    assert response.status_code == 302, response.content.decode()[:2000]
    contest = ContestPage.objects.get(slug="winter-cup")
    assert contest.brand == a and contest.live
    assert (contest.title_en, contest.title_it) == ("Winter cup", "Tazza d'inverno")
    assert contest.get_parent().pk == a.page.pk
