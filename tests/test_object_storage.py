"""Media on object storage (S3 API), tested against a local S3 server (moto, a dev dependency):
member uploads live in a private bucket and are served only through the permission-checked
views; public media (CMS images) lives in a public bucket."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from io import BytesIO
from uuid import uuid4

import boto3
import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from community.images import RENDITION_WIDTHS, private_storage, rendition_name, storage_status
from config.settings.base import s3_storage
from moderation import services as moderation_services
from tests import factories
from tests.conftest import client_for

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server for this test run (S3_TEST_PORT, or any free port)."""
    port = int(os.environ.get("S3_TEST_PORT") or free_port())
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()  # noqa: S310
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("the S3 test server did not start") from None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3(s3_server, settings, monkeypatch):
    """STORAGES on two fresh buckets of the local S3 server, configured as the settings
    configure them from the environment. Returns a boto3 client and the bucket names."""
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    public, private = f"media-{uuid4().hex[:12]}", f"private-{uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
    )
    client.create_bucket(Bucket=public)
    client.create_bucket(Bucket=private)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(public, public=True),
        "private": s3_storage(private, public=False),
    }
    client.public, client.private = public, private
    return client


def keys(client, bucket: str) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


@pytest.mark.django_db
def test_an_entry_image_round_trips_through_the_private_bucket(
    s3, moderator, django_capture_on_commit_callbacks, settings
):
    contest = factories.make_contest("submissions")
    author = factories.UserFactory()
    entry = factories.make_entry(contest, author=author, approved=False)
    name = entry.image.name

    # Stored in the private bucket, not in the public one, not on the local disk.
    assert keys(s3, s3.private) == {name}
    assert keys(s3, s3.public) == set()
    assert not (settings.PRIVATE_MEDIA_ROOT / name).exists()
    grants = s3.get_object_acl(Bucket=s3.private, Key=name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert not any(g["Grantee"].get("URI") == ALL_USERS for g in grants)
    # Any URL the storage would give out is signed and short-lived.
    url = private_storage().url(name)
    assert "Signature=" in url and ("Expires=" in url or "X-Amz-Expires=300" in url)

    # Pending: refused to anonymous visitors and other members, shown to its author.
    assert client_for(factories.UserFactory()).get(entry.image_url()).status_code == 404
    assert Client().get(entry.image_url()).status_code == 404
    own = client_for(author).get(entry.image_url(None))
    assert own.status_code == 200 and own["Cache-Control"] == "private, no-store"
    stored = s3.get_object(Bucket=s3.private, Key=name)["Body"].read()
    assert b"".join(own.streaming_content) == stored

    # Approved: renditions made once in the private bucket, served through the view.
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.approve(factories.pending_item(entry).pk, moderator=moderator)
    renditions = {rendition_name(name, width) for width in RENDITION_WIDTHS}
    assert keys(s3, s3.private) == {name} | renditions
    response = Client().get(entry.image_url(800))
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    body = b"".join(response.streaming_content)
    assert body == s3.get_object(Bucket=s3.private, Key=rendition_name(name, 800))["Body"].read()
    assert Image.open(BytesIO(body)).format == "WEBP"

    # Removed: the view is the only way to the file, so it is gone from the site at once.
    moderation_services.remove_content(entry, moderator=moderator, reason="Not allowed")
    assert Client().get(entry.image_url(800)).status_code == 404


@pytest.mark.django_db
def test_public_media_goes_to_the_public_bucket_with_plain_urls(s3):
    name = default_storage.save("original_images/logo.png", ContentFile(b"\x89PNG..."))
    assert keys(s3, s3.public) == {name}
    url = default_storage.url(name)
    assert url.startswith(f"{s3.meta.endpoint_url}/{s3.public}/") and "Signature" not in url
    assert storage_status() == {"default": "ok", "private": "ok"}


def test_storage_status_reports_an_unreachable_store(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "nowhere",
                "endpoint_url": f"http://127.0.0.1:{free_port()}",
                "access_key": "x",
                "secret_key": "y",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 0}),
            },
        },
    }
    status = storage_status()
    assert status["default"] == "ok" and status["private"].startswith("error:")
