from django_tasks import task

from ideas.services import expire_ideas as expire


@task()
def expire_ideas() -> int:
    """Schedule this (or the `expire_ideas` command) every few minutes."""
    return expire()
