"""Template helpers: hashed static URLs, labels, durations, dates, the theme colour."""
import datetime as dt
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from . import vocabulary as v
from .forms import Form
from .models import ReminderSetting
from .reminders import schedule

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


def day_words(day, year=True):
    """A date as people read it everywhere in Limber: "Thu 3 Dec 2026" (no zero before the day),
    "Thu 3 Dec" with ``year=False``. Takes a date, a datetime or an ISO date string (plan snapshots
    keep their dates as strings)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day:%a} {day.day} {day:%b}" + (f" {day:%Y}" if year else "")


def _zone():
    """The signed-in person's time zone, from their reminder settings (the only place Limber asks
    for it), or None when they never set it. Read once per request."""
    if "limber_zone" not in g:
        row = ReminderSetting.get_or_none(ReminderSetting.account == current_user.id) \
            if current_user.is_authenticated else None
        g.limber_zone = schedule.zone(row.timezone) if row else None
    return g.limber_zone


def moment_words(moment, year=True):
    """A stored moment (naive UTC, as every table keeps it) as "Thu 3 Dec 2026, 16:51" in the person's
    time zone; "UTC" is said only when that is what the time is in (no zone known, or the person's
    zone is UTC)."""
    zone = _zone()
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(zone or dt.timezone.utc)
    text = f"{day_words(local, year)}, {local:%H:%M}"
    return f"{text} UTC" if zone is None or zone.key in ("UTC", "Etc/UTC") else text


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


# The main sections a person moves between, and the blueprints (or endpoints) each one holds: the tab
# bar on phones and the top navigation mark the one the page belongs to (aria-current).
SECTIONS = {"home": ("routines.dashboard", "routines", "ai"), "plan": ("plans",),
            "progress": ("workouts", "selftests"), "library": ("catalog",), "coach": ("coach",),
            "you": ("profile", "auth.settings", "reminders", "pwa.saved")}


TABS = (("home", "routines.dashboard", "Home"), ("plan", "plans.index", "Plan"), ("progress", "workouts.index", "Progress"),
        ("library", "catalog.index", "Library"), ("you", "profile.edit", "You"))
COACH_TAB = ("coach", "coach.conversation", "Coach")

# Line icons for the navigation, 24 x 24, drawn in the text colour (aria-hidden: the words name the link).
ICONS = {
    "home": '<path d="M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z"/>',
    "plan": '<path d="M7 3v3M17 3v3M4 9h16M5 5h14a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z"/>',
    "progress": '<path d="M5 20v-8M12 20V5M19 20v-5"/>',
    "library": '<path d="M5 4.5A1.5 1.5 0 0 1 6.5 3H19v15H6.5A1.5 1.5 0 0 0 5 19.5zM5 19.5A1.5 1.5 0 0 0 6.5 21H19"/>',
    "you": '<path d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0"/>',
    "coach": '<path d="M4 5h16v11H9l-5 4z"/>',
    "bell": '<path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0"/>',
}


def tabs(with_coach=False):
    """(section, endpoint, words) of the main navigation; the coach among them when it is on."""
    return [*TABS[:4], COACH_TAB, TABS[4]] if with_coach else list(TABS)


def icon(name):
    """A navigation icon as inline SVG (fixed markup from ICONS, nothing from a request)."""
    svg = ('<svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" '
           f'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{ICONS[name]}</svg>')
    # Safe markup: the path data are constants in this module, nothing comes from a request.
    return Markup(svg)  # nosec B704


def section():
    """The main section of the page being drawn ("home", "plan", …), or None."""
    endpoint = request.endpoint or ""
    blueprint = endpoint.split(".")[0]
    for name, owners in SECTIONS.items():
        if endpoint in owners:
            return name
    for name, owners in SECTIONS.items():
        if blueprint in owners:
            return name
    return None


def init_app(app):
    app.jinja_env.globals.update(static_url=static_url, selected=selected, vocab=v, label=v.label,
                                 region_label=v.region_label, theme_colour=THEME_COLOUR, action_form=action_form,
                                 section=section, tabs=tabs, icon=icon)
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["day"] = day_words
    app.jinja_env.filters["plan_date"] = day_words  # the plan pages' older name for it
    app.jinja_env.filters["moment"] = moment_words
    app.jinja_env.filters["label"] = v.label
    app.jinja_env.filters["region_label"] = v.region_label

    oidc_name = app.config["OIDC_NAME"] if app.config["OIDC_CLIENT_ID"] else None

    @app.context_processor
    def _context():
        # Every page carries the CSRF token (meta tag, htmx header, forms); pages that don't show it
        # (the offline shell) never touch the session, so they can't race a sign-in's cookie.
        return {"oidc_name": oidc_name, "csrf": _CSRF}
