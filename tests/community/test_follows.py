"""A community that stays: contests stay online after they end, members follow brands and hear
once when a brand's next contest opens."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community import services
from community.errors import NotAllowed
from community.models import Follow, Notification, OpeningAnnouncement
from community.tasks import notify_opened_contests
from contests import services as contest_services
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_past_contest_keeps_its_page_entries_and_winners_online(client):
    long_ago = timezone.now() - timedelta(days=400)
    contest = factories.make_contest("judging", now=long_ago)
    winner = factories.make_entry(contest, title="Still here")
    factories.make_entry(contest, title="Pending forever", approved=False)
    contest_services.pick_winners(contest, staff=factories.brand_staff(), entry_ids=[winner.pk])

    page = client.get(contest.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Still here" in html and "Place 1" in html
    assert "Pending forever" not in html
    assert client.get(winner.get_absolute_url()).status_code == 200
    brand_page = client.get(contest.brand.page.url).content.decode()
    assert "Past contests and their winners" in brand_page and contest.title in brand_page


class TestFollow:
    def test_follow_and_unfollow_services(self, member):
        brand = factories.BrandFactory()
        assert services.follow_brand(member, brand) is True
        assert services.follow_brand(member, brand) is False  # once
        assert Follow.objects.filter(user=member, brand=brand).count() == 1
        assert services.unfollow_brand(member, brand) is True
        assert services.unfollow_brand(member, brand) is False
        assert not Follow.objects.exists()

    def test_inactive_members_cannot_follow(self, member):
        member.is_active = False
        with pytest.raises(NotAllowed):
            services.follow_brand(member, factories.BrandFactory())

    def test_buttons_on_the_contest_and_brand_pages(self, member, client):
        contest = factories.make_contest("submissions")
        brand = contest.brand
        # Visitors get a link to sign in, which brings them back to the page.
        html = client.get(contest.url).content.decode()
        assert f'/accounts/login/?next={contest.url}">Follow {brand.name}</a>' in html
        member_client = client_for(member)
        for url in (contest.url, brand.page.url):
            html = member_client.get(url).content.decode()
            assert reverse("community:follow", args=[brand.slug]) in html
            assert f"Follow {brand.name}" in html

        response = member_client.post(
            reverse("community:follow", args=[brand.slug]),
            {"action": "follow", "next": contest.url},
        )
        assert response.status_code == 302 and response["Location"] == contest.url
        assert Follow.objects.filter(user=member, brand=brand).exists()
        assert f"Following {brand.name}" in member_client.get(contest.url).content.decode()

        response = member_client.post(
            reverse("community:follow", args=[brand.slug]),
            {"action": "unfollow", "next": "https://evil.example.org/"},
        )
        assert response["Location"] == brand.page.url  # no open redirect
        assert not Follow.objects.exists()

    def test_visitors_are_sent_to_sign_in(self, client):
        brand = factories.BrandFactory()
        response = client.post(reverse("community:follow", args=[brand.slug]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not Follow.objects.exists()


class TestOpeningAnnouncements:
    @pytest.fixture
    def brand(self):
        return factories.BrandFactory(name="Aurora")

    @pytest.fixture
    def followers(self, brand):
        people = [factories.UserFactory() for _ in range(3)]
        for person in people:
            services.follow_brand(person, brand)
        return people

    def test_followers_get_exactly_one_notification_per_opening(
        self, brand, followers, mailoutbox, django_capture_on_commit_callbacks
    ):
        outsider = factories.UserFactory()
        other_brand_follower = factories.UserFactory()
        services.follow_brand(other_brand_follower, factories.BrandFactory())
        # Published in advance: nobody is told until submissions open.
        now = timezone.now()
        contest = factories.make_contest("draft", brand=brand, title="Spring cups")
        assert services.announce_openings(now) == 0
        assert not Notification.objects.exists()

        opening = contest.submissions_open_at + timedelta(minutes=5)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.announce_openings(opening) == 3
        assert services.announce_openings(opening) == 0  # idempotent
        assert services.announce_openings(opening + timedelta(days=1)) == 0
        notifications = Notification.objects.filter(kind="brand_opening")
        assert sorted(n.recipient_id for n in notifications) == sorted(f.pk for f in followers)
        first = notifications.first()
        assert first.text == "Aurora has just opened “Spring cups”: take part!"
        assert first.url == contest.url
        assert not Notification.objects.filter(recipient__in=[outsider, other_brand_follower])
        assert sorted(m.to[0] for m in mailoutbox) == sorted(f.email for f in followers)
        announcement = OpeningAnnouncement.objects.get()
        assert (announcement.object_id, announcement.recipients) == (contest.pk, 3)

    def test_a_second_contest_of_the_brand_is_announced_too(self, brand, followers):
        factories.make_contest("submissions", brand=brand)
        factories.make_contest("submissions", brand=brand)
        assert services.announce_openings() == 6
        assert Notification.objects.count() == 6

    def test_closed_unpublished_and_inactive_are_not_announced(self, brand, followers):
        followers[0].is_active = False
        followers[0].save()
        factories.make_contest("voting", brand=brand)  # submissions closed before it was seen
        draft = factories.make_contest("submissions", brand=brand)
        draft.unpublish()
        assert services.announce_openings() == 0
        draft.save_revision().publish()
        assert services.announce_openings() == 2
        assert not Notification.objects.filter(recipient=followers[0]).exists()

    def test_command_and_task(self, brand, followers):
        factories.make_contest("submissions", brand=brand)
        out = StringIO()
        call_command("notify_opened_contests", stdout=out)
        assert "Notifications sent: 3" in out.getvalue()
        call_command("notify_opened_contests", stdout=out)
        assert "Notifications sent: 0" in out.getvalue()
        assert notify_opened_contests.enqueue().return_value == 0
        assert Notification.objects.count() == 3
