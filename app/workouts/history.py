"""History queries: a person's finished workouts and their streak."""
import datetime as dt

from ..db import Prepared
from ..models import WorkoutLog

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
