from django.dispatch import receiver
from wagtail.signals import published

from community.realtime import publish_after_commit
from contests.models import Entry


@receiver(published, sender=Entry)
def announce_published_entry(sender, instance: Entry, **kwargs):
    """Approved entries appear live in the gallery of everyone watching the contest."""
    from contests.services import contest_group

    publish_after_commit(
        contest_group(instance.contest_id),
        {
            "type": "entry.published",
            "entry_id": instance.pk,
            "title": instance.title,
            "url": instance.get_absolute_url(),
            "image_url": instance.image_url(400),
        },
    )
