"""The permission matrix: role × action × phase × entry point, each cell with its expected outcome.

`EXPECTED` is the table: one line per (action, phase), one column per role, read as
    ok  the action happens          no  refused for who the actor is (403, 401, 404, login)
    ph  refused for the moment (409)
Every action is tried through each of its entry points (`ACTIONS`): the service, the HTML site,
the JSON API and the Wagtail admin. Services and the API must give the exact outcome; HTML and
admin views answer with redirects and messages, so for them the test checks whether the action
happened (ok) or not (no or ph). Every "ok" is also checked in the database.

Adding an action = one `Action(...)` with its entry points and one line per phase in
`EXPECTED`. `test_every_write_is_in_the_matrix` fails when an API route or a public service
function exists that is neither an action here nor listed as a read or an exemption, so a new
action cannot skip the brand scope again. Each cell runs in a savepoint that is rolled back, on
one module-wide set of brands, contests, entries and members, at a moment chosen with
time-machine.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.utils import timezone

from comments import services as comment_services
from comments.models import Comment
from community.errors import ActionRefused, NotAllowed, NotFound, WrongPhase
from contests import services
from contests.models import (
    Award,
    ContestResult,
    Entry,
    JuryCriterion,
    JuryScore,
    Shortlisting,
    Vote,
    VoteStatus,
)
from ideas import services as idea_services
from ideas.models import Idea, IdeaStatus
from moderation import intake, reports
from moderation import services as moderation_services
from moderation.models import IntakePause, ModerationItem, ModerationItemStatus, Report
from tests import factories
from tests.api.conftest import api

ROLES = ("anonymous", "member", "author", "moderator", "staff", "other_staff", "admin")

#  action            phase         anonymous member author moderator staff other_staff admin
EXPECTED_TABLE = """
submit               submissions   no  ok  ok  ok  ok  ok  ok
submit               voting        no  ph  ph  ph  ph  ph  ph
edit                 submissions   no  no  ok  no  no  no  no
edit                 voting        no  no  ph  no  no  no  no
withdraw             submissions   no  no  ok  no  no  no  no
withdraw             voting        no  no  ph  no  no  no  no
vote                 voting        no  ok  no  ok  ok  ok  ok
vote                 judging       no  ph  ph  ph  ph  ph  ph
comment              voting        no  ok  ok  ok  ok  ok  ok
comment              results       no  ok  ok  ok  ok  ok  ok
report               voting        no  ok  no  ok  ok  ok  ok
report               results       no  ok  no  ok  ok  ok  ok
shortlist            judging       no  no  no  no  ok  no  ok
shortlist            submissions   no  no  no  no  ph  no  ph
score                judging       no  no  no  no  ok  no  ok
score                results       no  no  no  no  ph  no  ph
jury_table           judging       no  no  no  no  ok  no  ok
jury_table           submissions   no  no  no  no  ok  no  ok
pick_winners         judging       no  no  no  no  ok  no  ok
pick_winners         voting        no  no  no  no  ph  no  ph
change_winners       results       no  no  no  no  ok  no  ok
change_winners       archived      no  no  no  no  ph  no  ph
pause_brand          voting        no  no  no  ok  ok  no  ok
pause_site           voting        no  no  no  ok  no  no  ok
moderate             submissions   no  no  no  ok  no  no  ok
decide_held_votes    voting        no  no  no  ok  no  no  ok
post_idea            voting        no  ok  ok  ok  ok  ok  ok
post_idea            archived      no  ph  ph  ph  ph  ph  ph
edit_idea            voting        no  no  ok  no  no  no  no
edit_idea            archived      no  no  ph  no  no  no  no
withdraw_idea        voting        no  no  ok  no  no  no  no
support              voting        no  ok  no  ok  ok  ok  ok
support              archived      no  ph  no  ph  ph  ph  ph
answer_idea          voting        no  no  no  no  ok  no  ok
answer_idea          archived      no  no  no  no  ok  no  ok
merge_ideas          voting        no  no  no  no  ok  no  ok
revive_idea          voting        no  no  no  no  ok  no  ok
contest_from_idea    voting        no  no  no  no  ok  no  ok
"""
# Ideas boards have no contest phases: the board of the world is open at the "voting" moment and
# closed at the "archived" one (its deadline has passed); the brand answers after the deadline too.
# Comments and reports are open in every phase (the crisis pause stops comments, see
# tests/moderation/test_intake.py); pausing, moderating and deciding held votes do not depend
# on the contest's phase, so they have one line each.


def parse_table(text: str) -> dict[tuple[str, str], dict[str, str]]:
    table = {}
    for line in text.strip().splitlines():
        action, phase, *cells = line.split()
        assert len(cells) == len(ROLES), line
        assert set(cells) <= {"ok", "no", "ph"}, line
        table[(action, phase)] = dict(zip(ROLES, cells, strict=True))
    return table


EXPECTED = parse_table(EXPECTED_TABLE)

# The contests' calendar (fixed, in the past so sessions made now stay valid at every moment).
T0 = (timezone.now() - timedelta(days=60)).replace(microsecond=0)
DATES = {
    "submissions_open_at": T0,
    "submissions_close_at": T0 + timedelta(days=10),
    "voting_open_at": T0 + timedelta(days=10),
    "voting_close_at": T0 + timedelta(days=20),
}
ANNOUNCED_AT = T0 + timedelta(days=21)
ARCHIVE_AT = T0 + timedelta(days=30)
# phase → (which contest, when)
MOMENTS = {
    "submissions": ("running", T0 + timedelta(days=1)),
    "voting": ("running", T0 + timedelta(days=11)),
    "judging": ("running", T0 + timedelta(days=21)),
    "results": ("announced", T0 + timedelta(days=22)),
    "archived": ("announced", T0 + timedelta(days=31)),
}


@dataclass
class Place:
    """One contest of brand A with its author's entry (shortlisted, awarded once announced),
    a rival's entry, a pending entry and a held vote."""

    contest: object
    entry: Entry
    rival: Entry
    pending: Entry
    criterion: JuryCriterion
    held_vote: Vote


