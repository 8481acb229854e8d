"""Settings shared by every environment. Everything that differs between machines comes from
the environment (twelve-factor): see README.md, "Configuration"."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(environ.Env().str("COCREO_DATA_DIR", default=str(BASE_DIR / "data")))

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Field-level translation of CMS content (see README, "Languages"): first, so its
    # makemigrations (which keeps Wagtail's Page columns out of migrations) wins; community's
    # migrate adds those columns (title_en, title_it...).
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "modeltranslation",
    "daphne",  # ASGI runserver: HTTP and WebSocket in development
    "community",
    "moderation",
    "comments",
    "profiles",
    "contests",
    "ideas",
    "privacy",
    "cms",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "channels",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.security.SiteCSPMiddleware",
    "config.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "community.middleware.member_language_middleware",
    "config.security.PrivateCacheMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "community.middleware.ControlCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "community.second_factor.StaffSecondFactorMiddleware",
    "community.ratelimits.RateLimitedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "community.cookies.pending_cookies_middleware",
    # It answers cached anonymous pages before routing, so every middleware above (security
    # headers included) still wraps those responses; only the pages it does not answer need the
    # Wagtail site (from the cache).
    "community.page_cache.page_cache_middleware",
    "community.sites.SiteMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "community.context_processors.notifications",
                "community.context_processors.admin_link",
            ],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url understands via DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'cocreo.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep SQLite usable with the ASGI server's threads.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    # Under ASGI every request runs in its own thread, so persistent per-thread connections
    # pile up (Django's docs: disable them under ASGI). A psycopg pool bounds the connections
    # one process opens: each request borrows one and gives it back when it ends, and a request
    # that waits longer than DB_POOL_TIMEOUT for one gets a retryable 503 (config/unavailable.py).
    # Health checks make the pool hand out only connections that still answer.
    DB_POOL_MAX = env.int("DB_POOL_MAX", default=10)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DB_POOL_MAX > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN", default=2), DB_POOL_MAX),
            "max_size": DB_POOL_MAX,
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:  # DB_POOL_MAX=0: no pool, a connection per request (or CONN_MAX_AGE under WSGI)
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Requests a web worker process runs at once (config/asgi_handler.py); 0: no bound.
WEB_REQUEST_SLOTS = env.int("WEB_REQUEST_SLOTS", default=2)

# Redis, when given, backs the channel layer and the cache (shared by all workers). It is optional
# at run time: while it is down or frozen the cache answers misses after a short timeout and then
# skips Redis for REDIS_CIRCUIT_COOLDOWN seconds (config/resilient_cache.py), and live updates
# are not sent (community/realtime.py). See README.md, "When Redis or PostgreSQL fail".
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.25)
REDIS_CIRCUIT_COOLDOWN = env.float("REDIS_CIRCUIT_COOLDOWN", default=5.0)
# The channel layer's limits, set on purpose (README.md, "Live updates"). Live counts are
# coalesced to at most one message per second per group, so a socket's channel never needs many
# queued messages: a socket more than CHANNEL_CAPACITY messages behind is too slow and loses the
# newest ones (its page notices the version gap and refetches). A message not delivered within
# CHANNEL_EXPIRY seconds is stale (pages refetch on reconnect) and is dropped. A socket stays in
# its group for CHANNEL_GROUP_EXPIRY seconds; sockets are closed (to reconnect) after
# LIVE_SOCKET_MAX_AGE seconds, well before that, so nobody silently stops receiving.
CHANNEL_CAPACITY = env.int("CHANNEL_CAPACITY", default=50)
CHANNEL_EXPIRY = env.int("CHANNEL_EXPIRY", default=10)
CHANNEL_GROUP_EXPIRY = env.int("CHANNEL_GROUP_EXPIRY", default=86400)
LIVE_SOCKET_MAX_AGE = env.int("LIVE_SOCKET_MAX_AGE", default=6 * 3600)
# Live counts: one message per group per window; moderators' sockets re-check the role this often.
LIVE_COALESCE_SECONDS = env.float("LIVE_COALESCE_SECONDS", default=1.0)
LIVE_RECHECK_SECONDS = env.float("LIVE_RECHECK_SECONDS", default=60.0)
# The totals endpoints' answer is cached per live version for at most this long (a refetch herd
# reads the database once); static/js/live.js's UNVERSIONED_WAIT must not be shorter.
LIVE_TOTALS_CACHE_SECONDS = env.float("LIVE_TOTALS_CACHE_SECONDS", default=1.0)
_CHANNEL_LIMITS = {
    "capacity": CHANNEL_CAPACITY,
    "expiry": CHANNEL_EXPIRY,
    "group_expiry": CHANNEL_GROUP_EXPIRY,
}
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # No socket read timeout here: receiving uses blocking pops that wait longer.
                # Publishing is bounded by REDIS_TIMEOUT in community/realtime.py instead.
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": REDIS_TIMEOUT}],
                "prefix": env.str("CHANNEL_PREFIX", "cocreo"),
                **_CHANNEL_LIMITS,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_PREFIX", "cocreo"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "CIRCUIT_COOLDOWN": REDIS_CIRCUIT_COOLDOWN,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": _CHANNEL_LIMITS}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (django-tasks). The immediate backend runs a task in the process that enqueues
# it (after the commit); the database backend stores it for `manage.py run_worker`, which
# production uses (see production.py and README.md, "Background worker").
IMMEDIATE_TASKS_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", IMMEDIATE_TASKS_BACKEND)}}
# Periodic tasks the worker enqueues itself (no cron): task path -> seconds between runs.
COCREO_SCHEDULE = {
    "community.tasks.notify_opened_contests": env.int("OPENINGS_EVERY_SECONDS", default=300),
    "ideas.tasks.expire_ideas": env.int("EXPIRE_IDEAS_EVERY_SECONDS", default=300),
}
# Pages cached for anonymous visitors (community/page_cache.py; README, "Page cache"): at most
# this many seconds, exactly invalidated on every change they show. On by default only with
# Redis: a per-process memory cache would not see invalidations made by other processes.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 if REDIS_URL else 0)
PAGE_CACHE_PREFIX = "pages"
PAGE_CACHE_ALIAS = env.str("PAGE_CACHE_ALIAS", default="default")  # which of CACHES holds them
# Paths never cached (no lookup is spent on them).
PAGE_CACHE_SKIP_PREFIXES = [
    "/admin/",
    "/django-admin/",
    "/api/",
    "/accounts/",
    "/documents/",
    "/healthz",
    "/readyz",
    "/i18n/",
    "/language/",
    "/s/",
    "/entries/",
    "/media/",
    "/notifications/",
    "/profile/",
    "/comments/",
]
# How many shuffle orders the gallery has during voting (each visitor gets one at random).
GALLERY_SHUFFLE_BUCKETS = env.int("GALLERY_SHUFFLE_BUCKETS", default=16)

# Notification emails: attempts in all, and the wait before each retry (seconds, doubling).
COCREO_EMAIL_ATTEMPTS = env.int("EMAIL_ATTEMPTS", default=4)
COCREO_EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=60)

AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# allauth: members sign in with their email, which they must verify before taking part.
ACCOUNT_ADAPTER = "community.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind N reverse proxies of yours, the client address is the X-Forwarded-For hop the
# outermost one added; 0 (no proxy) uses the connection's address. Used by every rate limit.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Members' actions, per member, in the shared cache (community/ratelimits.py).
COCREO_RATE_LIMITS = {
    "submit": env.str("RATE_LIMIT_SUBMIT", "10/h,30/d"),
    "edit": env.str("RATE_LIMIT_EDIT", "30/h"),
    "upload": env.str("RATE_LIMIT_UPLOAD", "60/h"),
    "vote": env.str("RATE_LIMIT_VOTE", "60/m,600/h"),
    "support": env.str("RATE_LIMIT_SUPPORT", "60/m,600/h"),
    "comment": env.str("RATE_LIMIT_COMMENT", "10/m,100/h"),
    "report": env.str("RATE_LIMIT_REPORT", "10/m"),
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict = {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_ADAPTER = "community.second_factor.StaffMFAAdapter"
# One door: the Wagtail and Django admin login URLs send visitors on to allauth and refuse
# signed-in people without admin access (config/doors.py), who would otherwise bounce between
# the admin and allauth's login (which passes signed-in people on to `next`).
WAGTAILADMIN_LOGIN_URL = "/admin/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("it", _("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Rome")
USE_I18N = True
# Our own date formats per language (config/formats/<lang>/formats.py), over Django's.
# Not USE_THOUSAND_SEPARATOR: it would group every number in templates (ids, years); counts
# shown to people use `intcomma` instead.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "static_collected")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# One machine serves its own media; with object storage or a CDN, set SERVE_MEDIA=false.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# Member uploads live outside MEDIA_ROOT: they are served only through permission-checked views,
# so the original of a pending or rejected image never has a public URL.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(DATA_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Object storage (S3 API, django-storages): a bucket name switches a storage from local files to
# S3. Public media (CMS images and their renditions) and member uploads use two buckets; the
# private one is never public: its objects are read by the permission-checked views only.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_PRIVATE_BUCKET_NAME = env.str("AWS_PRIVATE_BUCKET_NAME", default="")


def s3_storage(bucket: str, *, public: bool) -> dict:
    options = {
        "bucket_name": bucket,
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "file_overwrite": False,
    }
    if public:
        options.update(
            querystring_auth=False,
            default_acl=env.str("AWS_PUBLIC_DEFAULT_ACL", default="") or None,
            custom_domain=env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        )
    else:
        options.update(
            querystring_auth=True,
            querystring_expire=env.int("AWS_PRIVATE_URL_SECONDS", default=300),
            default_acl=env.str("AWS_PRIVATE_DEFAULT_ACL", default="private") or None,
        )
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = s3_storage(AWS_STORAGE_BUCKET_NAME, public=True)
if AWS_PRIVATE_BUCKET_NAME:
    STORAGES["private"] = s3_storage(AWS_PRIVATE_BUCKET_NAME, public=False)
# Form fields other than files may take 5 MB in memory; uploaded files above 2.5 MB (and
# request bodies above that, under ASGI) are spooled to temporary files instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Member uploads: what an entry image may be.
COCREO_UPLOAD_MAX_BYTES = env.int("COCREO_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
COCREO_MAX_IMAGES_PER_ENTRY = 5  # contests.models.MAX_IMAGES_PER_ENTRY
# Request bodies are refused (413) before they are read when larger than this: an entry with
# the most images at the upload limit, plus 1 MB of form fields and multipart overhead
# (config/body_limits.py). A body that stalls for COCREO_BODY_CHUNK_TIMEOUT seconds between two
# chunks, or takes longer than COCREO_BODY_TIMEOUT in all, is refused with 408.
COCREO_MAX_REQUEST_BYTES = env.int(
    "COCREO_MAX_REQUEST_BYTES",
    default=COCREO_UPLOAD_MAX_BYTES * COCREO_MAX_IMAGES_PER_ENTRY + 1024 * 1024,
)
COCREO_BODY_TIMEOUT = env.float("COCREO_BODY_TIMEOUT", default=120.0)
COCREO_BODY_CHUNK_TIMEOUT = env.float("COCREO_BODY_CHUNK_TIMEOUT", default=30.0)
# 24 megapixels (6000×4000, a full-frame camera's photo) is plenty for a design shown at most
# 1600 pixels wide, and bounds the CPU an upload costs (decode and re-encode).
COCREO_UPLOAD_MAX_PIXELS = env.int("COCREO_UPLOAD_MAX_PIXELS", default=24_000_000)

# How long a member's data export (and the link to it) stays downloadable.
COCREO_DATA_EXPORT_VALID_DAYS = env.int("COCREO_DATA_EXPORT_VALID_DAYS", default=7)

# Edits of one entry in 24 hours (each is a revision a moderator reads).
COCREO_ENTRY_EDITS_PER_DAY = env.int("COCREO_ENTRY_EDITS_PER_DAY", default=10)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cocreo <noreply@cocreo.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where members write for help (the help page and "contact us" links).
COCREO_CONTACT_EMAIL = env.str("COCREO_CONTACT_EMAIL", default="help@cocreo.localhost")

# Content-Security-Policy (django-csp): the public site runs only our own scripts and styles
# (no inline script, no third party); the admins need inline scripts and styles
# (config/security.py picks the policy by path).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],  # 'self' covers ws:/wss: to this host (live updates)
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
COCREO_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "frame-src": [SELF],  # page previews
    }
}

# The site's name, in email subjects (allauth's too) and layouts: never a host and port.
COCREO_SITE_NAME = env.str("SITE_NAME", default="Cocreo")
WAGTAIL_SITE_NAME = COCREO_SITE_NAME
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{COCREO_SITE_NAME}] "
# Avatars in the admin are ours: members' email hashes never go to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The site's public address, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=SITE_URL)
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_I18N_ENABLED = False
# CMS content is translated field by field (title_en/title_it, brief_en/brief_it...) on one page
# row, so entries, votes, ideas and the API keep one contest or board id per page.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "it")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_REQUIRED_LANGUAGES = ("en",)
# `Page(title="…")` written while Italian is active also fills the English column, so an English
# reader never sees an empty title.
MODELTRANSLATION_AUTO_POPULATE = "default"
# One URL per page in every language: the language comes from the cookie or the preference.
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USER_EDIT_FORM = None

NINJA_PAGINATION_PER_PAGE = 24

# Logs go to stdout: plain text, or JSON lines with LOG_FORMAT=json (production's default). With
# REQUEST_LOG on (production's default), config.middleware logs one line per request.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
REQUEST_LOG = env.bool("REQUEST_LOG", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers print through this handler once (not again through the root).
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
        "cocreo.request": {"level": "INFO" if REQUEST_LOG else "WARNING"},
    },
}

# Content members may comment on ("app_label.model").
COCREO_COMMENTABLE_MODELS = env.list(
    "COCREO_COMMENTABLE_MODELS", default=["contests.entry", "ideas.idea"]
)
# Votes that count people (contests/velocity.py): votes for one entry within the window are
# held for a moderator when more than NEW_ACCOUNTS come from accounts younger than
# NEW_ACCOUNT_DAYS, or more than SAME_NETWORK from one network (/24 IPv4, /64 IPv6).
COCREO_VOTE_WINDOW_MINUTES = env.int("COCREO_VOTE_WINDOW_MINUTES", default=10)
COCREO_VOTE_NEW_ACCOUNT_DAYS = env.int("COCREO_VOTE_NEW_ACCOUNT_DAYS", default=7)
COCREO_VOTE_MAX_NEW_ACCOUNTS = env.int("COCREO_VOTE_MAX_NEW_ACCOUNTS", default=10)
COCREO_VOTE_MAX_SAME_NETWORK = env.int("COCREO_VOTE_MAX_SAME_NETWORK", default=5)
# How long after posting the author may still edit a comment.
COCREO_COMMENT_EDIT_MINUTES = env.int("COCREO_COMMENT_EDIT_MINUTES", default=15)

# Serving benchmarks only (tests/bench_server.py): a bare view at /bench/bare, the unit the
# pages are measured in. Never set it on a real site.
COCREO_BENCH = env.bool("COCREO_BENCH", default=False)
