"""Benchmarks: page latency, queries and size, service throughput and memory at realistic volumes.

    python -m tests.bench [--scale S] [--requests N]      (or `make bench`)

Runs in a throwaway database created with Django's test utilities (config.settings.test): a
temporary SQLite file by default, PostgreSQL when DATABASE_URL is set. Prints a table and writes
the figures to test-results/bench.json. Not collected by pytest (tests/test_bench_smoke.py calls
the same functions at a tiny scale inside the normal test database, without asserting timings).

At scale 1: a contest in voting with 500 approved entries and 5,000 votes from 1,000 members; a
contest with results; 1,000 pending moderation items (new entries and edits of approved ones, each
with its Wagtail revision); a member with 50 entries. Rows are bulk-created; every entry points at
ONE image file in private storage (so a rendition made for one entry serves them all: the image
view is measured warm, and a cold rendition is measured on its own).
"""

# ruff: noqa: E402
import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
from django.apps import apps as _apps

if not _apps.ready:
    import django

    django.setup()

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from PIL import Image, ImageDraw
from taggit.models import Tag
from wagtail.models import Revision

from community.images import get_rendition, private_storage, rendition_name
from community.models import User
from config.urls import urlpatterns as _site_urlpatterns
from contests import services as contest_services
from contests.models import ContestPage, Entry, EntryImage, TaggedEntry, Vote
from moderation import services as moderation_services
from moderation.models import ModerationItem, ModerationStatus
from tests import factories
from tests.conftest import pass_second_factor

RESULTS_FILE = Path(settings.BASE_DIR) / "test-results" / "bench.json"
BARE_URL = "/__bench__/bare"
WARMUP = 2


# A bare Django view behind the full middleware stack: the unit "a Wagtail page costs about a
# hundred of these" is measured in. The benchmark routes through this URLconf (the site's URLs
# with this one in front).
def bare_view(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_URL.lstrip("/"), bare_view), *_site_urlpatterns]


# Data ------------------------------------------------------------------------------------------
def design_jpeg(size=(1200, 900), seed=1) -> bytes:
    """A realistic upload: a photo-like JPEG (gradients, shapes and noise), ~100-200 KB."""
    rng = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, 200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    noise = Image.effect_noise(size, 24).convert("RGB")
    image = Image.blend(image, noise, 0.15)
    out = BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass
class Dataset:
    scale: float
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    voting: ContestPage | None = None
    results: ContestPage | None = None
    submissions: ContestPage | None = None
    members: list = field(default_factory=list)
    member: User | None = None  # a signed-in voter
    profile_member: User | None = None
    moderator: User | None = None
    entry: Entry | None = None  # an approved entry in the voting contest, with extras and tags
    vote_target: Entry | None = None  # an entry nobody has voted for yet (cast_vote)
    image_name: str = ""
    upload_bytes: bytes = b""


def _n(value: float, minimum: int) -> int:
    return max(minimum, round(value))


def _entries(contest, authors, *, count, start, live=True, image, title="Design"):
    now = timezone.now()
    return [
        Entry(
            contest=contest,
            author=authors[i % len(authors)],
            title=f"{title} {start + i}",
            description="A cup design with a bold pattern, inspired by the city at night. " * 3,
            image=image,
            image_width=1200,
            image_height=900,
            live=live,
            has_unpublished_changes=not live,
            moderation_status=ModerationStatus.APPROVED if live else ModerationStatus.PENDING,
            created_at=now - timedelta(minutes=start + i),
            first_published_at=now if live else None,
            last_published_at=now if live else None,
        )
        for i in range(count)
    ]


