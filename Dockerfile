# syntax=docker/dockerfile:1
# Limber's production image: the web server and the Huey worker, from the Procfile, under one
# entrypoint (docker/run.py). `make image` builds it; README "Deploying the image on a PaaS" runs it.
#
# Build arguments (the defaults are the production build, from Docker Hub, PyPI and npm):
#   BASE       the Python 3.11 image                       (python:3.11-slim, from Docker Hub)
#   NODE_BASE  the image the htmx stage runs in            (node:20-slim, from Docker Hub)
#   HTMX       npm: `npm ci` in that stage; context: take static/vendor/htmx.min.js from the build
#              context instead (made by `make assets`), for a machine whose builds can't reach npm
#   WHEELS     empty: dependencies from PyPI; a folder inside the build (e.g. a `podman build -v`
#              volume): `pip install --no-index --find-links` from it, for a build that can't reach PyPI
ARG BASE=docker.io/library/python:3.11-slim
ARG NODE_BASE=docker.io/library/node:20-slim

# -- htmx: pinned by package-lock.json, copied to static/vendor as the Makefile does -----------------
FROM ${NODE_BASE} AS htmx
ARG HTMX=npm
WORKDIR /build
COPY package.json package-lock.json ./
COPY static/ static/
RUN set -eu; mkdir -p /out; \
    if [ "$HTMX" = npm ]; then \
      npm ci --omit=dev --no-audit --no-fund --loglevel=error; \
      cp node_modules/htmx.org/dist/htmx.min.js /out/htmx.min.js; \
    elif [ "$HTMX" = context ]; then \
      cp static/vendor/htmx.min.js /out/htmx.min.js; \
    else \
      echo "HTMX must be npm or context, not '$HTMX'" >&2; exit 1; \
    fi; \
    want=$(sed -n 's/.*"htmx\.org": *"\([^"]*\)".*/\1/p' package.json | head -n 1); \
    grep -q "version:\"$want\"" /out/htmx.min.js \
      || { echo "htmx.min.js is not htmx $want, the version package.json pins" >&2; exit 1; }

# -- the image ---------------------------------------------------------------------------------------
FROM ${BASE}
ARG WHEELS=
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    LIMBER_ENV=production \
    LIMBER_INSTANCE=/app/instance \
    PROMETHEUS_MULTIPROC_DIR=/tmp/limber-metrics \
    PORT=8000
WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN set -eu; python3 -m venv /opt/venv; \
    if [ -n "$WHEELS" ]; then \
      pip install --no-cache-dir --no-index --find-links "$WHEELS" -r requirements.txt; \
    else \
      pip install --no-cache-dir -r requirements.txt; \
    fi

COPY Procfile wsgi.py ./
COPY migrations/ migrations/
COPY templates/ templates/
COPY static/ static/
COPY app/ app/
COPY docker/ docker/
COPY --from=htmx /out/htmx.min.js static/vendor/htmx.min.js

# The .gz copies WhiteNoise serves, bytecode made once, and the user Limber runs as: it owns only the
# instance folder (SQLite, the Huey file, media on local disk); the code stays root's, read-only.
RUN set -eu; \
    python -m whitenoise.compress -q --no-brotli static >/dev/null; \
    python -m compileall -q app migrations docker wsgi.py >/dev/null; \
    useradd --uid 10001 --user-group --home-dir /app/instance --no-create-home \
      --shell /usr/sbin/nologin limber; \
    mkdir -p instance; chown limber:limber instance

USER 10001:10001
EXPOSE 8000
# /healthz on $PORT (a container started as `worker` or `release` checks only that it is running).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/opt/venv/bin/python", "/app/docker/healthcheck.py"]
# all (the default): release, then web + worker. Also: serve (web + worker), web, worker, release,
# or any command (`sh`, `flask --app wsgi db status`). SIGTERM stops everything gracefully.
ENTRYPOINT ["/opt/venv/bin/python", "/app/docker/run.py"]
CMD ["all"]
