"""The Insights page's counts, grouped in SQL the same way on SQLite and PostgreSQL.

People are counted with COUNT(DISTINCT account). Only two queries read rows rather than counts: the
JSON lists of skipped and swapped exercises (TEXT columns), read over the last 28 days, only the
columns needed and only the rows that list something, and reduced at once to counts per exercise.
Eleven queries a page view, each bounded by an indexed time column (or a table of one row per person).
"""
import datetime as dt
import json

from peewee import OP, SQL, Case, Expression, Value, fn

from ..db import db
from ..models import Account, AiJob, ReminderSend, ReminderSetting, RoutineRecord, WorkoutLog
from .figures import Count, Tallies, tally

WINDOW = dt.timedelta(days=28)
DAYS = 14   # people active per day
WEEKS = 8   # people active per week
# JSONField writes compact JSON: a non-empty "swapped_out" list and a fallback reason read like this.
SWAPPED = '%"swapped_out":["%'
FALLBACK = '%"fallback_reason":"%'


def _people(who, condition=None):
    """COUNT(DISTINCT who), over the rows that meet ``condition`` when it is given."""
    return fn.COUNT((who if condition is None else Case(None, [(condition, who)])).distinct())


def _times(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _counts(values):
    """A row of (times, people) pairs -> [Count]; SUM over no rows is NULL."""
    return [Count(values[i] or 0, values[i + 1] or 0) for i in range(0, len(values), 2)]


def _one(query):
    return next(iter(query.tuples()))


def _decoded(query):
    """(person, decoded JSON, …) rows. Read raw: peewee's per-row conversion would cost more than the decoding."""
    return [(person, json.loads(text), *rest) for person, text, *rest in db.execute(query)]


def _like(column, pattern):
    """A narrowing (rows are checked once decoded): LIKE on SQLite (peewee's LIKE there is GLOB), ILIKE on
    PostgreSQL, the pattern sent as it is rather than through the JSON column's conversion."""
    return Expression(column, OP.ILIKE, Value(pattern, converter=False))


def gather(now):
    """Every count on the page, for the 28 days (and the 14 days, 8 weeks) up to ``now`` (UTC)."""
    today, since = now.date(), now - WINDOW
    t = Tallies(today=today)
    _accounts(t, since)
    _activity(t, today)
    _sessions(t, since)
    _routines(t, since)
    _reminders(t, since)
    return t


def _accounts(t, since):
    total, new = _one(Account.select(fn.COUNT(Account.id), _times(Account.created_at >= since)))
    t.accounts, t.new_accounts = Count(total, total), Count(new or 0, new or 0)


def _activity(t, today):
    """People with a session on each of the last DAYS days and in each of the last WEEKS weeks (their own dates)."""
    log = WorkoutLog
    first_day = today - dt.timedelta(days=DAYS - 1)
    first_monday = today - dt.timedelta(days=today.weekday(), weeks=WEEKS - 1)
    mondays = [first_monday + dt.timedelta(weeks=i) for i in range(WEEKS)]

    def within(first):  # finished_at (indexed) narrows it: a local date is at most a day from the UTC one
        start = dt.datetime.combine(first, dt.time()) - dt.timedelta(days=1)
        return (log.finished_at >= start) & (log.local_date >= first) & (log.local_date <= today)

    per_day = dict(log.select(log.local_date, _people(log.account)).where(within(first_day))
                   .group_by(log.local_date).tuples())
    t.days = [(first_day + dt.timedelta(days=i), per_day.get(first_day + dt.timedelta(days=i), 0)) for i in range(DAYS)]
    week = Case(None, [(log.local_date >= monday, i) for i, monday in reversed(list(enumerate(mondays)))])
    # GROUP BY the select's first column: PostgreSQL can't match a repeated expression holding parameters.
    per_week = dict(log.select(week, _people(log.account)).where(within(first_monday)).group_by(SQL("1")).tuples())
    t.weeks = [(monday, per_week.get(i, 0)) for i, monday in enumerate(mondays)]


def _sessions(t, since):
    log = WorkoutLog
    recent = log.finished_at >= since
    early, safety, pain = log.ended_early, log.stopped_for_safety, log.pain != "none"
    t.logged, t.finished, t.ended_early, t.stopped, t.pained = _counts(_one(log.select(
        fn.COUNT(log.id), _people(log.account),
        _times(~early), _people(log.account, ~early), _times(early), _people(log.account, early),
        _times(safety), _people(log.account, safety), _times(pain), _people(log.account, pain)).where(recent)))
    by_area = (log.select(log.pain_area, _times(safety), _people(log.account, safety), _times(pain),
                          _people(log.account, pain)).where(recent & (safety | pain)).group_by(log.pain_area))
    for area, *values in by_area.tuples():
        t.stopped_areas[area], t.pain_areas[area] = _counts(values)
    t.skipped = tally(_decoded(log.select(log.account, log.skipped_ids)
                               .where(recent & (log.skipped_ids != Value("[]", converter=False)))))


def _routines(t, since):
    routine, job = RoutineRecord, AiJob
    recent = routine.created_at >= since
    t.routines = Count(*_one(routine.select(fn.COUNT(routine.id), _people(routine.account)).where(recent)))
    has_job = fn.EXISTS(job.select(job.id).where(job.routine == routine.id))
    rows = _decoded(routine.select(routine.account, routine.data, has_job)
                    .where(recent & (_like(routine.data, SWAPPED) | _like(routine.data, FALLBACK))))
    t.swapped = tally((person, data.get("swapped_out")) for person, data, _ in rows)
    # Asked for the AI, but it was switched off, not set up or the day's allowance was used: no job was made.
    not_asked = [person for person, data, asked in rows if data.get("fallback_reason") and not asked]
    t.not_asked = Count(len(not_asked), len(set(not_asked)))
    done, fallback, failed = job.status == "done", job.status == "fallback", job.status == "failed"
    busy = job.status.in_(("queued", "running"))
    counts = _counts(_one(job.select(
        fn.COUNT(job.id), _people(job.account), _times(done), _people(job.account, done), _times(fallback),
        _people(job.account, fallback), _times(failed), _people(job.account, failed), _times(busy),
        _people(job.account, busy)).where(job.created_at >= since)))
    t.jobs = dict(zip(("asked", "done", "fallback", "failed", "busy"), counts))


def _reminders(t, since):
    s = ReminderSetting  # one row per person: a count of rows is a count of people
    on = s.enabled
    values = _one(s.select(_times(on), _times(on & s.by_push), _times(on & s.by_email), _times(on & s.in_app),
                           _times(s.weekly_summary)))
    on_people, *channels = (value or 0 for value in values)
    t.reminders_on = Count(on_people, on_people)
    t.channels = {key: Count(n, n) for key, n in zip(("push", "email", "in_app", "weekly"), channels)}
    send = ReminderSend
    tapped, untapped = send.opened_at.is_null(False), send.opened_at.is_null()
    # Daily reminders only: the weekly summary is an e-mail whose opening isn't recorded.
    t.sent, t.tapped, t.untapped = _counts(_one(send.select(
        fn.COUNT(send.id), _people(send.account), _times(tapped), _people(send.account, tapped), _times(untapped),
        _people(send.account, untapped))
        .where((send.kind == "daily") & (send.status == "sent") & (send.sent_at >= since))))
