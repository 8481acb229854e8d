from django_tasks import task

from community.services import announce_openings


@task()
def notify_opened_contests() -> int:
    """Background work (django-tasks): announce what opened since the last run."""
    return announce_openings()
