from django.db.models.signals import post_save
from django.dispatch import receiver

from community.models import Brand


@receiver(post_save, sender=Brand)
def give_new_brand_its_space(sender, instance: Brand, created: bool, raw: bool = False, **kwargs):
    """A new brand (from the admin's snippets, a shell or seed data) gets its page and staff
    group at once, so its staff can be scoped to it from the start."""
    if created and not raw:
        from community.brands import ensure_brand_space

        ensure_brand_space(instance)
