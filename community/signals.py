import functools

from allauth.account.signals import user_signed_up
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from community import page_cache
from community.models import Brand, User
from community.rules import ADMIN_ACCESS
from community.sites import SITES
from community.view_restrictions import RESTRICTIONS


@receiver(post_save, sender=Brand)
def give_new_brand_its_space(sender, instance: Brand, created: bool, raw: bool = False, **kwargs):
    """A new brand (from the admin's snippets, a shell or seed data) gets its page and staff
    group at once, so its staff can be scoped to it from the start."""
    if created and not raw:
        from community.brands import ensure_brand_space

        ensure_brand_space(instance)
    page_cache.invalidate(page_cache.SITE)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(post_delete, sender=Page)
def forget_cached_pages(sender, instance=None, **kwargs):
    """Anything published, unpublished, moved or deleted in the page tree (a contest's dates or
    brief, the home page, a new contest in the listings): every cached page is stale."""
    page_cache.invalidate(page_cache.SITE)


@receiver(user_signed_up)
def record_share_referral(sender, request, user, **kwargs):
    """Member-get-member: a sign-up that came through a share link is credited to the sharer."""
    from community.referrals import record_referral

    record_referral(request, user)


def connect_admin_access() -> None:
    """Who may open the admin changes with group memberships and permissions (rules.py)."""
    bump = ADMIN_ACCESS.bump_now_and_on_commit
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"admin_access_{through.__name__}")
    for model in (Group, Permission):
        post_delete.connect(bump, sender=model, dispatch_uid=f"admin_access_{model.__name__}")


connect_admin_access()


@receiver(post_save)
@receiver(post_delete)
@receiver(post_page_move)
def forget_cached_sites(sender, instance=None, **kwargs):
    """The cached site and its home page and the cached routes (community/sites.py,
    cms.models): any site or page saved, moved or deleted (a page's save covers publishing,
    unpublishing and new child pages), and anything a routed page joins (its brand, hero image,
    result: `route_select_related`)."""
    if isinstance(instance, Site | Page) or sender in _joined_by_routes():
        SITES.bump_now_and_on_commit()


@functools.cache
def _joined_by_routes() -> frozenset:
    """The models that page types join when they are routed (`route_select_related`)."""
    joined = set()
    for model in apps.get_models():
        if issubclass(model, Page):
            for name in getattr(model, "route_select_related", ()):
                joined.add(model._meta.get_field(name).related_model)
    return frozenset(joined)


for _signal in (post_save, post_delete):
    _signal.connect(
        RESTRICTIONS.bump_now_and_on_commit,
        sender=PageViewRestriction,
        dispatch_uid=f"view_restrictions_{_signal is post_save}",
    )
