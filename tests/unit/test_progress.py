"""The numbers behind the Progress page (app.workouts.progress): local dates, week boundaries, streaks,
the body map's share of a session, and the charts' words."""
import datetime as dt

from app.workouts import charts, progress
from app.workouts.progress import Log

TODAY = dt.date(2026, 12, 3)  # a Thursday
MAIN = {"calf-stretch": "calves", "hip-flexor": "hip_flexors", "jacks": "full_body"}


def test_a_session_counts_on_the_persons_own_day_and_week():
    # 23:30 on Sunday 29 Nov in Sydney is Sunday there (the player recorded local_date): last week.
    late = Log(dt.date(2026, 11, 29), "cooldown", 600)
    early = Log(dt.date(2026, 11, 30), "warmup", 480)  # Monday: this week
    n = progress.summary([late, early], TODAY, MAIN)
    assert n["weeks"][-1] == dt.date(2026, 11, 30) and n["weeks"][0] == dt.date(2026, 9, 14)
    assert n["per_week"][dt.date(2026, 11, 23)]["cooldown"] == 10
    assert n["per_week"][dt.date(2026, 11, 30)]["warmup"] == 8
    calendar = {day: minutes for week in n["days"] for day, minutes in week}
    assert calendar[dt.date(2026, 11, 29)] == 10 and calendar[dt.date(2026, 11, 30)] == 8
    assert calendar[TODAY] == 0 and calendar[dt.date(2026, 12, 4)] is None  # tomorrow isn't drawn
    assert len(n["days"]) == 12 and all(len(week) == 7 for week in n["days"])


def test_older_than_twelve_weeks_counts_in_the_totals_but_not_the_charts():
    old = Log(dt.date(2026, 1, 5), "mobility", 300)
    n = progress.summary([old], TODAY, MAIN)
    assert n["sessions"] == 1 and n["minutes"] == 5
    assert sum(sum(week.values()) for week in n["per_week"].values()) == 0


def test_the_body_map_shares_a_session_among_what_it_did_for_four_weeks():
    both = Log(TODAY - dt.timedelta(days=27), "cooldown", 600, ("calf-stretch", "hip-flexor"))
    too_old = Log(TODAY - dt.timedelta(days=28), "cooldown", 600, ("calf-stretch",))
    whole = Log(TODAY, "warmup", 600, ("jacks",))  # full body is no one area
    n = progress.summary([both, too_old, whole], TODAY, MAIN)
    assert n["areas"] == {"calves": 5, "hip_flexors": 5}
    assert progress.untouched(n["areas"], ["calves", "hips", "hip_flexors"]) == ["hips"]


def test_pain_and_feelings_are_counted_week_by_week():
    logs = [Log(TODAY, "warmup", 60, pain="mild", pain_area="knees", rating="too_hard"),
            Log(TODAY, "warmup", 60, pain="stopped", rating="about_right"),
            Log(TODAY, "warmup", 60)]
    n = progress.summary(logs, TODAY, MAIN)
    week = n["weeks"][-1]
    assert n["pain"][week] == {"knees": 1, "unsaid": 1}
    assert n["ratings"][week] == {"too_hard": 1, "about_right": 1}


def test_streaks_current_ends_today_or_yesterday_and_longest_is_the_best_run():
    days = {TODAY - dt.timedelta(days=d) for d in (1, 2, 3, 10, 11, 12, 13, 14)}
    assert progress.streaks(days, TODAY) == (3, 5)
    assert progress.streaks(days, TODAY + dt.timedelta(days=2)) == (0, 5)  # the run is broken
    assert progress.streaks(set(), TODAY) == (0, 0)


def test_levels_shade_against_the_busiest_and_nothing_is_blank():
    assert [progress.level(v, 40) for v in (0, 1, 13, 27, 40)] == [0, 1, 1, 3, 4]


def test_the_charts_carry_words_for_every_mark_and_no_inline_style():
    logs = [Log(TODAY - dt.timedelta(days=d), "warmup", 480, ("calf-stretch",), rating="about_right")
            for d in range(10)]
    n = progress.summary(logs, TODAY, MAIN)
    drawn = [charts.calendar(n["days"]),
             charts.weekly(n["weeks"], n["per_week"], {k: k.title() for k in progress.KINDS}),
             charts.body_map(n["areas"], {r: r.title() for r in {*charts.FRONT, *charts.BACK}}),
             charts.per_week_counts(n["weeks"], n["ratings"], progress.RATINGS, {r: r for r in progress.RATINGS},
                                    "How sessions felt")]
    assert 'aria-label="Calendar of the last 12 weeks: 10 days with a session"' in drawn[0]
    assert "<title>Thu 3 Dec: 8 min</title>" in drawn[0]
    assert "80 min in all" in drawn[1] and "Calves: 80 min" in drawn[2] and "10 in all" in drawn[3]
    assert all("style=" not in svg and "<script" not in svg for svg in drawn)


def test_the_weekly_chart_draws_any_week_however_many_minutes():
    """Found by bench/scale.py: a week past 2,400 minutes (a phone that synced the same hours many times)
    had no grid step and the Progress page was a 500."""
    from app.workouts.charts import _ticks

    for top in (5, 19, 20, 21, 599, 2400, 2401, 9000, 123456):
        marks = _ticks(top)
        assert 1 <= len(marks) <= 4 and marks[-1] <= top and all(m % 5 == 0 for m in marks), (top, marks)
    assert _ticks(0) == [] and _ticks(4) == []  # under 5 minutes: no line to draw
