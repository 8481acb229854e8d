"""Background work (django-tasks) that belongs to no single feature app. Tasks run in
`manage.py run_worker` with the database backend, or right away with the immediate one."""

from django_tasks import task

from community.images import make_renditions


@task()
def notify_opened_contests() -> int:
    """Announce what opened since the last run (scheduled: settings.COCREO_SCHEDULE)."""
    # Imported here: community.services imports moderation, which enqueues the task below.
    from community.services import announce_openings

    return announce_openings()


@task()
def make_image_renditions(names: list[str]) -> int:
    """Resize newly approved member images once, so no page view has to."""
    return make_renditions(names)
