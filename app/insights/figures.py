"""What the Insights page may show of its counts. Pure: no Flask, no database.

Every figure is a count over people. One that fewer than MIN_GROUP distinct people are behind is shown
as TOO_FEW instead of its number, and so is any rate it is part of: no small group, and so no one
person, can be picked out. Lists (the most skipped exercises, the areas where it hurt) name only what
at least MIN_GROUP people share.
"""
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape

MIN_GROUP = 5
TOO_FEW = "too few"
TOP = 10  # rows of a "most …" list
CHANNELS = {"push": "By push", "email": "By e-mail", "in_app": "In the app", "weekly": "Weekly summary e-mail"}


@dataclass(frozen=True)
class Count:
    """How many things (sessions, routines, reminders …) and how many distinct people they came from."""

    count: int = 0
    people: int = 0


@dataclass(frozen=True)
class Row:
    """One line of a table: a number of things and of people, each a number or TOO_FEW."""

    label: str
    count: object
    people: object


@dataclass
class Tallies:
    """Everything app.insights.queries counts for one page view."""

    today: dt.date
    accounts: Count = Count()
    new_accounts: Count = Count()
    days: list = field(default_factory=list)   # [(date, people active)], oldest first
    weeks: list = field(default_factory=list)  # [(Monday, people active)], oldest first
    logged: Count = Count()
    finished: Count = Count()
    ended_early: Count = Count()
    stopped: Count = Count()
    pained: Count = Count()
    stopped_areas: dict = field(default_factory=dict)  # pain area (None: not said) -> Count
    pain_areas: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)  # exercise id -> Count (sessions, people)
    swapped: dict = field(default_factory=dict)  # exercise id -> Count (routines, people)
    routines: Count = Count()
    not_asked: Count = Count()  # built by the rules because the AI couldn't be asked
    jobs: dict = field(default_factory=dict)  # "asked", "done", "fallback", "failed", "busy" -> Count
    reminders_on: Count = Count()
    channels: dict = field(default_factory=dict)  # "push", "email", "in_app", "weekly" -> Count
    sent: Count = Count()
    tapped: Count = Count()
    untapped: Count = Count()


def enough(people):
    return people >= MIN_GROUP


def shown(count, people):
    """``count``, or TOO_FEW when fewer than MIN_GROUP people are behind it."""
    return count if enough(people) else TOO_FEW


def row(label, counted):
    return Row(label, shown(counted.count, counted.people), shown(counted.people, counted.people))


def split(parts):
    """Rows for counts that add up to a whole shown elsewhere (finished + ended early = logged).

    When only one part with somebody in it is hidden, the whole minus the others would give it away,
    so the smallest shown part is hidden with it.
    """
    hidden = {label for label, counted in parts.items() if not enough(counted.people)}
    if sum(1 for label in hidden if parts[label].people) == 1:
        visible = [label for label in parts if label not in hidden]
        if visible:
            hidden.add(min(visible, key=lambda label: (parts[label].count, parts[label].people)))
    return {label: Row(label, TOO_FEW, TOO_FEW) if label in hidden else row(label, counted)
            for label, counted in parts.items()}


def rate(part, whole):
    """``part.count`` as a share of ``whole.count`` ("62%"), or TOO_FEW unless both rows are shown."""
    if TOO_FEW in (part.count, whole.count) or not whole.count:
        return TOO_FEW
    return f"{round(100 * part.count / whole.count)}%"


def tally(pairs):
    """(person, list of keys) pairs, one per session or routine -> {key: Count(times, distinct people)}.

    A key listed twice in one session counts once; anything that isn't a list of strings is ignored.
    """
    times, people = Counter(), defaultdict(set)
    for person, keys in pairs:
        if not isinstance(keys, list):
            continue
        for key in {key for key in keys if isinstance(key, str)}:
            times[key] += 1
            people[key].add(person)
    return {key: Count(times[key], len(people[key])) for key in times}


