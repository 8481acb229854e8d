from django.db import migrations

from community.migration_helpers import ensure_permissions, get_permissions


def grant(apps, schema_editor):
    """Moderators manage the rejection reasons and blocked terms they work with."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *get_permissions(
            apps,
            *(
                f"moderation.{action}_{model}"
                for model in ("rejectionreason", "blockedterm")
                for action in ("add", "change", "delete", "view")
            ),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_blockedterm_imagefingerprint_intakepause_and_more")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
