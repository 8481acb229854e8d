from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if len(SECRET_KEY) < 32 or SECRET_KEY.startswith(("dev-only", "test-only", "change-me")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production."
    )
# Production runs background work in `manage.py run_worker`, not inside requests.
TASKS["default"]["BACKEND"] = env.str("TASKS_BACKEND", DATABASE_TASKS_BACKEND)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
# Behind an HTTPS proxy that sets X-Forwarded-Proto. Plain HTTP is redirected to HTTPS, except
# the health probes (which load balancers call over plain HTTP); SECURE_SSL_REDIRECT=false when
# the proxy already redirects.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS: browsers use HTTPS only, for a year, subdomains included. SECURE_HSTS_SECONDS=0 turns
# it off (e.g. while trying HTTPS out); SECURE_HSTS_PRELOAD=true once the domain is ready for
# the browsers' preload lists (a commitment that is hard to undo, so not the default).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preload is opt-in, see above
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Structured logs: JSON lines on stdout, one line per request (config/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
REQUEST_LOG = env.bool("REQUEST_LOG", default=True)
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["loggers"]["cocreo.request"]["level"] = "INFO" if REQUEST_LOG else "WARNING"
