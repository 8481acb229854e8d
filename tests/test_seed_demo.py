"""The demo data command: loads every phase and role, is idempotent, refuses real installations."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command

from community.images import private_storage
from community.models import Brand, User
from community.rules import is_brand_staff, is_moderator, is_staff_of_brand, is_verified_member
from contests.models import Award, ContestPage, Entry, Vote
from contests.phases import Phase
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy
    }


def private_files(folder: str = "") -> list[str]:
    storage = private_storage()
    if not storage.exists(folder or "."):
        return []
    folders, files = storage.listdir(folder or ".")
    found = [f"{folder}/{name}" for name in files]
    for sub in folders:
        found += private_files(f"{folder}/{sub}" if folder else sub)
    return found


def test_loads_a_contest_in_each_phase_and_an_account_for_each_role():
    output = seed()

    contests = {c.slug: c for c in ContestPage.objects.live()}
    assert {slug: c.phase for slug, c in contests.items()} == {
        "aurora-morning-cup": Phase.SUBMISSIONS,
        "espresso-collection-spring": Phase.VOTING,
        "holiday-travel-mug": Phase.RESULTS,
        "autumn-tasting-cup": Phase.DRAFT,
        "mountain-hut-mug": Phase.REVIEW,
        "summer-iced-glass": Phase.JUDGING,
        "classic-demitasse": Phase.ARCHIVED,
    }
    assert {c.brand.name for c in contests.values()} == {"Caffè Aurora"}
    brand = Brand.objects.get()
    # The brand's contests live under its page; its staff account runs this brand; members follow.
    assert all(c.get_parent().pk == brand.page.pk for c in contests.values())
    assert is_staff_of_brand(User.objects.get(username="staff"), brand)
    assert set(brand.follows.values_list("user__username", flat=True)) == {"giulia", "marco"}
    assert all(c.hero_image_id for c in contests.values())
    # Approved entries in every contest, votes as rows, three winners for the finished contest.
    for contest in contests.values():
        if contest.phase != Phase.DRAFT:
            assert Entry.objects.public().filter(contest=contest).count() >= 2
    assert Vote.objects.filter(contest=contests["espresso-collection-spring"]).exists()
    winners = Award.objects.filter(contest=contests["holiday-travel-mug"], kind="winner").order_by(
        "rank"
    )
    assert [a.rank for a in winners] == [1, 2, 3]
    counts = [a.entry.votes.count() for a in winners]
    assert counts == sorted(counts, reverse=True)
    # Entry images are real pictures in private storage, not blank squares.
    entry = Entry.objects.public().first()
    assert entry.image_width == entry.image_height == 800
    with entry.image.open("rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert is_moderator(User.objects.get(username="moderator"))
    assert is_brand_staff(User.objects.get(username="staff"))
    for username in ("giulia", "marco"):
        member = User.objects.get(username=username)
        assert is_verified_member(member)
        assert not is_moderator(member) and not is_brand_staff(member)
        assert member.check_password("cocreo-demo")
        assert EmailAddress.objects.filter(user=member, verified=True, primary=True).exists()

    for expected in (
        "admin",
        "moderator",
        "staff",
        "giulia",
        "marco",
        "cocreo-demo",
        "giulia@example.com",
        "/admin/",
        "http://",
    ):
        assert expected in output


def test_a_contest_in_judging_has_criteria_a_shortlist_and_some_jury_scores():
    from contests.cockpit import contests_needing_attention
    from contests.models import JuryScore, Shortlisting

    seed()
    judging = ContestPage.objects.get(slug="summer-iced-glass")
    assert judging.phase == Phase.JUDGING and not hasattr(judging, "result")
    assert judging.jury_criteria.count() == 3
    assert judging.jury_criteria.first().name == "Originality"  # the English text
    shortlisted = Shortlisting.objects.filter(contest=judging)
    assert shortlisted.count() == 3
    staff, admin = User.objects.get(username="staff"), User.objects.get(username="admin")
    assert JuryScore.objects.filter(juror=admin, entry__contest=judging).count() == 9
    assert JuryScore.objects.filter(juror=staff, entry__contest=judging).count() == 6
    # Every phase is shown by at least one contest; the archived one has its winner.
    assert {c.phase for c in ContestPage.objects.live()} == set(Phase)
    archived = ContestPage.objects.get(slug="classic-demitasse")
    assert Award.objects.filter(contest=archived, kind="winner").count() == 1
    from ideas.cockpit import ideas_awaiting_answer

    assert ideas_awaiting_answer(staff).total == 1  # an idea at its goal awaits an answer
    # The staff dashboard has something to show: winners to pick, scores owed.
    [attention] = contests_needing_attention(staff)
    assert attention.contest == judging and attention.awaiting_winners
    assert attention.missing_scores == 3


def test_a_contest_in_review_shows_its_entries_in_both_languages_while_one_waits():
    from django.utils.translation import override

    from community.errors import WrongPhase
    from contests import rules

    seed()
    review = ContestPage.objects.get(slug="mountain-hut-mug")
    assert review.phase == Phase.REVIEW
    assert (review.title_en, review.title_it) == ("Mountain Hut Mug", "La tazza del rifugio")
    assert review.summary_it and review.brief_it and review.prize_it
    with override("it"):
        assert ContestPage.objects.get(pk=review.pk).title == "La tazza del rifugio"
    public = Entry.objects.public().filter(contest=review)
    assert set(public.values_list("title", flat=True)) == {
        "Snowy night",
        "Wood stove",
        "Alpine flowers",
    }
    [waiting] = Entry.objects.filter(contest=review, live=False)
    assert ModerationItem.objects.for_object(waiting).pending().exists()
    assert not Vote.objects.filter(contest=review).exists()
    with pytest.raises(WrongPhase):
        rules.check_can_vote(User.objects.get(username="marco"), public.first())


def test_pending_entries_are_not_public():
    seed()
    pending = Entry.objects.filter(live=False)
    assert pending.count() >= 2
    assert not Entry.objects.public().filter(pk__in=pending).exists()
    assert set(pending.values_list("moderation_status", flat=True)) == {"pending"}
    # They wait in the moderation queue.
    queued = set(
        ModerationItem.objects.pending()
        .filter(content_type__model="entry")
        .values_list("object_id", flat=True)
    )
    assert queued == set(pending.values_list("pk", flat=True))


def test_second_run_adds_nothing():
    seed()
    rows, files = row_counts(), sorted(private_files())
    output = seed()
    assert row_counts() == rows
    assert sorted(private_files()) == files
    assert Brand.objects.count() == 1
    assert "cocreo-demo" in output


def test_refuses_without_force_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not ContestPage.objects.exists()


def test_loads_an_ideas_board_with_every_status():
    from ideas.models import Idea, IdeasBoardPage, IdeaStatus, StatusUpdate
    from ideas.services import support_count

    seed()
    board = IdeasBoardPage.objects.live().get()
    assert board.brand.name == "Caffè Aurora" and board.get_parent().pk == board.brand.page.pk
    ideas = Idea.objects.filter(board=board)
    assert set(ideas.public().values_list("status", flat=True)) == set(IdeaStatus.values)
    pending = ideas.filter(live=False).get()
    assert ModerationItem.objects.for_object(pending).pending().exists()
    merged = ideas.get(status=IdeaStatus.MERGED)
    assert merged.merged_into.status == IdeaStatus.UNDER_REVIEW
    assert support_count(merged.merged_into) == board.support_goal
    assert StatusUpdate.objects.filter(kind="answer").exclude(answer="").count() == 4
    counts = row_counts()
    seed()
    assert row_counts() == counts
