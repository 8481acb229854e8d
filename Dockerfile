# Cocreo: one image for the web process (HTTP and WebSockets: bin/serve, granian with
# WEB_CONCURRENCY worker processes) and for the task worker and migrations (compose.yaml).
#
#   docker build -t cocreo .
#   docker run --rm -v cocreo-data:/data -e SECRET_KEY=... cocreo python manage.py migrate
#   docker run -p 8000:8000 -v cocreo-data:/data -e SECRET_KEY=... cocreo
#
# Configuration comes from the environment (see README.md, "Configuration"). Without
# DATABASE_URL the site uses an SQLite file in /data; mount a volume there, or point
# DATABASE_URL and REDIS_URL at PostgreSQL and Redis.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user runs the site; it may write only to /data.
RUN groupadd --system --gid 10001 cocreo \
    && useradd --system --uid 10001 --gid cocreo --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin cocreo

WORKDIR /app

# Dependencies first, so that a change of code alone does not reinstall them. The project
# installs no packages of its own (pyproject.toml: packages = []), only its dependencies.
COPY pyproject.toml README.md ./
RUN python -m pip install --upgrade pip \
    && python -m pip install .

COPY . .

ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    COCREO_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=4

# Static files are collected into the image and served by WhiteNoise. Production settings
# refuse to start without a real SECRET_KEY, so collectstatic gets a throwaway one that exists
# only in this build step (it is not kept in the image's environment).
RUN SECRET_KEY="collectstatic-only-build-key-not-used-at-run-time-0f3a9c" \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /data/media /data/private_media \
    && chown -R cocreo:cocreo /data

VOLUME ["/data"]
USER cocreo
EXPOSE 8000

# Liveness: /healthz answers 200 while the process runs and its database answers; it ignores
# Redis, so an outage there does not get healthy containers restarted (/readyz reports that,
# for a load balancer). The request names the first of
# ALLOWED_HOSTS as its host (Django refuses unknown hosts) and says it came through an HTTPS
# proxy, so SECURE_SSL_REDIRECT does not turn it into a redirect.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; host = os.environ.get('ALLOWED_HOSTS', '127.0.0.1').split(',')[0].strip().lstrip('.'); host = '127.0.0.1' if host in ('', '*') else host; request = urllib.request.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); sys.exit(0 if urllib.request.urlopen(request, timeout=8).status == 200 else 1)"]

# Chosen by measurement (README.md, "Production"): granian, several worker processes.
CMD ["sh", "bin/serve"]