@dataclass
class Board:
    """Brand A's ideas board (open until BOARD_CLOSES) with the author's idea, a rival's idea
    and an expired one."""

    board: object
    idea: Idea
    rival: Idea
    expired: Idea


@dataclass
class World:
    users: dict
    brand: object
    places: dict = field(default_factory=dict)
    board: Board | None = None


BOARD_CLOSES = T0 + timedelta(days=25)


def _board(brand, author, rival_author) -> Board:
    with time_machine.travel(T0, tick=False):
        board = factories.make_board(
            brand=brand, goal=100, stages=[(1, 5)], opens_at=T0, closes_at=BOARD_CLOSES
        )
        idea = factories.make_idea(board, author=author, title="Author's idea")
        rival = factories.make_idea(board, author=rival_author, title="Rival's idea")
        expired = factories.make_idea(board, author=rival_author, title="Expired idea")
    # The first two cleared their stage; the third missed it.
    Idea.objects.filter(pk__in=[idea.pk, rival.pk]).update(stages_cleared=1)
    with time_machine.travel(T0 + timedelta(days=6), tick=False):
        idea_services.expire_ideas()
    return Board(board, idea, rival, Idea.objects.get(pk=expired.pk))


def _idea(idea: Idea) -> Idea:
    """The idea as it is now (each cell runs in its own savepoint)."""
    return Idea.objects.select_related("board__brand").get(pk=idea.pk)


def _place(brand, author, rival_author, **extra) -> Place:
    contest = factories.make_contest("voting", brand=brand, **DATES, **extra)
    entry = factories.make_entry(contest, author=author, title="Author's")
    rival = factories.make_entry(contest, author=rival_author, title="Rival's")
    pending = factories.make_entry(contest, author=rival_author, approved=False)
    criterion = JuryCriterion.objects.create(contest=contest, name="Originality", sort_order=0)
    Shortlisting.objects.create(contest=contest, entry=entry)
    held_vote = Vote.objects.create(
        contest=contest,
        entry=rival,
        voter=factories.UserFactory(),
        status=VoteStatus.HELD,
        hold_reason="network",
    )
    return Place(contest, entry, rival, pending, criterion, held_vote)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each
    test (pytest-django) and each cell (below) run in savepoints inside it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            brand, other_brand = factories.BrandFactory(), factories.BrandFactory()
            users = {
                "anonymous": AnonymousUser(),
                "member": factories.UserFactory(),
                "author": factories.UserFactory(),
                "moderator": factories.moderator(),
                "staff": factories.brand_staff(brand),
                "other_staff": factories.brand_staff(other_brand),
                "admin": factories.UserFactory(is_superuser=True, is_staff=True),
            }
            rival_author = factories.UserFactory()
            world = World(users=users, brand=brand)
            world.places["running"] = _place(brand, users["author"], rival_author)
            announced = _place(brand, users["author"], rival_author, archive_at=ARCHIVE_AT)
            Award.objects.create(contest=announced.contest, entry=announced.entry, rank=1)
            ContestResult.objects.create(contest=announced.contest, announced_at=ANNOUNCED_AT)
            world.places["announced"] = announced
            world.board = _board(brand, users["author"], rival_author)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh(place: Place) -> Place:
    """The place's rows as they are now (cached phases and relations of a model instance would
    otherwise outlive the savepoint of an earlier cell)."""
    return Place(
        contest=type(place.contest).objects.get(pk=place.contest.pk),
        entry=Entry.objects.select_related("contest").get(pk=place.entry.pk),
        rival=Entry.objects.select_related("contest").get(pk=place.rival.pk),
        pending=place.pending,
        criterion=place.criterion,
        held_vote=place.held_vote,
    )