def _with_revisions(entries, *, live: bool, ct) -> list:
    """One revision per entry (its submitted content), set as latest (and live when approved)."""
    by_pk = {
        e.pk: e
        for e in Entry.objects.filter(pk__in=[e.pk for e in entries]).prefetch_related(
            "extra_images", "tagged"
        )
    }
    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=ct,
                base_content_type=ct,
                object_id=str(e.pk),
                created_at=now,
                user_id=e.author_id,
                object_str=e.title,
                content=by_pk[e.pk].serializable_data(),
            )
            for e in entries
        ],
        batch_size=500,
    )
    for entry, revision in zip(entries, revisions, strict=True):
        entry.latest_revision = revision
        if live:
            entry.live_revision = revision
    Entry.objects.bulk_update(entries, ["latest_revision", "live_revision"], batch_size=500)
    return revisions


def load(scale: float = 1.0) -> Dataset:
    """Create the benchmark's data in the current database (bulk inserts)."""
    data = Dataset(scale=scale)
    started = time.perf_counter()
    tick = started

    def lap(name):
        nonlocal tick
        now = time.perf_counter()
        data.seconds[name] = round(now - tick, 3)
        tick = now

    n_members = _n(1000 * scale, 20)
    n_voting = _n(500 * scale, 30)
    n_votes_each = 5
    n_results = _n(100 * scale, 5)
    n_pending = _n(1000 * scale, 30)
    n_edits = _n(n_pending / 10, 3)
    n_profile = _n(50 * scale, 5)
    n_filler = _n(20 * scale, 1)

    # People.
    password = make_password("bench password")
    members = User.objects.bulk_create(
        [
            User(username=f"bench{i}", email=f"bench{i}@example.com", password=password)
            for i in range(n_members)
        ],
        batch_size=1000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in members],
        batch_size=1000,
    )
    data.members = members
    data.member = members[1]
    data.moderator = factories.moderator(username="bench-moderator")
    staff = factories.brand_staff(username="bench-staff")
    data.profile_member = factories.UserFactory(username="bench-profile")
    lap("members")

    # The one image file every entry points at.
    data.upload_bytes = design_jpeg()
    data.image_name = private_storage().save(
        "entries/bench/design.jpg", ContentFile(data.upload_bytes)
    )
    image = data.image_name

    # Contests: one in voting, one with results, one open for submissions, and older ones for
    # the home page.
    data.voting = factories.make_contest("voting", title="Bench voting contest")
    data.results = factories.make_contest("judging", title="Bench results contest")
    data.submissions = factories.make_contest("submissions", title="Bench open contest")
    for i in range(n_filler):
        factories.make_contest("judging", title=f"Bench past contest {i + 1}")
    lap("contests")

    ct = ContentType.objects.get_for_model(Entry, for_concrete_model=False)
    tags = Tag.objects.bulk_create([Tag(name=f"tag{i}", slug=f"tag{i}") for i in range(20)])

    # Approved entries (the profile member's among them), their extras and tags.
    n_profile_voting = n_profile * 3 // 5
    approved = _entries(
        data.voting, members, count=n_voting - n_profile_voting, start=0, image=image
    )
    approved += _entries(
        data.voting,
        [data.profile_member],
        count=n_profile_voting,
        start=len(approved),
        image=image,
        title="Profile design",
    )
    results_entries = _entries(
        data.results, members, count=n_results, start=len(approved), image=image
    )
    results_entries += _entries(
        data.results,
        [data.profile_member],
        count=n_profile - n_profile_voting,
        start=len(approved) + n_results,
        image=image,
        title="Profile design",
    )
    edited = _entries(data.submissions, members, count=n_edits, start=10_000, image=image)
    # Sorted by age in the gallery; the entry page's entry is the newest (page 1).
    voting_entries = Entry.objects.bulk_create(approved, batch_size=500)
    results_entries = Entry.objects.bulk_create(results_entries, batch_size=500)
    edited = Entry.objects.bulk_create(edited, batch_size=500)
    all_live = [*voting_entries, *results_entries, *edited]
    extras = [
        EntryImage(entry=e, image=image, image_width=1200, image_height=900, sort_order=k)
        for i, e in enumerate(all_live)
        if i % 5 == 0
        for k in range(2)
    ]
    EntryImage.objects.bulk_create(extras, batch_size=1000)
    TaggedEntry.objects.bulk_create(
        [
            TaggedEntry(content_object=e, tag=tags[(i + k) % len(tags)])
            for i, e in enumerate(all_live)
            for k in range(3)
        ],
        batch_size=1000,
    )
    data.entry = voting_entries[0]
    lap("entries")

    # Votes: every member votes for five entries of the voting contest (never their own), and
    # a fifth of them for one entry of the results contest.
    rng = random.Random(42)
    votes = []
    for member in members:
        candidates = [e for e in rng.sample(voting_entries, 6) if e.author_id != member.pk]
        votes += [
            Vote(contest=data.voting, entry=e, voter=member) for e in candidates[:n_votes_each]
        ]
    for i, member in enumerate(members[::5]):
        entry = results_entries[i % len(results_entries)]
        if entry.author_id != member.pk:
            votes.append(Vote(contest=data.results, entry=entry, voter=member))
    Vote.objects.bulk_create(votes, batch_size=1000)
    data.counts["votes"] = len(votes)
    lap("votes")

    # Revisions of approved entries; the results contest's winners.
    _with_revisions(all_live, live=True, ct=ct)
    contest_services.pick_winners(
        data.results,
        staff=staff,
        entry_ids=[results_entries[-1].pk, *(e.pk for e in results_entries[:2])],
    )
    lap("revisions+winners")

    # The moderation queue: new entries and edits of approved ones, each with its revision.
    pending = Entry.objects.bulk_create(
        _entries(
            data.submissions,
            members,
            count=n_pending - n_edits,
            start=20_000,
            live=False,
            image=image,
            title="Pending design",
        ),
        batch_size=500,
    )
    pending_revisions = _with_revisions(pending, live=False, ct=ct)
    edit_revisions = []
    now = timezone.now()
    for entry in edited:
        entry.title = f"{entry.title} (edited)"
        entry.description = "An edited description. " * 5
        edit_revisions.append(
            Revision(
                content_type=ct,
                base_content_type=ct,
                object_id=str(entry.pk),
                created_at=now,
                user_id=entry.author_id,
                object_str=entry.title,
                content=entry.serializable_data(),
            )
        )
    edit_revisions = Revision.objects.bulk_create(edit_revisions, batch_size=500)
    for entry, revision in zip(edited, edit_revisions, strict=True):
        entry.latest_revision = revision
        entry.has_unpublished_changes = True
    Entry.objects.bulk_update(edited, ["latest_revision", "has_unpublished_changes"])
    # Spread the edits through the queue (oldest first): one in ten items is an edit.
    queue = [(e, r, False) for e, r in zip(pending, pending_revisions, strict=True)]
    for i, (e, r) in enumerate(zip(edited, edit_revisions, strict=True)):
        queue.insert(min(i * 10 + 5, len(queue)), (e, r, True))
    start = now - timedelta(days=2)
    ModerationItem.objects.bulk_create(
        [
            ModerationItem(
                content_type=ct,
                object_id=e.pk,
                revision=r,
                author_id=e.author_id,
                is_edit=is_edit,
                submitted_at=start + timedelta(seconds=i),
            )
            for i, (e, r, is_edit) in enumerate(queue)
        ],
        batch_size=500,
    )
    lap("moderation queue")

    # An entry nobody has voted for: cast_vote's target.
    data.vote_target = Entry.objects.bulk_create(
        _entries(data.voting, [data.profile_member], count=1, start=90_000, image=image)
    )[0]
    data.counts.update(
        members=n_members + 3,
        voting_entries=len(voting_entries) + 1,
        results_entries=len(results_entries),
        pending_items=len(queue),
        pending_edits=len(edited),
        profile_entries=n_profile,
        contests=ContestPage.objects.count(),
        entry_images=len(extras),
        revisions=Revision.objects.count(),
    )
    data.seconds["total"] = round(time.perf_counter() - started, 3)
    return data


