from django.db import migrations

from community.migration_helpers import ensure_permissions, get_permissions

PAGE_PERMISSIONS = [
    "wagtailcore.add_page",
    "wagtailcore.change_page",
    "wagtailcore.publish_page",
    "wagtailcore.lock_page",
    "wagtailcore.unlock_page",
]
IMAGE_PERMISSIONS = ["wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image"]


def create_brand_staff(apps, schema_editor):
    """Brand staff run contests in the CMS (pages and their images) and pick winners."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    group, _ = Group.objects.get_or_create(name="Brand staff")
    group.permissions.set(
        get_permissions(apps, "wagtailadmin.access_admin", "contests.pick_winners")
    )
    root_page = Page.objects.get(depth=1)
    for permission in get_permissions(apps, *PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
    root_collection = Collection.objects.get(depth=1)
    for permission in get_permissions(apps, *IMAGE_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_brand_staff, migrations.RunPython.noop)]
