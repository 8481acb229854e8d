"""The task worker's helpers: retries with backoff, the schedule of periodic tasks, and the
queue's state for a readiness check. Generic: any app's task may use them."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.base import Task, TaskResultStatus

logger = logging.getLogger(__name__)

# A task still marked running after this long belongs to a worker that died.
STALE_RUNNING = timedelta(hours=1)
# Work waiting longer than this means no worker is taking it.
STALE_READY = timedelta(minutes=10)


def uses_database_backend(alias: str = "default") -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[alias], DatabaseBackend)


def retry_later(task: Task, *args, delay_seconds: float, **kwargs):
    """Enqueue `task` again to run after `delay_seconds`. Backends that cannot defer (the
    immediate one) run it again at once."""
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    return task.enqueue(*args, **kwargs)


def backoff_seconds(attempt: int, base: float) -> float:
    """The wait after failed attempt number `attempt` (1, 2, ...): base, 2×base, 4×base..."""
    return base * 2 ** (attempt - 1)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue each task of settings.COCREO_SCHEDULE that has no run waiting and whose last
    run was enqueued at least its interval ago. Called by `run_worker` every few seconds;
    scheduled tasks must be idempotent, since two workers may both enqueue the same run."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    enqueued = []
    for path, every in settings.COCREO_SCHEDULE.items():
        if not every:
            continue
        runs = DBTaskResult.objects.filter(task_path=path)
        waiting = (
            runs.filter(status=TaskResultStatus.READY).exists()
            or runs.filter(
                status=TaskResultStatus.RUNNING, started_at__gt=now - STALE_RUNNING
            ).exists()
        )
        if waiting:
            continue
        last = runs.order_by("-enqueued_at").values_list("enqueued_at", flat=True).first()
        if last is not None and last > now - timedelta(seconds=every):
            continue
        import_string(path).enqueue()
        enqueued.append(path)
    return enqueued


def tasks_status() -> dict:
    """The task queue as a readiness check sees it: {"status": "ok" | "degraded" | "error",
    ...}. "degraded" when work has waited longer than STALE_READY (no worker is running)."""
    backend = task_backends["default"]
    if not uses_database_backend():
        return {"status": "ok", "backend": type(backend).__name__}
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    try:
        ready = DBTaskResult.objects.ready()
        # Due since it was enqueued, or (deferred: a retry) since its run_after.
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", "run_after")[:1000]
        due_since = [
            run_after if run_after != get_date_max() else enqueued_at
            for enqueued_at, run_after in oldest
        ]
        failed = DBTaskResult.objects.failed().filter(finished_at__gt=now - timedelta(days=1))
        waiting, failed_today = ready.count(), failed.count()
    except DatabaseError as error:
        return {"status": f"error: {type(error).__name__}", "backend": type(backend).__name__}
    waited = (now - min(due_since)).total_seconds() if due_since else 0
    return {
        "status": "degraded" if waited > STALE_READY.total_seconds() else "ok",
        "backend": type(backend).__name__,
        "waiting": waiting,
        "oldest_waiting_seconds": round(waited),
        "failed_last_day": failed_today,
    }
