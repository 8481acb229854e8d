"""Ideas services: posting on the gate, supports, the goal, stages and expiry, the brand's
answers, merges, follows and their notifications."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from community.errors import Conflict, InvalidInput, NotAllowed, WrongPhase
from community.models import Notification
from ideas import listing, services
from ideas.models import Idea, IdeaStatus, StatusUpdate, Support
from moderation import services as moderation_services
from moderation.intake import pause_intake, suspend
from moderation.models import ModerationItem, ModerationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return factories.make_board(goal=3)


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# Posting -----------------------------------------------------------------------------------------
def test_a_new_idea_waits_for_a_moderator(board, member):
    idea = services.submit_idea(
        board, author=member, title="  Bring back   the taco ", description="Please."
    )
    assert idea.title == "Bring back the taco"
    assert not idea.live and idea.moderation_status == ModerationStatus.PENDING
    assert not Idea.objects.public().exists()
    item = factories.pending_item(idea)
    assert item.container_id == board.pk and item.brand_id == board.brand_id
    moderation_services.approve(item.pk, moderator=factories.moderator())
    idea.refresh_from_db()
    assert idea.live and idea.status == IdeaStatus.NEW and idea.first_published_at


def test_posting_refusals(board, member, unverified_member):
    with pytest.raises(NotAllowed):
        services.submit_idea(board, author=unverified_member, title="T", description="D")
    with pytest.raises(InvalidInput) as refused:
        services.submit_idea(board, author=member, title="   ", description="D")
    assert refused.value.field == "title"
    with pytest.raises(InvalidInput) as refused:
        services.submit_idea(board, author=member, title="T", description="")
    assert refused.value.field == "description"
    with pytest.raises(InvalidInput) as refused:
        services.submit_idea(board, author=member, title="x" * 141, description="D")
    assert refused.value.field == "title"
    other = factories.make_board(categories=("Elsewhere",))
    with pytest.raises(InvalidInput) as refused:
        services.submit_idea(
            board,
            author=member,
            title="T",
            description="D",
            category_id=other.categories.get().pk,
        )
    assert refused.value.field == "category"
    with pytest.raises(InvalidInput) as refused:
        services.submit_idea(
            board,
            author=member,
            title="T",
            description="D",
            image=factories.SimpleUploadedFile("x.png", b"not an image"),
        )
    assert refused.value.field == "image"
    assert not Idea.objects.exists()


def test_closed_or_future_boards_refuse_ideas(member):
    now = timezone.now()
    closed = factories.make_board(opens_at=now - timedelta(days=9), closes_at=now)
    future = factories.make_board(opens_at=now + timedelta(days=1))
    for board in (closed, future):
        with pytest.raises(WrongPhase):
            services.submit_idea(board, author=member, title="T", description="D")


def test_suspension_and_crisis_pause_stop_new_ideas(board, member):
    moderator = factories.moderator()
    pause = pause_intake(actor=moderator, scope="container", container=board)
    with pytest.raises(WrongPhase):
        services.submit_idea(board, author=member, title="T", description="D")
    from moderation.intake import resume_intake

    resume_intake(pause.pk, actor=moderator)
    services.submit_idea(board, author=member, title="T", description="D")
    suspend(member, moderator=moderator, reason="spam")
    with pytest.raises(NotAllowed):
        services.submit_idea(board, author=member, title="T2", description="D")


def test_idea_with_image_is_gated(board, member, client):
    idea = factories.make_idea(board, author=member, approved=False, image=factories.image_upload())
    assert idea.image
    assert client.get(idea.image_url(400)).status_code == 404
    moderation_services.approve(factories.pending_item(idea).pk, moderator=factories.moderator())
    assert client.get(idea.image_url(400)).status_code == 200


def test_an_edit_keeps_the_approved_version_public(board, member):
    idea = factories.make_idea(board, author=member, title="Original")
    version = services.edit_idea(
        idea, author=member, title="Changed", description="New text", category_id=None
    )
    idea.refresh_from_db()
    assert idea.title == "Original" and idea.live and idea.has_pending_edit
    item = factories.pending_item(idea)
    assert item.is_edit and version.title == "Changed"
    moderation_services.approve(item.pk, moderator=factories.moderator())
    idea.refresh_from_db()
    assert idea.title == "Changed" and idea.description == "New text"


def test_publishing_an_edit_never_rewinds_the_brands_status(board, member):
    idea = factories.make_idea(board, author=member)
    services.edit_idea(idea, author=member, title="Changed", description="D")
    staff = factories.brand_staff(board.brand)
    services.answer_idea(idea, actor=staff, status=IdeaStatus.PLANNED, answer="We like it.")
    moderation_services.approve(factories.pending_item(idea).pk, moderator=factories.moderator())
    idea.refresh_from_db()
    assert idea.title == "Changed" and idea.status == IdeaStatus.PLANNED


def test_only_the_author_edits_and_withdraws(board, member):
    idea = factories.make_idea(board)
    with pytest.raises(NotAllowed):
        services.edit_idea(idea, author=member, title="Mine", description="D")
    with pytest.raises(NotAllowed):
        services.withdraw_idea(idea, author=member)


def test_withdrawal_until_the_brand_acts(board, member):
    idea = factories.make_idea(board, author=member)
    factories.supporters(idea, 1)
    services.withdraw_idea(idea, author=member)
    assert not Idea.objects.exists() and not Support.objects.exists()
    assert not ModerationItem.objects.exists()
    answered = factories.make_idea(board, author=member)
    services.answer_idea(
        answered, actor=factories.brand_staff(board.brand), status="declined", answer="No."
    )
    with pytest.raises(Conflict):
        services.withdraw_idea(answered, author=member)


# Support -----------------------------------------------------------------------------------------
def test_one_support_per_member_withdrawable(board, member):
    idea = factories.make_idea(board)
    assert services.support_idea(idea, member=member) is True
    assert services.support_idea(idea, member=member) is False
    assert services.support_count(idea) == 1
    assert services.withdraw_support(idea, member=member) is True
    assert services.withdraw_support(idea, member=member) is False
    assert services.support_count(idea) == 0


def test_support_refusals(board, member, unverified_member):
    idea = factories.make_idea(board, author=member)
    pending = factories.make_idea(board, approved=False)
    other = factories.UserFactory()
    with pytest.raises(NotAllowed):
        services.support_idea(idea, member=member)  # own idea
    with pytest.raises(NotAllowed):
        services.support_idea(idea, member=unverified_member)
    with pytest.raises(NotAllowed):
        services.support_idea(pending, member=other)
    services.answer_idea(
        idea, actor=factories.brand_staff(board.brand), status="declined", answer="No."
    )
    idea.refresh_from_db()
    with pytest.raises(WrongPhase):
        services.support_idea(idea, member=other)
    suspended = factories.UserFactory()
    suspend(suspended, moderator=factories.moderator(), reason="spam")
    with pytest.raises(NotAllowed):
        services.support_idea(factories.make_idea(board), member=suspended)


def test_supports_of_suspended_members_do_not_count(board):
    idea = factories.make_idea(board)
    first, second = factories.supporters(idea, 2)
    moderator = factories.moderator()
    suspension = suspend(first, moderator=moderator, reason="fake accounts")
    assert services.support_count(idea) == 1
    listed = listing.board_ideas(board).get(pk=idea.pk)
    assert listed.support_count == 1
    from moderation.intake import lift_suspension

    lift_suspension(suspension.pk, moderator=moderator)
    assert services.support_count(idea) == 2


def test_reaching_the_goal_sends_to_review_once_and_tells_staff(board):
    staff = factories.brand_staff(board.brand)
    other_staff = factories.brand_staff(factories.BrandFactory())
    idea = factories.make_idea(board)
    factories.supporters(idea, 3)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.UNDER_REVIEW and idea.goal_reached_at
    assert kinds(staff).count("ideas.goal_staff") == 1
    assert "ideas.goal_staff" not in kinds(other_staff)
    assert "ideas.goal" in kinds(idea.author)
    # Falling below the goal and reaching it again does not repeat anything.
    supporter = Support.objects.filter(idea=idea).first().member
    services.withdraw_support(idea, member=supporter)
    services.support_idea(idea, member=supporter)
    factories.supporters(idea, 1)
    assert kinds(staff).count("ideas.goal_staff") == 1
    assert StatusUpdate.objects.filter(idea=idea, kind="goal").count() == 1


def test_the_goal_does_not_undo_a_brand_answer(board):
    idea = factories.make_idea(board)
    services.answer_idea(
        idea, actor=factories.brand_staff(board.brand), status="planned", answer="Soon."
    )
    idea.refresh_from_db()
    factories.supporters(idea, 3)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED and idea.goal_reached_at


# Stages and expiry -------------------------------------------------------------------------------
def test_stages_keep_an_idea_alive_or_let_it_expire():
    start = timezone.now()
    board = factories.make_board(goal=10, stages=[(2, 60), (4, 30)])
    with time_machine.travel(start, tick=False):
        kept = factories.make_idea(board, title="Kept alive")
        missed = factories.make_idea(board, title="Missed")
    with time_machine.travel(start + timedelta(days=59), tick=False):
        factories.supporters(kept, 2)
        factories.supporters(missed, 1)
    kept.refresh_from_db()
    assert kept.stages_cleared == 1
    with time_machine.travel(start + timedelta(days=61), tick=False):
        # Phases come from dates: the missed idea shows as expired and refuses support before
        # the expiry job records it.
        missed.refresh_from_db()
        assert listing.effective_status(missed) == IdeaStatus.EXPIRED
        with pytest.raises(WrongPhase):
            services.support_idea(missed, member=factories.UserFactory())
        assert services.expire_ideas() == 1
        assert services.expire_ideas() == 0  # safe to repeat
        missed.refresh_from_db()
        kept.refresh_from_db()
        assert missed.status == IdeaStatus.EXPIRED and kept.status == IdeaStatus.NEW
        assert "ideas.expired" in kinds(missed.author)
        assert StatusUpdate.objects.filter(idea=missed, kind="expired").count() == 1
    # The second stage runs for 30 days from reaching the first (day 59).
    with time_machine.travel(start + timedelta(days=88), tick=False):
        assert services.expire_ideas() == 0
    with time_machine.travel(start + timedelta(days=90), tick=False):
        assert services.expire_ideas() == 1
        kept.refresh_from_db()
        assert kept.status == IdeaStatus.EXPIRED


def test_staff_revive_an_expired_idea():
    start = timezone.now()
    board = factories.make_board(goal=10, stages=[(2, 10)])
    with time_machine.travel(start, tick=False):
        idea = factories.make_idea(board)
    staff = factories.brand_staff(board.brand)
    with time_machine.travel(start + timedelta(days=11), tick=False):
        services.expire_ideas()
        with pytest.raises(NotAllowed):
            services.revive_idea(idea, actor=factories.brand_staff(factories.BrandFactory()))
        services.revive_idea(idea, actor=staff, answer="One more chance.")
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.NEW
        services.support_idea(idea, member=factories.UserFactory())
    with time_machine.travel(start + timedelta(days=20), tick=False):
        assert services.expire_ideas() == 0
    with time_machine.travel(start + timedelta(days=22), tick=False):
        assert services.expire_ideas() == 1
    fresh = factories.make_idea(board)
    with pytest.raises(Conflict):
        services.revive_idea(fresh, actor=staff)


def test_stages_do_not_expire_ideas_that_reached_the_goal():
    start = timezone.now()
    board = factories.make_board(goal=2, stages=[(5, 10)])
    with time_machine.travel(start, tick=False):
        idea = factories.make_idea(board)
        factories.supporters(idea, 2)
    with time_machine.travel(start + timedelta(days=30), tick=False):
        assert services.expire_ideas() == 0
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.UNDER_REVIEW


# The brand answers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "status", ["under_review", "planned", "in_progress", "delivered", "declined", "new"]
)
def test_every_status_change_has_a_public_answer(board, status):
    staff = factories.brand_staff(board.brand)
    idea = factories.make_idea(board)
    follower = factories.UserFactory()
    services.follow_idea(idea, user=follower)
    update = services.answer_idea(idea, actor=staff, status=status, answer="Our answer.")
    idea.refresh_from_db()
    assert idea.status == status and idea.status_changed_at
    assert update.brand_id == board.brand_id and update.author == staff
    assert [u.answer for u in listing.timeline(idea)] == ["Our answer."]
    assert "ideas.answer" in kinds(idea.author) and "ideas.answer" in kinds(follower)
    assert "ideas.answer" not in kinds(staff)
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="ideas.answer", object_id=str(idea.pk)).exists()


def test_answer_refusals(board, member):
    idea = factories.make_idea(board)
    staff = factories.brand_staff(board.brand)
    for actor in (member, factories.brand_staff(factories.BrandFactory()), factories.moderator()):
        with pytest.raises(NotAllowed):
            services.answer_idea(idea, actor=actor, status="planned", answer="Yes")
    with pytest.raises(InvalidInput):
        services.answer_idea(idea, actor=staff, status="planned", answer="  ")
    for bogus in ("merged", "expired", "bogus"):
        with pytest.raises(InvalidInput):
            services.answer_idea(idea, actor=staff, status=bogus, answer="Yes")
    pending = factories.make_idea(board, approved=False)
    with pytest.raises(Conflict):
        services.answer_idea(pending, actor=staff, status="planned", answer="Yes")
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    services.answer_idea(idea, actor=admin, status="planned", answer="Yes")
    assert not StatusUpdate.objects.filter(idea=pending).exists()


def test_staff_edit_their_answers_and_it_shows(board):
    staff = factories.brand_staff(board.brand)
    idea = factories.make_idea(board)
    update = services.answer_idea(idea, actor=staff, status="planned", answer="Sprng")
    with pytest.raises(NotAllowed):
        services.edit_answer(
            update, actor=factories.brand_staff(factories.BrandFactory()), answer="x"
        )
    services.edit_answer(update, actor=staff, answer="Spring")
    update.refresh_from_db()
    assert update.answer == "Spring" and update.edited_at and update.edited_by == staff


# Merging -----------------------------------------------------------------------------------------
def test_merge_moves_supports_without_counting_anyone_twice(board):
    staff = factories.brand_staff(board.brand)
    target = factories.make_idea(board, title="Target")
    source = factories.make_idea(board, title="Duplicate")
    both = factories.supporters(target, 2)
    for member in both:
        services.support_idea(source, member=member)
    only_source = factories.supporters(source, 1)
    services.support_idea(source, member=target.author)  # the target's author: not counted
    follower = factories.UserFactory()
    services.follow_idea(source, user=follower)
    services.merge_ideas(source, into=target, actor=staff, answer="Same idea.")
    source.refresh_from_db()
    assert source.status == IdeaStatus.MERGED and source.merged_into == target
    assert services.support_count(target) == 3
    assert set(Support.objects.filter(idea=target).values_list("member", flat=True)) == {
        m.pk for m in [*both, *only_source]
    }
    assert not Support.objects.filter(idea=source).exists()
    for user in (source.author, target.author, follower):
        assert "ideas.merged" in kinds(user)
    assert services.merge_target(source) == target
    assert target.follows.filter(user=follower).exists()
    # The merged supports count toward the goal (3).
    target.refresh_from_db()
    assert target.status == IdeaStatus.UNDER_REVIEW


def test_merge_refusals(board):
    staff = factories.brand_staff(board.brand)
    first, second = factories.make_idea(board), factories.make_idea(board)
    elsewhere = factories.make_idea(factories.make_board(brand=board.brand))
    with pytest.raises(NotAllowed):
        services.merge_ideas(
            first, into=second, actor=factories.brand_staff(factories.BrandFactory())
        )
    with pytest.raises(InvalidInput):
        services.merge_ideas(first, into=first, actor=staff)
    with pytest.raises(InvalidInput):
        services.merge_ideas(first, into=elsewhere, actor=staff)
    services.merge_ideas(first, into=second, actor=staff)
    with pytest.raises(Conflict):
        services.merge_ideas(first, into=second, actor=staff)
    with pytest.raises(Conflict):
        services.answer_idea(first, actor=staff, status="planned", answer="x")


# Following ---------------------------------------------------------------------------------------
def test_board_followers_hear_about_answers_of_its_ideas(board):
    follower = factories.UserFactory()
    assert services.follow_board(board, user=follower) is True
    assert services.follow_board(board, user=follower) is False
    idea = factories.make_idea(board)
    services.answer_idea(
        idea, actor=factories.brand_staff(board.brand), status="planned", answer="Yes"
    )
    assert kinds(follower) == ["ideas.answer"]
    services.unfollow_board(board, user=follower)
    services.answer_idea(
        idea, actor=factories.brand_staff(board.brand), status="delivered", answer="Done"
    )
    assert kinds(follower) == ["ideas.answer"]


def test_pending_ideas_cannot_be_followed_by_others(board, member):
    pending = factories.make_idea(board, approved=False)
    with pytest.raises(NotAllowed):
        services.follow_idea(pending, user=member)
    assert services.follow_idea(pending, user=pending.author) is True


# From idea to contest ----------------------------------------------------------------------------
def test_staff_open_a_design_contest_from_an_idea(board):
    staff = factories.brand_staff(board.brand)
    idea = factories.make_idea(board, title="Taco cups")
    with pytest.raises(NotAllowed):
        services.open_contest_from_idea(idea, actor=factories.brand_staff(factories.BrandFactory()))
    contest = services.open_contest_from_idea(idea, actor=staff)
    idea.refresh_from_db()
    assert idea.contest_id == contest.pk and not contest.live
    assert contest.get_parent().specific.brand_id == board.brand_id
    assert list(contest.source_ideas.all()) == [idea]
    with pytest.raises(Conflict):
        services.open_contest_from_idea(idea, actor=staff)


# Lists -------------------------------------------------------------------------------------------
def test_sorting_filters_and_search():
    now = timezone.now()
    board = factories.make_board(goal=3, opens_at=now - timedelta(days=60))
    flavours, packaging = board.categories.all()
    with time_machine.travel(now - timedelta(days=30), tick=False):
        old_popular = factories.make_idea(board, title="Old popular", category=flavours)
        factories.supporters(old_popular, 2)
    with time_machine.travel(now - timedelta(days=1), tick=False):
        trending = factories.make_idea(board, title="Trending pistachio", category=packaging)
        factories.supporters(trending, 1)
    newest = factories.make_idea(board, title="Newest")
    factories.make_idea(board, title="Pending", approved=False)

    def titles(**kwargs):
        return [i.title for i in listing.board_ideas(board, **kwargs)]

    assert titles(sort="trending") == ["Trending pistachio", "Old popular", "Newest"]
    assert titles(sort="top") == ["Old popular", "Trending pistachio", "Newest"]
    assert titles(sort="newest") == ["Newest", "Trending pistachio", "Old popular"]
    assert titles(sort="bogus") == titles(sort="trending")
    assert titles(category=flavours.pk) == ["Old popular"]
    assert titles(q="PISTACHIO") == ["Trending pistachio"]
    services.answer_idea(
        newest, actor=factories.brand_staff(board.brand), status="planned", answer="Yes"
    )
    assert titles(status="planned") == ["Newest"]


def test_roadmap_groups_answered_ideas_by_status(board):
    staff = factories.brand_staff(board.brand)
    planned = factories.make_idea(board, title="Planned one")
    delivered = factories.make_idea(board, title="Delivered one")
    factories.make_idea(board, title="Unanswered")
    services.answer_idea(planned, actor=staff, status="planned", answer="Soon")
    services.answer_idea(delivered, actor=staff, status="delivered", answer="Done")
    columns = {c.status: [i.title for i in c.ideas] for c in listing.roadmap(board)}
    assert columns == {
        "under_review": [],
        "planned": ["Planned one"],
        "in_progress": [],
        "delivered": ["Delivered one"],
    }


# Similar ideas (both databases run this) ---------------------------------------------------------
def test_similar_ideas_while_typing(board):
    taco = factories.make_idea(board, title="Bring back the Winner Taco")
    factories.make_idea(board, title="Pistachio cone", description="Green and crunchy")
    factories.make_idea(board, title="Winner Taco but pending", approved=False)
    other_board = factories.make_board(brand=board.brand)
    factories.make_idea(other_board, title="Winner Taco elsewhere")
    titles = [i.title for i in listing.similar_ideas(board, "winner taco")]
    assert titles == ["Bring back the Winner Taco"]
    assert [i.title for i in listing.similar_ideas(board, "crunchy")] == ["Pistachio cone"]
    assert listing.similar_ideas(board, "wi") == []
    assert listing.similar_ideas(board, "zzzz qqqq") == []
    assert listing.similar_ideas(board, "winner taco", exclude_id=taco.pk) == []
