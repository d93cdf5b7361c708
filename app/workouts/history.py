"""History queries: a person's sessions and their streak."""
import datetime as dt

from ..db import Prepared
from ..models import SessionLog

_days = Prepared(lambda account_id: (
    SessionLog.select(SessionLog.local_date).distinct().where(SessionLog.account == account_id)
    .order_by(SessionLog.local_date.desc()).limit(400)))
_recent = Prepared(lambda account_id, limit: (
    SessionLog.select().where(SessionLog.account == account_id).order_by(SessionLog.finished_at.desc()).limit(limit)))


def streak(account_id, today=None):
    """Days in a row with at least one session, ending today or yesterday."""
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
