import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_application = get_wsgi_application()

from config.body_limits import WSGIBodyLimitMiddleware  # noqa: E402

application = WSGIBodyLimitMiddleware(django_application)
