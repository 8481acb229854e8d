"""Live-update benchmark: many WebSocket clients on one contest, a burst of votes.

    python -m tests.bench_live [--clients N] [--votes V] [--voters M] [--rounds R]
                               [--server granian|daphne] [--workers W]

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): it creates a throwaway test database and
starts the shipped server (bin/serve: granian, W worker processes, production settings; or
`--server daphne`: W daphne processes). Then, R times in turn, V votes from M members in
parallel through the API on a fresh contest nobody watches (the baseline), and V votes on a
fresh contest that N WebSocket clients watch.

The voters run in processes of their own (`--voter-processes`, threads inside), the N clients in
another: neither slows the other down through one interpreter lock, and the server's cost of its
listeners shows apart from the bench's. The CPU seconds the server's processes (and the clients')
used during each burst are measured (psutil).

Reports: whether every client ends with the database's totals; the p99 (and max) time from the
last commit (the last vote response) to the moment a client shows the final totals; messages per
client per second (mean, and the most any client got in one second); the vote POST rate with and
without listeners, as the median of the rounds' ratios (each watched burst over the baseline just
before it). Targets (issue 12): N=1,000, V=500, M=64 on 2 cores: p99 < 2 s, at most one message
per second per client, vote rate with listeners at least 75 % of the baseline.
Figures go to test-results/bench-live.json. Not collected by pytest; not timed in CI.
"""

# ruff: noqa: E402
import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django

django.setup()

import psutil
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from contests.models import Vote
from tests import factories
from tests.infra.servers import (
    BASE_DIR,
    SERVER_SECRET_KEY,
    database_url_of_tests,
    free_port,
    request,
)

RESULTS_FILE = Path(__file__).resolve().parents[1] / "test-results" / "bench-live.json"
# fork: the children need no Django (plain data in, plain data out) and start at once.
MP = multiprocessing.get_context("fork")


# Voters -----------------------------------------------------------------------------------------
def voter_cookie(user) -> tuple[str, str]:
    """A signed-in session for the server (signed with its key) and a CSRF token."""
    client = Client()
    with override_settings(SECRET_KEY=SERVER_SECRET_KEY):
        client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value, secrets.token_hex(16)


def vote(url: str, session: str, token: str, entry_id: int) -> int:
    status, _headers, _body = request(
        url,
        "POST",
        f"/api/v1/entries/{entry_id}/vote",
        headers={
            "Cookie": f"{SESSION_COOKIE}={session}; {CSRF_COOKIE}={token}",
            "X-CSRFToken": token,
        },
    )
    return status


SESSION_COOKIE, CSRF_COOKIE = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME


def _voter_process(urls, jobs, ready, go, results) -> None:
    """One process of voters: a thread per voter, all started together at `go`."""
    statuses: list[int] = []
    lock = threading.Lock()
    times = {"first": None, "last": 0.0}

    def run(index, session, token, entry_ids):
        url = urls[index % len(urls)]
        for entry_id in entry_ids:
            status = vote(url, session, token, entry_id)
            now = time.monotonic()
            with lock:
                statuses.append(status)
                times["last"] = max(times["last"], now)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    ready.wait()
    go.wait()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = psutil.Process().cpu_times()
    results.put(
        {
            "started": started,
            "ended": time.monotonic(),
            "last_commit": times["last"],
            "statuses": statuses,
            "cpu_s": cpu.user + cpu.system,
        }
    )


