"""A moderator clears a queue of mixed content (an entry, a comment, a profile and an edit)
with the keyboard alone: approve, reject with a numbered reason, skip and come back."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from contests.models import Entry
from moderation import services
from moderation.models import ModerationItem, RejectionReason
from profiles.models import Profile
from tests import factories
from tests.browser.test_journey import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moderator_clears_a_mixed_queue_with_the_keyboard(live_server, new_context, screenshot):
    contest = factories.make_contest("submissions", title="Keyboard cup")
    RejectionReason.objects.create(label="Off topic", message="This is off topic.", sort_order=1)
    new_entry = factories.make_entry(contest, approved=False, title="Keyboard entry")
    public_entry = factories.make_entry(contest, title="Public entry")
    comment = factories.make_comment(public_entry, approved=False, body="Keyboard comment")
    profile = factories.make_profile(approved=False, bio="Keyboard profile")
    public_entry.title = "Public entry, edited"
    services.submit_for_moderation(public_entry, user=public_entry.author)
    assert ModerationItem.objects.pending().count() == 4

    moderator = factories.moderator()
    page = new_context().new_page()
    sign_in(page, moderator.email)
    page.goto("/admin/moderation/review/")
    item = page.locator("article.moderation-item")

    # 1. The oldest item, the new entry: skip it with "n" (it comes back at the end).
    expect(item).to_contain_text("Keyboard entry")
    screenshot(page, "keyboard-1-review")
    page.keyboard.press("n")
    # 2. The comment: approve with "a".
    expect(item).to_contain_text("Keyboard comment")
    page.keyboard.press("a")
    expect(page.get_by_text("Approved: it is now public.")).to_be_visible()
    # 3. The profile: reject with managed reason 1.
    expect(item).to_contain_text("Keyboard profile")
    page.keyboard.press("1")
    expect(page.get_by_text("Rejected: the author will see your reason.")).to_be_visible()
    # 4. The edit of the public entry: reject with a written reason ("r", type, Ctrl+Enter).
    expect(item).to_contain_text("Public entry, edited")
    page.keyboard.press("r")
    page.keyboard.type("Keep the original title.")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Rejected: the author will see your reason.")).to_be_visible()
    # 5. Back to the skipped entry: approve it; the queue is empty.
    page.goto("/admin/moderation/review/")
    expect(item).to_contain_text("Keyboard entry")
    page.keyboard.press("a")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/moderation/review/"))
    screenshot(page, "keyboard-2-empty")

    assert not ModerationItem.objects.pending().exists()
    assert Entry.objects.get(pk=new_entry.pk).live
    assert Comment.objects.get(pk=comment.pk).live
    profile = Profile.objects.get(pk=profile.pk)
    assert (profile.live, profile.moderation_reason) == (False, "This is off topic.")
    assert Entry.objects.public().get(pk=public_entry.pk).title == "Public entry"
    assert page.context.page_errors == []
