"""Background work of the publication gate (django-tasks)."""

from django_tasks import task

from moderation.prescreen import screen_item_images


@task()
def screen_images(item_id: int) -> bool:
    """Near-duplicate checks of a submission's images, after it is queued."""
    return screen_item_images(item_id)


@task()
def screen_member_names() -> int:
    """After the blocked terms changed: hold existing names that contain one."""
    from moderation.names import screen_existing_names

    return len(screen_existing_names())
