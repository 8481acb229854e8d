"""Demo data for ideas boards (seed_demo asks through the `cocreo_seed_demo` hook): a board of
the demo brand with ideas in every status, supports, official answers, a merged pair and one
idea waiting for a moderator. Safe to run again: ideas are looked up by board and title."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.i18n import translated_values
from community.models import Brand, User
from ideas import services
from ideas.models import Idea, IdeaCategory, IdeasBoardPage, IdeaStage, IdeaStatus
from moderation import services as moderation_services
from moderation.models import ModerationItem

BOARD_SLUG = "bring-it-back"
GOAL = 5

# (author, title, description, category index, supporters, what happens next)
IDEAS = [
    (
        "lucia",
        "Bring back the Aurora hazelnut blend",
        "The hazelnut blend of 2019 was the best thing you ever roasted. Please bring it back, "
        "even just for the winter.",
        0,
        ["giulia", "marco", "tomas", "aiko", "noor"],
        "goal",
    ),
    (
        "tomas",
        "Refill station for our own cups",
        "Let us bring our own cups to the café and fill them at a discount.",
        2,
        ["giulia", "lucia", "noor"],
        "planned",
    ),
    (
        "aiko",
        "Cups made from recycled coffee grounds",
        "Other brands make cups out of spent grounds: could Aurora try it?",
        1,
        ["marco", "lucia"],
        "in_progress",
    ),
    (
        "noor",
        "Oat milk in every café",
        "Not only in the big ones: the small cafés should have oat milk too.",
        2,
        ["giulia", "tomas", "aiko", "lucia"],
        "delivered",
    ),
    (
        "marco",
        "A 24-hour café in the station",
        "For night-shift workers and early trains.",
        2,
        ["noor"],
        "declined",
    ),
    ("giulia", "Decaf that tastes like coffee", "Your decaf deserves some love.", 0, [], "new"),
    (
        "noor",
        "Seasonal mug designed by the community",
        "Each season, one mug chosen by us.",
        1,
        ["marco"],
        "expired",
    ),
    (
        "tomas",
        "Bring back the hazelnut roast",
        "The hazelnut one! Please!",
        0,
        ["aiko", "giulia"],
        "merge",
    ),
    (
        "lucia",
        "Tasting evenings with the roasters",
        "An evening a month to taste new blends with the people who roast them.",
        2,
        [],
        "pending",
    ),
]

CATEGORIES = [gettext_lazy("Blends"), gettext_lazy("Cups and mugs"), gettext_lazy("Cafés")]

ANSWERS = {
    "planned": gettext_lazy("We love this: refill stations arrive in three cafés next spring."),
    "in_progress": gettext_lazy("Our suppliers are testing cups from recycled grounds right now."),
    "delivered": gettext_lazy("Done: oat milk is now on the menu in every Aurora café."),
    "declined": gettext_lazy("We looked into it, but the station is closed at night. Thank you!"),
}


def seed_ideas(*, brand: Brand, parent, users: dict[str, User], now=None) -> dict:
    """Create the demo board and its ideas; returns what was created and links to show."""
    now = now or timezone.now()
    created: dict[str, int] = {}
    board = IdeasBoardPage.objects.filter(slug=BOARD_SLUG).first()
    if board is None:
        # The board's texts and categories in each site language (their gettext translations).
        board = IdeasBoardPage(
            **translated_values(
                lambda: {
                    "title": _("What should Aurora bring back?"),
                    "summary": _(
                        "Blends, cups and cafés: ask for them, support the ideas you want."
                    ),
                    "intro": _(
                        "<p>Tell us what you miss and what you would change. Ideas with %(goal)s "
                        "supporters go to our team, who answer here in public.</p>"
                    )
                    % {"goal": GOAL},
                }
            ),
            slug=BOARD_SLUG,
            brand=brand,
            support_goal=GOAL,
            opens_at=now - timedelta(days=120),
            owner=users["staff"],
        )
        board.categories = [
            IdeaCategory(**translated_values(lambda name=name: {"name": name}), sort_order=i)
            for i, name in enumerate(CATEGORIES)
        ]
        board.stages = [IdeaStage(supporters=2, days=60, sort_order=0)]
        parent.add_child(instance=board)
        board.save_revision(user=users["staff"]).publish(user=users["staff"])
        board = IdeasBoardPage.objects.get(pk=board.pk)
        created["boards"] = 1
    categories = list(board.categories.all())
    staff, moderator = users["staff"], users["moderator"]
    ideas = {}
    for author, title, description, category, supporters, fate in IDEAS:
        idea = Idea.objects.filter(board=board, author=users[author], title=title).first()
        if idea is not None:
            ideas[fate] = idea
            continue
        idea = services.submit_idea(
            board,
            author=users[author],
            title=title,
            description=description,
            category_id=categories[category].pk,
        )
        created["ideas"] = created.get("ideas", 0) + 1
        ideas[fate] = idea
        if fate == "pending":
            continue
        item = ModerationItem.objects.for_object(idea).pending().get()
        moderation_services.approve(item.pk, moderator=moderator)
        idea = Idea.objects.select_related("board__brand").get(pk=idea.pk)
        ideas[fate] = idea
        for name in supporters:
            if services.support_idea(idea, member=users[name]):
                created["supports"] = created.get("supports", 0) + 1
        # Approved weeks ago; the expired one long enough ago to have missed its first stage
        # (2 supporters within 60 days).
        days = 70 if fate == "expired" else 20
        Idea.objects.filter(pk=idea.pk).update(first_published_at=now - timedelta(days=days))
        if fate in ANSWERS:
            idea.refresh_from_db()
            services.answer_idea(idea, actor=staff, status=fate, answer=str(ANSWERS[fate]))
            created["answers"] = created.get("answers", 0) + 1
    if ideas.get("merge") and ideas["merge"].status != IdeaStatus.MERGED and ideas.get("goal"):
        services.merge_ideas(
            ideas["merge"],
            into=ideas["goal"],
            actor=staff,
            answer=_("The same wish: we count your support on the first idea."),
        )
    services.expire_ideas(now)
    following = Q(username__in=["giulia", "marco"])
    for user in User.objects.filter(following):
        services.follow_board(board, user=user)
    return {"created": created, "links": [(board.title, board.url)]}
