from django.db import migrations

from community.migration_helpers import ensure_permissions, get_permissions


def create_moderators(apps, schema_editor):
    """Moderators screen member content; they do not edit the site's pages. Wagtail creates a
    group of the same name with page-editing rights: those rights are taken away here."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Moderators")
    apps.get_model("wagtailcore", "GroupPagePermission").objects.filter(group=group).delete()
    apps.get_model("wagtailcore", "GroupCollectionPermission").objects.filter(group=group).delete()
    group.permissions.set(
        get_permissions(apps, "wagtailadmin.access_admin", "moderation.moderate_content")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        # Wagtail's own data migrations grant its "Moderators" group editor rights; ours runs
        # after them so that the group ends up with exactly the moderator's permissions.
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_moderators, migrations.RunPython.noop)]
