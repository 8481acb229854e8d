"""`migrate`, then the translated columns of Wagtail's own Page table.

wagtail-modeltranslation adds `title_en`, `title_it`, `seo_title_*` and `search_description_*`
to wagtailcore_page outside migrations (the table belongs to Wagtail); its migrate does that
after the migrations. Pages that existed before (or were created by data migrations) then have
empty English columns: they get their current text as English, as our own migrations do for
our fields (community.migration_helpers.english_from_original)."""

from django.db import connections
from wagtail.models import Page
from wagtail_modeltranslation.management.commands.migrate_translation import (
    Command as TranslationMigrateCommand,
)

PAGE_FIELDS = ("title", "seo_title", "search_description")


class Command(TranslationMigrateCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if options.get("plan") or options.get("check_unapplied"):
            return
        connection = connections[options["database"]]
        table = connection.ops.quote_name(Page._meta.db_table)
        with connection.cursor() as cursor:
            for field in PAGE_FIELDS:
                english = connection.ops.quote_name(f"{field}_en")
                original = connection.ops.quote_name(field)
                cursor.execute(
                    f"UPDATE {table} SET {english} = {original} WHERE {english} IS NULL"  # noqa: S608
                )