def burst(urls, voters, plan, *, processes: int, watched_by=()) -> dict:
    """Every voter casts their planned votes, all voters in parallel (threads in `processes`
    processes); returns the rate, and the CPU seconds of the server (and of `watched_by`, the
    clients' process) during the burst."""
    jobs = [(i, session, token, plan[i]) for i, (session, token) in enumerate(voters)]
    groups = [jobs[k::processes] for k in range(processes)]
    ready, go = MP.Barrier(processes + 1), MP.Barrier(processes + 1)
    results = MP.Queue()
    children = [
        MP.Process(target=_voter_process, args=(urls, group, ready, go, results), daemon=True)
        for group in groups
    ]
    for child in children:
        child.start()
    ready.wait()
    log_from = SERVERS.log_size()
    server_before = SERVERS.cpu_seconds()
    clients_before = _cpu_seconds(watched_by)
    go.wait()
    parts = [results.get(timeout=600) for _ in children]
    server_cpu = SERVERS.cpu_seconds() - server_before
    clients_cpu = _cpu_seconds(watched_by) - clients_before
    for child in children:
        child.join()
    statuses = [s for part in parts for s in part["statuses"]]
    started = min(p["started"] for p in parts)
    seconds = max(p["ended"] for p in parts) - started
    return {
        "votes": len(statuses),
        "ok": sum(1 for s in statuses if s == 200),
        "seconds": round(seconds, 3),
        "votes_per_second": round(len(statuses) / seconds, 1),
        "server_cpu_s": round(server_cpu, 2),
        "server_cpu_ms_per_vote": round(1000 * server_cpu / max(len(statuses), 1), 1),
        "voters_cpu_s": round(sum(p["cpu_s"] for p in parts), 2),
        **({"clients_cpu_s": round(clients_cpu, 2)} if watched_by else {}),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "server_log": SERVERS.log_events(log_from),
        "last_commit": max(p["last_commit"] for p in parts),
        "started": started,
    }


def _cpu_seconds(pids) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            cpu = psutil.Process(pid).cpu_times()
            total += cpu.user + cpu.system
    return total


