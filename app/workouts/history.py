"""History queries: a person's finished workouts, their streak, what the Progress page charts, and
deleting a mistaken log."""
import datetime as dt

from ..db import Prepared, db
from ..models import WorkoutLog
from . import progress

_days = Prepared("workout_days", lambda account_id: (
    WorkoutLog.select(WorkoutLog.local_date).distinct().where(WorkoutLog.account == account_id)
    .order_by(WorkoutLog.local_date.desc()).limit(400)))
_recent = Prepared("recent_workouts", lambda account_id, limit: (
    WorkoutLog.select().where(WorkoutLog.account == account_id).order_by(WorkoutLog.finished_at.desc()).limit(limit)))


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


def recent(account_id, limit=50):
    return _recent(account_id, limit)


_charted = Prepared("charted_workouts", lambda account_id: (
    WorkoutLog.select(WorkoutLog.local_date, WorkoutLog.kind, WorkoutLog.seconds_done, WorkoutLog.exercise_ids,
                      WorkoutLog.pain, WorkoutLog.pain_area, WorkoutLog.rating)
    .where(WorkoutLog.account == account_id).order_by(WorkoutLog.local_date)))


def charted(account_id):
    """Every finished workout of a person, as progress.Log (what the charts need, nothing else)."""
    return [progress.Log(row.local_date, row.kind, row.seconds_done, tuple(row.exercise_ids or ()), row.pain,
                         row.pain_area, row.rating) for row in _charted(account_id)]


def delete(account_id, log_id):
    """Delete one of the person's own logs (a mistake); None when it isn't theirs or doesn't exist."""
    with db.atomic():
        row = WorkoutLog.get_or_none((WorkoutLog.id == log_id) & (WorkoutLog.account == account_id))
        if row is None:
            return None
        row.delete_instance()
    return row
