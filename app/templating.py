"""Template helpers: hashed static URLs, labels, durations."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for

from . import vocabulary as v


@lru_cache(maxsize=256)
def _digest(path, mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename):
    """A URL that changes when the file does, so browsers may cache it for a year."""
    path = Path(current_app.static_folder) / filename
    try:
        version = _digest(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        version = "missing"
    return url_for("static", filename=filename, v=version)


def duration(seconds):
    seconds = int(seconds or 0)
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min" if minutes else f"{rest} s"


def init_app(app):
    app.jinja_env.globals.update(static_url=static_url, vocab=v, label=v.label, region_label=v.region_label)
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["label"] = v.label
    app.jinja_env.filters["region_label"] = v.region_label

    @app.context_processor
    def _oidc():
        return {"oidc_name": app.config["OIDC_NAME"] if app.config["OIDC_CLIENT_ID"] else None}
