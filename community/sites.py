"""Which Wagtail site answers a request, with its home page, as a versioned cached answer.

Wagtail asks the database on every page it serves: the site for the request's host, then the
site's root page, then that page as its specific type (three queries before routing starts),
though sites and home pages change only when staff edit them. Here the site comes from the
shared cache with its specific root page attached, and is handed to Wagtail the way Wagtail
itself keeps it for the rest of the request (`request._wagtail_site`). The answer is bumped
whenever a site or any page is saved, moved or deleted (community/signals.py): page edits are
staff work, rare next to page views, and a bump costs only the next lookup's queries.
"""

from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from community.versioned import VersionedAnswers

SITES = VersionedAnswers("wagtail-sites", seconds=300)
_LONGEST_HOST = 255


def find_site(request) -> Site | None:
    """Wagtail's `Site.find_for_request`, through the cache."""
    hostname = split_domain_port(request._get_raw_host())[0]
    if not hostname or len(hostname) > _LONGEST_HOST:  # not a host Wagtail could match
        return Site.find_for_request(request)
    return SITES.get(f"{hostname}:{request.get_port()}", lambda: _site_with_root(request))


def _site_with_root(request) -> Site | None:
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return site


class SiteMiddleware:
    """Gives the request its Wagtail site before Wagtail serves a page. Only for Wagtail's page
    view: other views (API, admin, accounts) ask Wagtail when they need a site, as before, and a
    cached anonymous page is answered earlier without one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = find_site(request)
