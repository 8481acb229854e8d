from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.search import search
from config.api import api
from config.doors import admin_login_redirect
from config.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("search/", search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    # One door: the admins' own login forms are replaced by allauth's (MFA, lockout, checks).
    path("django-admin/login/", admin_login_redirect, {"default_next": "/django-admin/"}),
    path("admin/login/", admin_login_redirect, {"default_next": "/admin/"}),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("community.urls")),
    path("", include("comments.urls")),
    path("", include("profiles.urls")),
    path("", include("privacy.urls")),
    path("", include("contests.urls")),
    path("", include("ideas.urls")),
    path("", include("moderation.urls")),
]

if settings.SERVE_MEDIA:
    from django.urls import re_path
    from django.views.static import serve

    # Only Wagtail's own media (staff-uploaded images) is public; member uploads never are.
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

if settings.COCREO_BENCH:
    from config.health import bench_bare

    urlpatterns.append(path("bench/bare", bench_bare))

urlpatterns.append(path("", include(wagtail_urls)))

# allauth's rate limits (sign-up, sign-in, password reset) answer through this view.
handler429 = "community.ratelimits.allauth_handler429"
handler500 = "config.unavailable.handler500"
