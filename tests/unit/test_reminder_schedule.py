"""When a reminder is due: local days and times, time zones, daylight saving, quiet hours, lateness."""
import datetime as dt

from app.reminders import schedule


def utc(*args):
    return dt.datetime(*args)


def test_next_due_is_the_chosen_local_time_in_utc():
    # 07:30 in Madrid in winter (UTC+1) is 06:30 UTC.
    assert schedule.next_due(["mon", "wed"], 7 * 60 + 30, "Europe/Madrid", utc(2026, 11, 30, 5, 0)) == \
        utc(2026, 11, 30, 6, 30)  # a Monday


def test_next_due_moves_past_now_and_skips_unchosen_days():
    after = utc(2026, 11, 30, 6, 30)  # exactly the Monday reminder: the next is Wednesday's
    assert schedule.next_due(["mon", "wed"], 450, "Europe/Madrid", after) == utc(2026, 12, 2, 6, 30)


def test_a_zone_ahead_of_utc_can_be_due_on_the_previous_utc_day():
    # Monday 06:00 in Auckland (UTC+13 in summer) is Sunday 17:00 UTC.
    assert schedule.next_due(["mon"], 6 * 60, "Pacific/Auckland", utc(2026, 11, 29, 12, 0)) == utc(2026, 11, 29, 17, 0)


def test_a_zone_behind_utc_is_due_on_the_next_utc_day():
    # Sunday 21:00 in Los Angeles (UTC-8) is Monday 05:00 UTC.
    assert schedule.next_due(["sun"], 21 * 60, "America/Los_Angeles", utc(2026, 11, 29, 12, 0)) == \
        utc(2026, 11, 30, 5, 0)


def test_daylight_saving_keeps_the_local_time():
    # London: 08:00 is 08:00 UTC in March before the change and 07:00 UTC after it (29 March 2026).
    before = schedule.next_due(["sat"], 8 * 60, "Europe/London", utc(2026, 3, 27, 0, 0))
    after = schedule.next_due(["mon"], 8 * 60, "Europe/London", utc(2026, 3, 29, 12, 0))
    assert (before, after) == (utc(2026, 3, 28, 8, 0), utc(2026, 3, 30, 7, 0))


def test_a_time_skipped_by_the_clocks_going_forward_is_still_sent_once_that_day():
    # 01:30 doesn't exist in London on 29 March 2026: it is sent at 01:30 UTC (02:30 BST), once.
    due = schedule.next_due(["sun"], 90, "Europe/London", utc(2026, 3, 28, 12, 0))
    assert due == utc(2026, 3, 29, 1, 30)
    assert schedule.local_date(due, "Europe/London") == dt.date(2026, 3, 29)
    assert schedule.next_due(["sun"], 90, "Europe/London", due) == utc(2026, 4, 5, 0, 30)


def test_a_time_that_happens_twice_is_sent_the_first_time():
    # 01:30 happens twice in London on 25 October 2026: the first is 00:30 UTC (BST).
    due = schedule.next_due(["sun"], 90, "Europe/London", utc(2026, 10, 24, 12, 0))
    assert due == utc(2026, 10, 25, 0, 30)
    assert schedule.next_due(["sun"], 90, "Europe/London", due) == utc(2026, 11, 1, 1, 30)


def test_no_days_or_an_unknown_zone_means_nothing_is_due():
    assert schedule.next_due([], 450, "Europe/Madrid", utc(2026, 11, 30)) is None
    assert schedule.next_due(["mon"], 450, "Mars/Olympus_Mons", utc(2026, 11, 30)) is None
    assert schedule.next_due(["mon"], 24 * 60, "UTC", utc(2026, 11, 30)) is None


def test_zone_names_are_checked_not_opened_as_paths():
    assert schedule.zone("Europe/Paris") is not None
    for bad in ("../../etc/passwd", "/etc/localtime", "", None, "x" * 65, "Nowhere/Town"):
        assert schedule.zone(bad) is None


def test_the_weekly_summary_is_on_sunday():
    due = schedule.next_weekly(18 * 60, "Europe/Berlin", utc(2026, 12, 3, 12, 0))  # a Thursday
    assert due == utc(2026, 12, 6, 17, 0)


def test_quiet_hours_in_the_day_and_overnight():
    assert schedule.quiet(13 * 60, 12 * 60, 14 * 60)
    assert not schedule.quiet(14 * 60, 12 * 60, 14 * 60)
    assert schedule.quiet(23 * 60, 22 * 60, 7 * 60) and schedule.quiet(6 * 60, 22 * 60, 7 * 60)
    assert not schedule.quiet(8 * 60, 22 * 60, 7 * 60)
    assert not schedule.quiet(8 * 60, None, None) and not schedule.quiet(8 * 60, 60, 60)


def test_more_than_thirty_minutes_late_is_skipped():
    due = utc(2026, 12, 3, 7, 0)
    assert not schedule.late(due, due + dt.timedelta(minutes=30))
    assert schedule.late(due, due + dt.timedelta(minutes=31))


def test_clock_text_both_ways():
    assert schedule.minute_of("07:30") == 450 and schedule.clock(450) == "07:30"
    for bad in ("7:30", "24:00", "12:60", "ab:cd", "", None, "07:30:00"):
        assert schedule.minute_of(bad) is None
