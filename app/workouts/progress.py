"""The numbers behind the Progress page, from a person's finished workouts. Pure: no Flask, no database.

Every date is the person's own local date (``local_date``, as the player recorded it), so a session
done at 23:30 in Sydney counts for that Sydney day, whatever the server's clock says.
"""
import datetime as dt
from collections import Counter
from dataclasses import dataclass

WEEKS = 12          # the calendar and the weekly charts
AREA_DAYS = 28      # the body map: the last four weeks
KINDS = ("warmup", "cooldown", "flexibility", "mobility")
RATINGS = ("too_easy", "about_right", "too_hard")


@dataclass(frozen=True)
class Log:
    """What the charts need of one finished workout."""

    local_date: dt.date
    kind: str
    seconds: int
    exercise_ids: tuple = ()
    pain: str = "none"
    pain_area: str | None = None
    rating: str | None = None


def monday(day):
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Totals:
    """All of a person's sessions, counted without reading each one: every date they moved, the number
    of sessions and their seconds."""

    dates: frozenset
    sessions: int
    seconds: int


def charted_since(today):
    """The first date whose sessions the charts draw (the calendar's first Monday): older ones count
    only in the totals."""
    return monday(today) - dt.timedelta(weeks=WEEKS - 1)


def summary(logs, today, main_target, totals=None):
    """Everything the Progress page draws. ``main_target``: exercise id -> its main target region.
    ``logs`` may be only those from ``charted_since(today)`` on when ``totals`` counts them all."""
    first = monday(today) - dt.timedelta(weeks=WEEKS - 1)
    weeks = [first + dt.timedelta(weeks=i) for i in range(WEEKS)]
    per_day = Counter()
    per_week = {week: Counter() for week in weeks}
    pain = {week: Counter() for week in weeks}
    ratings = {week: Counter() for week in weeks}
    areas = Counter()
    for log in logs:
        minutes = log.seconds / 60
        per_day[log.local_date] += minutes
        week = monday(log.local_date)
        if week in per_week:
            per_week[week][log.kind if log.kind in KINDS else "mobility"] += minutes
            if log.pain != "none":
                pain[week][log.pain_area or "unsaid"] += 1
            if log.rating in RATINGS:
                ratings[week][log.rating] += 1
        if 0 <= (today - log.local_date).days < AREA_DAYS and log.exercise_ids:
            share = minutes / len(log.exercise_ids)  # a session's time, shared among what it did
            for ident in log.exercise_ids:
                region = main_target.get(ident)
                if region and region != "full_body":
                    areas[region] += share
    days = [[(week + dt.timedelta(days=d), per_day.get(week + dt.timedelta(days=d), 0.0)
              if week + dt.timedelta(days=d) <= today else None) for d in range(7)] for week in weeks]
    if totals is None:
        totals = Totals(frozenset(log.local_date for log in logs), len(logs), sum(log.seconds for log in logs))
    current, longest = streaks(totals.dates, today)
    return {"weeks": weeks, "days": days, "per_week": per_week, "areas": areas, "pain": pain,
            "ratings": ratings, "streak": current, "longest": longest, "sessions": totals.sessions,
            "minutes": round(totals.seconds / 60)}


def streaks(dates, today):
    """(current, longest): days in a row with a session; the current run may end today or yesterday."""
    longest = run = 0
    previous = None
    for day in sorted(dates):
        run = run + 1 if previous is not None and day - previous == dt.timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and (today - previous).days <= 1 else 0
    return current, longest


def level(value, top):
    """0 (nothing) … 4 (the most): how dark a cell or area is drawn, against the busiest one."""
    if not value:
        return 0
    return min(4, 1 + int(3 * value / top)) if top else 1


def untouched(areas, regions):
    """The regions with no time at all in the body map's weeks, in ``regions``' order."""
    return [region for region in regions if not areas.get(region)]
