"""What the Insights page may show (app.insights.figures): fewer than MIN_GROUP people is "too few",
for a number, a rate, a row of a list, a day; a hidden part can't be worked out from the others."""
import datetime as dt

from app.insights import figures
from app.insights.figures import MIN_GROUP, TOO_FEW, Count, Row, Tallies

TODAY = dt.date(2026, 12, 3)  # a Thursday


def test_the_group_size_is_five():
    assert MIN_GROUP == 5


def test_a_number_four_people_are_behind_is_too_few_and_five_is_shown():
    assert figures.shown(40, 4) == TOO_FEW
    assert figures.shown(40, 5) == 40
    assert figures.shown(0, 0) == TOO_FEW  # "fewer than five" includes nobody
    assert figures.row("Stops", Count(9, 4)) == Row("Stops", TOO_FEW, TOO_FEW)
    assert figures.row("Stops", Count(9, 5)) == Row("Stops", 9, 5)


def test_a_rate_is_shown_only_when_both_of_its_numbers_are():
    whole = figures.row("Logged", Count(20, 10))
    assert figures.rate(figures.row("Finished", Count(15, 5)), whole) == "75%"
    assert figures.rate(figures.row("Finished", Count(15, 4)), whole) == TOO_FEW
    assert figures.rate(figures.row("Finished", Count(3, 5)), figures.row("Logged", Count(4, 4))) == TOO_FEW
    assert figures.rate(Row("Finished", 2, 5), Row("Logged", 3, 5)) == "67%"


def test_a_part_that_the_whole_would_give_away_is_hidden_with_the_smallest_other():
    parts = {"Finished": Count(30, 12), "Ended early": Count(3, 2)}
    rows = figures.split(parts)
    assert rows["Ended early"] == Row("Ended early", TOO_FEW, TOO_FEW)
    assert rows["Finished"] == Row("Finished", TOO_FEW, TOO_FEW)  # else logged − finished = ended early
    assert figures.rate(rows["Finished"], figures.row("Logged", Count(33, 12))) == TOO_FEW

    both = figures.split({"Finished": Count(30, 12), "Ended early": Count(6, 5)})
    assert [(r.count, r.people) for r in both.values()] == [(30, 12), (6, 5)]

    nobody = figures.split({"Finished": Count(30, 12), "Ended early": Count(0, 0)})  # nothing to give away
    assert nobody["Finished"] == Row("Finished", 30, 12) and nobody["Ended early"].count == TOO_FEW

    two = figures.split({"a": Count(40, 20), "b": Count(8, 6), "c": Count(2, 1), "d": Count(3, 2)})
    assert two["a"].count == 40 and two["b"].count == 8  # two hidden already: their sum names no one
    one = figures.split({"a": Count(40, 20), "b": Count(8, 6), "c": Count(2, 1), "d": Count(0, 0)})
    assert one["a"].count == 40 and one["b"].count == TOO_FEW


def test_tally_counts_distinct_people_per_key():
    pairs = [(1, ["lunge", "lunge", "squat"]), (1, ["lunge"]), (2, ["lunge"]), (3, "not a list"), (4, [7, "squat"])]
    assert figures.tally(pairs) == {"lunge": Count(3, 2), "squat": Count(2, 2)}


def test_a_top_list_names_only_what_five_people_share():
    counts = {"lunge": Count(12, 5), "squat": Count(30, 4), "plank": Count(9, 7), "bridge": Count(5, 5)}
    rows = figures.top(counts, str.upper)
    assert [(r.label, r.people, r.count) for r in rows] == [("PLANK", 7, 9), ("LUNGE", 5, 12), ("BRIDGE", 5, 5)]
    assert figures.top(counts, str.upper, limit=1) == [Row("PLANK", 9, 7)]
    assert figures.top({"squat": Count(30, 4)}, str) == []


def test_each_day_with_fewer_than_five_people_is_too_few():
    points = [(TODAY - dt.timedelta(days=1), 4), (TODAY, 5)]
    assert figures.series(points, figures.day_label) == [("Wed 2 Dec", TOO_FEW), ("Thu 3 Dec", 5)]
    assert figures.week_label(dt.date(2026, 11, 30), TODAY) == "Week of 30 Nov (so far)"
    assert figures.week_label(dt.date(2026, 11, 23), TODAY) == "Week of 23 Nov"


def test_the_bars_draw_a_number_and_mark_too_few_without_one():
    svg = figures.bars([("Wed 2 Dec", TOO_FEW), ("Thu 3 Dec", 6)], "People active <each> day")
    assert svg.startswith('<svg class="chart"') and 'aria-label="People active &lt;each&gt; day"' in svg
    assert "<title>Wed 2 Dec: too few</title>" in svg and "<title>Thu 3 Dec: 6 people</title>" in svg
    assert svg.count("<rect") == 2


def test_the_page_hides_every_small_group_and_computes_the_rates():
    t = Tallies(today=TODAY, accounts=Count(20, 20), new_accounts=Count(3, 3),
                days=[(TODAY, 4)], weeks=[(dt.date(2026, 11, 30), 9)],
                logged=Count(40, 12), finished=Count(30, 10), ended_early=Count(10, 6),
                stopped=Count(4, 4), pained=Count(8, 6),
                stopped_areas={"knees": Count(4, 4)}, pain_areas={"knees": Count(6, 5), None: Count(2, 2)},
                skipped={"lunge": Count(7, 5), "squat": Count(9, 4)}, swapped={},
                routines=Count(50, 15), not_asked=Count(5, 5),
                jobs={"asked": Count(12, 11), "done": Count(6, 6), "fallback": Count(6, 5)},
                reminders_on=Count(10, 10), channels={"push": Count(8, 8), "email": Count(2, 2)},
                sent=Count(24, 8), tapped=Count(6, 5), untapped=Count(18, 8))
    f = figures.page(t, {"lunge": "Lunge", "squat": "Squat"}.get, lambda area: area.title())
    assert [r.people for r in f["people"]] == [20, TOO_FEW, 12]
    assert f["days"] == [("Thu 3 Dec", TOO_FEW)] and f["weeks"] == [("Week of 30 Nov (so far)", 9)]
    assert [(r.label, r.count) for r in f["sessions"]] == [("Logged (started)", 40), ("Finished", 30),
                                                          ("Ended early", 10)]
    assert f["completion"] == "75%"
    assert f["safety"][0] == Row("Stopped for safety", TOO_FEW, TOO_FEW) and f["stop_rate"] == TOO_FEW
    assert f["stopped_areas"] == [] and f["pain_areas"] == [Row("Knees", 6, 5)]
    assert f["skipped"] == [Row("Lunge", 7, 5)] and f["swapped"] == []
    assert f["ai_rate"] == "50%" and f["fallback_rate"] == "50%"
    assert [r.count for r in f["routines"]][-1] == 5
    assert f["opt_in"] == "50%" and [r.people for r in f["reminders"]][2:4] == [8, TOO_FEW]
    assert f["tap_through"] == "25%"
