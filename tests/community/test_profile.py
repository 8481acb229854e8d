"""A member's public profile: approved entries and awards only; inactive members are gone."""

import pytest
from django.urls import reverse

from contests import services as contest_services
from tests import factories

pytestmark = pytest.mark.django_db


def profile_url(user) -> str:
    return reverse("community:member", args=[user.username])


@pytest.fixture
def author():
    return factories.UserFactory(username="lucia")


def test_lists_approved_entries_and_awards_only(client, author):
    finished = factories.make_contest("judging", title="Travel mug")
    winner = factories.make_entry(finished, author=author, title="Starry night")
    contest_services.pick_winners(finished, staff=factories.brand_staff(), entry_ids=[winner.pk])
    running = factories.make_contest("submissions", title="Morning cup")
    factories.make_entry(running, author=author, title="Sunrise")
    factories.make_entry(running, author=author, title="Still pending", approved=False)
    hidden = factories.make_contest("submissions", title="Unpublished contest")
    factories.make_entry(hidden, author=author, title="In an unpublished contest")
    hidden.unpublish()
    factories.make_entry(running, title="Someone else's")

    response = client.get(profile_url(author))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>lucia</h1>" in html
    for shown in ("Starry night", "Sunrise", "Place 1 in Travel mug", winner.get_absolute_url()):
        assert shown in html
    for hidden_text in ("Still pending", "In an unpublished contest", "Someone else"):
        assert hidden_text not in html


def test_awards_are_hidden_when_the_entry_is_not_public(client, author):
    contest = factories.make_contest("judging")
    winner = factories.make_entry(contest, author=author, title="Withdrawn later")
    contest_services.pick_winners(contest, staff=factories.brand_staff(), entry_ids=[winner.pk])
    winner.live = False
    winner.save(update_fields=["live"])
    html = client.get(profile_url(author)).content.decode()
    assert "Withdrawn later" not in html and "Awards" not in html


def test_inactive_and_unknown_members_are_404(client, author):
    author.is_active = False
    author.save()
    assert client.get(profile_url(author)).status_code == 404
    assert client.get("/members/nobody-here/").status_code == 404


def test_bylines_and_header_link_to_profiles(member_client, member, author):
    entry = factories.make_entry(factories.make_contest("voting"), author=author)
    html = member_client.get(entry.get_absolute_url()).content.decode()
    assert f'href="{profile_url(author)}"' in html
    assert f'href="{profile_url(member)}"' in html


@pytest.mark.parametrize("n", [3, 30])
def test_query_count_does_not_grow_with_entries(n, client, author, django_assert_max_num_queries):
    contests = [factories.make_contest("judging") for _ in range(3)]
    for i in range(n):
        factories.make_entry(contests[i % 3], author=author)
    for contest in contests:
        entry = contest.entries.first()
        contest_services.pick_winners(contest, staff=factories.brand_staff(), entry_ids=[entry.pk])
    # Constant: the entries' images and tags are prefetched once each, the approved profile
    # (bio and avatar) is one query, and the crisis-pause banner one more.
    # The ideas section (ideas.wagtail_hooks) adds one query to the entries section's.
    with django_assert_max_num_queries(10):
        response = client.get(profile_url(author))
    assert response.status_code == 200
    assert response.content.decode().count('class="card entry-card"') == min(n, 24)