# Pages -----------------------------------------------------------------------------------------
def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        pass_second_factor(client, user)  # staff pages need it (run outside pytest too)
    return client


def _body_size(response) -> int:
    if response.streaming:
        # The test client closes the response once its content is read (with the signal that
        # would close the database connection disconnected): do not close it again.
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _percentile(values, q) -> float:
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def scenarios(data: Dataset) -> list[tuple[str, str, Client]]:
    """(name, url, client) of every page measured."""
    anonymous, member, moderator = _client(), _client(data.member), _client(data.moderator)
    gallery = data.voting.url
    per_page = 24
    last = -(-Entry.objects.public().filter(contest=data.voting).count() // per_page)
    entry_url = data.entry.get_absolute_url()
    return [
        ("bare Django view", BARE_URL, anonymous),
        ("healthz", "/healthz", anonymous),
        ("home page", "/", anonymous),
        ("gallery p1 (anonymous)", gallery, anonymous),
        (f"gallery p{last} (anonymous)", f"{gallery}?page={last}", anonymous),
        ("gallery p1 (member)", gallery, member),
        (f"gallery p{last} (member)", f"{gallery}?page={last}", member),
        ("gallery with results (anonymous)", data.results.url, anonymous),
        ("entry page (anonymous)", entry_url, anonymous),
        ("entry page (member)", entry_url, member),
        ("API entries p1", f"/api/v1/contests/{data.voting.slug}/entries", anonymous),
        (
            f"API entries p{last}",
            f"/api/v1/contests/{data.voting.slug}/entries?page={last}",
            anonymous,
        ),
        ("moderation queue p1 (moderator)", "/admin/moderation/", moderator),
        ("member profile (50 entries)", f"/members/{data.profile_member.username}/", anonymous),
        ("entry image 800w (rendition cached)", data.entry.image_url(800), anonymous),
    ]


def measure_page(name: str, url: str, client: Client, requests: int) -> dict:
    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        _body_size(response)
    timings = []
    size = 0
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(url)
        size = _body_size(response)  # streamed bodies are read inside the timing
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (name, url, response.status_code)
    # Queries are counted on a request of their own, so recording SQL does not skew the timings.
    with CaptureQueriesContext(connection) as ctx:
        _body_size(client.get(url))
    return {
        "name": name,
        "url": url,
        "requests": requests,
        "p50_ms": round(_percentile(timings, 50), 2),
        "p95_ms": round(_percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "queries": len(ctx.captured_queries),
        "bytes": size,
    }


def measure_pages(data: Dataset, requests: int = 50) -> list[dict]:
    with override_settings(ROOT_URLCONF=__name__):
        results = [measure_page(*scenario, requests) for scenario in scenarios(data)]
    bare = results[0]["p50_ms"] or 0.001
    for result in results:
        result["x_bare"] = round(result["p50_ms"] / bare, 1)
    return results


# Services --------------------------------------------------------------------------------------
def _throughput(name: str, unit: str, count: int, seconds: float, **extra) -> dict:
    return {
        "name": name,
        "unit": unit,
        "count": count,
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1) if seconds else None,
        "ms_each": round(seconds * 1000 / count, 2) if count else None,
        **extra,
    }


def measure_services(data: Dataset) -> list[dict]:
    scale = data.scale
    results = []

    # cast_vote: distinct members vote for one entry.
    target = Entry.objects.select_related("contest").get(pk=data.vote_target.pk)
    voters = list(User.objects.filter(pk__in=[m.pk for m in data.members[: _n(300 * scale, 10)]]))
    began = time.perf_counter()
    cast = sum(contest_services.cast_vote(target, voter=voter) for voter in voters)
    results.append(
        _throughput("cast_vote (distinct voters)", "votes", cast, time.perf_counter() - began)
    )

    # submit_entry with a real 1200×900 JPEG: decode, re-encode, store, revision, queue item.
    authors = list(User.objects.filter(pk__in=[m.pk for m in data.members[-_n(40 * scale, 3) :]]))
    contest = ContestPage.objects.get(pk=data.submissions.pk)
    uploads = [
        SimpleUploadedFile(f"design{i}.jpg", data.upload_bytes, content_type="image/jpeg")
        for i in range(len(authors))
    ]
    began = time.perf_counter()
    for author, upload in zip(authors, uploads, strict=True):
        contest_services.submit_entry(
            contest,
            author=author,
            title="A new design",
            description="Submitted by the benchmark.",
            image=upload,
            tags="bench, cup",
        )
    results.append(
        _throughput(
            "submit_entry (1200×900 JPEG)",
            "entries",
            len(authors),
            time.perf_counter() - began,
            upload_bytes=len(data.upload_bytes),
        )
    )

    # Moderation: approve the oldest pending items (new entries and edits, as they come).
    items = list(
        ModerationItem.objects.pending()
        .order_by("submitted_at", "pk")
        .values_list("pk", "is_edit")[: _n(200 * scale, 5)]
    )
    began = time.perf_counter()
    for pk, _is_edit in items:
        moderation_services.approve(pk, moderator=data.moderator)
    results.append(
        _throughput(
            "moderation approve",
            "items",
            len(items),
            time.perf_counter() - began,
            edits=sum(1 for _pk, is_edit in items if is_edit),
        )
    )

    # A rendition made from scratch (the image view pays this once per image and width).
    storage = private_storage()
    rounds = _n(10 * scale, 2)
    began = time.perf_counter()
    for _ in range(rounds):
        storage.delete(rendition_name(data.image_name, 800))
        get_rendition(data.image_name, 800)
    results.append(
        _throughput(
            "rendition 800w, cold (WebP)", "renditions", rounds, time.perf_counter() - began
        )
    )
    return results


# Memory ----------------------------------------------------------------------------------------
def _peak_kib(client: Client, url: str) -> float:
    client.get(url)  # warm
    tracemalloc.start()
    try:
        response = client.get(url)
        _body_size(response)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, url
    return round(peak / 1024, 1)


def measure_memory(data: Dataset) -> dict:
    with override_settings(ROOT_URLCONF=__name__):
        return {
            "gallery_p1_member_peak_kib": _peak_kib(_client(data.member), data.voting.url),
            "queue_p1_peak_kib": _peak_kib(_client(data.moderator), "/admin/moderation/"),
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


# Report ----------------------------------------------------------------------------------------
def run(scale: float = 1.0, requests: int = 50) -> dict:
    """Load, then measure pages, memory and services (services last: they change the data)."""
    import django
    import wagtail

    began = time.perf_counter()
    data = load(scale)
    pages = measure_pages(data, requests)
    memory = measure_memory(data)
    services = measure_services(data)
    memory["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {
        "meta": {
            "database": connection.vendor,
            "database_version": _database_version(),
            "scale": scale,
            "requests": requests,
            "python": platform.python_version(),
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "when": timezone.now().isoformat(timespec="seconds"),
        },
        "load": {"counts": data.counts, "seconds": data.seconds},
        "pages": pages,
        "services": services,
        "memory": memory,
        "seconds": round(time.perf_counter() - began, 1),
    }


def _database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("select version()")
        return str(cursor.fetchone()[0]).split(" on ")[0]


def format_report(report: dict) -> str:
    meta = report["meta"]
    lines = [
        f"Cocreo benchmark: {meta['database']} {meta['database_version']}, scale {meta['scale']},"
        f" {meta['requests']} requests per page, Django {meta['django']},"
        f" Wagtail {meta['wagtail']}, Python {meta['python']}",
        "Data: " + ", ".join(f"{k} {v}" for k, v in report["load"]["counts"].items()),
        "Load: " + ", ".join(f"{k} {v}s" for k, v in report["load"]["seconds"].items()),
        "",
        f"{'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'× bare':>7}"
        f" {'queries':>7} {'bytes':>9}",
    ]
    for p in report["pages"]:
        lines.append(
            f"{p['name']:<38} {p['p50_ms']:>8.2f} {p['p95_ms']:>8.2f} {p['max_ms']:>8.2f}"
            f" {p['x_bare']:>7.1f} {p['queries']:>7} {p['bytes']:>9}"
        )
    lines += ["", f"{'service':<38} {'count':>6} {'per s':>8} {'ms each':>8}"]
    for s in report["services"]:
        lines.append(f"{s['name']:<38} {s['count']:>6} {s['per_second']:>8} {s['ms_each']:>8}")
    m = report["memory"]
    lines += [
        "",
        f"Memory: peak traced allocation gallery p1 (member) {m['gallery_p1_member_peak_kib']} KiB,"
        f" moderation queue p1 {m['queue_p1_peak_kib']} KiB; max RSS {m['max_rss_mib']} MiB",
        f"Whole run: {report['seconds']} s",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="data volume (1 = the default)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument(
        "--sqlite-memory",
        action="store_true",
        help="SQLite only: an in-memory database instead of a temporary file",
    )
    parser.add_argument("--output", type=Path, default=None)
    server = parser.add_argument_group(
        "server mode (tests/bench_server.py: real server processes on PostgreSQL + Redis, wrk)"
    )
    server.add_argument(
        "--server", action="store_true", help="measure the shipped server (bin/serve)"
    )
    server.add_argument(
        "--compare-servers", action="store_true", help="measure every candidate server in one run"
    )
    server.add_argument(
        "--servers", nargs="+", help="only the candidates whose names contain these"
    )
    server.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    server.add_argument("--connections", type=int, default=64, help="concurrent clients")
    server.add_argument("--duration", type=float, default=10, help="seconds per row")
    server.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8190)))
    server.add_argument("--upload-mb", type=int, default=200, help="0: no upload")
    server.add_argument("--warmup", type=float, default=1, help="seconds per row; 0: none")
    server.add_argument("--rounds", type=int, default=1, help="measure the servers N times")
    server.add_argument(
        "--load",
        choices=["wrk", "python"],
        default="wrk",
        help="load generator: wrk, or a small Python loop (smoke runs without wrk)",
    )
    server.add_argument("--voters", type=int, default=64, help="members casting the votes")
    server.add_argument(
        "--rows",
        nargs="+",
        default=None,
        help="measure only the page rows whose name contains one of these (the bare view always)",
    )
    server.add_argument(
        "--existing-database",
        action="store_true",
        help="load into DATABASE_URL's (migrated) database instead of a new <name>_bench one",
    )
    args = parser.parse_args(argv)
    if args.server or args.compare_servers or args.servers:
        from tests import bench_server

        return bench_server.main(args)
    args.output = args.output or RESULTS_FILE

    from django.test.utils import setup_test_environment, teardown_test_environment

    db = settings.DATABASES["default"]
    tmpdir = None
    if connection.vendor == "sqlite" and not args.sqlite_memory:
        # A file, like a real SQLite deployment (WAL), rather than Django's in-memory default.
        tmpdir = tempfile.mkdtemp(prefix="cocreo-bench-")
        db.setdefault("TEST", {})["NAME"] = str(Path(tmpdir) / "bench.sqlite3")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False, serialize=False)
    try:
        report = run(args.scale, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
        uploads = Path(settings.PRIVATE_MEDIA_ROOT).parent
        if uploads.name.startswith("cocreo-test-"):  # config.settings.test's own temporary folder
            shutil.rmtree(uploads, ignore_errors=True)
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    print(format_report(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Figures written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
