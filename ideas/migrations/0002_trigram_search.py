"""pg_trgm for similar-idea suggestions, with a trigram index on titles (PostgreSQL only; the
SQLite fallback needs neither)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS idea_title_trgm_idx ON ideas_idea "
            "USING gin (title gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS idea_title_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_ideas_boards")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
