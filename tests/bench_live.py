"""Live-update benchmark: many WebSocket clients on one contest, a burst of votes.

    python -m tests.bench_live [--clients N] [--votes V] [--voters M] [--servers S]

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): it creates a throwaway test database,
starts S daphne processes with production settings sharing them (tests/infra/servers.py), opens
N WebSocket clients spread over the processes, and sends V votes from M members in parallel
through the API, twice: on a contest nobody watches (the baseline) and on the watched one.

Reports: whether every client ends with the database's totals; the p99 (and max) time from the
last commit (the last vote response) to the moment a client shows the final totals; messages per
client per second (mean, and the most any client got in one second); the vote POST rate with and
without listeners. Targets (issue 12): N=1,000, V=500, M=64 on 2 cores: p99 < 2 s, at most one
message per second per client, vote rate with listeners at least 75 % of the baseline.
Figures go to test-results/bench-live.json. Not collected by pytest; not timed in CI.
"""

# ruff: noqa: E402
import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django

django.setup()

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from contests.models import Vote
from tests import factories
from tests.infra.servers import SERVER_SECRET_KEY, daphne, database_url_of_tests, request

RESULTS_FILE = Path(__file__).resolve().parents[1] / "test-results" / "bench-live.json"


class Voter:
    def __init__(self, user):
        client = Client()
        with override_settings(SECRET_KEY=SERVER_SECRET_KEY):
            client.force_login(user)
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.token = secrets.token_hex(16)

    def vote(self, url: str, entry_id: int) -> int:
        status, _headers, _body = request(
            url,
            "POST",
            f"/api/v1/entries/{entry_id}/vote",
            headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}; "
                f"{settings.CSRF_COOKIE_NAME}={self.token}",
                "X-CSRFToken": self.token,
            },
        )
        return status


