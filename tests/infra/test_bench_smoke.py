"""The server benchmark's mode (`python -m tests.bench --server`) runs end to end, briefly, so it
cannot rot between the runs that give the README's figures: the shipped server (bin/serve) on
PostgreSQL + Redis, every row measured by the small Python load loop (no wrk needed), the
upload refused, the WebSocket handshake and a vote broadcast through it."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.infra.servers import BASE_DIR, database_url_of_tests, free_port

# The bench loads its data into this test's database (already migrated: no minutes of
# migrations), which is flushed afterwards and gets the migrations' rows back.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_server_bench_runs_briefly_with_the_python_load(tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("The server bench needs REDIS_URL (Redis runs beside PostgreSQL in CI).")
    output = tmp_path / "bench.json"
    argv = [sys.executable, "-m", "tests.bench", "--server", "--load", "python"]
    argv += ["--scale", "0.01", "--workers", "1", "--connections", "2", "--duration", "0.3"]
    argv += ["--warmup", "0", "--upload-mb", "200", "--voters", "4", "--existing-database"]
    argv += ["--port", str(free_port()), "--output", str(output)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env["DATABASE_URL"] = database_url_of_tests()
    done = subprocess.run(argv, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    report = json.loads(output.read_text())
    [server] = report["servers"]
    names = [row["name"] for row in server["rows"]]
    assert names[0] == "bare Django view" and any(n.startswith("vote POST") for n in names)
    assert any(n.startswith("moderation queue") for n in names)
    for row in server["rows"]:
        assert row["requests"] > 0 and row["errors"] == 0, row
        assert row["s2xx"] + row["s3xx"] == row["requests"], row  # every request answered well
    assert server["upload"]["status"] == 413  # refused from its Content-Length, before the body
    assert server["websocket"]["handshake"] and server["websocket"]["broadcast"], server
