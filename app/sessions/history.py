"""History queries: a person's sessions and their streak."""
import datetime as dt

from ..models import SessionLog


def streak(account_id, today=None):
    """Days in a row with at least one session, ending today or yesterday."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    days = [row.local_date for row in SessionLog.select(SessionLog.local_date).distinct()
            .where(SessionLog.account == account_id).order_by(SessionLog.local_date.desc()).limit(400)]
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
    return list(SessionLog.select().where(SessionLog.account == account_id)
                .order_by(SessionLog.finished_at.desc()).limit(limit))
