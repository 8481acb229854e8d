from django.db import migrations


def scope_brand_staff(apps, schema_editor):
    """Brand staff no longer edit every page: the group "Brand staff" keeps the role's
    permissions (admin access, picking winners, images), and page permissions move to each
    brand's own group on the brand's page (`manage.py setup_brands` creates the pages of brands
    that existed before this migration)."""
    Group = apps.get_model("auth", "Group")
    Brand = apps.get_model("community", "Brand")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(group__name="Brand staff", page__depth=1).delete()
    for brand in Brand.objects.filter(staff_group__isnull=True):
        brand.staff_group, _ = Group.objects.get_or_create(name=f"Brand staff: {brand.name}"[:150])
        brand.save(update_fields=["staff_group"])


def unscope_brand_staff(apps, schema_editor):
    from community.migration_helpers import ensure_permissions, get_permissions

    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.filter(name="Brand staff").first()
    if group is None:
        return
    root = Page.objects.get(depth=1)
    for permission in get_permissions(
        apps,
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "wagtailcore.publish_page",
        "wagtailcore.lock_page",
        "wagtailcore.unlock_page",
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_brand_pages_staff_groups_follows"),
        ("contests", "0002_brand_staff_group"),
    ]

    operations = [migrations.RunPython(scope_brand_staff, unscope_brand_staff)]
