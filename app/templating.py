"""Template helpers: hashed static URLs, labels, durations, the theme colour."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_wtf.csrf import generate_csrf

from . import vocabulary as v
from .forms import Form

# The browser's and the installed app's theme colour: <meta name="theme-color"> and the manifest.
# The same colour as --brand in static/css/app.css.
THEME_COLOUR = "#0f766e"


@lru_cache(maxsize=256)
def _versioned(prefix, path, mtime):
    return f"{prefix}?v={hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]}"


_settled = {}


def static_url(filename):
    """A URL that changes when the file does, so browsers may cache it for a year.

    Outside development the files only change with a deploy (a restart), so each URL is
    worked out once per process.
    """
    key = (current_app.static_folder, filename)
    if key in _settled:
        return _settled[key]
    url = _static_url(filename)
    if current_app.config["LIMBER_ENV"] != "development":
        _settled[key] = url
    return url


def _static_url(filename):
    path = Path(current_app.static_folder) / filename
    prefix = f"{current_app.static_url_path}/{filename}"
    try:
        return _versioned(prefix, str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return prefix


def duration(seconds):
    seconds = int(seconds or 0)
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min" if minutes else f"{rest} s"


def selected(field):
    """The values a choice field has checked, as strings, for quick membership tests."""
    data = field.data
    if data is None:
        return frozenset()
    if isinstance(data, (list, tuple, set, frozenset)):
        return frozenset(str(x) for x in data)
    return frozenset({str(data)})


class _LazyCsrf:
    """Renders as the request's CSRF token (Flask-WTF makes it once per request)."""

    def __str__(self):
        return generate_csrf()

    __html__ = __str__


_CSRF = _LazyCsrf()


def action_form():
    """A form with nothing to fill in, for a button that only acts (log out, make a plan active):
    rendered with the hidden() macro like every other form, its CSRF token included."""
    return Form(formdata=None)


def init_app(app):
    app.jinja_env.globals.update(static_url=static_url, selected=selected, vocab=v, label=v.label,
                                 region_label=v.region_label, theme_colour=THEME_COLOUR, action_form=action_form)
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["label"] = v.label
    app.jinja_env.filters["region_label"] = v.region_label

    oidc_name = app.config["OIDC_NAME"] if app.config["OIDC_CLIENT_ID"] else None

    @app.context_processor
    def _context():
        # Every page carries the CSRF token (meta tag, htmx header, forms); pages that don't show it
        # (the offline shell) never touch the session, so they can't race a sign-in's cookie.
        return {"oidc_name": oidc_name, "csrf": _CSRF}
