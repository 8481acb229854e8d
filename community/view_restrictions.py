"""Which view restrictions (password, signed-in members, groups) apply to a page.

Wagtail asks it for every page it serves: two queries (the page's ancestors, then their
restrictions), while most communities restrict no page at all. Whether any restriction exists
anywhere is a versioned cached answer (community/versioned.py), bumped when a restriction is
saved or deleted (community/signals.py); only when one exists does a page ask Wagtail.
"""

from wagtail.models import PageViewRestriction

from community.versioned import VersionedAnswers

RESTRICTIONS = VersionedAnswers("view-restrictions", seconds=300)


def any_view_restriction() -> bool:
    return RESTRICTIONS.get("any", PageViewRestriction.objects.exists)


class ViewRestrictionsMixin:
    """For every page type of the site (before `Page` in the bases)."""

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
