"""Ideas on the moderation desk: their own preview, filters, keyboard review, pre-screening,
reports, rejection and removal, like every member content."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from community.models import Notification
from ideas.models import Idea
from moderation import reports, services
from moderation.models import BlockedTerm, ModerationItem
from moderation.queue import pending_items
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return factories.make_board(title="Bring it back")


def test_the_desk_previews_ideas_with_board_category_and_image(board, moderator):
    category = board.categories.first()
    idea = factories.make_idea(
        board,
        approved=False,
        title="Winner Taco forever",
        description="The whole story",
        category=category,
        image=factories.image_upload(),
    )
    html = client_for(moderator).get(reverse("moderation:queue")).content.decode()
    assert "Winner Taco forever" in html and "The whole story" in html
    assert f"Bring it back · {category.name}" in html
    assert f'src="{idea.image_url(800)}"' in html
    kind = ContentType.objects.get_for_model(Idea).pk
    assert {i.object_id for i in pending_items({"kind": kind})} == {idea.pk}
    assert {i.object_id for i in pending_items({"container": board.pk})} == {idea.pk}
    review = client_for(moderator).get(reverse("moderation:review"))
    assert review.status_code == 200 and "Winner Taco forever" in review.content.decode()


def test_blocked_terms_flag_an_idea_and_edits_are_screened_too(board):
    BlockedTerm.objects.create(term="boycott")
    flagged = factories.make_idea(board, approved=False, title="Boycott the brand")
    assert factories.pending_item(flagged).flagged
    idea = factories.make_idea(board, title="Fine idea")
    from ideas.services import edit_idea

    edit_idea(idea, author=idea.author, title="Fine idea", description="Now: boycott!")
    item = factories.pending_item(idea)
    assert item.is_edit and item.flagged


def test_rejection_tells_the_author_and_resubmission_queues_again(board, moderator):
    idea = factories.make_idea(board, approved=False)
    services.reject(factories.pending_item(idea).pk, moderator=moderator, reason="Too vague")
    idea.refresh_from_db()
    assert not idea.live and idea.moderation_status == "rejected"
    assert Notification.objects.filter(recipient=idea.author, kind="moderation.rejected").exists()
    from ideas.services import edit_idea

    edit_idea(idea, author=idea.author, title="Clearer", description="Much clearer now")
    assert ModerationItem.objects.for_object(idea).pending().exists()


def test_reports_and_removal(board, moderator):
    idea = factories.make_idea(board)
    reports.report(idea, reporter=factories.UserFactory(), reason="offensive", text="rude")
    assert client_for(moderator).get(reverse("moderation:reports")).status_code == 200
    services.remove_content(idea, moderator=moderator, reason="Offensive")
    assert not Idea.objects.public().filter(pk=idea.pk).exists()
    assert client_for(factories.UserFactory()).get(f"/api/v1/ideas/{idea.pk}").status_code == 404
