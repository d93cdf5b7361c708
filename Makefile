# The two commands in the README: `make run` and `make test`. Everything else helps them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export LIMBER_ENV ?= development

.PHONY: run test install install-dev assets migrate catalog browser bench clean audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime assets
install-dev: $(VENV)/.dev assets

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# htmx comes from npm and is copied, never committed; WhiteNoise serves the .gz copies.
static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

assets: static/vendor/htmx.min.js $(VENV)/.runtime
	$(BIN)/python -m whitenoise.compress -q --no-brotli static >/dev/null

migrate: install
	$(BIN)/flask --app wsgi db upgrade

catalog: migrate
	$(BIN)/flask --app wsgi catalog load

run: catalog
	@echo "Limber on http://127.0.0.1:$(PORT)  (Ctrl-C stops the web server and the worker)"
	@# Stopping it (Ctrl-C, or SIGTERM from a process manager) is how a server ends: not an error.
	@PATH="$(CURDIR)/$(BIN):$$PATH" HOST=127.0.0.1 PORT=$(PORT) $(BIN)/honcho start web worker; \
	  status=$$?; [ $$status -eq 0 ] || [ $$status -eq 130 ] || [ $$status -eq 143 ] || exit $$status

# Chromium for the end-to-end tests (Debian's package when apt works, else Playwright's own build)
# and ffmpeg, which makes the real test videos the fake media host serves.
APT_GET = $(if $(filter 0,$(shell id -u)),,sudo -n) env DEBIAN_FRONTEND=noninteractive apt-get
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && ([ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null); then \
	  ($(APT_GET) update -qq && $(APT_GET) install -y -qq chromium ffmpeg >/dev/null) \
	    || (command -v chromium >/dev/null 2>&1 || $(BIN)/playwright install chromium); \
	else $(BIN)/playwright install chromium; fi
	@command -v ffmpeg >/dev/null 2>&1 || (echo "ffmpeg is needed for the tests: apt-get install ffmpeg" && false)

# bandit fails the run on any finding of medium or high severity (the Low ones are listed).
test: install-dev browser
	$(BIN)/bandit -r app -q --severity-level medium
	LIMBER_ENV=test $(BIN)/pytest -q

# Known vulnerabilities in the pinned dependencies. Needs PyPI's JSON API or OSV: from a machine that
# reaches only a package mirror, every package is "not found" and the answer is inconclusive.
audit: install-dev
	$(BIN)/pip install --quiet pip-audit==2.10.1
	$(BIN)/pip-audit -r requirements.txt -r requirements-dev.txt

bench: install-dev browser
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/queries.py
	$(BIN)/python bench/figures.py
	$(BIN)/python bench/pwa.py
	$(BIN)/python bench/ai.py
	$(BIN)/python bench/progress.py

# The container image (Dockerfile), with docker when its engine answers, else podman. Podman records the
# HEALTHCHECK only in the docker format. Extra flags: make image IMAGE_BUILD_FLAGS="--build-arg BASE=…".
.PHONY: image
IMAGE ?= limber:latest
IMAGE_BUILD_FLAGS ?=
CONTAINER_ENGINE ?= $(shell if docker info >/dev/null 2>&1; then echo docker; \
  elif command -v podman >/dev/null 2>&1; then echo podman; elif command -v docker >/dev/null 2>&1; then echo docker; fi)
image:
	@[ -n "$(CONTAINER_ENGINE)" ] || { echo "make image needs docker or podman"; exit 1; }
	$(CONTAINER_ENGINE) build $(if $(filter podman,$(notdir $(CONTAINER_ENGINE))),--format docker) \
	  $(IMAGE_BUILD_FLAGS) -t $(IMAGE) .

clean:
	rm -rf $(VENV) node_modules static/vendor instance .pytest_cache
