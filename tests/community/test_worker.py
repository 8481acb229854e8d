"""The task worker: work enqueued by the web process runs in `manage.py run_worker`; emails are
retried; renditions exist after approval without a page view; the schedule enqueues periodic
tasks; failures are visible to admins."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image

from community.images import RENDITION_WIDTHS, get_rendition, private_storage, rendition_name
from community.notifications import notify
from community.worker import enqueue_due, tasks_status
from contests.models import Entry
from moderation.models import ModerationItem
from tests import factories
from tests.api.conftest import post_json
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parent.parent.parent
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@pytest.fixture
def database_tasks(settings):
    """Enqueued tasks are stored for the worker instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND}}


def run_batch() -> None:
    """What a worker does with the work that is due now, in this process."""
    call_command("run_worker", batch=True, startup_delay=False, schedule_every=0, verbosity=0)


def rendition_files(name: str) -> list[str]:
    return [rendition_name(name, width) for width in RENDITION_WIDTHS]


@pytest.fixture
def subprocess_database(tmp_path):
    """A DATABASE_URL under which another process sees this test's committed data. PostgreSQL's
    test database is shared as it is; SQLite's in-memory one is copied to a file, which this
    process then uses too until the test ends."""
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        yield (
            f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:"
            f"{params['PORT'] or 5432}/{params['NAME']}"
        )
        return
    connection.ensure_connection()
    memory, memory_name = connection.connection, params["NAME"]
    path = tmp_path / "shared.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    connection.connection = None  # the in-memory database lives on in `memory`
    params["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        params["NAME"] = memory_name
        connection.connection = memory


def start_worker(database_url: str, *args: str) -> subprocess.Popen:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="false",
        DATABASE_URL=database_url,
        TASKS_BACKEND=DATABASE_BACKEND,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        OPENINGS_EVERY_SECONDS="3600",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-startup-delay", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, *, seconds: float, worker: subprocess.Popen):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise AssertionError(f"the worker stopped:\n{worker.stdout.read()}")
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not done within {seconds} s")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_work_enqueued_by_the_web_process_runs_in_the_worker_process(
    database_tasks, subprocess_database, moderator
):
    contest = factories.make_contest("submissions")
    entry = factories.make_entry(contest, approved=False, title="Cup")
    item = ModerationItem.objects.get(object_id=entry.pk)
    assert item.screened_at is None  # the image check waits for the worker
    worker = start_worker(
        subprocess_database,
        "--interval",
        "0.2",
        "--worker-id",
        "test-worker",
        "--schedule-every",
        "0.5",
    )
    try:
        # The web process approves; renditions, the email and the screening are the worker's.
        response = post_json(client_for(moderator), f"moderation/items/{item.pk}/approve")
        assert response.status_code == 200
        renditions = DBTaskResult.objects.filter(task_path__endswith="make_image_renditions")
        done = wait_for(
            lambda: renditions.filter(status=TaskResultStatus.SUCCESSFUL).first(),
            seconds=60,
            worker=worker,
        )
        assert done.worker_ids == ["test-worker"] and done.return_value == 1
        storage = private_storage()
        assert all(storage.exists(name) for name in rendition_files(entry.image.name))
        wait_for(
            lambda: ModerationItem.objects.filter(pk=item.pk, screened_at__isnull=False).exists(),
            seconds=30,
            worker=worker,
        )
        # The worker enqueued the scheduled announcement itself, and ran it.
        wait_for(
            lambda: DBTaskResult.objects.filter(
                task_path="community.tasks.notify_opened_contests",
                status=TaskResultStatus.SUCCESSFUL,
            ).exists(),
            seconds=30,
            worker=worker,
        )
        emails = DBTaskResult.objects.filter(task_path__endswith="send_notification_emails")
        wait_for(
            lambda: emails.filter(status=TaskResultStatus.SUCCESSFUL).exists(),
            seconds=30,
            worker=worker,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=20)[0]
    assert worker.returncode == 0, output
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


@pytest.mark.django_db
def test_renditions_exist_after_approval_without_a_page_view(
    moderator, django_capture_on_commit_callbacks
):
    contest = factories.make_contest("submissions")
    entry = factories.make_entry(contest, approved=False, extra_images=1)
    names = [entry.image.name, entry.extra_images.get().image.name]
    storage = private_storage()
    assert not any(storage.exists(n) for name in names for n in rendition_files(name))
    with django_capture_on_commit_callbacks(execute=True):
        from moderation.services import approve

        approve(factories.pending_item(entry).pk, moderator=moderator)
    for name in names:
        for path in rendition_files(name):
            with storage.open(path, "rb") as handle:
                assert Image.open(handle).format == "WEBP"
    # Serving uses them: a page view makes no file.
    before = sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*"))
    response = client_for(factories.UserFactory()).get(Entry.objects.get(pk=entry.pk).image_url())
    assert response.status_code == 200
    assert sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*")) == before


