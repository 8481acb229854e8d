"""The staff cockpit: the Wagtail admin home shows each role what needs it now, scoped by brand,
with direct buttons to the jury, pick-winners and answer pages; contests get Jury and Pick
winners buttons in the page explorer too."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from contests.models import JuryCriterion, JuryScore, Shortlisting, Vote, VoteStatus
from ideas.models import Idea, IdeaStatus
from moderation.reports import report
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def admin_home(user) -> str:
    response = client_for(user).get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def brands():
    return factories.BrandFactory(name="Aurora"), factories.BrandFactory(name="Borealis")


@pytest.fixture
def world(brands):
    """For each brand: a contest closing within 48 h, one in judging with no winners (with a
    criterion and a shortlisted entry), and an idea at its goal awaiting an answer."""
    made = {}
    now = timezone.now()
    for brand in brands:
        closing = factories.make_contest(
            "submissions",
            brand=brand,
            title=f"{brand.name} closing",
            submissions_close_at=now + timedelta(hours=20),
        )
        judging = factories.make_contest("judging", brand=brand, title=f"{brand.name} judging")
        JuryCriterion.objects.create(contest=judging, name="Originality", sort_order=0)
        entry = factories.make_entry(judging, title=f"{brand.name} entry")
        Shortlisting.objects.create(entry=entry, contest=judging)
        factories.make_contest("voting", brand=brand, title=f"{brand.name} calm")
        board = factories.make_board(brand=brand, goal=2)
        idea = factories.make_idea(board, title=f"{brand.name} idea at goal")
        factories.supporters(idea, 2)
        made[brand.name] = {"closing": closing, "judging": judging, "entry": entry, "idea": idea}
    return made


def test_moderator_sees_queue_reports_and_held_votes(moderator, world):
    contest = factories.make_contest("voting")
    factories.make_entry(contest, approved=False)
    entry = factories.make_entry(contest)
    Vote.objects.create(
        contest=contest, entry=entry, voter=factories.UserFactory(), status=VoteStatus.HELD
    )
    report(entry, reporter=factories.UserFactory(), reason="spam")
    html = admin_home(moderator)
    assert 'data-testid="moderation-figures"' in html
    assert "1 submission waiting" in html and 'data-testid="figure-oldest"' in html
    assert "1 reported item open" in html and "/admin/moderation/reports/" in html
    assert "Held votes awaiting review: 1" in html and "/admin/contests/held-votes/" in html
    # A moderator runs no brand: no contest or idea panel, no jury buttons.
    assert "contests-attention" not in html and "ideas-awaiting" not in html
    assert "dashboard-jury" not in html


def test_brand_staff_see_only_their_brand(brands, world):
    aurora, borealis = brands
    for brand, other in ((aurora, borealis), (borealis, aurora)):
        staff = factories.brand_staff(brand)
        html = admin_home(staff)
        mine, theirs = world[brand.name], world[other.name]
        assert f"{brand.name} closing" in html and 'data-testid="closing-soon"' in html
        assert f"{brand.name} judging" in html and 'data-testid="awaiting-winners"' in html
        assert f"/admin/contests/{mine['judging'].pk}/jury/" in html
        assert f"/admin/contests/{mine['judging'].pk}/winners/" in html
        assert "You still owe 1 jury score." in html
        assert f"{brand.name} idea at goal" in html
        assert f"/admin/ideas/{mine['idea'].pk}/" in html
        assert f"{brand.name} calm" not in html
        # Nothing of the other brand.
        assert other.name not in html
        assert f"/admin/contests/{theirs['judging'].pk}/" not in html
        assert f"/admin/ideas/{theirs['idea'].pk}/" not in html
        # Staff are not moderators.
        assert "moderation-figures" not in html


def test_scores_given_and_winners_picked_leave_the_dashboard(brands, world):
    aurora, _ = brands
    staff = factories.brand_staff(aurora)
    mine = world[aurora.name]
    JuryScore.objects.create(
        entry=mine["entry"], criterion=mine["judging"].jury_criteria.get(), juror=staff, score=8
    )
    html = admin_home(staff)
    assert "jury score" not in html and 'data-testid="awaiting-winners"' in html
    from contests.services import pick_winners

    pick_winners(mine["judging"], staff=staff, entry_ids=[mine["entry"].pk])
    Idea.objects.filter(pk=mine["idea"].pk).update(status=IdeaStatus.PLANNED)
    html = admin_home(staff)
    assert "Aurora judging" not in html and "Aurora idea at goal" not in html
    assert 'data-testid="ideas-calm"' in html


def test_admin_sees_both_panels_for_every_brand(brands, world):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    html = admin_home(admin)
    assert 'data-testid="moderation-figures"' in html
    for name, made in world.items():
        assert f"/admin/contests/{made['judging'].pk}/winners/" in html
        assert f"/admin/ideas/{made['idea'].pk}/" in html
        assert f"{name} closing" in html


def test_staff_of_no_brand_see_no_contest(world):
    staff = factories.brand_staff(False)
    html = admin_home(staff)
    assert 'data-testid="contests-calm"' in html and 'data-testid="ideas-calm"' in html
    assert "/admin/contests/" not in html


def test_dashboard_queries_do_not_grow_with_contests(brands, django_assert_max_num_queries):
    aurora, _ = brands
    staff = factories.brand_staff(aurora)
    client = client_for(staff)
    for _i in range(2):
        contest = factories.make_contest("judging", brand=aurora)
        JuryCriterion.objects.create(contest=contest, name="Craft", sort_order=0)
    client.get("/admin/")
    with django_assert_max_num_queries(60) as few:
        client.get("/admin/")
    few_queries = len(few.captured_queries)  # now: the log is a bounded deque
    for _i in range(4):
        contest = factories.make_contest("judging", brand=aurora)
        JuryCriterion.objects.create(contest=contest, name="Craft", sort_order=0)
        Shortlisting.objects.create(entry=factories.make_entry(contest), contest=contest)
    client.get("/admin/")  # warm again: new pages refresh the cached site (community/sites.py)
    with django_assert_max_num_queries(few_queries):
        html = client.get("/admin/").content.decode()
    assert html.count('data-testid="awaiting-winners"') == 6


def test_page_explorer_lists_jury_and_winners_buttons_for_managers(brands, world):
    aurora, borealis = brands
    parent = world[aurora.name]["judging"].get_parent()
    url = f"/admin/pages/{parent.pk}/"
    judging = world[aurora.name]["judging"]
    html = client_for(factories.brand_staff(aurora)).get(url).content.decode()
    assert 'data-testid="listing-jury"' in html
    assert f'href="/admin/contests/{judging.pk}/jury/"' in html
    assert f'href="/admin/contests/{judging.pk}/winners/"' in html
    # Staff of another brand who may browse the tree see no such buttons on these contests.
    other = factories.brand_staff(borealis)
    other.groups.add(Group.objects.get(name="Moderators"))
    response = client_for(other).get(url)
    assert f"/admin/contests/{judging.pk}/jury/" not in response.content.decode()
    moderator = factories.moderator()
    assert "listing-jury" not in client_for(moderator).get(url).content.decode()


def test_moderation_preview_shows_tags_and_idea_category(moderator):
    contest = factories.make_contest("submissions")
    entry = factories.make_entry(
        contest, approved=False, title="Tagged cup", tags=["espresso", "stripes"], extra_images=1
    )
    client = client_for(moderator)
    html = client.get(f"/admin/moderation/review/{factories.pending_item(entry).pk}/")
    html = html.content.decode()
    assert 'data-testid="moderation-tags"' in html
    assert '<span class="moderation-tag">espresso</span>' in html
    assert '<span class="moderation-tag">stripes</span>' in html
    assert "View 2" in html  # the extra view is shown and labelled
    board = factories.make_board(categories=("Flavours",))
    idea = factories.make_idea(
        board, approved=False, title="Hazelnut", category=board.categories.get()
    )
    html = client.get(f"/admin/moderation/review/{factories.pending_item(idea).pk}/")
    html = html.content.decode()
    assert 'data-testid="moderation-fields"' in html
    assert "<dt>Category</dt><dd>Flavours</dd>" in html
    queue = client.get("/admin/moderation/").content.decode()
    assert '<span class="moderation-tag">espresso</span>' in queue


def test_preview_of_an_edit_shows_the_edited_tags(moderator):
    from moderation.queue import describe

    contest = factories.make_contest("submissions")
    entry = factories.make_entry(contest, tags=["old"])
    from contests.services import edit_entry

    edit_entry(entry, author=entry.author, title=entry.title, description="Edited", tags=["new"])
    [q] = describe([factories.pending_item(entry)])
    assert q.tags == ["new"]


def test_similar_image_caption_sits_under_both_images(moderator):
    """The review page styles previews from a static file: the side-by-side figure is a grid
    whose caption spans both columns (it was a third, squeezed flex column)."""
    from django.contrib.staticfiles import finders

    contest = factories.make_contest("submissions")
    entry = factories.make_entry(contest, approved=False)
    item = factories.pending_item(entry)
    earlier = factories.make_entry(contest, title="Earlier cup")
    item.flags = [
        {
            "kind": "duplicate",
            "label": "Looks like an earlier entry",
            "title": earlier.title,
            "image_url": earlier.image_url(240),
        }
    ]
    item.screened_at = timezone.now()
    item.save(update_fields=["flags", "screened_at"])
    html = client_for(moderator).get(f"/admin/moderation/review/{item.pk}/").content.decode()
    assert "css/moderation-admin.css" in html
    figure = html[html.index('<figure class="duplicate-side-by-side">') :]
    figure = figure[: figure.index("</figure>")]
    assert "style=" not in figure
    assert "<figcaption>Looks like an earlier entry: Earlier cup</figcaption>" in figure
    css = Path(finders.find("css/moderation-admin.css")).read_text()
    rule = css[css.index(".duplicate-side-by-side figcaption") :]
    assert "grid-column: 1 / -1" in rule[: rule.index("}")]
    assert "display: grid" in css[css.index(".duplicate-side-by-side {") :]


def test_reported_entries_show_their_tags(moderator):
    entry = factories.make_entry(factories.make_contest("voting"), tags=["espresso"])
    report(entry, reporter=factories.UserFactory(), reason="spam")
    html = client_for(moderator).get("/admin/moderation/reports/").content.decode()
    assert '<span class="moderation-tag">espresso</span>' in html
