"""The queue: claims, filters, full preview, keyboard review page, bounded queries."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from comments.models import Comment
from community.errors import Conflict
from moderation import claims, services
from moderation.models import ModerationItem, Report
from moderation.queue import pending_items
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


def test_a_claim_keeps_other_moderators_off_the_item_until_it_expires(contest):
    first, second = factories.moderator(), factories.moderator()
    entry = factories.make_entry(contest, approved=False)
    item = factories.pending_item(entry)
    claims.claim(item.pk, moderator=first)
    with pytest.raises(Conflict, match=first.username):
        claims.claim(item.pk, moderator=second)
    with pytest.raises(Conflict, match="is reviewing"):
        services.approve(item.pk, moderator=second)
    assert claims.claim_next(pending_items(), moderator=second) is None
    ModerationItem.objects.filter(pk=item.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert claims.claim_next(pending_items(), moderator=second).pk == item.pk
    services.approve(item.pk, moderator=second)
    item.refresh_from_db()
    assert item.claimed_by is None and item.status == "approved"


def test_claim_next_skips_own_content_and_moves_on(contest):
    mod = factories.moderator()
    factories.make_entry(contest, author=mod, approved=False)
    a = factories.make_entry(contest, approved=False)
    b = factories.make_entry(contest, approved=False)
    first = claims.claim_next(pending_items(), moderator=mod)
    assert first.object_id == a.pk
    second = claims.claim_next(pending_items(), moderator=mod, after=first)
    assert second.object_id == b.pk
    assert claims.claim_next(pending_items(), moderator=mod, after=second) is None


def test_filters_by_kind_brand_contest_flagged_and_reported(contest, moderator):
    other = factories.make_contest("submissions", brand=factories.BrandFactory())
    in_contest = factories.make_entry(contest, approved=False, title="In first")
    in_other = factories.make_entry(other, approved=False, title="In other")
    public = factories.make_entry(contest)
    comment = factories.make_comment(public, approved=False)
    flagged = factories.make_entry(contest, approved=False, title="Flagged")
    ModerationItem.objects.filter(pk=factories.pending_item(flagged).pk).update(flagged=True)
    reporter = factories.UserFactory()
    public.title = "Edited while reported"
    services.submit_for_moderation(public, user=public.author)
    Report.objects.create(
        reporter=reporter,
        content_type=ContentType.objects.get_for_model(public),
        object_id=public.pk,
        reason="spam",
    )

    def ids(**filters):
        return {i.object_id for i in pending_items(filters)}

    assert ids(container=other.pk) == {in_other.pk}
    assert ids(brand=contest.brand_id) == {in_contest.pk, comment.pk, flagged.pk, public.pk}
    assert ids(kind=ContentType.objects.get_for_model(Comment).pk) == {comment.pk}
    assert ids(flagged=1) == {flagged.pk}
    assert ids(reported=1) == {public.pk}
    # Flagged items come first, then the oldest.
    assert next(iter(pending_items())).object_id == flagged.pk
    html = client_for(moderator).get(reverse("moderation:queue") + f"?container={other.pk}")
    assert "In other" in html.content.decode() and "In first" not in html.content.decode()


def test_full_preview_shows_images_text_age_and_author_history(contest, moderator):
    author = factories.UserFactory()
    factories.make_entry(contest, author=author)
    rejected = factories.make_entry(contest, author=author, approved=False)
    services.reject(factories.pending_item(rejected).pk, moderator=moderator, reason="No")
    entry = factories.make_entry(
        contest, author=author, approved=False, title="Preview me", description="Full text here"
    )
    html = client_for(moderator).get(reverse("moderation:queue")).content.decode()
    assert "Preview me" in html and "Full text here" in html
    assert f'src="{entry.image_url(800)}"' in html
    assert "1 approved, 1 rejected before" in html
    assert "verified email" in html and "waiting" in html


def test_review_page_claims_the_next_item_and_offers_shortcuts(contest, moderator):
    factories.make_entry(contest, approved=False, title="Next up")
    response = client_for(moderator).get(reverse("moderation:review"))
    html = response.content.decode()
    assert "Next up" in html and "<kbd>a</kbd>" in html
    item = ModerationItem.objects.get()
    assert item.claimed_by == moderator
    other = factories.moderator()
    assert "queue is empty" in client_for(other).get(reverse("moderation:review")).content.decode()
    queue_html = client_for(other).get(reverse("moderation:queue")).content.decode()
    assert f"Being reviewed by {moderator.username}" in queue_html


def bulk_pending_comments(target, n: int) -> None:
    """n pending comments and their queue items, inserted directly (fast)."""
    authors = [factories.UserFactory() for _ in range(5)]
    ct_target = ContentType.objects.get_for_model(target)
    comments = Comment.objects.bulk_create(
        Comment(
            author=authors[i % 5],
            target_type=ct_target,
            target_id=target.pk,
            body=f"Bulk comment {i}",
            live=False,
        )
        for i in range(n)
    )
    ct = ContentType.objects.get_for_model(Comment)
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=ct,
            base_content_type=ct,
            object_id=str(c.pk),
            content=c.serializable_data(),
            object_str=str(c),
            created_at=timezone.now(),
        )
        for c in comments
    )
    now = timezone.now()
    ModerationItem.objects.bulk_create(
        ModerationItem(
            content_type=ct,
            object_id=c.pk,
            revision=revision,
            author_id=c.author_id,
            submitted_at=now - timedelta(minutes=n - i),
            brand_id=target.contest.brand_id,
            container_id=target.contest_id,
        )
        for i, (c, revision) in enumerate(zip(comments, revisions, strict=True))
    )


@pytest.mark.parametrize("n", [10, 5000])
def test_queue_and_decision_queries_are_bounded(n, contest, django_assert_max_num_queries):
    target = factories.make_entry(contest)
    factories.make_entry(contest, approved=False)
    bulk_pending_comments(target, n)
    moderator = factories.moderator()
    client = client_for(moderator)
    client.get(reverse("moderation:queue"))  # warm up caches (content types, session)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    assert f"{n + 1} submissions waiting" in response.content.decode()
    item = pending_items().first()
    with django_assert_max_num_queries(30):
        client.post(reverse("moderation:decide", args=[item.pk]), {"decision": "approve"})
    item.refresh_from_db()
    assert item.status == "approved"
    with django_assert_max_num_queries(25):
        assert client.get(reverse("moderation:review")).status_code == 200
