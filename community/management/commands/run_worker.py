"""`manage.py run_worker`: the task worker. It runs django-tasks-db's `db_worker` on every
queue and, beside it, enqueues the periodic tasks of settings.COCREO_SCHEDULE when they are due,
so no external cron is needed."""

import logging
import threading
import time

from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from community.worker import enqueue_due

logger = logging.getLogger("community.worker")


def _schedule_loop(every: float) -> None:
    while True:
        try:
            for path in enqueue_due():
                logger.info("Scheduled task enqueued: %s", path)
        except DatabaseError:
            logger.exception("Could not enqueue scheduled tasks")
        finally:
            close_old_connections()
        time.sleep(every)


class Command(DbWorkerCommand):
    help = "Run the background task worker (all queues) and enqueue scheduled tasks when due."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=15.0,
            help="Seconds between checks of the schedule (0: do not enqueue scheduled tasks).",
        )

    def handle(self, *args, schedule_every: float, **options) -> None:
        # (--backend accepts only a database backend: set TASKS_BACKEND, see README.md.)
        if options["reload"]:
            raise CommandError("run_worker does not reload; use db_worker --reload to develop.")
        if schedule_every > 0 and not options["batch"]:
            threading.Thread(
                target=_schedule_loop, args=(schedule_every,), name="schedule", daemon=True
            ).start()
        elif schedule_every > 0:
            enqueue_due()  # a batch run takes what is due now, then stops
        super().handle(*args, **options)