# Entry points -------------------------------------------------------------------------------
# Each takes (world, place, user or client) and acts; `landed(world, place, user)` says whether
# the action happened.


def _entry_url(place: Place, entry: Entry, suffix: str = "") -> str:
    return f"{entry.get_absolute_url()}{suffix}"


def _admin(path: str) -> str:
    return f"/admin/{path}"


@dataclass
class Action:
    name: str
    landed: object
    service: object = None
    html: object = None
    api: object = None
    admin: object = None

    def entry_points(self) -> dict:
        points = {"service": self.service, "html": self.html, "api": self.api}
        points["admin"] = self.admin
        return {name: fn for name, fn in points.items() if fn is not None}


def _image():
    return factories.image_upload()


ACTIONS = [
    Action(
        "submit",
        landed=lambda w, p, u: Entry.objects.filter(contest=p.contest, title="New one").exists(),
        service=lambda w, p, u: services.submit_entry(
            p.contest, author=u, title="New one", description="", image=_image()
        ),
        html=lambda w, p, c: c.post(
            p.contest.url + "submit/", {"title": "New one", "image": _image()}
        ),
        api=lambda w, p, c: c.post(
            api(f"contests/{p.contest.slug}/entries"), {"title": "New one", "image": _image()}
        ),
    ),
    Action(
        "edit",
        landed=lambda w, p, u: ModerationItem.objects.for_object(p.entry).pending().exists(),
        service=lambda w, p, u: services.edit_entry(
            p.entry, author=u, title="Edited", description=""
        ),
        html=lambda w, p, c: c.post(_entry_url(p, p.entry, "edit/"), {"title": "Edited"}),
        api=lambda w, p, c: c.post(api(f"entries/{p.entry.pk}/edit"), {"title": "Edited"}),
    ),
    Action(
        "withdraw",
        landed=lambda w, p, u: not Entry.objects.filter(pk=p.entry.pk).exists(),
        service=lambda w, p, u: services.withdraw_entry(p.entry, author=u),
        html=lambda w, p, c: c.post(_entry_url(p, p.entry, "withdraw/")),
        api=lambda w, p, c: c.delete(api(f"entries/{p.entry.pk}")),
    ),
    Action(
        "vote",
        landed=lambda w, p, u: Vote.objects.filter(entry=p.entry, voter_id=u.pk).exists(),
        service=lambda w, p, u: services.cast_vote(p.entry, voter=u),
        html=lambda w, p, c: c.post(_entry_url(p, p.entry, "vote/"), {"action": "vote"}),
        api=lambda w, p, c: c.post(api(f"entries/{p.entry.pk}/vote")),
    ),
    Action(
        "comment",
        landed=lambda w, p, u: Comment.objects.filter(author_id=u.pk).exists(),
        service=lambda w, p, u: comment_services.post_comment(p.entry, author=u, body="Nice"),
        api=lambda w, p, c: c.post(
            api("comments"),
            {"target": f"entry:{p.entry.pk}", "body": "Nice"},
            content_type="application/json",
        ),
        html=lambda w, p, c: c.post(
            "/comments/",
            {
                "target_type": ContentType.objects.get_for_model(Entry).pk,
                "target_id": p.entry.pk,
                "body": "Nice",
            },
        ),
    ),
    Action(
        "report",
        landed=lambda w, p, u: Report.objects.filter(reporter_id=u.pk).exists(),
        service=lambda w, p, u: reports.report(p.entry, reporter=u, reason="spam"),
        html=lambda w, p, c: c.post(
            "/report/",
            {
                "content_type": ContentType.objects.get_for_model(Entry).pk,
                "object_id": p.entry.pk,
                "reason": "spam",
            },
        ),
    ),
    Action(
        "shortlist",
        landed=lambda w, p, u: Shortlisting.objects.filter(entry=p.rival).exists(),
        service=lambda w, p, u: services.set_shortlist(p.contest, staff=u, entry_ids=[p.rival.pk]),
        api=lambda w, p, c: c.put(
            api(f"contests/{p.contest.slug}/shortlist"),
            {"entries": [p.rival.pk]},
            content_type="application/json",
        ),
        admin=lambda w, p, c: c.post(
            _admin(f"contests/{p.contest.pk}/jury/"),
            {"action": "shortlist", "shortlist": [p.rival.pk]},
        ),
    ),
    Action(
        "score",
        landed=lambda w, p, u: JuryScore.objects.filter(juror_id=u.pk).exists(),
        service=lambda w, p, u: services.score_entry(p.entry, juror=u, scores={p.criterion.pk: 7}),
        api=lambda w, p, c: c.put(
            api(f"entries/{p.entry.pk}/jury-scores"),
            {"scores": {str(p.criterion.pk): 7}},
            content_type="application/json",
        ),
        admin=lambda w, p, c: c.post(
            _admin(f"contests/{p.contest.pk}/jury/"),
            {"action": "score", "entry": p.entry.pk, f"score-{p.entry.pk}-{p.criterion.pk}": 7},
        ),
    ),
    Action(
        "jury_table",
        landed=None,  # a read: the response says it
        service=lambda w, p, u: services.jury_table(p.contest, viewer=u),
        api=lambda w, p, c: c.get(api(f"contests/{p.contest.slug}/jury")),
        admin=lambda w, p, c: c.get(_admin(f"contests/{p.contest.pk}/jury/")),
    ),
    Action(
        "pick_winners",
        landed=lambda w, p, u: Award.objects.filter(entry=p.rival, kind="winner").exists(),
        service=lambda w, p, u: services.pick_winners(p.contest, staff=u, entry_ids=[p.rival.pk]),
        api=lambda w, p, c: c.post(
            api(f"contests/{p.contest.slug}/winners"),
            {"entries": [p.rival.pk]},
            content_type="application/json",
        ),
        admin=lambda w, p, c: c.post(
            _admin(f"contests/{p.contest.pk}/winners/"), {f"rank-{p.rival.pk}": "1"}
        ),
    ),
    Action(
        "change_winners",
        landed=lambda w, p, u: Award.objects.filter(entry=p.rival, kind="winner").exists(),
        service=lambda w, p, u: services.pick_winners(
            p.contest, staff=u, entry_ids=[p.rival.pk], reason="Appeal"
        ),
        api=lambda w, p, c: c.post(
            api(f"contests/{p.contest.slug}/winners"),
            {"entries": [p.rival.pk], "reason": "Appeal"},
            content_type="application/json",
        ),
        admin=lambda w, p, c: c.post(
            _admin(f"contests/{p.contest.pk}/winners/"),
            {f"rank-{p.rival.pk}": "1", "reason": "Appeal"},
        ),
    ),
    Action(
        "pause_brand",
        landed=lambda w, p, u: IntakePause.objects.filter(brand=w.brand).exists(),
        service=lambda w, p, u: intake.pause_intake(actor=u, scope="brand", brand=w.brand),
        admin=lambda w, p, c: c.post(
            _admin("moderation/pauses/"), {"scope": "brand", "brand": w.brand.pk}
        ),
    ),
    Action(
        "pause_site",
        landed=lambda w, p, u: IntakePause.objects.filter(scope="site").exists(),
        service=lambda w, p, u: intake.pause_intake(actor=u, scope="site"),
        admin=lambda w, p, c: c.post(_admin("moderation/pauses/"), {"scope": "site"}),
    ),
    Action(
        "moderate",
        landed=lambda w, p, u: (
            ModerationItem.objects.for_object(p.pending)
            .filter(status=ModerationItemStatus.APPROVED)
            .exists()
        ),
        service=lambda w, p, u: moderation_services.approve(_pending_item(p), moderator=u),
        api=lambda w, p, c: c.post(
            api(f"moderation/items/{_pending_item(p)}/approve"),
            {},
            content_type="application/json",
        ),
        admin=lambda w, p, c: c.post(
            _admin(f"moderation/items/{_pending_item(p)}/decide/"), {"decision": "approve"}
        ),
    ),
    Action(
        "decide_held_votes",
        landed=lambda w, p, u: Vote.objects.filter(
            pk=p.held_vote.pk, status=VoteStatus.COUNTED
        ).exists(),
        service=lambda w, p, u: services.decide_held_votes(
            [p.held_vote.pk], moderator=u, count=True
        ),
        admin=lambda w, p, c: c.post(
            _admin("contests/held-votes/"), {"votes": [p.held_vote.pk], "decision": "count"}
        ),
    ),
]


