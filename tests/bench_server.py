"""Serving benchmarks: real server processes on PostgreSQL + Redis, driven by `wrk`.

    python -m tests.bench --server [--scale S] [--duration D]     (make bench-server)
    python -m tests.bench --compare-servers [...]                  (make bench-serving)

`--server` measures the shipped server (`bin/serve`, the Dockerfile's command);
`--compare-servers` measures every candidate below in one run, one after the other, on the same
data. Each server runs with production settings (config.settings.production, plain HTTP on
127.0.0.1) and its own worker processes; the load comes from `wrk` in another process
(`apt-get install wrk`). Every figure is also given as a ratio to a bare Django view served by the
same server in the same run (`/bench/bare`, routed only with COCREO_BENCH=1), since the machine's
other work makes absolute numbers noisy.

Needs DATABASE_URL on PostgreSQL (a throwaway `<name>_bench` database is created and dropped) and
REDIS_URL (keys under a per-run prefix, deleted at the end). Loads tests/bench.py's data (at scale
1, a contest in voting with 500 entries), signs in voters by writing their sessions, then for each
server: requests/s, p50/p99, errors, peak PostgreSQL connections (pg_stat_activity), worker RSS,
a 200 MB upload (time to the answer, RSS growth, the bare view's worst latency meanwhile) and a
WebSocket handshake to the contest's live channel with a vote broadcast through it.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import psycopg
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from community.models import User

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "test-results" / "bench-server.json"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
BARE = "/bench/bare"
SECRET_KEY = "bench-" + secrets.token_hex(24)
CSRF_ALPHABET = string.ascii_letters + string.digits
UPLOAD_MB = 200
SHIPPED = "bin/serve"


def _bin(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else name


# Candidates -------------------------------------------------------------------------------------
# Each returns the processes to start: (argv, role); the "http" process gets the load, the "ws"
# one (if any) the WebSocket check. {port} and {workers} are filled in.
CANDIDATES = {
    "daphne (1 process)": [
        (["daphne", "-b", HOST, "-p", "{port}", "config.asgi:application"], "http+ws"),
    ],
    "uvicorn --workers": [
        (
            ["uvicorn", "config.asgi:application", "--host", HOST, "--port", "{port}"]
            + ["--workers", "{workers}", "--lifespan", "off", "--no-access-log"],
            "http+ws",
        ),
    ],
    "gunicorn + uvicorn-worker": [
        (
            ["gunicorn", "config.asgi:application", "-k", "uvicorn_worker.UvicornWorker"]
            + ["-w", "{workers}", "-b", f"{HOST}:{{port}}"],
            "http+ws",
        ),
    ],
    "granian": [
        (
            ["granian", "--interface", "asginl", "--host", HOST, "--port", "{port}"]
            + ["--workers", "{workers}", "config.asgi:application"],
            "http+ws",
        ),
    ],
    "gunicorn sync + uvicorn (WS)": [
        (
            ["gunicorn", "config.wsgi:application", "-w", "{workers}", "-b", f"{HOST}:{{port}}"],
            "http",
        ),
        (
            ["uvicorn", "config.asgi:application", "--host", HOST, "--port", "{ws_port}"]
            + ["--workers", "1", "--lifespan", "off", "--no-access-log"],
            "ws",
        ),
    ],
    # The shipped command: what the Dockerfile and `make serve` run.
    SHIPPED: [(["sh", str(ROOT / "bin" / "serve")], "http+ws")],
}
# gunicorn sync workers serve one request at a time each: persistent connections are safe there
# (one per process). Under ASGI every request runs in a thread of its own, so they are not.
PERSISTENT_CONNECTIONS = {"gunicorn sync + uvicorn (WS)"}


@dataclass
class Setup:
    """What the servers and the load need: URLs, credentials, paths."""

    database_url: str
    database_name: str
    redis_url: str
    prefix: str
    media_root: str
    private_media_root: str
    static_root: str
    # (name, path, who: None, "member", "moderator"[, connections: instead of --connections])
    pages: list = field(default_factory=list)
    voters: list = field(default_factory=list)  # (cookie header, csrf token)
    member_cookie: str = ""
    moderator_cookie: str = ""
    vote_base: str = ""
    entry_ids: list = field(default_factory=list)
    submit_path: str = ""
    votes: bool = True  # measure the vote POST row
    contest_slug: str = ""


# Data -------------------------------------------------------------------------------------------
def _session_cookie(user: User, csrf: str, *, second_factor: bool = False) -> str:
    client = Client()
    client.force_login(user)
    if second_factor:  # staff doors check for allauth's "mfa" sign-in step
        from tests.conftest import pass_second_factor

        pass_second_factor(client, user)
    return f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}; csrftoken={csrf}"


def prepare(data, voters: int) -> dict:
    """Voters who authored nothing, signed in with the servers' SECRET_KEY; the pages' URLs."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from contests.models import Entry

    password = make_password("bench password")
    users = User.objects.bulk_create(
        [
            User(username=f"voter{i}", email=f"voter{i}@example.com", password=password)
            for i in range(voters)
        ]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    with override_settings(SECRET_KEY=SECRET_KEY):
        credentials = []
        for user in users:
            csrf = "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32))
            credentials.append((_session_cookie(user, csrf), csrf))
        member_csrf = "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32))
        member_cookie = _session_cookie(data.member, member_csrf)
        moderator_cookie = _session_cookie(data.moderator, member_csrf, second_factor=True)
    gallery = data.voting.url
    entry = data.entry.get_absolute_url()
    entry_ids = list(
        Entry.objects.public()
        .filter(contest=data.voting)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {
        "pages": [
            ("bare Django view", BARE, None),
            ("home (anonymous)", "/", None),
            ("contest with results (anonymous)", data.results.url, None),
            ("contest gallery (anonymous)", gallery, None),
            ("gallery page 2 (anonymous)", f"{gallery}?page=2", None),
            ("entry (anonymous)", entry, None),
            ("gallery (signed in)", gallery, "member"),
            ("entry (signed in)", entry, "member"),
            (
                f"moderation queue ({data.counts['pending_items']} pending)",
                "/admin/moderation/",
                "moderator",
            ),
            # The queue as it is used: a few moderators, not 64 at once (p50 at 64 connections
            # is about 64 / req/s, whatever one request costs).
            (
                "moderation queue (1 client)",
                "/admin/moderation/",
                "moderator",
                1,
            ),
        ],
        "voters": credentials,
        "member_cookie": member_cookie,
        "moderator_cookie": moderator_cookie,
        "vote_base": gallery + "entries/",
        "entry_ids": entry_ids,
        "submit_path": data.submissions.url + "submit/",
        "contest_slug": data.voting.slug,
    }


# Servers ----------------------------------------------------------------------------------------
def server_env(setup: Setup, name: str, workers: int, port: int) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "COCREO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=setup.database_url,
        REDIS_URL=setup.redis_url,
        CACHE_PREFIX=setup.prefix,
        CHANNEL_PREFIX=setup.prefix,
        MEDIA_ROOT=setup.media_root,
        PRIVATE_MEDIA_ROOT=setup.private_media_root,
        STATIC_ROOT=setup.static_root,
        COCREO_BENCH="1",
        SECURE_SSL_REDIRECT="false",
        WEB_CONCURRENCY=str(workers),
        HOST=HOST,
        PORT=str(port),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    pooled = bool(settings.DATABASES["default"].get("OPTIONS", {}).get("pool"))
    if not pooled and "CONN_MAX_AGE" not in os.environ:
        env["CONN_MAX_AGE"] = "60" if name in PERSISTENT_CONNECTIONS else "0"
    return env


def _cpu_seconds(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return times.user + times.system


class Server:
    def __init__(self, setup: Setup, name: str, workers: int, port: int, logdir: Path):
        self.name, self.port, self.ws_port = name, port, port
        env = server_env(setup, name, workers, port)
        self.processes = []
        self.log = logdir / f"{name.split()[0].replace('/', '-')}-{port}.log"
        out = self.log.open("ab")
        for argv, role in CANDIDATES[name]:
            if role == "ws":
                self.ws_port = port + 1
            args = [
                a.format(port=port, ws_port=port + 1, workers=workers) if "{" in a else a
                for a in argv
            ]
            args[0] = _bin(args[0])
            self.processes.append(
                subprocess.Popen(
                    args,
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for port in {self.port, self.ws_port}:
            while True:
                for p in self.processes:
                    if p.poll() is not None:
                        raise RuntimeError(f"{self.name} exited; see {self.log}:\n{self.tail()}")
                try:
                    path = BARE if port == self.port else "/healthz"
                    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{self.name} did not answer; see {self.log}:\n{self.tail()}"
                    )
                time.sleep(0.3)

    def settle(self, *, idle_cpu: float = 0.1, window: float = 0.5, limit: float = 60) -> float:
        """Wait until the server's processes are idle (their CPU below `idle_cpu` of one core
        over `window`), so that a row does not measure the backlog the previous one left (wrk
        stops sending, but requests already accepted are still answered). Returns the wait."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            procs = self.tree()
            before = sum(_cpu_seconds(p) for p in procs)
            time.sleep(window)
            if sum(_cpu_seconds(p) for p in procs) - before < idle_cpu * window:
                break
        return round(time.monotonic() - started, 1)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])

    def tree(self) -> list:
        procs = []
        for p in self.processes:
            try:
                parent = psutil.Process(p.pid)
                procs += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        return procs

    def stop(self) -> None:
        for p in self.processes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


class Sampler(threading.Thread):
    """Polls the server's process tree (RSS) and PostgreSQL's connections to the bench database."""

    def __init__(self, server: Server, setup: Setup, interval: float = 0.1):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.stopping = threading.Event()
        self.peak_connections = 0
        self.peak_rss_total = 0
        self.peak_rss_process = 0
        self.pg = psycopg.connect(setup.database_url, autocommit=True)
        self.dbname = setup.database_name

    def sample(self) -> tuple[int, int, int]:
        rss = []
        for p in self.server.tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                rss.append(p.memory_info().rss)
        count = self.pg.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.dbname],
        ).fetchone()[0]
        return count, sum(rss), max(rss, default=0)

    def run(self) -> None:
        while not self.stopping.is_set():
            count, total, largest = self.sample()
            self.peak_connections = max(self.peak_connections, count)
            self.peak_rss_total = max(self.peak_rss_total, total)
            self.peak_rss_process = max(self.peak_rss_process, largest)
            self.stopping.wait(self.interval)

    def finish(self) -> dict:
        self.stopping.set()
        self.join()
        self.pg.close()
        return {
            "peak_pg_connections": self.peak_connections,
            "rss_total_mib": round(self.peak_rss_total / 2**20),
            "rss_max_process_mib": round(self.peak_rss_process / 2**20),
        }


# Load -------------------------------------------------------------------------------------------
LUA_COMMON = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) s2 = 0; s3 = 0; s4 = 0; s5 = 0 end
function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1 else s2 = s2 + 1 end
end
function done(summary, latency, requests)
  local c = {0, 0, 0, 0}
  for _, t in ipairs(threads) do
    c[1] = c[1] + t:get("s2"); c[2] = c[2] + t:get("s3")
    c[3] = c[3] + t:get("s4"); c[4] = c[4] + t:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "socket_errors": %d, "timeouts": %d, ' ..
    '"s2xx": %d, "s3xx": %d, "s4xx": %d, "s5xx": %d, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write, e.timeout,
    c[1], c[2], c[3], c[4], latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def vote_script(setup: Setup, start: int) -> str:
    voters = ",\n".join(
        f"{{{_lua_string(cookie)}, {_lua_string(csrf)}}}" for cookie, csrf in setup.voters
    )
    return (
        f"local voters = {{\n{voters}\n}}\n"
        f"local entries = {{{', '.join(map(str, setup.entry_ids))}}}\n"
        f"local base = {_lua_string(setup.vote_base)}\n"
        f"local counter = {start}\n"
        """
request = function()
  local k = counter
  counter = counter + 1
  local v = voters[(k % #voters) + 1]
  local e = entries[(math.floor(k / #voters) % #entries) + 1]
  return wrk.format("POST", base .. e .. "/vote/", {
    ["Cookie"] = v[1], ["Content-Type"] = "application/x-www-form-urlencoded"
  }, "csrfmiddlewaretoken=" .. v[2])
end
""" + LUA_COMMON
    )


def wrk(url: str, script: Path, *, connections: int, duration: float, headers=()) -> dict:
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
    ]
    for header in headers:
        argv += ["-H", header]
    done = subprocess.run([*argv, url], capture_output=True, text=True, timeout=duration + 90)
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stdout} {done.stderr}")
    out = done.stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCHJSON "))
    result = json.loads(line.removeprefix("BENCHJSON "))
    seconds = result.pop("duration_us") / 1e6
    result["rps"] = round(result["requests"] / seconds, 1) if seconds else 0.0
    result["errors"] = result["socket_errors"] + result["timeouts"] + result["s5xx"]
    return result


def python_load(
    url: str,
    *,
    connections: int,
    duration: float,
    headers=(),
    votes: "Setup | None" = None,
    start: int = 0,
) -> dict:
    """The figures `wrk` gives, from a small Python loop: `connections` threads with a
    keep-alive connection each, for `duration` seconds (`--load python`, and the smoke test,
    which must not need wrk). With `votes`, each request is the next member's vote, as in
    `vote_script`."""
    import http.client
    import urllib.parse

    parsed = urllib.parse.urlsplit(url)
    base_headers = dict(header.split(": ", 1) for header in headers)
    counter = iter(range(start, 10**9))
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"s2xx": 0, "s3xx": 0, "s4xx": 0, "s5xx": 0, "socket_errors": 0, "timeouts": 0}
    deadline = time.perf_counter() + duration

    def next_request():
        if votes is None:
            return "GET", parsed.path + (f"?{parsed.query}" if parsed.query else ""), None, {}
        with lock:
            k = next(counter)
        cookie, csrf = votes.voters[k % len(votes.voters)]
        entry = votes.entry_ids[(k // len(votes.voters)) % len(votes.entry_ids)]
        return (
            "POST",
            f"{votes.vote_base}{entry}/vote/",
            f"csrfmiddlewaretoken={csrf}",
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )

    def client():
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        while time.perf_counter() < deadline:
            method, path, body, extra = next_request()
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers={**base_headers, **extra})
                response = conn.getresponse()
                response.read()
            except TimeoutError:
                kind = "timeouts"
            except (OSError, http.client.HTTPException):
                kind = "socket_errors"
            else:
                kind = f"s{response.status // 100}xx"
            with lock:
                counts[kind] = counts.get(kind, 0) + 1
                latencies.append((time.perf_counter() - began) * 1000)
            if kind in ("timeouts", "socket_errors"):
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    ordered = sorted(latencies) or [0.0]
    requests = len(latencies)
    return {
        "requests": requests,
        **counts,
        "p50_ms": round(ordered[len(ordered) // 2], 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "max_ms": round(ordered[-1], 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "errors": counts["socket_errors"] + counts["timeouts"] + counts["s5xx"],
    }


def measure(server: Server, setup: Setup, name: str, run, **extra) -> dict:
    """One row: once the server is idle (`Server.settle`), `run()` with the sampler on."""
    waited = server.settle()
    sampler = Sampler(server, setup)
    sampler.start()
    try:
        result = run()
    finally:
        figures = sampler.finish()
    return {"name": name, **result, **figures, "settled_s": waited, **extra}


# Upload and WebSocket -------------------------------------------------------------------------
def upload(server: Server, setup: Setup, megabytes: int = UPLOAD_MB, limit: float = 120) -> dict:
    """A signed-in member's submission with a `megabytes` file: seconds until the server answers,
    RSS growth of its processes, and the bare view's worst latency meanwhile."""
    boundary = "----cocreobench" + secrets.token_hex(8)
    cookie, csrf = setup.voters[0]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'
        f'Huge\r\n--{boundary}\r\nContent-Disposition: form-data; name="image"; '
        f'filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = megabytes * 2**20
    length = len(head) + size + len(tail)
    request = (
        f"POST {setup.submit_path} HTTP/1.1\r\nHost: {HOST}:{server.port}\r\nCookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()

    baseline = sum(p.memory_info().rss for p in server.tree())
    probe = {"worst_ms": 0.0, "stop": threading.Event()}

    def probe_bare():
        while not probe["stop"].is_set():
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://{HOST}:{server.port}{BARE}", timeout=30):
                    pass
            except OSError:
                pass
            probe["worst_ms"] = max(probe["worst_ms"], (time.perf_counter() - began) * 1000)
            probe["stop"].wait(0.1)

    sampler = Sampler(server, setup)
    sampler.start()
    prober = threading.Thread(target=probe_bare, daemon=True)
    prober.start()
    began = time.perf_counter()
    status, sent = None, 0
    chunk = b"\0" * 2**20
    with socket.create_connection((HOST, server.port), timeout=limit) as sock:
        try:
            sock.sendall(request + head)
            for _ in range(megabytes):
                sock.sendall(chunk)
                sent += len(chunk)
                if time.perf_counter() - began > limit:
                    break
            sock.sendall(tail)
        except OSError:  # the server answered and closed before the body was all sent
            pass
        try:
            answer = sock.recv(4096)
            status = int(answer.split(b" ", 2)[1]) if answer else None
        except (OSError, IndexError, ValueError):
            pass
    seconds = time.perf_counter() - began
    probe["stop"].set()
    prober.join()
    figures = sampler.finish()
    return {
        "name": f"{megabytes} MB upload",
        "status": status,
        "seconds": round(seconds, 2),
        "sent_mib": round(sent / 2**20),
        "rss_growth_mib": round((sampler.peak_rss_total - baseline) / 2**20),
        "bare_worst_ms": round(probe["worst_ms"], 1),
        **figures,
    }


def websocket(server: Server, setup: Setup) -> dict:
    """Handshake to the contest's live channel, a ping, and a vote's broadcast arriving on it."""
    from websockets.sync.client import connect

    url = f"ws://{HOST}:{server.ws_port}/ws/contests/{setup.contest_slug}/"
    result = {"handshake": False, "pong": False, "broadcast": False}
    try:
        with connect(url, origin=f"http://{HOST}:{server.port}", open_timeout=10) as ws:
            result["handshake"] = True
            ws.send(json.dumps({"type": "ping"}))
            result["pong"] = json.loads(ws.recv(timeout=5)).get("type") == "pong"
            cookie, csrf = setup.voters[-1]
            entry = setup.entry_ids[len(setup.entry_ids) // 2]
            # Withdraw (a no-op if absent) then vote: the vote is a change, so it is broadcast.
            for body in (
                f"csrfmiddlewaretoken={csrf}&action=withdraw",
                f"csrfmiddlewaretoken={csrf}",
            ):
                request = urllib.request.Request(
                    f"http://{HOST}:{server.port}{setup.vote_base}{entry}/vote/",
                    data=body.encode(),
                    headers={"Cookie": cookie},
                )
                urllib.request.urlopen(request, timeout=30).close()  # noqa: S310 (http only)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                # Coalesced, versioned totals (community/live.py): {"version", "totals": {id: n}}.
                totals = message.get("totals") or {}
                if message.get("type") == "votes.changed" and str(entry) in totals:
                    result["broadcast"] = True
                    break
    except Exception as error:  # reported in the table: a server without WebSockets
        result["error"] = f"{type(error).__name__}: {error}"[:200]
    return result


# One server -------------------------------------------------------------------------------------
def bench_server(
    setup: Setup,
    name: str,
    *,
    port: int,
    workers: int,
    connections: int,
    duration: float,
    vote_start: int,
    logdir: Path,
    upload_mb: int = UPLOAD_MB,
    warmup: float = 1,
    load: str = "wrk",
) -> dict:
    server = Server(setup, name, workers, port, logdir)
    scripts = logdir / "scripts"
    scripts.mkdir(exist_ok=True)
    common = scripts / "common.lua"
    common.write_text(LUA_COMMON)
    votes = scripts / f"votes-{port}.lua"
    votes.write_text(vote_script(setup, vote_start))
    try:
        server.wait_ready()
        base = f"http://{HOST}:{server.port}"
        idle_sampler = Sampler(server, setup)
        idle = idle_sampler.sample()
        idle_sampler.pg.close()
        rows = []
        for page, path, who, *own in setup.pages:
            clients = own[0] if own else connections
            cookie = {"member": setup.member_cookie, "moderator": setup.moderator_cookie}.get(who)
            headers = [f"Cookie: {cookie}"] if cookie else []
            # Warm every worker (imports, templates, caches) before the timed run.
            if warmup and load == "python":
                python_load(base + path, connections=4, duration=warmup, headers=headers)
            elif warmup:
                wrk(base + path, common, connections=8, duration=warmup, headers=headers)
            rows.append(
                measure(
                    server,
                    setup,
                    page,
                    lambda p=path, h=headers, c=clients: (
                        python_load(base + p, connections=c, duration=duration, headers=h)
                        if load == "python"
                        else wrk(base + p, common, connections=c, duration=duration, headers=h)
                    ),
                )
            )
        if setup.votes:
            rows.append(
                measure(
                    server,
                    setup,
                    f"vote POST ({len(setup.voters)} members)",
                    lambda: (
                        python_load(
                            base + "/",
                            connections=connections,
                            duration=duration,
                            votes=setup,
                            start=vote_start,
                        )
                        if load == "python"
                        else wrk(base + "/", votes, connections=connections, duration=duration)
                    ),
                )
            )
        bare = rows[0]["rps"] or 0.001
        for row in rows:
            row["x_bare"] = round(row["rps"] / bare, 3)
        uploaded = upload(server, setup, upload_mb) if upload_mb else None
        ws = websocket(server, setup)
        return {
            "server": name,
            "workers": workers,
            "processes": len(server.tree()),
            "idle_rss_total_mib": round(idle[1] / 2**20),
            "rows": rows,
            "upload": uploaded,
            "websocket": ws,
        }
    finally:
        server.stop()


_STARTED = time.perf_counter()


def _say(message: str) -> None:
    print(f"{time.perf_counter() - _STARTED:6.1f}s {message}", file=sys.stderr, flush=True)


# Run --------------------------------------------------------------------------------------------
def _redis_cleanup(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


def collectstatic(setup: Setup) -> None:
    env = server_env(setup, "collectstatic", 1, 0)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def run(
    names: list[str],
    *,
    scale: float,
    workers: int,
    connections: int,
    duration: float,
    port: int,
    upload_mb: int = UPLOAD_MB,
    warmup: float = 1,
    rounds: int = 1,
    load: str = "wrk",
    voters: int = 64,
    existing_database: bool = False,
    rows: list[str] | None = None,
) -> dict:
    """Create the bench database, load it, measure each server in `names`, drop it."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    from tests import bench

    if connection.vendor != "postgresql":
        raise SystemExit("The server benchmark needs DATABASE_URL on PostgreSQL.")
    if load == "wrk" and not shutil.which("wrk"):
        raise SystemExit("The server benchmark needs wrk: apt-get install -y wrk")
    redis_url = settings.REDIS_URL
    if not redis_url:
        raise SystemExit("The server benchmark needs REDIS_URL.")
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench"
    logdir = Path(tempfile.mkdtemp(prefix="cocreo-bench-server-"))
    setup_test_environment()
    # existing_database: DATABASE_URL's database as it is (migrated, e.g. a test run's database,
    # which its test flushes afterwards): no migrations to wait for (the smoke test).
    old_name = (
        None
        if existing_database
        else connection.creation.create_test_db(verbosity=0, keepdb=False, serialize=False)
    )
    began = time.perf_counter()
    prefix = f"cocreo-bench-{os.getpid()}"
    try:
        _say(f"Loading the data (scale {scale}) ...")
        data = bench.load(scale)
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
        setup = Setup(
            database_url=url,
            database_name=connection.settings_dict["NAME"],
            redis_url=redis_url,
            prefix=prefix,
            media_root=str(settings.MEDIA_ROOT),
            private_media_root=str(settings.PRIVATE_MEDIA_ROOT),
            static_root=str(settings.STATIC_ROOT),
            **prepare(data, voters=voters),
        )
        if rows:
            setup.pages = setup.pages[:1] + [p for p in setup.pages[1:] if _chosen(p[0], rows)]
            setup.votes = _chosen("vote POST", rows)
        connection.close()
        _say("collectstatic ...")
        collectstatic(setup)
        results = []
        for round_ in range(rounds):
            for i, name in enumerate(names):
                _say(f"[{round_ + 1}/{rounds}] {name} ...")
                results.append(
                    bench_server(
                        setup,
                        name,
                        port=port,
                        workers=workers,
                        connections=connections,
                        duration=duration,
                        vote_start=(round_ * len(names) + i) * 1500,
                        logdir=logdir,
                        warmup=warmup,
                        upload_mb=upload_mb,
                        load=load,
                    )
                )
                results[-1]["round"] = round_ + 1
        return {
            "meta": {
                "scale": scale,
                "workers": workers,
                "connections": connections,
                "duration_s": duration,
                "cpus": os.cpu_count(),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "logs": str(logdir),
            },
            "servers": results,
            "seconds": round(time.perf_counter() - began, 1),
        }
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
        _redis_cleanup(redis_url, prefix)
        _redis_cleanup(redis_url, settings.CACHES["default"].get("KEY_PREFIX") or prefix)
        uploads = Path(settings.PRIVATE_MEDIA_ROOT).parent
        if uploads.name.startswith("cocreo-test-"):
            shutil.rmtree(uploads, ignore_errors=True)


def _chosen(name: str, rows: list[str]) -> bool:
    return any(row.lower() in name.lower() for row in rows)


def ok(value: bool) -> str:
    return "ok" if value else "FAILED"


def format_report(report: dict) -> str:
    meta = report["meta"]
    lines = [
        f"Cocreo serving benchmark: {meta['workers']} workers, {meta['connections']} connections,"
        f" {meta['duration_s']} s per row, {meta['cpus']} CPUs (load average before:"
        f" {meta['load_average']}); server logs in {meta['logs']}",
    ]
    for s in report["servers"]:
        ws = s["websocket"]
        lines += [
            "",
            f"== {s['server']} (round {s.get('round', 1)}; {s['processes']} processes, idle RSS"
            f" {s['idle_rss_total_mib']} MiB; WebSocket handshake {ok(ws['handshake'])},"
            f" ping {ok(ws['pong'])}, vote broadcast {ok(ws['broadcast'])})"
            + (f" {ws['error']}" if ws.get("error") else ""),
            f"{'row':<30} {'req/s':>8} {'× bare':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
            f" {'4xx':>5} {'PG conn':>7} {'RSS max/total MiB':>17} {'idle after s':>12}",
        ]
        for r in s["rows"]:
            lines.append(
                f"{r['name']:<30} {r['rps']:>8.1f} {r['x_bare']:>7.3f} {r['p50_ms']:>8.1f}"
                f" {r['p99_ms']:>8.1f} {r['errors']:>6} {r['s4xx']:>5}"
                f" {r['peak_pg_connections']:>7}"
                f" {r['rss_max_process_mib']:>8}/{r['rss_total_mib']:<8}"
                f" {r['settled_s']:>12}"
            )
        u = s["upload"]
        if u:
            lines.append(
                f"{u['name']}: answered {u['status']} after {u['seconds']} s ({u['sent_mib']} MiB"
                f" sent), RSS +{u['rss_growth_mib']} MiB (peak {u['rss_max_process_mib']}/"
                f"{u['rss_total_mib']} MiB), bare view worst {u['bare_worst_ms']} ms meanwhile"
            )
    lines.append(f"Whole run: {report['seconds']} s")
    return "\n".join(lines)


def main(args) -> int:
    names = [n for n in CANDIDATES if n != SHIPPED] if args.compare_servers else [SHIPPED]
    if args.servers:
        names = [n for n in CANDIDATES if any(s.lower() in n.lower() for s in args.servers)]
    report = run(
        names,
        scale=args.scale,
        workers=args.workers,
        connections=args.connections,
        duration=args.duration,
        port=args.port,
        upload_mb=args.upload_mb,
        rounds=args.rounds,
        warmup=args.warmup,
        load=args.load,
        voters=args.voters,
        existing_database=args.existing_database,
        rows=args.rows,
    )
    print(format_report(report))
    output = args.output if args.output else RESULTS_FILE
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Figures written to {output}")
    return 0
