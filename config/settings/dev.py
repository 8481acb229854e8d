from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
# A development-only key: production.py refuses to start without a real one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ALLOWED_HOSTS + ["0.0.0.0"]  # noqa: S104
