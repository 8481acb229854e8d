"""Real server processes for the infrastructure tests: daphne serving config.asgi, as the
Dockerfile runs it, on one of this test run's ports."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
# Ports for the servers these tests start (override with COCREO_TEST_PORT_BASE).
PORT_BASE = int(os.environ.get("COCREO_TEST_PORT_BASE", "8121"))
SERVER_APPLICATION_NAME = "cocreo-test-server"
# Production settings refuse the test settings' key; sessions for the server are signed with this.
SERVER_SECRET_KEY = "server-test-key-0123456789abcdef0123456789abcdef"


def free_port() -> int:
    for port in range(PORT_BASE, PORT_BASE + 9):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {PORT_BASE}-{PORT_BASE + 8}")


def database_url_of_tests() -> str:
    """The test database (as pytest-django set it up), for a server process to share."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        raise RuntimeError("a server process cannot share an in-memory SQLite test database")
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return (
        f"postgres://{auth}@{host}:{port}/{db['NAME']}?application_name={SERVER_APPLICATION_NAME}"
    )


@contextlib.contextmanager
def daphne(env: dict[str, str], *, settings_module: str = "config.settings.production"):
    """Start `daphne config.asgi:application` with the given environment; yield its base URL
    and process; stop it afterwards."""
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="cocreo-server-")
    full_env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    full_env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "SECRET_KEY": SERVER_SECRET_KEY,
            "COCREO_DATA_DIR": data_dir,
            "DATABASE_URL": f"sqlite:///{data_dir}/server.sqlite3",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            # Plain HTTP on loopback: production redirects to HTTPS by default.
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    full_env.update(env)
    log = open(Path(data_dir) / "server.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        + ["config.asgi:application"],
        cwd=BASE_DIR,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"daphne exited:\n{log.read()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("daphne did not start listening in 60 s")
            time.sleep(0.2)
        process.log = log
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def raw_request(port_url: str, head: bytes, body: bytes = b"", *, timeout: float = 5.0):
    """Send a request through a raw socket; return (status, seconds until the response)."""
    host, port = port_url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head + body)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    elapsed = time.monotonic() - started
    status = int(data.split(b" ", 2)[1]) if data else None
    return status, elapsed


def request(url: str, method: str, path: str, *, headers=None, body=None, timeout: float = 30.0):
    """One request with http.client; returns (status, headers, body bytes)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()