def voting_plan(entries, voters: int, votes: int) -> list[list[int]]:
    plan: list[list[int]] = [[] for _ in range(voters)]
    for n in range(votes):
        plan[n % voters].append(entries[(n // voters) % len(entries)].pk)
    return plan


# Clients ----------------------------------------------------------------------------------------
CAP, BASE, STOP_CODES = 30.0, 0.5, {4403, 4404}  # as static/js/live.js
# As live.js: a refetch after a gap waits uniformly 0-REFETCH_SPREAD s, after a message without a
# version UNVERSIONED_WAIT more; a fetch answered older than shown is read again AGAIN_WAIT later.
REFETCH_SPREAD, UNVERSIONED_WAIT, AGAIN_WAIT = 1.5, 1.0, 0.3


def backoff(attempt: int) -> float:
    ceiling = min(CAP, BASE * 2**attempt)
    return ceiling / 2 + random.random() * ceiling / 2  # "equal jitter", as live.js


async def get_json(url: str, path: str):
    """GET `path` as the page's fetch does (no-store); the JSON body, or None (not ok, error)."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(
            f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nAccept: application/json\r\n"
            "Cache-Control: no-store\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout=30)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return json.loads(body) if 200 <= status < 300 else None


class Watcher:
    """One page: static/js/live.js (CocreoLive.open + CocreoLive.totals) and contest-live.js,
    step for step. It reconnects after any close (jittered backoff) except 4403/4404, refetches
    the totals from the API at once on every (re)connection, after a random delay (one fetch
    for several triggers) on a version gap or a message without a version, and drops messages
    whose version is not newer than shown."""

    def __init__(self, url: str, slug: str):
        self.url, self.slug = url, slug
        self.totals_path = f"/api/v1/contests/{slug}/totals"
        self.shown: dict[str, int] = {}
        self.version = None
        self.fetching = self.again = False
        self.soon = None
        self.soon_at = 0.0
        self.stopped = False
        self.opened = asyncio.Event()
        self.fetched = asyncio.Event()
        self.final: dict | None = None
        self.final_at = None
        self.final_via = None
        self.arrivals: list[float] = []
        self.gaps = self.refetches = self.connects = self.stale = 0
        self.closes: list[int | None] = []
        self._tasks: set[asyncio.Task] = set()

    # CocreoLive.totals ---------------------------------------------------------------------
    def apply(self, data, via: str):
        self.shown.update(data.get("totals") or {})
        self.check(via)

    def check(self, via: str):
        if self.final is not None and self.final_at is None and self.matches(self.final):
            self.final_at, self.final_via = time.monotonic(), via

    def matches(self, final) -> bool:
        return all(self.shown.get(k, 0) == n for k, n in final.items())

    def refetch(self):
        if self.fetching:
            self.again = True
            return
        self.fetching = True
        self.refetches += 1
        task = asyncio.get_running_loop().create_task(self._fetch())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fetch(self):
        try:
            data = await get_json(self.url, self.totals_path)
            if data:
                if (
                    data["version"] is not None
                    and self.version is not None
                    and data["version"] < self.version
                ):
                    self.again = True  # a newer message arrived meanwhile: read again
                else:
                    self.apply(data, "fetch")
                    self.version = data["version"]
        except Exception:  # noqa: BLE001,S110 - fetch().catch(function () {})
            pass
        finally:
            self.fetching = False
            self.fetched.set()
            if self.again:
                self.again = False
                self.refetch_later(AGAIN_WAIT, 0)

    def refetch_later(self, wait: float, spread: float):
        """One refetch, `wait` + up to `spread` s from now; a pending one due at least `wait`
        from now serves this trigger too."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self.soon is not None and self.soon_at >= now + wait:
            return
        if self.soon is not None:
            self.soon.cancel()
        delay = wait + random.random() * spread
        self.soon_at = now + delay
        self.soon = loop.call_later(delay, self._soon)

    def _soon(self):
        self.soon = None
        self.refetch()

    def message(self, event):
        v = event.get("version")
        if v is None:
            self.apply(event, "message")
            self.refetch_later(UNVERSIONED_WAIT, REFETCH_SPREAD)
            return
        if self.version is not None and v <= self.version:
            self.stale += 1
            return  # stale: older than what is shown
        gap = self.version is not None and v > self.version + 1
        self.apply(event, "message")
        self.version = v
        if gap:
            self.gaps += 1
            self.refetch_later(0, REFETCH_SPREAD)

    def reset(self):
        self.version = None
        self.refetch()

    # CocreoLive.open + contest-live.js ---------------------------------------------------------
    async def run(self):
        from websockets.asyncio.client import connect

        ws_url = self.url.replace("http://", "ws://") + f"/ws/contests/{self.slug}/"
        attempt = 0
        while not self.stopped:
            code = None
            try:
                async with connect(
                    ws_url, origin=self.url, open_timeout=30, ping_interval=None
                ) as ws:
                    attempt = 0
                    self.connects += 1
                    self.opened.set()
                    self.reset()  # onOpen: totals.reset
                    try:
                        async for raw in ws:
                            try:
                                event = json.loads(raw)
                            except ValueError:
                                continue
                            if event.get("type") == "votes.changed":
                                self.arrivals.append(time.monotonic())
                                self.message(event)
                    except Exception:  # noqa: BLE001,S110 - closed: ws.close_code below
                        pass
                    code = ws.close_code
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001,S110 - could not connect: onclose (1006)
                pass
            if self.stopped:
                return
            self.closes.append(code)
            if code in STOP_CODES:
                self.stopped = True
                return
            await asyncio.sleep(backoff(attempt))
            attempt += 1


async def _watch(urls, slug, clients: int, pipe, settle: float):
    watchers = [Watcher(urls[i % len(urls)], slug) for i in range(clients)]
    runners = []
    for start in range(0, clients, 100):  # connect in batches, as pages load
        batch = watchers[start : start + 100]
        runners += [asyncio.create_task(w.run()) for w in batch]
        await asyncio.wait_for(asyncio.gather(*(w.opened.wait() for w in batch)), timeout=120)
    # Every page has read its first totals before the burst.
    await asyncio.wait_for(asyncio.gather(*(w.fetched.wait() for w in watchers)), timeout=120)
    await asyncio.sleep(0.5)
    pipe.send("ready")
    final = await asyncio.to_thread(pipe.recv)  # the database's totals, after the burst
    for watcher in watchers:  # some may already show the final totals
        watcher.final = final
        if watcher.matches(final):
            watcher.final_at, watcher.final_via = time.monotonic(), "before-final-read"
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline and any(w.final_at is None for w in watchers):
        await asyncio.sleep(0.1)
    for watcher in watchers:
        watcher.stopped = True
        if watcher.soon is not None:
            watcher.soon.cancel()
    for task in runners:
        task.cancel()
    await asyncio.gather(*runners, return_exceptions=True)
    pipe.send(
        [
            {
                "final_at": w.final_at,
                "final_via": w.final_via,
                "arrivals": w.arrivals,
                "gaps": w.gaps,
                "stale": w.stale,
                "refetches": w.refetches,
                "connects": w.connects,
                "closes": w.closes,
                "version": w.version,
                "differs": {
                    k: [w.shown.get(k, 0), n] for k, n in final.items() if w.shown.get(k, 0) != n
                },
            }
            for w in watchers
        ]
    )


def _watcher_process(urls, slug, clients, pipe, settle) -> None:
    try:
        asyncio.run(_watch(urls, slug, clients, pipe, settle))
    except BaseException as error:
        pipe.send(f"error: {type(error).__name__}: {error}")
        raise


def watched_burst(urls, slug, clients, run_burst, final_totals, settle):
    """N clients (in a process of their own) on the contest, the burst, then the clients' view."""
    ours, theirs = MP.Pipe()
    child = MP.Process(target=_watcher_process, args=(urls, slug, clients, theirs, settle))
    child.start()
    try:
        if not ours.poll(300):
            raise RuntimeError("the clients did not connect in 300 s")
        message = ours.recv()
        if message != "ready":
            raise RuntimeError(message)
        result = run_burst([child.pid])
        final = final_totals()
        ours.send(final)
        watchers = ours.recv()
        if isinstance(watchers, str):
            raise RuntimeError(watchers)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    return result, final, watchers


def _percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else None


def _fresh_contest(title: str, n_entries: int):
    contest = factories.make_contest("voting", title=title)
    return contest, [factories.make_entry(contest) for _ in range(n_entries)]


def run(args) -> dict:
    env = {
        "DATABASE_URL": database_url_of_tests(),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_PREFIX": f"bench-live-{os.getpid()}",
        "CACHE_PREFIX": f"bench-live-{os.getpid()}",
        "SECURE_SSL_REDIRECT": "false",
        "DB_POOL_MAX": "8",
        # Every vote comes from 127.0.0.1 here, one machine standing in for many people: the
        # same-network velocity rule would hold them all (and no total would ever change).
        "COCREO_VOTE_MAX_SAME_NETWORK": "1000000",
    }
    n_entries = max(8, -(-args.votes // args.voters))
    # Established members: a burst of fresh accounts voting together would be held (not counted)
    # by the velocity rule, and the live totals (counted votes) would rightly differ. Each burst
    # is on a fresh contest (each member's vote budget is per contest).
    joined = timezone.now() - timedelta(days=365)
    users = factories.UserFactory.create_batch(args.voters, date_joined=joined)
    voters = [voter_cookie(u) for u in users]
    contests = [
        (
            _fresh_contest(f"Quiet contest {r + 1}", n_entries),
            _fresh_contest(f"Watched contest {r + 1}", n_entries),
        )
        for r in range(args.rounds)
    ]
    warm_up = _fresh_contest("Warm-up contest", n_entries)
    connection.close()  # nothing open is shared with the children

    rounds = []
    with SERVERS.start(args.server, args.workers, env) as urls:
        # Every worker has served votes before the first measured burst (imports, pools).
        burst(
            urls,
            voters,
            voting_plan(warm_up[1], args.voters, min(args.votes, 2 * args.voters)),
            processes=args.voter_processes,
        )
        for (_quiet, quiet_entries), (watched, watched_entries) in contests:
            baseline = burst(
                urls,
                voters,
                voting_plan(quiet_entries, args.voters, args.votes),
                processes=args.voter_processes,
            )

            def final_totals(entries=watched_entries):
                totals = {
                    str(e.pk): Vote.objects.counted().filter(entry=e).count() for e in entries
                }
                connection.close()
                return totals

            result, final, watchers = watched_burst(
                urls,
                watched.slug,
                args.clients,
                lambda pids, entries=watched_entries: burst(
                    urls,
                    voters,
                    voting_plan(entries, args.voters, args.votes),
                    processes=args.voter_processes,
                    watched_by=pids,
                ),
                final_totals,
                args.settle,
            )
            if not sum(final.values()):
                raise SystemExit(
                    "No vote was counted (all held?): the convergence figures would be void."
                )
            rounds.append(summarize(baseline, result, final, watchers))
            print(json.dumps(rounds[-1]["summary"]), flush=True)

    ratios = [r["summary"]["vote_rate_ratio"] for r in rounds]
    lags = [r["summary"]["lag_p99_s"] for r in rounds]
    return {
        "meta": {
            "clients": args.clients,
            "votes": args.votes,
            "voters": args.voters,
            "voter_processes": args.voter_processes,
            "server": args.server,
            "workers": args.workers,
            "rounds": args.rounds,
            "entries": n_entries,
            "coalesce_seconds": settings.LIVE_COALESCE_SECONDS,
            "cpus": os.cpu_count(),
        },
        "vote_rate_ratio_median": round(statistics.median(ratios), 2),
        "vote_rate_ratios": ratios,
        "clients_with_database_totals_min": min(
            r["summary"]["clients_with_database_totals"] for r in rounds
        ),
        "lag_p99_s_max": max((x for x in lags if x is not None), default=None),
        "messages_per_client_per_second_max": max(
            r["summary"]["messages_per_client_per_second"] or 0 for r in rounds
        ),
        "messages_per_client_in_one_clock_second_max": max(
            r["summary"]["messages_per_client_in_one_clock_second_max"] for r in rounds
        ),
        "server_cpu_ms_per_vote_baseline_median": statistics.median(
            r["baseline_burst"]["server_cpu_ms_per_vote"] for r in rounds
        ),
        "server_cpu_ms_per_vote_watched_median": statistics.median(
            r["watched_burst"]["server_cpu_ms_per_vote"] for r in rounds
        ),
        "rounds": rounds,
    }


def summarize(baseline, result, final, watchers) -> dict:
    last_commit = result["last_commit"]
    lags = [max(w["final_at"] - last_commit, 0.0) for w in watchers if w["final_at"] is not None]
    converged = sum(1 for w in watchers if w["final_at"] is not None)
    per_second_max = 0
    gaps = []
    for w in watchers:
        buckets = defaultdict(int)
        for at in w["arrivals"]:
            buckets[int(at)] += 1
        per_second_max = max(per_second_max, max(buckets.values(), default=0))
        gaps += [b - a for a, b in zip(w["arrivals"], w["arrivals"][1:], strict=False)]
    # Messages per client per second over the burst and its delivery (first vote to last message).
    last_message = max((w["arrivals"][-1] for w in watchers if w["arrivals"]), default=last_commit)
    delivery = max(last_message - result["started"], 1e-9)
    messages = sum(len(w["arrivals"]) for w in watchers)
    for entry in (baseline, result):
        entry.pop("last_commit")
        entry.pop("started")
    summary = {
        "vote_rate_ratio": round(result["votes_per_second"] / baseline["votes_per_second"], 2),
        "votes_per_second": [baseline["votes_per_second"], result["votes_per_second"]],
        "server_cpu_ms_per_vote": [
            baseline["server_cpu_ms_per_vote"],
            result["server_cpu_ms_per_vote"],
        ],
        "clients_with_database_totals": converged,
        "database_totals": sum(final.values()),
        "lag_p50_s": _round(_percentile(lags, 0.5)),
        "lag_p99_s": _round(_percentile(lags, 0.99)),
        "messages_per_client_per_second": _round(messages / len(watchers) / delivery),
        "messages_per_client_in_one_clock_second_max": per_second_max,
        "load_average_1m": result["load_average_1m"],
        "watched_server_log": result["server_log"],
        "totals_refetches": sum(w["refetches"] for w in watchers),
    }
    return {
        "summary": summary,
        "baseline_burst": baseline,
        "watched_burst": result,
        "lag_max_s": _round(max(lags) if lags else None),
        "messages_per_client_mean": round(messages / len(watchers), 2),
        # Arrival gaps: under load a late message can arrive closer to the next one than sent.
        "arrival_gap_p01_s": _round(_percentile(gaps, 0.01)),
        "arrival_gap_min_s": _round(min(gaps) if gaps else None),
        # What the clients did, as live.js would: why a client shows what it shows.
        "clients_final_via": dict(Counter(w["final_via"] for w in watchers)),
        "clients_that_saw_a_version_gap": sum(1 for w in watchers if w["gaps"]),
        "version_gaps": sum(w["gaps"] for w in watchers),
        "stale_messages_dropped": sum(w["stale"] for w in watchers),
        "totals_refetches": sum(w["refetches"] for w in watchers),
        "clients_reconnected": sum(1 for w in watchers if w["connects"] > 1),
        "close_codes": dict(Counter(str(c) for w in watchers for c in w["closes"])),
        "clients_without_database_totals": [
            {"version": w["version"], "connects": w["connects"], "differs": w["differs"]}
            for w in watchers
            if w["final_at"] is None
        ][:10],
    }


def _round(value):
    return None if value is None else round(value, 3)


# Servers ----------------------------------------------------------------------------------------
class _Servers:
    """The server under test: the shipped one (bin/serve: granian, `workers` processes on one
    port) or `workers` daphne processes on ports of their own. `cpu_seconds()` sums the CPU time
    of every process of theirs (workers included)."""

    def __init__(self):
        self.processes: list[subprocess.Popen] = []
        self.log_path: Path | None = None

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path else 0

    def log_events(self, since: int) -> dict:
        """What the servers logged since `since` (a size of their log) that explains a drop:
        Redis or channel-layer circuits opening (a timeout under load: the live store falls back
        to per-process messages without version, which every client answers with a refetch),
        sockets closed because the layer timed out, and 503s (database pool exhausted)."""
        if self.log_path is None:
            return {}
        with self.log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        return {
            "redis_cache_circuit_opened": text.count("unavailable (")
            - text.count("Channel layer unavailable"),
            "channel_layer_circuit_opened": text.count("Channel layer unavailable"),
            "sockets_lost_layer": text.count("Channel layer lost"),
            "responses_503": text.count('"status_code": 503'),
            "totals_requests": text.count("/totals 200") + text.count("/totals 503"),
        }

    def cpu_seconds(self) -> float:
        pids = []
        for process in self.processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                parent = psutil.Process(process.pid)
                pids += [parent.pid] + [c.pid for c in parent.children(recursive=True)]
        return _cpu_seconds(pids)

    @contextlib.contextmanager
    def start(self, kind: str, workers: int, env: dict):
        data_dir = tempfile.mkdtemp(prefix="cocreo-bench-live-")
        full_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PYTEST")) and k not in ("DATABASE_URL", "REDIS_URL")
        }
        full_env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=SERVER_SECRET_KEY,
            COCREO_DATA_DIR=data_dir,
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **env,
        )
        self.log_path = Path(data_dir) / "server.log"
        log = open(self.log_path, "w+")  # noqa: SIM115
        ports = []
        try:
            if kind == "granian":
                port = free_port()
                ports.append(port)
                self._spawn(
                    ["sh", str(BASE_DIR / "bin" / "serve")],
                    {**full_env, "HOST": "127.0.0.1", "PORT": str(port)}
                    | {"WEB_CONCURRENCY": str(workers)},
                    log,
                )
            else:
                for _ in range(workers):
                    port = free_port()
                    ports.append(port)
                    self._spawn(
                        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
                        + ["config.asgi:application"],
                        full_env,
                        log,
                    )
                    self._wait(port, log)
            for port in ports:
                self._wait(port, log)
            yield [f"http://127.0.0.1:{port}" for port in ports]
        finally:
            for process in self.processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
            for process in self.processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            self.processes = []
            log.close()

    def _spawn(self, argv, env, log):
        self.processes.append(
            subprocess.Popen(
                argv,
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def _wait(self, port: int, log) -> None:
        deadline = time.monotonic() + 60
        while True:
            if any(p.poll() is not None for p in self.processes):
                log.seek(0)
                raise RuntimeError(f"the server exited:\n{log.read()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start listening in 60 s")
            time.sleep(0.2)


SERVERS = _Servers()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=500)
    parser.add_argument("--voters", type=int, default=64)
    parser.add_argument("--voter-processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="baseline + watched bursts")
    parser.add_argument("--server", choices=["granian", "daphne"], default="granian")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "4")),
        help="granian workers (bin/serve's WEB_CONCURRENCY), or daphne processes",
    )
    parser.add_argument("--settle", type=float, default=15.0, help="seconds to wait for clients")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        print("bench_live needs DATABASE_URL (PostgreSQL) and REDIS_URL: skipped.")
        return 0
    os.environ.setdefault("COCREO_TEST_PORT_BASE", "8210")
    from django.test.utils import setup_test_environment, teardown_test_environment

    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"bench_live_{db['NAME']}"  # never the tests' database
    setup_test_environment()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    try:
        report = run(args)
        print(json.dumps(report, indent=2))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Figures written to {args.output}")
    finally:
        with connection.cursor() as cursor:  # the servers' last pooled sessions, if any
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
