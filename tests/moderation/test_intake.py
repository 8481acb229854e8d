"""Suspensions and the crisis pause."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comments.services import post_comment
from community.errors import Conflict, NotAllowed, WrongPhase
from contests import services as contest_services
from moderation import intake
from moderation.models import LogAction, ModerationLogEntry, PauseScope
from moderation.queue import pending_items
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def submit(contest, author):
    return contest_services.submit_entry(
        contest, author=author, title="Cup", description="", image=factories.image_upload()
    )


def test_suspended_member_cannot_post_or_vote_and_leaves_the_queue(moderator):
    contest = factories.make_contest("submissions")
    member = factories.UserFactory()
    pending = factories.make_entry(contest, author=member, approved=False)
    public = factories.make_entry(contest)
    suspension = intake.suspend(member, moderator=moderator, reason="Spam wave", days=7)
    assert pending.pk not in {i.object_id for i in pending_items()}
    with pytest.raises(NotAllowed, match="suspended"):
        submit(contest, member)
    with pytest.raises(NotAllowed, match="suspended"):
        post_comment(public, author=member, body="Hi")
    voting = factories.make_contest("voting")
    with pytest.raises(NotAllowed, match="suspended"):
        contest_services.cast_vote(factories.make_entry(voting), voter=member)
    with pytest.raises(Conflict):
        intake.suspend(member, moderator=moderator, reason="again")
    assert ModerationLogEntry.objects.filter(action=LogAction.SUSPEND, member=member).exists()

    intake.lift_suspension(suspension.pk, moderator=moderator)
    assert pending.pk in {i.object_id for i in pending_items()}
    assert submit(contest, member).pk
    assert ModerationLogEntry.objects.filter(action=LogAction.LIFT, member=member).exists()


def test_suspension_ends_by_itself_and_bans_do_not(moderator):
    member = factories.UserFactory()
    suspension = intake.suspend(member, moderator=moderator, reason="Cool off", days=1)
    suspension.ends_at = timezone.now()
    suspension.save()
    intake.check_not_suspended(member)  # no refusal
    intake.suspend(member, moderator=moderator, reason="Fraud", ban=True)
    assert intake.active_suspension(member).ends_at is None


def test_only_moderators_suspend_and_never_moderators(moderator, staff, member):
    with pytest.raises(NotAllowed):
        intake.suspend(member, moderator=staff, reason="x")
    with pytest.raises(NotAllowed):
        intake.suspend(factories.moderator(), moderator=moderator, reason="x")


def test_suspension_desk(moderator, member):
    client = client_for(moderator)
    response = client.post(
        reverse("moderation:suspensions"), {"username": member.username, "reason": "Abuse"}
    )
    assert response.status_code == 302
    assert intake.active_suspension(member) is not None
    response = client.post(reverse("moderation:suspensions"), {"username": "nobody", "reason": "x"})
    assert response.status_code == 400 and "no member" in response.content.decode()


@pytest.mark.parametrize("scope", ["site", "brand", "container"])
def test_crisis_pause_at_each_scope(scope, moderator, member):
    contest = factories.make_contest("submissions")
    elsewhere = factories.make_contest("submissions", brand=factories.BrandFactory())
    public = factories.make_entry(contest)
    pause = intake.pause_intake(
        actor=moderator,
        scope=scope,
        brand=contest.brand if scope == "brand" else None,
        container=contest.page_ptr if scope == "container" else None,
        message="We are looking into a problem.",
    )
    with pytest.raises(WrongPhase, match="paused"):
        submit(contest, member)
    with pytest.raises(WrongPhase, match="paused"):
        post_comment(public, author=member, body="Hello")
    if scope == "site":
        with pytest.raises(WrongPhase):
            submit(elsewhere, member)
    else:
        assert submit(elsewhere, member).pk  # other brands and contests keep going
    html = client_for(member).get(contest.url).content.decode()
    assert "We are looking into a problem." in html and 'data-testid="pause-banner"' in html
    assert ModerationLogEntry.objects.filter(action=LogAction.PAUSE).exists()

    intake.resume_intake(pause.pk, actor=moderator)
    assert submit(contest, member).pk
    assert "pause-banner" not in client_for(member).get(contest.url).content.decode()
    assert ModerationLogEntry.objects.filter(action=LogAction.RESUME).exists()


def test_brand_staff_pause_from_the_admin_and_members_cannot(staff, member):
    contest = factories.make_contest("submissions")
    response = client_for(staff).post(
        reverse("moderation:pauses"), {"scope": PauseScope.CONTAINER, "container": contest.pk}
    )
    assert response.status_code == 302
    with pytest.raises(WrongPhase):
        intake.check_intake_open(member, contest=contest)
    assert client_for(member).get(reverse("moderation:pauses")).status_code in (302, 403)
    with pytest.raises(NotAllowed):
        intake.pause_intake(actor=member, scope=PauseScope.SITE)


class TestPauseAnswerCache:
    """No pause anywhere is remembered in the shared cache, never past a change to a pause."""

    def test_no_pause_costs_no_query_once_known(self, django_assert_num_queries):
        intake.any_pause_active()
        with django_assert_num_queries(0):
            assert intake.active_pause(brand_id=1, container_id=2) is None

    def test_a_new_pause_and_its_resume_take_effect_at_once(self, moderator, member):
        contest = factories.make_contest("submissions")
        client = client_for(member)
        assert "pause-banner" not in client.get(contest.url).content.decode()  # cached: none
        pause = intake.pause_intake(actor=moderator, scope="site", message="Checking.")
        assert 'data-testid="pause-banner"' in client.get(contest.url).content.decode()
        with pytest.raises(WrongPhase):
            submit(contest, member)
        intake.resume_intake(pause.pk, actor=moderator)
        assert "pause-banner" not in client.get(contest.url).content.decode()
        assert submit(contest, member).pk

    def test_an_answer_read_before_the_commit_is_never_used_after_it(self, moderator):
        intake.any_pause_active()
        version = intake.PAUSES.version()
        intake.pause_intake(actor=moderator, scope="site")
        # Another process read "no pause" before the commit and stores it with the version it
        # saw, after the commit's bump: an answer of an older version is never used.
        cache.set("intake:pauses:any", (version, False))
        assert intake.any_pause_active()

    def test_a_pause_deleted_outright_is_gone_at_once(self, moderator):
        pause = intake.pause_intake(actor=moderator, scope="site")
        assert intake.any_pause_active()
        pause.delete()
        assert not intake.any_pause_active()

    def test_a_pause_whose_version_bump_was_lost_takes_effect_within_seconds(
        self, moderator, monkeypatch
    ):
        # A frozen Redis can swallow both bumps of a pause saved meanwhile; the old "no" then
        # lives only as long as an answer does (5 s in production, 1 s here).
        monkeypatch.setattr(intake.PAUSES, "seconds", 1)
        assert not intake.any_pause_active()
        monkeypatch.setattr(intake.PAUSES, "bump", lambda: None)
        intake.pause_intake(actor=moderator, scope="site")
        assert not intake.any_pause_active()  # the lost bump: the old answer still stands
        time.sleep(1.2)
        assert intake.any_pause_active()

    def test_the_database_answers_when_the_cache_is_down(self, moderator, settings):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        assert intake.active_pause() is None
        intake.pause_intake(actor=moderator, scope="site", message="Down.")
        assert intake.active_pause().message == "Down."