def top(counts, name, limit=TOP):
    """Rows for the keys at least MIN_GROUP people share, most people first; the others are left out."""
    rows = [Row(name(key), counted.count, counted.people) for key, counted in counts.items() if enough(counted.people)]
    rows.sort(key=lambda r: (-r.people, -r.count, r.label))
    return rows[:limit]


def series(points, label):
    """[(date, people)] -> [(label, people or TOO_FEW)]."""
    return [(label(day), shown(people, people)) for day, people in points]


def day_label(day):
    return f"{day:%a} {day.day} {day:%b}"


def week_label(monday, today):
    so_far = " (so far)" if monday <= today < monday + dt.timedelta(weeks=1) else ""
    return f"Week of {monday.day} {monday:%b}{so_far}"


def bars(points, what):
    """A small SVG bar chart of [(label, value or TOO_FEW)]: a bar per number, a flat grey mark for "too few"."""
    width, height, bottom, left = 300, 120, 100, 4
    top_value = max((v for _, v in points if v != TOO_FEW), default=0)
    step = (width - left) / max(1, len(points))
    marks = []
    for i, (label, value) in enumerate(points):
        x = left + i * step + 1.5
        if value == TOO_FEW:
            h, css, words = 2, "cal-l0", f"{label}: {TOO_FEW}"
        else:
            h = (bottom - 6) * value / top_value if top_value else 0
            css, words = "cal-l3", f"{label}: {value} people"
        marks.append(f'<rect class="{css}" x="{x:.1f}" y="{bottom - h:.1f}" width="{step - 3:.1f}" '
                     f'height="{h:.1f}" rx="1"><title>{escape(words)}</title></rect>')
    if points:
        y = height - 6
        marks.append(f'<text class="chart-label" x="{left}" y="{y}">{escape(points[0][0])}</text>'
                     f'<text class="chart-label" x="{width}" y="{y}" text-anchor="end">{escape(points[-1][0])}</text>')
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(what)}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(marks)}</svg>')


def page(t, exercise_name, area_label):
    """Everything the page shows, every number already checked against MIN_GROUP."""
    def job(status):
        return t.jobs.get(status, Count())

    def area(key):
        return area_label(key) if key else "No area chosen"

    days = series(t.days, day_label)
    logged = row("Logged (started)", t.logged)
    sessions = split({"Finished": t.finished, "Ended early": t.ended_early})
    stopped = row("Stopped for safety", t.stopped)
    asked = row("Asked the AI for a routine", job("asked"))
    jobs = split({"Built by Claude": job("done"), "Fell back to Limber's rules": job("fallback"),
                  "Failed (nothing built)": job("failed"), "Still being built": job("busy")})
    accounts, active = row("Accounts", t.accounts), row("Active (logged a session)", t.logged)
    on = row("Reminders switched on", t.reminders_on)
    sent = row("Daily reminders sent", t.sent)
    taps = split({"Tapped": t.tapped, "Not tapped": t.untapped})
    return {
        "people": [accounts, row("New accounts", t.new_accounts), active], "active": active.people,
        "days": days, "days_chart": bars(days, f"People active each day, the last {len(days)} days"),
        "weeks": series(t.weeks, lambda monday: week_label(monday, t.today)),
        "sessions": [logged, *sessions.values()], "completion": rate(sessions["Finished"], logged),
        "safety": [stopped, row("Pain reported", t.pained)], "stop_rate": rate(stopped, logged),
        "stopped_areas": top(t.stopped_areas, area, limit=None), "pain_areas": top(t.pain_areas, area, limit=None),
        "skipped": top(t.skipped, exercise_name), "swapped": top(t.swapped, exercise_name),
        "routines": [row("Routines built (every way)", t.routines), asked, *jobs.values(),
                     row("Built by the rules without asking the AI", t.not_asked)],
        "ai_rate": rate(jobs["Built by Claude"], asked),
        "fallback_rate": rate(jobs["Fell back to Limber's rules"], asked),
        "reminders": [accounts, on, *(row(words, t.channels.get(key, Count())) for key, words in CHANNELS.items())],
        "opt_in": rate(on, accounts),
        "sends": [sent, *taps.values()], "tap_through": rate(taps["Tapped"], sent),
    }
