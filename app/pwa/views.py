"""Installable and offline: the web app manifest, the service worker, the offline and saved pages."""
import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

from ..templating import THEME_COLOUR, static_url

bp = Blueprint("pwa", __name__)

# The app shell: what every page needs, precached at install so the player runs with no signal.
SHELL_FILES = ("css/app.css", "css/player.css", "css/feedback.css", "vendor/htmx.min.js", "js/shared.js",
               "js/outbox.js", "js/page.js", "js/worker.js", "js/offline.js", "js/sync.js", "js/install.js",
               "js/logout.js", "js/player.js", "js/saved.js", "js/coach.js", "js/push.js", "js/busy.js",
               "js/forms.js", "js/resume.js", "js/selftests.js", "css/selftests.css", "icons/icon.svg",
               "icons/icon-192.png")
# What the worker loads with importScripts(), in this order (outbox.js needs shared.js).
WORKER_SCRIPTS = ("js/shared.js", "js/outbox.js")
BACKGROUND = "#f8fafc"  # the splash screen's, as --bg in app.css


def static_version(folder):
    """A short hash of every static file's name and contents: a deploy that changes any of them
    changes the service worker's bytes, so browsers install the new worker and its caches."""
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in (".gz", ".br"):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _version():
    cache = current_app.extensions.setdefault("limber_pwa", {})
    if "version" not in cache or current_app.config["LIMBER_ENV"] == "development":
        cache["version"] = static_version(current_app.static_folder)
    return cache["version"]


@bp.get("/manifest.webmanifest")
def manifest():
    icon = lambda name, size, purpose="any": {"src": static_url(f"icons/{name}"), "sizes": f"{size}x{size}",  # noqa: E731
                                              "type": "image/png", "purpose": purpose}
    data = {
        "id": "/",
        "name": "Limber — warm-up, stretching and mobility coach",
        "short_name": "Limber",
        "description": "Safe, personal warm-ups, cool-downs and stretches, coached hands-free — even offline.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND,
        "categories": ["health", "fitness", "sports"],
        "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512), icon("maskable-512.png", 512, "maskable")],
        # The richer install sheet (Android, desktop Chromium): a phone and a desktop view of Home.
        "screenshots": [
            {"src": static_url("icons/screenshot-phone.png"), "sizes": "390x844", "type": "image/png",
             "form_factor": "narrow", "label": "Home: one tap starts your warm-up"},
            {"src": static_url("icons/screenshot-wide.png"), "sizes": "1280x800", "type": "image/png",
             "form_factor": "wide", "label": "Home on a computer"},
        ],
        "shortcuts": [
            {"name": "Quick warm-up", "short_name": "Warm-up", "url": "/?start=warmup",
             "icons": [{"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
            {"name": "Desk break", "short_name": "Desk break", "url": "/?start=mobility",
             "icons": [{"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
        ],
    }
    response = Response(json.dumps(data, indent=1), mimetype="application/manifest+json")
    response.cache_control.max_age = 3600
    return response


@bp.get("/sw.js")
def service_worker():
    """static/js/sw.js with its version, precache list and scripts to import in front. Never cached
    by HTTP, so the browser sees a new worker as soon as a deploy changes the static files."""
    source = (Path(current_app.static_folder) / "js" / "sw.js").read_text()
    shell = [static_url(name) for name in SHELL_FILES] + [url_for(".offline"), url_for(".saved"),
                                                          url_for(".manifest")]
    header = (f"const VERSION = {json.dumps(_version())};\n"
              f"const PRECACHE = {json.dumps(shell)};\n"
              f"const IMPORTS = {json.dumps([static_url(name) for name in WORKER_SCRIPTS])};\n")
    response = Response(header + source, mimetype="text/javascript")
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker for a page that isn't saved, when there's no connection."""
    return render_template("pwa/offline.html")


@bp.get("/saved")
def saved():
    """Saved-for-offline routines and logs waiting to sync. The list lives in this browser, so the
    page is the same for everybody and is filled in by saved.js (it works offline too)."""
    return render_template("pwa/saved.html")
