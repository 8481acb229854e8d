"""Live pages in real browsers, against an ASGI server (uvicorn in a thread: Django's
live_server speaks no WebSocket) on the test database and the settings' channel layer (in
memory on the SQLite run: one process, which is all these tests need)."""

import re
import socket
import threading
import time

import pytest
from channels.layers import get_channel_layer
from playwright.sync_api import expect

from community import realtime
from contests import services
from contests.services import contest_group
from moderation.models import ModerationItem
from tests import factories
from tests.browser.test_journey import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def asgi_server(browser):
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from config.asgi import application

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def open_page(browser, asgi_server):
    contexts = []

    def open_one():
        context = browser.new_context(base_url=asgi_server, locale="en-US")
        context.set_default_timeout(10_000)
        context.page_errors = []
        context.on("weberror", lambda error: context.page_errors.append(str(error.error)))
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        assert context.page_errors == []
        context.close()


def vote_count(page, entry):
    return page.locator(f'[data-entry-id="{entry.pk}"] [data-vote-count]')


def test_a_count_changes_in_one_browser_when_another_browser_votes(open_page):
    contest = factories.make_contest("voting", title="Live cup")
    entry = factories.make_entry(contest, title="Live entry")
    voter = factories.UserFactory()

    watcher = open_page()
    watcher.goto(contest.url)
    expect(vote_count(watcher, entry)).to_have_text("0")
    expect(watcher.locator("html")).to_have_attribute("data-live", "connected")

    voting = open_page()
    sign_in(voting, voter.email)
    voting.goto(contest.url)
    voting.locator(f'[data-entry-id="{entry.pk}"]').get_by_role("button", name="Vote").click()
    expect(voting.get_by_role("button", name="Withdraw vote")).to_be_visible()

    expect(vote_count(watcher, entry)).to_have_text("1")  # without a reload
    expect(watcher.locator(f'[data-entry-id="{entry.pk}"] [data-vote-noun]')).to_have_text("vote")


def test_the_page_says_live_updates_are_paused_and_resynchronises(open_page, monkeypatch):
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest)
    voters = factories.UserFactory.create_batch(2)
    page = open_page()
    page.goto(contest.url)
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    status = page.locator("[data-live-status]")
    expect(status).to_be_hidden()
    card = page.locator(f'[data-entry-id="{entry.pk}"]').first
    card_top = card.bounding_box()["y"]

    # The channel layer goes away: joining is refused, and the open socket gets what its
    # consumer makes of a failing layer (community/consumers.py: "live.layer_lost").
    layer = get_channel_layer()
    group_add = layer.group_add

    async def failing_group_add(group, channel):
        raise ConnectionError("layer down")

    monkeypatch.setattr(layer, "group_add", failing_group_add)
    realtime.send_now(contest_group(contest.pk), {"type": "live.layer_lost"})
    expect(status).to_be_visible()
    expect(status).to_have_text("Live updates are paused. Reconnecting…")
    # A toast over the page: the card a member is about to tap does not move.
    assert card.bounding_box()["y"] == card_top
    services.cast_vote(entry, voter=voters[0])  # votes still work
    services.cast_vote(entry, voter=voters[1])
    page.wait_for_timeout(1500)  # a refused reconnection or two
    expect(status).to_be_visible()

    # The layer is back: the page reconnects and shows the database's totals.
    monkeypatch.setattr(layer, "group_add", group_add)
    expect(status).to_be_hidden(timeout=15_000)
    expect(vote_count(page, entry)).to_have_text("2")


def test_stale_messages_are_dropped_and_a_gap_refetches_once_after_a_random_delay(open_page):
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest)
    page = open_page()
    page.goto(contest.url)
    expect(page.locator("html")).to_have_attribute("data-live", "connected")  # its fetch is out
    result = page.evaluate(
        """(slug) => new Promise((resolve) => {
          const url = "/api/v1/contests/" + slug + "/totals";
          const fetched = {};  // url -> times of the fetches
          const realFetch = window.fetch;
          window.fetch = (u, ...rest) => {
            (fetched[u] = fetched[u] || []).push(performance.now());
            return realFetch(u, ...rest);
          };
          const applied = [];
          const totals = CocreoLive.totals(url, (data) => applied.push(data.version));
          totals.message({version: 10, totals: {}});
          totals.message({version: 9, totals: {}});   // older: dropped
          totals.message({version: 10, totals: {}});  // the same: dropped
          totals.message({version: 11, totals: {}});
          const before = applied.slice();
          const gapAt = performance.now();
          totals.message({version: 14, totals: {}});  // a gap: applied, refetched later
          totals.message({version: 17, totals: {}});  // another: the same refetch
          const atOnce = (fetched[url] || []).length;
          // Messages without a version: applied, one refetch at least UNVERSIONED_WAIT later.
          const other = CocreoLive.totals(url + "?unversioned", () => {});
          const unversionedAt = performance.now();
          other.message({version: null, totals: {}});
          other.message({totals: {}});
          const wait = CocreoLive.UNVERSIONED_WAIT + CocreoLive.REFETCH_SPREAD + 400;
          setTimeout(() => resolve({
            before, atOnce, after: applied, version: totals.version(),
            gap: (fetched[url] || []).map((t) => t - gapAt),
            unversioned: (fetched[url + "?unversioned"] || []).map((t) => t - unversionedAt),
            spread: CocreoLive.REFETCH_SPREAD, minimum: CocreoLive.UNVERSIONED_WAIT,
          }), wait);
        })""",
        contest.slug,
    )
    assert result["before"] == [10, 11]
    assert result["after"][:4] == [10, 11, 14, 17]
    assert len(result["after"]) == 5  # the refetch's totals were applied too
    # Not at once (every page would ask in the same instant), once for both gaps, within the
    # spread; without a version: once, not before the cached totals' age limit.
    assert result["atOnce"] == 0
    assert len(result["gap"]) == 1
    assert 0 <= result["gap"][0] <= result["spread"] + 200
    assert len(result["unversioned"]) == 1
    spread, minimum = result["spread"], result["minimum"]
    assert minimum <= result["unversioned"][0] <= minimum + spread + 200
    backoffs = page.evaluate("() => [0, 1, 5, 10, 30].map((n) => CocreoLive.backoff(n))")
    assert all(250 <= ms <= 30_000 for ms in backoffs)
    assert backoffs[-1] >= 15_000  # capped at 30 s, with jitter
    assert entry.pk


def test_a_moderators_queue_drops_an_item_that_another_moderator_approves(open_page):
    contest = factories.make_contest("submissions")
    first = factories.make_entry(contest, approved=False, title="Live pending one")
    factories.make_entry(contest, approved=False, title="Live pending two")
    item = ModerationItem.objects.get(object_id=first.pk, content_type__model="entry")
    one, two = factories.moderator(), factories.moderator()

    watching = open_page()
    sign_in(watching, one.email)
    watching.goto("/admin/moderation/")
    row = watching.locator(f'.moderation-queue [data-item-id="{item.pk}"]')
    expect(row).to_be_visible()
    expect(watching.locator("html")).to_have_attribute("data-live", "connected")

    deciding = open_page()
    sign_in(deciding, two.email)
    deciding.goto("/admin/moderation/")
    deciding.locator(f'.moderation-queue [data-item-id="{item.pk}"]').get_by_role(
        "button", name="Approve", exact=True
    ).click()
    expect(deciding.get_by_text("Approved: it is now public.")).to_be_visible()

    expect(row).to_have_count(0)  # gone from the first moderator's screen, without a reload
    expect(watching.locator("[data-pending-count]")).to_have_text(
        re.compile(r"^1 submission waiting")
    )
