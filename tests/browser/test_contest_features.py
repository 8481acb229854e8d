"""Contest features in a real browser: a multi-image entry submitted, edited and the edit
moderated; voting by score and by budget with hidden totals; brand staff shortlist, score and
award; the public results page. One browser context per person."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contests.models import Award, ContestPage, Entry, JuryCriterion, JuryScore, Vote
from tests import factories
from tests.browser.test_journey import expect_image_loaded, move_contest_to, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def png(name, color):
    return {"name": name, "mimeType": "image/png", "buffer": factories.image_bytes(color=color)}


def test_multi_image_entry_submitted_edited_and_the_edit_moderated(new_context, screenshot):
    contest = factories.make_contest("submissions", title="Cups in colour")
    member = factories.UserFactory()
    author = new_context().new_page()
    sign_in(author, member.email)

    author.goto(f"{contest.url}submit/")
    author.get_by_label("Title").fill("Three views")
    author.get_by_label("Tags").fill("red, blue")
    author.get_by_label("Design image").set_input_files(files=[png("front.png", (200, 30, 30))])
    author.get_by_label("More images").set_input_files(
        files=[png("side.png", (30, 30, 200)), png("top.png", (30, 160, 40))]
    )
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_role("heading", name="Three views", level=1)).to_be_visible()
    expect(author.locator("img.entry-image")).to_have_count(3)
    for n in range(3):
        expect_image_loaded(author.locator("img.entry-image").nth(n), f"pending image {n + 1}")
    entry = Entry.objects.get(title="Three views")
    assert entry.extra_images.count() == 2 and sorted(entry.tags.names()) == ["blue", "red"]

    # A moderator approves the submission (the desk is tested in the journey), then the author
    # edits it: new title, one new image.
    from moderation import services as moderation_services
    from moderation.models import ModerationItem

    moderator = factories.moderator()
    item = ModerationItem.objects.for_object(entry).pending().get()
    moderation_services.approve(item.pk, moderator=moderator)
    author.goto(entry.get_absolute_url())
    author.get_by_role("link", name="Edit your entry").click()
    expect(author.get_by_label("Title")).to_have_value("Three views")
    author.get_by_label("Title").fill("One better view")
    author.get_by_label("Replace the images").set_input_files(files=[png("new.png", (90, 90, 90))])
    author.get_by_role("button", name="Submit changes for review").click()
    expect(author.get_by_test_id("pending-edit")).to_be_visible()
    screenshot(author, "features-1-pending-edit")

    # Everyone else still sees the approved version with its three images.
    visitor = new_context().new_page()
    visitor.goto(entry.get_absolute_url())
    expect(visitor.get_by_role("heading", name="Three views", level=1)).to_be_visible()
    expect(visitor.locator("img.entry-image")).to_have_count(3)

    # The moderator approves the edit on the desk; now the new version is public.
    desk = new_context().new_page()
    sign_in(desk, moderator.email)
    desk.goto("/admin/moderation/")
    queued = desk.get_by_role("listitem").filter(
        has=desk.get_by_role("heading", name="One better view")
    )
    expect(queued).to_contain_text("edit of approved content")
    queued.get_by_role("button", name="Approve").click()
    expect(desk.get_by_text("The queue is empty.")).to_be_visible()
    visitor.reload()
    expect(visitor.get_by_role("heading", name="One better view", level=1)).to_be_visible()
    expect(visitor.locator("img.entry-image")).to_have_count(1)
    expect_image_loaded(visitor.locator("img.entry-image").first, "approved edit")


def test_score_and_budget_voting_with_hidden_totals(new_context, screenshot):
    scored = factories.make_contest(
        "voting", title="Scored cups", voting_method="score", show_running_totals=False
    )
    budget = factories.make_contest(
        "voting", title="Budget cups", voting_method="budget", vote_budget=1
    )
    score_entry = factories.make_entry(scored, title="Scored one")
    first, second = (factories.make_entry(budget, title=t) for t in ("Pick me", "Or me"))
    member = factories.UserFactory()
    page = new_context().new_page()
    sign_in(page, member.email)

    page.goto(scored.url)
    expect(
        page.get_by_text("Vote totals stay hidden until the results are announced.")
    ).to_be_visible()
    page.get_by_role("link", name="Rate this design").click()
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save your score").click()
    expect(page.get_by_text("Thank you for voting!")).to_be_visible()
    expect(page.get_by_text("Your score: 4. Change it?")).to_be_visible()
    expect(page.locator("[data-vote-count]")).to_have_count(0)
    assert Vote.objects.get(entry=score_entry).score == 4

    page.goto(budget.url)
    expect(page.get_by_test_id("votes-left")).to_have_text("You have 1 vote left.")
    page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Pick me")
    ).get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_test_id("votes-left")).to_have_text("You have 0 votes left.")
    page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Or me")).get_by_role(
        "button", name="Vote", exact=True
    ).click()
    expect(
        page.get_by_text(re.compile("You have used your 1 vote in this contest"))
    ).to_be_visible()
    screenshot(page, "features-2-budget")
    assert list(Vote.objects.filter(contest=budget).values_list("entry_id", flat=True)) == [
        first.pk
    ]
    assert not Vote.objects.filter(entry=second).exists()


def test_staff_shortlist_score_award_and_the_results_page(new_context, screenshot):
    contest = factories.make_contest("voting", title="Judged cups")
    JuryCriterion.objects.create(contest=contest, name="Originality")
    JuryCriterion.objects.create(contest=contest, name="Brand fit")
    alpha, beta = (factories.make_entry(contest, title=t) for t in ("Alpha cup", "Beta cup"))
    Vote.objects.create(contest=contest, entry=beta, voter=factories.UserFactory())
    move_contest_to(contest, "judging")
    staff = factories.brand_staff()
    admin = new_context().new_page()
    sign_in(admin, staff.email)

    admin.goto(f"/admin/contests/{contest.pk}/jury/")
    screenshot(admin, "features-3-jury-start")
    admin.get_by_label(re.compile("^Alpha cup")).check()
    admin.get_by_label(re.compile("^Beta cup")).check()
    admin.get_by_role("button", name="Save the shortlist").click()
    expect(admin.get_by_text("Shortlist saved.")).to_be_visible()
    row = admin.locator(f'tr[data-entry-id="{alpha.pk}"]')
    row.get_by_label("Originality").fill("9")
    row.get_by_label("Brand fit").fill("7")
    row.get_by_role("button", name="Save scores").click()
    expect(admin.get_by_text("Your scores for “Alpha cup” are saved.")).to_be_visible()
    expect(admin.locator(f'tr[data-entry-id="{alpha.pk}"] [data-testid="overall"]')).to_have_text(
        "8.00"
    )
    screenshot(admin, "features-3-jury")
    assert JuryScore.objects.filter(juror=staff).count() == 2

    admin.goto(f"/admin/contests/{contest.pk}/winners/")
    admin.get_by_label("Rank of Alpha cup").fill("1")
    admin.get_by_label("Honourable mention for Beta cup").check()
    admin.get_by_label("The jury's statement").fill("Alpha is bold; Beta is brave.")
    admin.get_by_role("button", name="Save winners and publish results").click()
    expect(admin.get_by_text("Winners saved: the results are public.")).to_be_visible()
    assert Award.objects.filter(contest=contest).count() == 3  # winner, mention, community

    visitor = new_context().new_page()
    visitor.goto(ContestPage.objects.get(pk=contest.pk).url)
    visitor.get_by_test_id("results-link").click()
    expect(visitor.get_by_test_id("jury-statement")).to_contain_text("Alpha is bold")
    expect(visitor.get_by_test_id("mentions")).to_contain_text("Beta cup")
    expect(visitor.get_by_test_id("community-choice")).to_contain_text("Beta cup")
    expect(
        visitor.locator(f'[data-testid="vote-totals"] li[data-entry-id="{beta.pk}"]')
    ).to_contain_text("1")
    screenshot(visitor, "features-4-results")
    assert timezone.now()