def _idea_admin(w, idea: Idea, client, data: dict):
    return client.post(_admin(f"ideas/{idea.pk}/"), data)


ACTIONS += [
    Action(
        "post_idea",
        landed=lambda w, p, u: Idea.objects.filter(title="New idea", author_id=u.pk).exists(),
        service=lambda w, p, u: idea_services.submit_idea(
            w.board.board, author=u, title="New idea", description="D"
        ),
        api=lambda w, p, c: c.post(
            api(f"boards/{w.board.board.slug}/ideas"), {"title": "New idea", "description": "D"}
        ),
    ),
    Action(
        "edit_idea",
        landed=lambda w, p, u: ModerationItem.objects.for_object(w.board.idea).pending().exists(),
        service=lambda w, p, u: idea_services.edit_idea(
            _idea(w.board.idea), author=u, title="Edited", description="D"
        ),
        api=lambda w, p, c: c.post(
            api(f"ideas/{w.board.idea.pk}/edit"), {"title": "Edited", "description": "D"}
        ),
    ),
    Action(
        "withdraw_idea",
        landed=lambda w, p, u: not Idea.objects.filter(pk=w.board.idea.pk).exists(),
        service=lambda w, p, u: idea_services.withdraw_idea(_idea(w.board.idea), author=u),
        api=lambda w, p, c: c.delete(api(f"ideas/{w.board.idea.pk}")),
    ),
    Action(
        "support",
        landed=lambda w, p, u: w.board.idea.supports.filter(member_id=u.pk).exists(),
        service=lambda w, p, u: idea_services.support_idea(_idea(w.board.idea), member=u),
        api=lambda w, p, c: c.post(api(f"ideas/{w.board.idea.pk}/support")),
    ),
    Action(
        "answer_idea",
        landed=lambda w, p, u: _idea(w.board.idea).status == IdeaStatus.PLANNED,
        service=lambda w, p, u: idea_services.answer_idea(
            _idea(w.board.idea), actor=u, status="planned", answer="Yes"
        ),
        api=lambda w, p, c: c.post(
            api(f"ideas/{w.board.idea.pk}/status"),
            {"status": "planned", "answer": "Yes"},
            content_type="application/json",
        ),
        admin=lambda w, p, c: _idea_admin(
            w, w.board.idea, c, {"action": "answer", "status": "planned", "answer": "Yes"}
        ),
    ),
    Action(
        "merge_ideas",
        landed=lambda w, p, u: _idea(w.board.rival).status == IdeaStatus.MERGED,
        service=lambda w, p, u: idea_services.merge_ideas(
            _idea(w.board.rival), into=_idea(w.board.idea), actor=u
        ),
        api=lambda w, p, c: c.post(
            api(f"ideas/{w.board.rival.pk}/merge"),
            {"into": w.board.idea.pk},
            content_type="application/json",
        ),
        admin=lambda w, p, c: _idea_admin(
            w, w.board.rival, c, {"action": "merge", "into": w.board.idea.pk}
        ),
    ),
    Action(
        "revive_idea",
        landed=lambda w, p, u: _idea(w.board.expired).status == IdeaStatus.NEW,
        service=lambda w, p, u: idea_services.revive_idea(_idea(w.board.expired), actor=u),
        api=lambda w, p, c: c.post(
            api(f"ideas/{w.board.expired.pk}/revive"), {}, content_type="application/json"
        ),
        admin=lambda w, p, c: _idea_admin(w, w.board.expired, c, {"action": "revive"}),
    ),
    Action(
        "contest_from_idea",
        landed=lambda w, p, u: _idea(w.board.idea).contest_id is not None,
        service=lambda w, p, u: idea_services.open_contest_from_idea(_idea(w.board.idea), actor=u),
        api=lambda w, p, c: c.post(
            api(f"ideas/{w.board.idea.pk}/contest"), {}, content_type="application/json"
        ),
        admin=lambda w, p, c: _idea_admin(w, w.board.idea, c, {"action": "contest"}),
    ),
]
ACTIONS_BY_NAME = {action.name: action for action in ACTIONS}


