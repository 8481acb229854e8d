import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def run_with_settings(module: str, code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a fresh interpreter with only `env` configured."""
    unset = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def load_settings(module: str, **env) -> subprocess.CompletedProcess:
    return run_with_settings(
        module, "from django.conf import settings; print(settings.DEBUG)", **env
    )


@pytest.mark.parametrize("key", ["", "short", "dev-only-insecure-key-do-not-use-in-production"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = load_settings("config.settings.production", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = load_settings("config.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_database_and_channel_layer_come_from_the_environment():
    result = run_with_settings(
        "config.settings.dev",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'])",
        DATABASE_URL="postgres://u@db.example:5432/cocreo",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "cocreo",
        "channels_redis.core.RedisChannelLayer",
        "config.resilient_cache.ResilientRedisCache",
    ]


def test_postgresql_connections_are_pooled_with_sizes_from_the_environment():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], sorted(d['OPTIONS']['pool'].items()))"
    )
    url = "postgres://u@db.example:5432/cocreo"
    result = run_with_settings(
        "config.settings.dev",
        code,
        DATABASE_URL=url,
        DB_POOL_MIN="1",
        DB_POOL_MAX="6",
        DB_POOL_TIMEOUT="3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("0 True [('max_size', 6), ('min_size', 1), ('timeout', 3.0)]")
    no_pool = run_with_settings(
        "config.settings.dev",
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], 'pool' in d.get('OPTIONS', {}))",
        DATABASE_URL=url,
        DB_POOL_MAX="0",
    )
    assert no_pool.stdout.split() == ["0", "False"], no_pool.stderr


def test_request_limit_covers_an_entry_with_every_image_at_the_upload_limit(settings):
    from contests.models import MAX_IMAGES_PER_ENTRY

    assert settings.COCREO_MAX_IMAGES_PER_ENTRY == MAX_IMAGES_PER_ENTRY
    assert settings.COCREO_MAX_REQUEST_BYTES > (
        settings.COCREO_UPLOAD_MAX_BYTES * MAX_IMAGES_PER_ENTRY
    )


@pytest.mark.django_db
def test_password_reset_sends_a_link(client, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_production_runs_tasks_in_the_worker_and_member_uploads_in_a_private_bucket():
    show = (
        "from django.conf import settings as s; "
        "print(s.TASKS['default']['BACKEND'], s.STORAGES['default']['BACKEND'], "
        "s.STORAGES['private']['BACKEND'], s.STORAGES['private'].get('OPTIONS', {}).get("
        "'default_acl'), s.STORAGES['private'].get('OPTIONS', {}).get('querystring_auth'))"
    )
    local = run_with_settings("config.settings.production", show, SECRET_KEY="x" * 50)
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == [
        "django_tasks_db.DatabaseBackend",
        "django.core.files.storage.FileSystemStorage",
        "django.core.files.storage.FileSystemStorage",
        "None",
        "None",
    ]
    s3 = run_with_settings(
        "config.settings.production",
        show,
        SECRET_KEY="x" * 50,
        AWS_STORAGE_BUCKET_NAME="cocreo-media",
        AWS_PRIVATE_BUCKET_NAME="cocreo-private",
    )
    assert s3.returncode == 0, s3.stderr
    assert s3.stdout.split() == [
        "django_tasks_db.DatabaseBackend",
        "storages.backends.s3.S3Storage",
        "storages.backends.s3.S3Storage",
        "private",
        "True",
    ]
