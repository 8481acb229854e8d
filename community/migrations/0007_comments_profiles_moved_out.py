# Comments and member profiles moved to their own apps (comments, profiles), above moderation.
# Only Django's model state changes here: the tables are taken over (and renamed) by
# comments.0001 and profiles.0001.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0006_comments_and_profiles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Comment"),
                migrations.DeleteModel(name="Profile"),
            ],
            database_operations=[],
        ),
    ]
