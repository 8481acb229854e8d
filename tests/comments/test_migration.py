"""Moving comments and profiles out of community keeps every generic reference: the
ContentType rows are relabelled (same ids), so moderation items, reports, revisions and
fingerprints keep pointing at the moved rows."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comments.models import Comment
from moderation.models import ModerationItem
from profiles.models import Profile
from tests import factories

BEFORE = [("community", "0006_comments_and_profiles")]


@pytest.fixture
def warm_content_types():
    """The test clears the ContentType cache; leave it full again, so that reloading the
    serialized database for the next transactional test does not create rows on a cache miss
    (signal handlers look content types up while the rows are loaded)."""
    yield
    ContentType.objects.clear_cache()
    models = apps.get_models(include_auto_created=True)
    ContentType.objects.get_for_models(*models)
    ContentType.objects.get_for_models(*models, for_concrete_models=False)


def test_content_types_carry_the_new_app_labels(db):
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Comment).app_label == "comments"
    assert ContentType.objects.get_for_model(Profile).app_label == "profiles"
    assert not ContentType.objects.filter(
        app_label="community", model__in=["comment", "profile"]
    ).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("stale_new_row", [False, True])
def test_migrating_keeps_a_moderation_item_pointing_at_its_comment(
    stale_new_row, warm_content_types
):
    entry = factories.make_entry(factories.make_contest("voting"))
    comment = factories.make_comment(entry, approved=False, body="Kept through the move")
    profile = factories.make_profile(approved=False, bio="Kept bio")
    item_ids = {
        "comment": factories.pending_item(comment).pk,
        "profile": factories.pending_item(profile).pk,
    }
    ct_ids = {
        m: ContentType.objects.get_for_model(model).pk
        for m, model in (("comment", Comment), ("profile", Profile))
    }

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE + [("comments", None), ("profiles", None)])
    ContentType.objects.clear_cache()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT app_label, model FROM django_content_type WHERE id = %s", [ct_ids["comment"]]
        )
        assert cursor.fetchone() == ("community", "comment")
        cursor.execute("SELECT body FROM community_comment WHERE id = %s", [comment.pk])
        assert cursor.fetchone() == ("Kept through the move",)
        if stale_new_row:
            # A row for the new label exists already (say, made by a deploy that ran
            # post_migrate before this migration): it is folded into the old one.
            cursor.execute(
                "INSERT INTO django_content_type (app_label, model) VALUES ('comments', 'comment')"
            )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaves)
    ContentType.objects.clear_cache()

    for model, name in ((Comment, "comment"), (Profile, "profile")):
        content_type = ContentType.objects.get_for_model(model)
        assert content_type.pk == ct_ids[name]
        assert content_type.app_label == model._meta.app_label
        item = ModerationItem.objects.get(pk=item_ids[name])
        assert item.content_object is not None and item.content_object.pk in (
            comment.pk,
            profile.pk,
        )
        assert item.revision.as_object().pk == item.object_id
    assert ModerationItem.objects.get(pk=item_ids["comment"]).content_object.body == (
        "Kept through the move"
    )
    assert not ContentType.objects.filter(
        app_label="community", model__in=["comment", "profile"]
    ).exists()
    assert ContentType.objects.filter(app_label="comments", model="comment").count() == 1
