from django.dispatch import receiver
from wagtail.signals import published

from comments.models import Comment


@receiver(published, sender=Comment)
def tell_when_first_public(sender, instance: Comment, **kwargs):
    """Approval (or an official answer) publishes a comment; its first publication is news for
    the people it concerns. Approving a later edit is not."""
    if instance.first_published_at and instance.first_published_at == instance.last_published_at:
        from comments.services import tell_about_published_comment

        tell_about_published_comment(instance)
