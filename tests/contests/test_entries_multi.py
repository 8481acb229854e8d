"""Entries with several images, tags and accepted rules; edits and withdrawals by the author."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from community.errors import InvalidInput, NotAllowed, WrongPhase
from contests import services
from contests.models import Entry, EntryImage
from moderation import services as moderation_services
from moderation.models import ModerationItem
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

RED, BLUE, GREEN, GREY = (200, 30, 30), (20, 40, 200), (20, 160, 40), (90, 90, 90)


def upload(color, name="design.png"):
    return factories.image_upload(name, color=color)


def submit(contest, author, colors=(RED, BLUE), **kwargs):
    kwargs.setdefault("title", "Aurora cup")
    kwargs.setdefault("description", "Gold rim.")
    return services.submit_entry(
        contest, author=author, images=[upload(c) for c in colors], **kwargs
    )


def approve(entry):
    item = ModerationItem.objects.for_object(entry).pending().get()
    moderation_services.approve(item.pk, moderator=factories.moderator())
    return Entry.objects.get(pk=entry.pk)


def pixel(response) -> tuple:
    from io import BytesIO

    from PIL import Image

    body = b"".join(response.streaming_content)
    return Image.open(BytesIO(body)).convert("RGB").getpixel((1, 1))


def near(a, b):
    return all(abs(x - y) < 12 for x, y in zip(a, b, strict=True))


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


class TestSubmit:
    def test_several_images_the_first_is_the_cover_with_tags(self, contest, member):
        entry = submit(contest, member, colors=(RED, BLUE, GREEN), tags="Blue, gold ,blue")
        assert entry.image.name and entry.extra_images.count() == 2
        assert sorted(entry.tags.names()) == ["blue", "gold"]
        preview = entry.moderation_preview()
        assert preview["image_url"] == entry.image_url(800)
        assert preview["images"] == [entry.image_url(800, n) for n in (1, 2, 3)]

    def test_more_than_five_images_are_refused(self, contest, member):
        with pytest.raises(InvalidInput, match="at most 5 images") as refused:
            submit(contest, member, colors=[RED] * 6)
        assert refused.value.field == "images"
        assert not Entry.objects.exists()

    def test_a_bad_image_is_named(self, contest, member):
        from django.core.files.uploadedfile import SimpleUploadedFile

        bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
        with pytest.raises(InvalidInput, match="Image 2:"):
            services.submit_entry(
                contest,
                author=member,
                title="t",
                description="",
                images=[upload(RED), bad],
            )
        assert not EntryImage.objects.exists()

    def test_limit_per_member_and_contest(self, contest, member):
        contest.max_entries_per_member = 2
        contest.save()
        submit(contest, member)
        rejected = submit(contest, member)
        moderation_services.reject(
            ModerationItem.objects.for_object(rejected).get().pk,
            moderator=factories.moderator(),
            reason="Off topic",
        )
        submit(contest, member)  # rejected entries do not count
        with pytest.raises(NotAllowed, match="at most 2 entries"):
            submit(contest, member)
        assert Entry.objects.filter(author=member).count() == 3

    def test_rules_must_be_accepted_and_are_recorded(self, contest, member):
        contest.rules = "<p>Original work only.</p>"
        contest.save()
        with pytest.raises(InvalidInput, match="Accept the contest rules") as refused:
            submit(contest, member)
        assert refused.value.field == "accept_rules"
        entry = submit(contest, member, accept_rules=True)
        entry.refresh_from_db()
        assert entry.rules_accepted_text == "<p>Original work only.</p>"
        assert entry.rules_accepted_version == services.rules_version(contest.rules)
        assert abs(entry.rules_accepted_at - timezone.now()) < timedelta(minutes=1)


class TestEditOfApprovedEntry:
    @pytest.fixture
    def entry(self, contest, member):
        return approve(submit(contest, member, colors=(RED, BLUE), tags=["blue"]))

    def test_the_approved_images_stay_public_until_the_edit_is_approved(self, entry, member):
        visitor = Client()
        services.edit_entry(
            entry,
            author=member,
            title="Aurora cup v2",
            description="Now green.",
            images=[upload(GREEN), upload(GREY), upload(BLUE)],
            tags=["green"],
        )
        entry.refresh_from_db()
        assert entry.title == "Aurora cup" and entry.has_pending_edit
        assert sorted(entry.tags.names()) == ["blue"]
        # Everyone still sees the approved cover and image 2; image 3 of the edit is not public.
        assert near(pixel(visitor.get(entry.image_url(None, 1))), RED)
        assert near(pixel(visitor.get(entry.image_url(None, 2))), BLUE)
        assert visitor.get(entry.image_url(None, 3)).status_code == 404
        # The pending edit's images: only for the author and moderators, through the revision.
        item = ModerationItem.objects.for_object(entry).pending().get()
        preview = item.submitted_object.moderation_preview(item.revision_id)
        assert len(preview["images"]) == 3 and preview["title"] == "Aurora cup v2"
        author, mod = client_for(member), client_for(factories.moderator())
        assert near(pixel(author.get(preview["images"][0])), GREEN)
        assert near(pixel(mod.get(preview["images"][2])), BLUE)
        assert visitor.get(preview["images"][0]).status_code == 404
        assert client_for(factories.UserFactory()).get(preview["images"][1]).status_code == 404

        moderation_services.approve(item.pk, moderator=factories.moderator())
        entry = Entry.objects.get(pk=entry.pk)
        assert entry.title == "Aurora cup v2" and not entry.has_pending_edit
        assert sorted(entry.tags.names()) == ["green"]
        assert entry.extra_images.count() == 2
        assert near(pixel(visitor.get(entry.image_url(None, 1))), GREEN)
        assert near(pixel(visitor.get(entry.image_url(None, 3))), BLUE)

    def test_rejected_edit_leaves_the_approved_version(self, entry, member):
        services.edit_entry(
            entry, author=member, title="Rude", description="", images=[upload(GREY)]
        )
        item = ModerationItem.objects.for_object(entry).pending().get()
        moderation_services.reject(item.pk, moderator=factories.moderator(), reason="No")
        entry = Entry.objects.get(pk=entry.pk)
        assert entry.title == "Aurora cup" and entry.live and entry.extra_images.count() == 1
        assert near(pixel(Client().get(entry.image_url(None, 1))), RED)

    def test_text_only_edit_keeps_the_images(self, entry, member):
        services.edit_entry(entry, author=member, title="Renamed", description="Same images")
        item = ModerationItem.objects.for_object(entry).pending().get()
        moderation_services.approve(item.pk, moderator=factories.moderator())
        entry = Entry.objects.get(pk=entry.pk)
        assert entry.title == "Renamed" and entry.extra_images.count() == 1
        assert sorted(entry.tags.names()) == ["blue"]

    def test_only_the_author_while_submissions_are_open(self, entry, member):
        with pytest.raises(NotAllowed, match="Only its author"):
            services.edit_entry(entry, author=factories.UserFactory(), title="x", description="")
        with (
            time_machine.travel(entry.contest.submissions_close_at, tick=False),
            pytest.raises(WrongPhase, match="closed"),
        ):
            services.edit_entry(entry, author=member, title="x", description="")
        assert not ModerationItem.objects.for_object(entry).pending().exists()


class TestEditOfPendingEntryAndWithdrawal:
    def test_pending_entry_edit_replaces_the_queued_submission(self, contest, member):
        entry = submit(contest, member)
        services.edit_entry(
            entry, author=member, title="Better", description="", images=[upload(GREEN)]
        )
        items = ModerationItem.objects.for_object(entry)
        assert items.pending().count() == 1 and items.count() == 2
        entry.refresh_from_db()
        assert entry.title == "Better" and entry.extra_images.count() == 0
        assert not entry.live

    def test_withdraw_deletes_the_entry_and_frees_the_slot(
        self, contest, member, django_capture_on_commit_callbacks
    ):
        contest.max_entries_per_member = 1
        contest.save()
        entry = approve(submit(contest, member))
        name = entry.image.name
        with pytest.raises(NotAllowed):
            services.withdraw_entry(entry, author=factories.UserFactory())
        with django_capture_on_commit_callbacks(execute=True):
            services.withdraw_entry(entry, author=member)
        assert not Entry.objects.filter(pk=entry.pk).exists()
        assert not ModerationItem.objects.for_object(entry).exists()
        assert not entry.image.storage.exists(name)
        submit(contest, member)  # the slot is free again

    def test_no_withdrawal_after_submissions_close(self, member):
        contest = factories.make_contest("voting")
        entry = factories.make_entry(contest, author=member)
        with pytest.raises(WrongPhase):
            services.withdraw_entry(entry, author=member)
        assert Entry.objects.filter(pk=entry.pk).exists()


class TestPages:
    def test_submit_form_with_several_images_tags_and_rules(self, contest, member):
        contest.rules = "<p>Original work only.</p>"
        contest.save()
        client = client_for(member)
        form = client.get(f"{contest.url}submit/").content.decode()
        assert "Original work only." in form and 'name="accept_rules"' in form
        data = {
            "title": "Twin cups",
            "description": "Two views",
            "tags": "floral, blue",
            "image": upload(RED),
            "more_images": [upload(BLUE), upload(GREEN)],
        }
        refused = client.post(f"{contest.url}submit/", data)
        assert refused.status_code == 400
        body = refused.content.decode()
        assert "Accept the contest rules" in body and 'value="Twin cups"' in body
        data.update(accept_rules="on", image=upload(RED), more_images=[upload(BLUE), upload(GREEN)])
        response = client.post(f"{contest.url}submit/", data)
        entry = Entry.objects.get(title="Twin cups")
        assert response.status_code == 302 and entry.extra_images.count() == 2
        assert entry.rules_accepted_at is not None
        page = client.get(entry.get_absolute_url()).content.decode()
        assert page.count('<img class="entry-image') == 3
        assert ">floral<" in page and f"entries/{entry.pk}/edit/" in page

    def test_edit_page_prefilled_then_edit_goes_to_moderation(self, contest, member):
        entry = approve(submit(contest, member, tags=["blue"]))
        client = client_for(member)
        form = client.get(f"{contest.url}entries/{entry.pk}/edit/").content.decode()
        assert 'value="Aurora cup"' in form and 'value="blue"' in form
        response = client.post(
            f"{contest.url}entries/{entry.pk}/edit/",
            {"title": "Aurora II", "description": "New", "tags": "blue", "images": [upload(GREY)]},
        )
        assert response.status_code == 302
        page = client.get(entry.get_absolute_url()).content.decode()
        assert 'data-testid="pending-edit"' in page and "<h1>Aurora cup</h1>" in page
        public = Client().get(entry.get_absolute_url()).content.decode()
        assert "Aurora II" not in public and "pending-edit" not in public

    def test_edit_with_errors_keeps_what_was_typed(self, contest, member):
        entry = submit(contest, member)
        response = client_for(member).post(
            f"{contest.url}entries/{entry.pk}/edit/",
            {"title": "Kept title", "description": "d", "images": [upload(RED) for _ in range(6)]},
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "at most 5 images" in body and 'value="Kept title"' in body

    def test_others_cannot_edit_or_withdraw(self, contest, member):
        entry = approve(submit(contest, member))
        other = client_for(factories.UserFactory())
        assert other.get(f"{contest.url}entries/{entry.pk}/edit/").status_code == 404
        assert other.post(f"{contest.url}entries/{entry.pk}/withdraw/").status_code == 404
        assert "/edit/" not in other.get(entry.get_absolute_url()).content.decode()

    def test_withdraw_by_the_author(self, contest, member):
        entry = submit(contest, member)
        response = client_for(member).post(f"{contest.url}entries/{entry.pk}/withdraw/")
        assert response.status_code == 302 and response.url == contest.url
        assert not Entry.objects.filter(pk=entry.pk).exists()

    def test_design_template_is_offered_for_download(self, contest, member):
        from django.core.files.base import ContentFile
        from wagtail.documents.models import Document

        document = Document(title="Cup outline")
        document.file.save("cup-outline.pdf", ContentFile(b"%PDF-1.4 outline"), save=False)
        document.save()
        contest.design_template = document
        contest.save()
        page = Client().get(contest.url).content.decode()
        assert document.url in page and "Download the design template" in page
        form = client_for(member).get(f"{contest.url}submit/").content.decode()
        assert 'data-testid="design-template"' in form


def test_factory_makes_entries_with_several_images_and_tags(contest):
    entry = factories.make_entry(contest, extra_images=2, tags=["blue"])
    assert entry.live and entry.extra_images.count() == 2 and list(entry.tags.names()) == ["blue"]
    assert len(entry.moderation_preview()["images"]) == 3
