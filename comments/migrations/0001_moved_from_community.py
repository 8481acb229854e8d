# Comment moved here from the community app: the state is created over the existing table
# community_comment (no data is copied), the table is then renamed, and the ContentType row
# is relabelled so generic references to existing rows keep working.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from community.migration_helpers import move_content_type


def relabel(apps, schema_editor):
    move_content_type(apps, "comment", from_app="community", to_app="comments")


def unlabel(apps, schema_editor):
    move_content_type(apps, "comment", from_app="comments", to_app="community")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("community", "0007_comments_profiles_moved_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0004_moderators_manage_lists"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('has_unpublished_changes', models.BooleanField(default=False, editable=False, verbose_name='has unpublished changes')),
                        ('first_published_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='first published at')),
                        ('last_published_at', models.DateTimeField(editable=False, null=True, verbose_name='last published at')),
                        ('go_live_at', models.DateTimeField(blank=True, null=True, verbose_name='go live date/time')),
                        ('expire_at', models.DateTimeField(blank=True, null=True, verbose_name='expiry date/time')),
                        ('expired', models.BooleanField(default=False, editable=False, verbose_name='expired')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                        ('live', models.BooleanField(default=False, editable=False, verbose_name='live')),
                        ('moderation_status', models.CharField(choices=[('pending', 'Pending review'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('removed', 'Removed by a moderator')], default='pending', editable=False, max_length=16, verbose_name='moderation status')),
                        ('moderation_reason', models.TextField(blank=True, editable=False, verbose_name="moderator's reason")),
                        ('target_id', models.PositiveBigIntegerField()),
                        ('body', models.TextField(max_length=2000, verbose_name='comment')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(app_label)s_%(class)s_set', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('latest_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='latest revision')),
                        ('live_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='live revision')),
                        ('target_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'db_table': 'community_comment',
                        'verbose_name': 'comment',
                        'verbose_name_plural': 'comments',
                        'ordering': ['created_at', 'pk'],
                        'indexes': [models.Index(fields=['target_type', 'target_id', 'live'], name='comment_target_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="comment", table=None),
        migrations.RunPython(relabel, unlabel),
    ]
