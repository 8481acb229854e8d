from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test run gets its own upload folders so tests never see each other's files.
import tempfile  # noqa: E402

_TMP = Path(tempfile.mkdtemp(prefix="cocreo-test-"))
MEDIA_ROOT = _TMP / "media"
PRIVATE_MEDIA_ROOT = _TMP / "private_media"
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
ACCOUNT_RATE_LIMITS = False
COCREO_RATE_LIMITS: dict = {}  # tests/security/ turns them on
WHITENOISE_AUTOREFRESH = True
if REDIS_URL:
    # Each run uses its own prefix so parallel runs on one Redis never cross.
    import os  # noqa: E402

    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"cocreo-test-{os.getpid()}"
    CACHES["default"]["KEY_PREFIX"] = f"cocreo-test-{os.getpid()}"
LOGGING["root"]["level"] = "WARNING"
# The page cache is off except in the tests that turn it on (tests/contests/test_page_cache.py).
PAGE_CACHE_SECONDS = 0