def _pending_item(place: Place) -> int:
    return ModerationItem.objects.for_object(place.pending).pending().get().pk


# Outcomes -----------------------------------------------------------------------------------


def service_outcome(call) -> str:
    try:
        call()
    except WrongPhase:
        return "ph"
    except (NotAllowed, NotFound):
        return "no"
    except ActionRefused as refused:
        return f"refused {type(refused).__name__}: {refused.message}"
    return "ok"


def api_outcome(response) -> str:
    status = response.status_code
    if status in (200, 201, 204):
        return "ok"
    if status in (401, 403, 404):
        return "no"
    if status == 409:
        return "ph"
    return f"HTTP {status}: {response.content[:200]!r}"


def page_outcome(response, landed: bool | None) -> str:
    """HTML and admin: whether the action happened (reads: whether the page opened)."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    if landed is None:
        return "ok" if response.status_code == 200 else "refused"
    return "ok" if landed else "refused"


def run_cells(world, action: Action, entry_point: str) -> list[str]:
    """Every (phase, role) cell of one action through one entry point; returns mismatches."""
    clients = {}
    for role, user in world.users.items():
        client = Client()
        if user.is_authenticated:
            client.force_login(user)
        clients[role] = client
    mismatches = []
    invoke = action.entry_points()[entry_point]
    for (name, phase), expected_by_role in EXPECTED.items():
        if name != action.name:
            continue
        place_key, moment = MOMENTS[phase]
        for role, expected in expected_by_role.items():
            user = world.users[role]
            with time_machine.travel(moment, tick=False), transaction.atomic():
                place = fresh(world.places[place_key])
                if entry_point == "service":
                    got = service_outcome(lambda p=place, u=user: invoke(world, p, u))
                else:
                    response = invoke(world, place, clients[role])
                    if entry_point == "api":
                        got = api_outcome(response)
                    else:
                        landed = (
                            None if action.landed is None else action.landed(world, place, user)
                        )
                        got = page_outcome(response, landed)
                        expected = "ok" if expected == "ok" else "refused"
                if (
                    got == "ok"
                    and action.landed is not None
                    and not action.landed(world, place, user)
                ):
                    got = "answered ok but nothing happened"
                transaction.set_rollback(True)
            if got != expected:
                mismatches.append(f"{action.name} / {phase} / {role}: expected {expected}, {got}")
    return mismatches


CASES = [(action.name, entry_point) for action in ACTIONS for entry_point in action.entry_points()]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "entry_point"), CASES)
def test_matrix(world, action, entry_point):
    mismatches = run_cells(world, ACTIONS_BY_NAME[action], entry_point)
    assert not mismatches, "\n".join(mismatches)


# Coverage: nothing that writes may be missing from the matrix ---------------------------------

READ = "read"
# Every operation of the JSON API: the action of the matrix it performs, or READ.
API_OPERATIONS = {
    "contests.api.list_contests": READ,
    "contests.api.get_contest": READ,
    "contests.api.list_entries": READ,
    "contests.api.get_entry": READ,
    "contests.api.list_winners": READ,
    "contests.api.get_results": READ,
    "contests.api.get_totals": READ,  # live refetch; hidden totals stay hidden (tests/community)
    "contests.api.create_entry": "submit",
    "contests.api.edit_entry": "edit",
    "contests.api.withdraw_entry": "withdraw",
    "contests.api.vote": "vote",
    "contests.api.withdraw_vote": "vote",  # the same rule (check_can_vote)
    "contests.api.pick_winners": "pick_winners",  # and change_winners once announced
    "contests.api.set_shortlist": "shortlist",
    "contests.api.score_entry": "score",
    "contests.api.jury_table": "jury_table",
    "moderation.api.queue": "moderate",
    "moderation.api.approve": "moderate",
    "moderation.api.reject": "moderate",
    "comments.api.list_comments": READ,
    "comments.api.post_comment": "comment",
    "comments.api.edit_comment": "comment",  # the author's own, tests/comments/test_api.py
    "ideas.api.list_boards": READ,
    "ideas.api.get_board": READ,
    "ideas.api.list_ideas": READ,
    "ideas.api.similar_ideas": READ,
    "ideas.api.roadmap": READ,
    "ideas.api.get_idea": READ,
    "ideas.api.get_timeline": READ,
    "ideas.api.get_support_totals": READ,
    "ideas.api.create_idea": "post_idea",
    "ideas.api.edit_idea": "edit_idea",
    "ideas.api.withdraw_idea": "withdraw_idea",
    "ideas.api.support": "support",
    "ideas.api.withdraw_support": "support",
    "ideas.api.follow_idea": "support",  # a member's own follows, like support: verified only
    "ideas.api.unfollow_idea": "support",
    "ideas.api.follow_board": "support",
    "ideas.api.unfollow_board": "support",
    "ideas.api.set_status": "answer_idea",
    "ideas.api.edit_answer": "answer_idea",
    "ideas.api.merge": "merge_ideas",
    "ideas.api.revive": "revive_idea",
    "ideas.api.open_contest": "contest_from_idea",
}
SERVICE_MODULES = [
    "contests.services",
    "moderation.services",
    "moderation.intake",
    "moderation.reports",
    "moderation.claims",
    "moderation.names",
    "community.services",
    "community.brands",
    "comments.services",
    "profiles.services",
    "ideas.services",
]
# Every public function of the services modules: the matrix action it performs, or why it is
# not a member's or staff's action (a helper, a read, set-up code, system work).
SERVICE_FUNCTIONS = {
    "contests.services.submit_entry": "submit",
    "contests.services.edit_entry": "edit",
    "contests.services.withdraw_entry": "withdraw",
    "contests.services.cast_vote": "vote",
    "contests.services.withdraw_vote": "vote",
    "contests.services.set_shortlist": "shortlist",
    "contests.services.score_entry": "score",
    "contests.services.jury_table": "jury_table",
    "contests.services.pick_winners": "pick_winners",
    "contests.services.decide_held_votes": "decide_held_votes",
    "contests.services.held_votes": "decide_held_votes",
    "contests.services.community_choice": "helper: a read used by pick_winners",
    "contests.services.contest_group": "helper: a channel group name",
    "contests.services.rules_version": "helper: a hash",
    "contests.services.vote_count": "read: public totals",
    "contests.services.current_totals": "read: public totals (live refetch)",
    "contests.services.vote_totals": "read: public totals",
    "contests.services.votes_left": "read: the member's own budget",
    "moderation.services.approve": "moderate",
    "moderation.services.reject": "moderate",
    "moderation.services.bulk_decide": "moderate",
    "moderation.services.remove_content": "moderate",
    "moderation.services.check_can_decide": "moderate",
    "moderation.services.log": "helper: writes the decision log for other services",
    "moderation.services.rejection_text": "helper: text",
    "moderation.services.submit_for_moderation": "helper: called by submit, edit, comment",
    "moderation.services.resubmit": "helper: called by comment and profile services",
    "moderation.intake.pause_intake": "pause_brand",
    "moderation.intake.resume_intake": "pause_brand",  # test_resume_follows_the_pause_scope
    "moderation.intake.can_pause": "pause_brand",
    "moderation.intake.check_can_pause": "pause_brand",
    "moderation.intake.suspend": "moderate",  # moderators only: tests/moderation
    "moderation.intake.lift_suspension": "moderate",
    "moderation.intake.active_pause": "read",
    "moderation.intake.active_suspension": "read",
    "moderation.intake.any_pause_active": "read",
    "moderation.intake.check_intake_open": "helper: called by submit, edit, comment",
    "moderation.intake.check_not_suspended": "helper: called by vote and report",
    "moderation.reports.report": "report",
    "moderation.reports.check_can_report": "report",
    "moderation.reports.resolve": "moderate",
    "moderation.reports.open_reports": "moderate",
    "moderation.claims.claim": "moderate",
    "moderation.claims.claim_next": "moderate",
    "moderation.claims.release": "moderate",
    "comments.services.post_comment": "comment",
    "comments.services.edit_comment": "comment",
    "comments.services.resubmit_comment": "comment",
    "comments.services.check_can_comment": "comment",
    "comments.services.is_commentable": "helper: settings",
    "comments.services.commentable_models": "helper: settings",
    "comments.services.target_key": "helper: a name",
    "comments.services.resolve_target": "read",
    "comments.services.public_thread": "read",
    "comments.services.nest": "helper: shapes a read",
    "comments.services.tell_about_published_comment": "system work (after approval)",
    "profiles.services.update_profile": "member's own profile (tests/profiles)",
    "profiles.services.public_profile": "read",
    "ideas.services.submit_idea": "post_idea",
    "ideas.services.edit_idea": "edit_idea",
    "ideas.services.withdraw_idea": "withdraw_idea",
    "ideas.services.support_idea": "support",
    "ideas.services.withdraw_support": "support",
    "ideas.services.support_count": "read: public totals",
    "ideas.services.current_supports": "read: public totals (live refetch)",
    "ideas.services.board_group": "helper: a channel group name",
    "ideas.services.has_supported": "read: the member's own support",
    "ideas.services.follow_idea": "member's own follows (tests/ideas/test_services.py)",
    "ideas.services.unfollow_idea": "member's own follows",
    "ideas.services.follow_board": "member's own follows",
    "ideas.services.unfollow_board": "member's own follows",
    "ideas.services.followers": "read",
    "ideas.services.answer_idea": "answer_idea",
    "ideas.services.edit_answer": "answer_idea",
    "ideas.services.revive_idea": "revive_idea",
    "ideas.services.merge_ideas": "merge_ideas",
    "ideas.services.merge_target": "read",
    "ideas.services.open_contest_from_idea": "contest_from_idea",
    "ideas.services.expire_ideas": "system work (a command and a task)",
    "community.services.follow_brand": "member's own follows (tests/community/test_follows.py)",
    "community.services.unfollow_brand": "member's own follows",
    "community.services.follows": "read",
    "community.services.announce_openings": "system work (a command and a task)",
    "community.services.set_language": "member's own settings (tests/community/test_languages.py)",
    "community.services.set_emails": "member's own settings (tests/community/test_emails.py)",
    "community.services.unsubscribe": "signed link for one member (tests/community/test_emails.py)",
    "moderation.names.screen_existing_names": "system work (a command and a task)",
    "moderation.names.held_names": "helper: a read for the moderators' suspensions page",
    "moderation.names.problems_in_names": "helper: the blocked terms in a member's names",
    "community.brands.add_brand_staff": "admins only (tests/community/test_brands.py)",
    "community.brands.remove_brand_staff": "admins only (tests/community/test_brands.py)",
    "community.brands.ensure_brand_space": "set-up code",
    "community.brands.brand_page": "set-up code",
    "community.brands.home_page": "read",
    "community.brands.staff_group_name": "helper: a name",
}


def test_the_table_and_the_actions_agree():
    in_table = {action for action, _phase in EXPECTED}
    assert in_table == set(ACTIONS_BY_NAME)
    assert {phase for _action, phase in EXPECTED} <= set(MOMENTS)


def test_every_write_is_in_the_matrix():
    import importlib
    import inspect

    from config.api import api as ninja_api

    operations = {}
    for _prefix, router in ninja_api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                view = operation.view_func
                operations[f"{view.__module__}.{view.__name__}"] = operation.methods
    assert set(operations) == set(API_OPERATIONS), "classify every API operation"
    for name, action in API_OPERATIONS.items():
        assert action == READ or action in ACTIONS_BY_NAME, name
        if action in ACTIONS_BY_NAME and operations[name] != ["GET"]:
            assert ACTIONS_BY_NAME[action].api is not None, f"{name}: no API cell for {action}"

    functions = set()
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module_name and not name.startswith("_"):
                functions.add(f"{module_name}.{name}")
    assert functions == set(SERVICE_FUNCTIONS), "classify every public service function"
    for name, action in SERVICE_FUNCTIONS.items():
        if " " not in action and action not in (READ,):
            assert action in ACTIONS_BY_NAME, name


@pytest.mark.django_db
def test_resume_follows_the_pause_scope(world):
    users = world.users
    brand_pause = intake.pause_intake(actor=users["moderator"], scope="brand", brand=world.brand)
    site_pause = intake.pause_intake(actor=users["moderator"], scope="site")
    for role in ("other_staff", "member"):
        with pytest.raises(NotAllowed):
            intake.resume_intake(brand_pause.pk, actor=users[role])
    with pytest.raises(NotAllowed, match="whole site"):
        intake.resume_intake(site_pause.pk, actor=users["staff"])
    intake.resume_intake(brand_pause.pk, actor=users["staff"])
    for role, sees in (("other_staff", False), ("staff", False), ("moderator", True)):
        page = Client()
        page.force_login(users[role])
        html = page.get(_admin("moderation/pauses/")).content.decode()
        assert (f"pauses/{site_pause.pk}/resume/" in html) is sees, role
