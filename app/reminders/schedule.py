"""When a reminder is due, in the person's own time zone. Pure: no Flask, no database.

Times in and out are naive UTC (as every table stores them); days and minutes are the person's
own: ``days`` are "mon".."sun" and ``at_minute`` counts minutes after their local midnight. A
local time that a daylight-saving change skips (02:30 on the spring-forward night) is sent at the
same wall-clock offset after the change, and one that happens twice is sent the first time
(zoneinfo's ``fold=0``): either way once, on that date.
"""
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LATE_AFTER = dt.timedelta(minutes=30)  # a reminder later than this is skipped, never sent at midnight
WEEKLY_DAY = "sun"  # the weekly summary goes out on Sunday, at the reminder time
WEEKLY_MINUTE = 18 * 60  # …or at 18:00 for someone who set no reminder days


def zone(name):
    """The time zone called ``name``, or None when there is no such zone."""
    if not isinstance(name, str) or not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_names():
    """Every IANA zone name, sorted, for the settings form's list."""
    return sorted(available_timezones())


def _utc(moment):
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _local(utc_naive, tz):
    return utc_naive.replace(tzinfo=dt.timezone.utc).astimezone(tz)


def local_date(utc_naive, tz_name):
    """The person's calendar date at that UTC moment."""
    return _local(utc_naive, zone(tz_name) or dt.timezone.utc).date()


def at(date, minute, tz):
    """``minute`` past local midnight on ``date`` in ``tz``, as naive UTC."""
    wall = dt.datetime.combine(date, dt.time(minute // 60, minute % 60))
    moment = wall.replace(tzinfo=tz)
    # A wall time that doesn't exist (skipped by a DST change) comes back from the round trip moved.
    return _utc(moment)


def next_due(days, minute, tz_name, after):
    """The first reminder strictly after ``after`` (naive UTC) on one of ``days`` at ``minute``
    local time, as naive UTC; None when no day is chosen or the zone is unknown."""
    tz = zone(tz_name)
    wanted = {DAYS.index(d) for d in days if d in DAYS}
    if tz is None or not wanted or not 0 <= minute < 24 * 60:
        return None
    start = _local(after, tz).date() - dt.timedelta(days=1)  # a day back: the zone may be behind UTC
    for offset in range(9):
        date = start + dt.timedelta(days=offset)
        if date.weekday() in wanted:
            moment = at(date, minute, tz)
            if moment > after:
                return moment
    return None  # unreachable with at least one day chosen


def next_weekly(minute, tz_name, after):
    """The next weekly summary after ``after``: Sunday at ``minute`` local time (naive UTC)."""
    return next_due((WEEKLY_DAY,), minute, tz_name, after)


def quiet(minute, start, end):
    """Is ``minute`` past local midnight inside the quiet hours [start, end)? An overnight window
    (22:00 to 07:00) wraps past midnight; no window, or start == end, is never quiet."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def late(due, now):
    """Is a reminder due at ``due`` too late to send at ``now``? (Both naive UTC.)"""
    return now - due > LATE_AFTER


def minute_of(text):
    """"07:30" → 450; None for anything that isn't a 24-hour HH:MM time."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        return None
    hours, minutes = text[:2], text[3:]
    if not (hours.isdigit() and minutes.isdigit()):
        return None
    h, m = int(hours), int(minutes)
    return h * 60 + m if h < 24 and m < 60 else None


def clock(minute):
    """450 → "07:30"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"
