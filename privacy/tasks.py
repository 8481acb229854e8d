from django_tasks import task

from privacy.services import build_export


@task()
def build_member_export(export_id: int) -> bool:
    """Background work (django-tasks): build the member's archive and tell them it is ready."""
    return build_export(export_id) is not None