def test_two_concurrent_rendition_calls_make_one_whole_file():
    upload = factories.image_upload(size=(2400, 1800))
    name = private_storage().save(f"race-{uuid4().hex}/design.png", upload)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def make():
        try:
            barrier.wait()
            results.append(get_rendition(name, 1600))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert set(results) == {rendition_name(name, 1600)}
    folder = Path(private_storage().path(results[0])).parent
    assert [p.name for p in folder.iterdir()] == [Path(results[0]).name]  # no copies, no temp
    with private_storage().open(results[0], "rb") as handle:
        image = Image.open(handle)
        image.load()
    assert image.format == "WEBP" and image.width == 1600


class FlakyEmailBackend:
    """An SMTP server that refuses the next `failures` messages, then accepts (into
    mail.outbox, like Django's test backend)."""

    failures = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        from smtplib import SMTPServerDisconnected

        if FlakyEmailBackend.failures > 0:
            FlakyEmailBackend.failures -= 1
            raise SMTPServerDisconnected("421 try again later")
        mail.outbox.extend(messages)
        return len(messages)


FLAKY = f"{__name__}.FlakyEmailBackend"


@pytest.mark.django_db
def test_a_failed_email_is_retried_until_it_is_sent(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FLAKY
    settings.COCREO_EMAIL_ATTEMPTS = 4
    FlakyEmailBackend.failures = 2
    member = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, kind="moderation.reinstated")
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert FlakyEmailBackend.failures == 0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as a worker: autocommit
def test_email_retries_wait_longer_each_time_then_fail_visibly(
    settings, database_tasks, django_capture_on_commit_callbacks, caplog
):
    # A real SMTP client against a port where nothing listens: every send fails.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.COCREO_EMAIL_ATTEMPTS, settings.COCREO_EMAIL_RETRY_SECONDS = 3, 60
    member = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, kind="moderation.reinstated")
    emails = DBTaskResult.objects.filter(task_path__endswith="send_notification_emails")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        run_batch()
        retry = emails.get(status=TaskResultStatus.READY)
        assert retry.args_kwargs["kwargs"] == {"attempt": 2}
        assert retry.run_after == start + timedelta(seconds=60)
        clock.shift(59)
        run_batch()  # not due yet
        assert emails.filter(status=TaskResultStatus.READY).count() == 1
        clock.shift(2)
        run_batch()
        third = emails.get(status=TaskResultStatus.READY)
        assert third.run_after == start + timedelta(seconds=61 + 120)
        clock.shift(121)
        with caplog.at_level("ERROR", logger="community.notifications"):
            run_batch()
    assert list(emails.order_by("enqueued_at").values_list("status", flat=True)) == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.FAILED,
    ]
    failed = emails.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "community.notifications.EmailNotSent"
    assert "after 3 attempts" in caplog.text
    assert mail.outbox == []
    assert tasks_status()["failed_last_day"] == 1

    # Admins see it in the task results, filtered by status.
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    page = client_for(admin).get(
        "/django-admin/django_tasks_database/dbtaskresult/", {"status": "FAILED"}
    )
    assert page.status_code == 200
    assert str(failed.id) in page.content.decode()
    assert "Failed background tasks" in client_for(admin).get("/admin/").content.decode()
    assert (
        client_for(member).get("/django-admin/django_tasks_database/dbtaskresult/").status_code
        == 302
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as a worker: autocommit
def test_the_schedule_enqueues_each_periodic_task_once_per_interval(settings, database_tasks):
    settings.COCREO_SCHEDULE = {"community.tasks.notify_opened_contests": 300}
    runs = DBTaskResult.objects.filter(task_path="community.tasks.notify_opened_contests")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert enqueue_due() == ["community.tasks.notify_opened_contests"]
        assert enqueue_due() == []  # one run is waiting
        run_batch()
        assert runs.get().status == TaskResultStatus.SUCCESSFUL
        clock.shift(299)
        assert enqueue_due() == []
        clock.shift(2)
        assert enqueue_due() == ["community.tasks.notify_opened_contests"]
    assert runs.count() == 2


@pytest.mark.django_db
def test_queue_state_for_the_readiness_check(database_tasks):
    assert tasks_status()["status"] == "ok"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        from community.tasks import notify_opened_contests

        notify_opened_contests.enqueue()
        assert tasks_status() | {"backend": ""} == {
            "status": "ok",
            "backend": "",
            "waiting": 1,
            "oldest_waiting_seconds": 0,
            "failed_last_day": 0,
        }
        clock.shift(15 * 60)  # nobody took it: no worker runs
        assert tasks_status()["status"] == "degraded"


def test_the_worker_refuses_the_immediate_backend():
    with pytest.raises(CommandError, match="is not a database backend"):
        call_command("run_worker", batch=True)
