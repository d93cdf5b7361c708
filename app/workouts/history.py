"""History queries: a person's finished workouts, their streak, what the Progress page charts, and
deleting a mistaken log."""
import datetime as dt
import json

from peewee import fn

from ..db import Prepared, db
from ..models import WorkoutLog
from . import progress

_days = Prepared("workout_days", lambda account_id: (
    WorkoutLog.select(WorkoutLog.local_date).distinct().where(WorkoutLog.account == account_id)
    .order_by(WorkoutLog.local_date.desc()).limit(400)))
# The Progress page's list: only what it shows (not the exercise lists, the largest columns of a log).
_recent = Prepared("recent_workouts", lambda account_id, limit: (
    WorkoutLog.select(WorkoutLog.id, WorkoutLog.routine, WorkoutLog.title, WorkoutLog.kind, WorkoutLog.local_date,
                      WorkoutLog.finished_at, WorkoutLog.seconds_done, WorkoutLog.ended_early,
                      WorkoutLog.stopped_for_safety, WorkoutLog.rating, WorkoutLog.pain, WorkoutLog.pain_area,
                      WorkoutLog.note)
    .where(WorkoutLog.account == account_id).order_by(WorkoutLog.finished_at.desc(), WorkoutLog.id.desc())
    .limit(limit)))


def streak(account_id, today=None):
    """Days in a row with at least one workout, ending today or yesterday."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    days = [row.local_date for row in _days(account_id)]
    if not days or days[0] < today - dt.timedelta(days=1):
        return 0  # local dates run up to a day ahead of UTC, so "yesterday" still counts
    count, expected = 0, days[0]
    for day in days:
        if day != expected:
            break
        count += 1
        expected = day - dt.timedelta(days=1)
    return count


def moved_today(account_id, today=None):
    """Has the person logged a session today (their latest local date is today or later)?"""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    rows = _days(account_id)
    return bool(rows) and rows[0].local_date >= today


PAGE = 20  # sessions per page of the Progress list; "Show earlier sessions" asks for the next


def recent(account_id, limit=PAGE, before=None):
    """A page of the person's sessions, newest first, and whether there are more. ``before``: a log id of
    theirs; the page then starts after it (in the same order), so sessions synced meanwhile never shift
    a page. None when ``before`` isn't one of their logs."""
    if before is None:
        rows = _recent(account_id, limit + 1)
    else:
        mark = (WorkoutLog.select(WorkoutLog.finished_at)
                .where((WorkoutLog.id == before) & (WorkoutLog.account == account_id)).first())
        if mark is None:
            return None
        rows = list(_recent.build(account_id, limit + 1).where(
            (WorkoutLog.finished_at < mark.finished_at)
            | ((WorkoutLog.finished_at == mark.finished_at) & (WorkoutLog.id < before))))
    return rows[:limit], len(rows) > limit


_charted = Prepared("charted_workouts", lambda account_id, since: (
    WorkoutLog.select(WorkoutLog.local_date, WorkoutLog.kind, WorkoutLog.seconds_done, WorkoutLog.exercise_ids,
                      WorkoutLog.pain, WorkoutLog.pain_area, WorkoutLog.rating)
    .where((WorkoutLog.account == account_id) & (WorkoutLog.local_date >= since)).order_by(WorkoutLog.local_date)))
_totals = Prepared("workout_totals", lambda account_id: (
    WorkoutLog.select(WorkoutLog.local_date, fn.COUNT(WorkoutLog.id), fn.SUM(WorkoutLog.seconds_done))
    .where(WorkoutLog.account == account_id).group_by(WorkoutLog.local_date)))


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite: text; PostgreSQL: a date


def charted(account_id, today):
    """What the Progress page draws: the sessions of the charts' weeks up to ``today`` (or a little
    more), as progress.Log, and the totals of all of them (progress.Totals), counted per day by the
    database.

    Read raw and converted here: someone who has stretched every day for two years has 730 rows,
    and peewee's per-row conversion was most of the page's time (bench/progress.py). The exercise
    ids (JSON text) are read only for the body map's weeks."""
    since, areas_since = progress.charted_since(today), today - dt.timedelta(days=progress.AREA_DAYS)
    logs = []
    for day, kind, seconds, ids, pain, area, rating in _charted.raw(account_id, since):
        day = _date(day)
        wanted = ids and ids != "[]" and day >= areas_since
        logs.append(progress.Log(day, kind, seconds, tuple(json.loads(ids)) if wanted else (), pain, area, rating))
    per_day = [(_date(day), count, seconds) for day, count, seconds in _totals.raw(account_id)]
    totals = progress.Totals(frozenset(day for day, _, _ in per_day), sum(count for _, count, _ in per_day),
                             sum(seconds or 0 for _, _, seconds in per_day))
    return logs, totals


def delete(account_id, log_id):
    """Delete one of the person's own logs (a mistake); None when it isn't theirs or doesn't exist."""
    with db.atomic():
        row = WorkoutLog.get_or_none((WorkoutLog.id == log_id) & (WorkoutLog.account == account_id))
        if row is None:
            return None
        row.delete_instance()
    return row
