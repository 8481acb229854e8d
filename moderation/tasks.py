"""Background work of the publication gate (django-tasks)."""

from django_tasks import task

from moderation.prescreen import screen_item_images


@task()
def screen_images(item_id: int) -> bool:
    """Near-duplicate checks of a submission's images, after it is queued."""
    return screen_item_images(item_id)