def burst(urls, voters, plan) -> dict:
    """Every voter casts their planned votes, all voters in parallel; returns timings."""
    statuses: list[int] = []
    lock = threading.Lock()
    last_response = [0.0]

    def run(index, voter, entry_ids):
        url = urls[index % len(urls)]
        for entry_id in entry_ids:
            status = voter.vote(url, entry_id)
            now = time.monotonic()
            with lock:
                statuses.append(status)
                last_response[0] = max(last_response[0], now)

    threads = [
        threading.Thread(target=run, args=(i, voter, plan[i])) for i, voter in enumerate(voters)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    return {
        "votes": len(statuses),
        "ok": sum(1 for s in statuses if s == 200),
        "seconds": round(seconds, 3),
        "votes_per_second": round(len(statuses) / seconds, 1),
        "last_commit": last_response[0],
        "started": started,
    }


def voting_plan(entries, voters: int, votes: int) -> list[list[int]]:
    plan: list[list[int]] = [[] for _ in range(voters)]
    for n in range(votes):
        plan[n % voters].append(entries[(n // voters) % len(entries)].pk)
    return plan


CAP, BASE, STOP_CODES = 30.0, 0.5, {4403, 4404}  # as static/js/live.js


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
    the totals from the API on every (re)connection, on a version gap and (300 ms later) after a
    message without a version, and drops messages whose version is not newer than shown."""

    def __init__(self, url: str, slug: str):
        self.url, self.slug = url, slug
        self.totals_path = f"/api/v1/contests/{slug}/totals"
        self.shown: dict[str, int] = {}
        self.version = None
        self.fetching = self.again = False
        self.soon = None
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
                self.refetch_soon()

    def refetch_soon(self):
        if self.soon is None:
            self.soon = asyncio.get_running_loop().call_later(0.3, self._soon)

    def _soon(self):
        self.soon = None
        self.refetch()

    def message(self, event):
        v = event.get("version")
        if v is None:
            self.apply(event, "message")
            self.refetch_soon()
            return
        if self.version is not None and v <= self.version:
            self.stale += 1
            return  # stale: older than what is shown
        gap = self.version is not None and v > self.version + 1
        self.apply(event, "message")
        self.version = v
        if gap:
            self.gaps += 1
            self.refetch()

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


async def watch(urls, slug, clients: int, run_burst, final_totals, settle: float):
    watchers = [Watcher(urls[i % len(urls)], slug) for i in range(clients)]
    runners = []
    for start in range(0, clients, 100):  # connect in batches, as pages load
        batch = watchers[start : start + 100]
        runners += [asyncio.create_task(w.run()) for w in batch]
        await asyncio.wait_for(asyncio.gather(*(w.opened.wait() for w in batch)), timeout=120)
    # Every page has read its first totals before the burst.
    await asyncio.wait_for(asyncio.gather(*(w.fetched.wait() for w in watchers)), timeout=120)
    await asyncio.sleep(0.5)
    result = await asyncio.to_thread(run_burst)
    final = await asyncio.to_thread(final_totals)
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
    return result, final, watchers


def _percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else None


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
    quiet = factories.make_contest("voting", title="Quiet contest")
    watched = factories.make_contest("voting", title="Watched contest")
    n_entries = max(8, -(-args.votes // args.voters))
    quiet_entries = [factories.make_entry(quiet) for _ in range(n_entries)]
    watched_entries = [factories.make_entry(watched) for _ in range(n_entries)]
    # Established members: a burst of fresh accounts voting together would be held (not counted)
    # by the velocity rule, and the live totals (counted votes) would rightly differ.
    joined = timezone.now() - timedelta(days=365)
    users = factories.UserFactory.create_batch(args.voters * 2, date_joined=joined)
    quiet_voters = [Voter(u) for u in users[: args.voters]]
    watched_voters = [Voter(u) for u in users[args.voters :]]

    def final_totals():
        connection.close()
        return {str(e.pk): Vote.objects.counted().filter(entry=e).count() for e in watched_entries}

    with _servers(env, args.servers) as urls:
        baseline = burst(urls, quiet_voters, voting_plan(quiet_entries, args.voters, args.votes))
        result, final, watchers = asyncio.run(
            watch(
                urls,
                watched.slug,
                args.clients,
                lambda: burst(
                    urls, watched_voters, voting_plan(watched_entries, args.voters, args.votes)
                ),
                final_totals,
                args.settle,
            )
        )
    if not sum(final.values()):
        raise SystemExit("No vote was counted (all held?): the convergence figures would be void.")
    last_commit = result["last_commit"]
    lags = [max(w.final_at - last_commit, 0.0) for w in watchers if w.final_at is not None]
    converged = sum(1 for w in watchers if w.final_at is not None)
    per_second_max = 0
    gaps = []
    for w in watchers:
        buckets = defaultdict(int)
        for at in w.arrivals:
            buckets[int(at)] += 1
        per_second_max = max(per_second_max, max(buckets.values(), default=0))
        gaps += [b - a for a, b in zip(w.arrivals, w.arrivals[1:], strict=False)]
    # Messages per client per second over the burst and its delivery (first vote to last message).
    last_message = max((w.arrivals[-1] for w in watchers if w.arrivals), default=last_commit)
    delivery = max(last_message - result["started"], 1e-9)
    for entry in (baseline, result):
        entry.pop("last_commit")
        entry.pop("started")
    return {
        "meta": {
            "clients": args.clients,
            "votes": args.votes,
            "voters": args.voters,
            "servers": args.servers,
            "entries": n_entries,
            "coalesce_seconds": settings.LIVE_COALESCE_SECONDS,
        },
        "baseline_burst": baseline,
        "watched_burst": result,
        "vote_rate_ratio": round(result["votes_per_second"] / baseline["votes_per_second"], 2),
        "clients_with_database_totals": converged,
        "database_totals": sum(final.values()),
        "lag_p50_s": _round(_percentile(lags, 0.5)),
        "lag_p99_s": _round(_percentile(lags, 0.99)),
        "lag_max_s": _round(max(lags) if lags else None),
        "messages_per_client_mean": round(
            sum(len(w.arrivals) for w in watchers) / len(watchers), 2
        ),
        "messages_per_client_per_second": _round(
            sum(len(w.arrivals) for w in watchers) / len(watchers) / delivery
        ),
        "messages_per_client_in_one_clock_second_max": per_second_max,
        # Arrival gaps: under load a late message can arrive closer to the next one than sent.
        "arrival_gap_p01_s": _round(_percentile(gaps, 0.01)),
        "arrival_gap_min_s": _round(min(gaps) if gaps else None),
        # What the clients did, as live.js would: why a client shows what it shows.
        "clients_final_via": dict(Counter(w.final_via for w in watchers)),
        "clients_that_saw_a_version_gap": sum(1 for w in watchers if w.gaps),
        "version_gaps": sum(w.gaps for w in watchers),
        "stale_messages_dropped": sum(w.stale for w in watchers),
        "totals_refetches": sum(w.refetches for w in watchers),
        "clients_reconnected": sum(1 for w in watchers if w.connects > 1),
        "close_codes": dict(Counter(str(c) for w in watchers for c in w.closes)),
        "clients_without_database_totals": [
            {
                "version": w.version,
                "connects": w.connects,
                "differs": {
                    k: [w.shown.get(k, 0), n] for k, n in final.items() if w.shown.get(k, 0) != n
                },
            }
            for w in watchers
            if w.final_at is None
        ][:10],
    }


def _round(value):
    return None if value is None else round(value, 3)


class _servers:
    def __init__(self, env, count):
        self.env, self.count, self.stack = env, count, []

    def __enter__(self):
        urls = []
        for _ in range(self.count):
            manager = daphne(self.env)
            url, _process = manager.__enter__()
            self.stack.append(manager)
            urls.append(url)
        return urls

    def __exit__(self, *exc):
        for manager in reversed(self.stack):
            manager.__exit__(None, None, None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=500)
    parser.add_argument("--voters", type=int, default=64)
    parser.add_argument("--servers", type=int, default=2)
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
