"""Commenting and reporting in place (htmx): the thread or the report form comes back with the
outcome; a refused comment keeps its text in the box. Plain POSTs behave as before."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.urls import reverse

from comments.models import Comment
from community.htmx import FRAGMENT_HEADER
from contests.models import Entry
from moderation.models import Report
from tests import factories
from tests.conftest import client_for
from tests.contests.test_vote_in_place import still_clock

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def comment_data(entry, body, **extra):
    ct = ContentType.objects.get_for_model(Entry)
    return {"target_type": ct.pk, "target_id": entry.pk, "body": body, **extra}


def report_data(obj, **extra):
    ct = ContentType.objects.get_for_model(type(obj))
    return {"content_type": ct.pk, "object_id": obj.pk, "reason": "spam", **extra}


def test_a_comment_in_place_comes_back_in_the_thread(entry, member):
    client = client_for(member)
    response = client.post(reverse("comments:post"), comment_data(entry, "Lovely waves"), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and response[FRAGMENT_HEADER] == "1"
    assert html.lstrip().startswith('<section class="comments" id="comments"')
    assert "Your comment will appear once a moderator approves it." in html
    assert "Your comment is waiting for a moderator" in html and "Lovely waves" in html
    assert Comment.objects.filter(author=member, live=False).count() == 1
    # the empty box for the next comment
    assert re.search(r'<textarea name="body"[^>]*id="id_body">\s*</textarea>', html)


def test_a_refused_comment_keeps_its_text_in_the_box(entry, member):
    client = client_for(member)
    too_long = "Typed with care " + "x" * 2000
    response = client.post(reverse("comments:post"), comment_data(entry, too_long), **HX)
    assert response.status_code == 400 and response[FRAGMENT_HEADER] == "1"
    assert too_long in response.content.decode()
    assert not Comment.objects.exists()

    top = factories.make_comment(entry)
    response = client.post(reverse("comments:post"), comment_data(entry, "", parent=top.pk), **HX)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="reply-form" open' in html and "This field is required." in html


@override_settings(COCREO_RATE_LIMITS={"comment": "1/m"})
def test_a_rate_limited_comment_is_a_429_in_place_with_its_text(entry, member):
    client = client_for(member)
    with still_clock():
        client.post(reverse("comments:post"), comment_data(entry, "First"), **HX)
        response = client.post(
            reverse("comments:post"), comment_data(entry, "Second thought"), **HX
        )
    assert response.status_code == 429 and response[FRAGMENT_HEADER] == "1"
    html = response.content.decode()
    assert "Too many attempts" in html and ">\nSecond thought</textarea>" in html
    assert Comment.objects.count() == 1


def test_anonymous_comment_and_report_are_sent_to_sign_in(entry):
    response = Client().post(reverse("comments:post"), comment_data(entry, "Hi"), **HX)
    assert "/accounts/login/" in response["HX-Redirect"]
    response = Client().post(reverse("comments:post"), comment_data(entry, "Hi"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = Client().post(reverse("moderation_public:report"), report_data(entry), **HX)
    assert "/accounts/login/" in response["HX-Redirect"]
    assert not Comment.objects.exists() and not Report.objects.exists()


def test_a_report_in_place(entry, member):
    client = client_for(member)
    data = report_data(entry, text="Copied from a shop", next=entry.get_absolute_url())
    response = client.post(reverse("moderation_public:report"), data, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and response[FRAGMENT_HEADER] == "1"
    assert html.lstrip().startswith('<details class="report-form"')
    assert "a moderator will look at your report" in html
    assert Report.objects.filter(reporter=member, object_id=entry.pk).count() == 1

    # reporting twice is refused in place; a bad reason keeps the text typed
    again = client.post(reverse("moderation_public:report"), data, **HX)
    assert again.status_code == 409 and "action-error" in again.content.decode()
    bad = client.post(
        reverse("moderation_public:report"),
        report_data(entry, reason="nonsense", text="Still typed"),
        **HX,
    )
    assert bad.status_code == 400
    assert "Choose why you are reporting this." in bad.content.decode()
    assert "Still typed</textarea>" in bad.content.decode()
    # without htmx: redirect back with the message
    response = client.post(reverse("moderation_public:report"), data)
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()


@override_settings(COCREO_RATE_LIMITS={"report": "1/m"})
def test_a_rate_limited_report_is_a_429_in_place_with_retry_after(entry, member):
    client = client_for(member)
    other = factories.make_entry(entry.contest)
    with still_clock():
        client.post(reverse("moderation_public:report"), report_data(entry), **HX)
        response = client.post(
            reverse("moderation_public:report"), report_data(other, text="Still typed"), **HX
        )
    assert response.status_code == 429 and response[FRAGMENT_HEADER] == "1"
    assert int(response["Retry-After"]) > 0  # as a vote's or a support's 429 in place
    html = response.content.decode()
    assert "Too many attempts" in html and "Still typed</textarea>" in html
    assert Report.objects.count() == 1


def test_a_report_of_hidden_content_is_404(member):
    pending = factories.make_entry(factories.make_contest("voting"), approved=False)
    response = client_for(member).post(
        reverse("moderation_public:report"), report_data(pending), **HX
    )
    assert response.status_code == 404
