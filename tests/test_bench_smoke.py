"""Keeps the benchmark (tests/bench.py) from rotting: its functions run at a tiny scale in the
normal test database. No timing is asserted here; the figures come from `make bench`."""

from tests import bench

PAGES = [
    "bare Django view",
    "healthz",
    "home page",
    "gallery p1 (anonymous)",
    "gallery p2 (anonymous)",
    "gallery p1 (member)",
    "gallery p2 (member)",
    "gallery with results (anonymous)",
    "entry page (anonymous)",
    "entry page (member)",
    "API entries p1",
    "API entries p2",
    "moderation queue p1 (moderator)",
    "member profile (50 entries)",
    "entry image 800w (rendition cached)",
]
# The bounds the hot-page tests pin (tests/contests/test_views.py, tests/api/test_entries.py,
# tests/community/test_profile.py), plus one query for the tags that the bench's entries have
# and those tests' entries do not (the tags prefetch is two queries once a tag exists).
MAX_QUERIES = {
    # +1 since the votes are counted for the page's entries only, in their own query
    # +1: the idea the contest was opened from, if any
    "gallery p1 (member)": 24,
    "gallery p2 (member)": 24,
    "entry page (member)": 23 + 1,  # 23: the brand, for its theme
    "API entries p1": 7 + 1,
    "API entries p2": 7 + 1,
    "member profile (50 entries)": 9 + 2,  # awards and entries each load their tags
}
SERVICES = [
    "cast_vote (distinct voters)",
    "submit_entry (1200×900 JPEG)",
    "moderation approve",
    "rendition 800w, cold (WebP)",
]


def test_benchmark_runs_at_a_tiny_scale(db):
    report = bench.run(scale=0.02, requests=2)

    counts = report["load"]["counts"]
    assert counts["voting_entries"] >= 25  # more than one gallery page
    assert counts["votes"] > 0
    assert counts["pending_items"] > counts["pending_edits"] > 0
    assert counts["profile_entries"] > 0
    assert counts["revisions"] >= counts["pending_items"]

    pages = {p["name"]: p for p in report["pages"]}
    assert list(pages) == PAGES
    for name, page in pages.items():
        assert page["requests"] == 2
        assert page["bytes"] > 0, name
        assert page["p50_ms"] > 0 and page["max_ms"] >= page["p50_ms"], name
        assert 0 <= page["queries"] <= 100, name
    assert pages["bare Django view"]["queries"] == 0
    for name, limit in MAX_QUERIES.items():
        assert pages[name]["queries"] <= limit, (name, pages[name]["queries"])

    services = {s["name"]: s for s in report["services"]}
    assert list(services) == SERVICES
    for name, service in services.items():
        assert service["count"] > 0 and service["per_second"] > 0, name

    memory = report["memory"]
    assert memory["gallery_p1_member_peak_kib"] > 0
    assert memory["queue_p1_peak_kib"] > 0
    assert memory["max_rss_mib"] > 0
    table = bench.format_report(report)
    assert all(name in table for name in PAGES + SERVICES)
