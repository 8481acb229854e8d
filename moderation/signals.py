"""Published, unpublished or deleted member content makes the cached pages showing it stale."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from wagtail.signals import published, unpublished

from community import page_cache
from moderation.models import IntakePause, ModeratedModel


def _content_changed(sender, instance, **kwargs):
    if isinstance(instance, ModeratedModel):
        page_cache.invalidate(*instance.page_cache_tags())


def _live_content_deleted(sender, instance, **kwargs):
    if instance.live:
        page_cache.invalidate(*instance.page_cache_tags())


def _pause_changed(sender, instance, **kwargs):
    """The crisis banner shows on every page of its scope."""
    page_cache.invalidate(page_cache.SITE)
    from moderation.intake import PAUSES

    PAUSES.bump_now_and_on_commit()


def connect() -> None:
    published.connect(_content_changed, dispatch_uid="page_cache_published")
    unpublished.connect(_content_changed, dispatch_uid="page_cache_unpublished")
    # One receiver per concrete model: a receiver for every model would stop Django's fast
    # (signal-less) cascade deletes everywhere.
    for model in apps.get_models():
        if issubclass(model, ModeratedModel):
            post_delete.connect(
                _live_content_deleted, sender=model, dispatch_uid=f"page_cache_{model._meta.label}"
            )
    post_save.connect(_pause_changed, sender=IntakePause, dispatch_uid="page_cache_pause")
    post_delete.connect(_pause_changed, sender=IntakePause, dispatch_uid="page_cache_pause_del")
