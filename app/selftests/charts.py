"""A small SVG chart per self-test over time, drawn on the server like the Progress page's (app.workouts.charts).
Pure. A centimetre test is a line per side (left and right, or one for the whole test) against a dashed line
where "limited" starts; the hip-flexor test is a strip of flat and raised per side. Colours come from classes
in static/css/selftests.css (the CSP allows no inline style); every mark has a <title>, the chart an
aria-label, and rows() is the table beside it.
"""
from html import escape

from ..workouts.charts import number, short_day, svg
from . import tests

WIDTH, HEIGHT = 300, 140
LEFT, RIGHT, TOP, BOTTOM = 30, 10, 10, 118  # the plot area, inside the axis labels
SIDE_WORDS = {"left": "Left", "right": "Right", "both": "Result"}
STRIP_CELL, STRIP_MAX = 26, 8  # the hip-flexor strip: a column per test day, the latest 8


def _minus(value):
    """A tick's number as the page writes it, with a real minus sign."""
    return f"−{-value}" if value < 0 else str(value)


def _day(day):
    return f"{day.day} {day.strftime('%b %Y')}"


def y_range(test, results):
    """(low, high) of the y axis in cm: the results and the "limited" line, out to whole steps of 5 cm."""
    values = [r.value for r in results] + [tests.LIMITED_BELOW[test.id]]
    low, high = min(values), max(values)
    low, high = 5 * ((low - 2) // 5), 5 * -((-high - 2) // 5)  # a little room above and below, on a step
    return max(test.low, low), min(test.high, high)


def x_of(day, first, last):
    """Where a day sits across the plot: by date, the first at the left edge, one day alone in the middle."""
    span = (last - first).days
    if span == 0:
        return (LEFT + WIDTH - RIGHT) / 2
    return LEFT + (day - first).days * (WIDTH - RIGHT - LEFT) / span


def points(test, results):
    """[(side, x, y, result)] for a centimetre test, in date order, as chart() draws them."""
    if not results:
        return []
    low, high = y_range(test, results)
    first, last = results[0].tested_on, results[-1].tested_on
    out = []
    for r in results:
        y = BOTTOM - (r.value - low) * (BOTTOM - TOP) / (high - low)
        out.append((r.side, x_of(r.tested_on, first, last), y, r))
    return out


def _ticks(low, high):
    step = 5 if high - low <= 30 else 10
    start = -(-low // step) * step
    return [int(value) for value in range(int(start), int(high) + 1, step)]


def chart(test, results):
    """The SVG of one test's results (oldest first), or "" when there are none."""
    if not results:
        return ""
    if test.yes_no:
        return _strip(test, results)
    low, high = y_range(test, results)
    scale = (BOTTOM - TOP) / (high - low)
    marks = []
    for value in _ticks(low, high):
        y = BOTTOM - (value - low) * scale
        marks.append(f'<path class="chart-grid" d="M{LEFT} {number(y)}H{WIDTH - RIGHT}"/>'
                     f'<text class="chart-label" x="{LEFT - 4}" y="{number(y + 3)}" text-anchor="end">{_minus(value)}</text>')
    limit = tests.LIMITED_BELOW[test.id]
    y = BOTTOM - (limit - low) * scale
    marks.append(f'<path class="st-limit" d="M{LEFT} {number(y)}H{WIDTH - RIGHT}"><title>'
                 f'{escape(f"Limited below {tests.short(test.id, limit)}")}</title></path>')
    drawn = points(test, results)
    for side in test.sides:
        mine = [(x, y, r) for s, x, y, r in drawn if s == side]
        if len(mine) > 1:
            path = "M" + "L".join(f"{number(x)} {number(y)}" for x, y, _ in mine)
            marks.append(f'<path class="st-line st-{side}" d="{path}"/>')
        for x, y, r in mine:
            words = f"{SIDE_WORDS[side]}, {_day(r.tested_on)}: {tests.words(test.id, r.value)}"
            marks.append(f'<circle class="st-dot st-{side}" cx="{number(x)}" cy="{number(y)}" r="3.5">'
                         f'<title>{escape(words)}</title></circle>')
    first, last = results[0].tested_on, results[-1].tested_on
    if last == first:  # under its one column of dots
        marks.append(f'<text class="chart-label" x="{number(x_of(first, first, last))}" y="{HEIGHT - 4}" '
                     f'text-anchor="middle">{short_day(first)}</text>')
    else:
        marks.append(f'<text class="chart-label" x="{LEFT}" y="{HEIGHT - 4}">{short_day(first)}</text>')
        marks.append(f'<text class="chart-label" x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" text-anchor="end">'
                     f'{short_day(last)}</text>')
    return svg(WIDTH, HEIGHT, _label(test, results), "".join(marks), "chart-selftest")


def _strip(test, results):
    """The hip-flexor test: a row per side, a column per test day (the latest 8), flat or raised."""
    days = sorted({r.tested_on for r in results})[-STRIP_MAX:]
    by_day = {(r.tested_on, r.side): r for r in results}
    left, step = 40, STRIP_CELL + 6
    marks = []
    for row, side in enumerate(test.sides):
        y = row * step
        marks.append(f'<text class="chart-label" x="0" y="{number(y + STRIP_CELL / 2 + 3)}">{SIDE_WORDS[side]}</text>')
        for col, day in enumerate(days):
            x = left + col * step
            r = by_day.get((day, side))
            state = "none" if r is None else "flat" if r.value >= 0.5 else "raised"
            words = "not tested" if r is None else f"thigh {state}"
            marks.append(f'<rect class="st-{state}" x="{x}" y="{y}" width="{STRIP_CELL}" height="{STRIP_CELL}" rx="4">'
                         f'<title>{escape(f"{SIDE_WORDS[side]}, {_day(day)}: {words}")}</title></rect>')
    height = len(test.sides) * step + 8
    for col, day in enumerate(days):
        marks.append(f'<text class="chart-label" x="{number(left + col * step + STRIP_CELL / 2)}" y="{height - 2}" '
                     f'text-anchor="middle">{short_day(day)}</text>')
    return svg(WIDTH, height, _label(test, results), "".join(marks), "chart-selftest chart-strip")


def _label(test, results):
    """The chart in words: how many test days, from when to when, and the latest result of each side."""
    days = sorted({r.tested_on for r in results})
    latest = tests.latest_of(results)
    now = "; ".join(f"{SIDE_WORDS[side].lower() if test.sided else 'latest'} {tests.words(test.id, latest[(test.id, side)].value)}"
                    for side in test.sides if (test.id, side) in latest)
    span = _day(days[0]) if len(days) == 1 else f"{_day(days[0])} to {_day(days[-1])}"
    return f"{test.name}, {len(days)} test day{'' if len(days) == 1 else 's'} ({span}): {now}"


def rows(test, results):
    """The table beside the chart, newest first: {"day", "cells": {side: text}, "id"}; ``id`` is one of the
    day's results, which deleting removes with the rest of that day's row."""
    out = {}
    for r in results:
        row = out.setdefault(r.tested_on, {"day": r.tested_on, "cells": {}, "id": r.id})
        row["cells"][r.side] = tests.short(test.id, r.value)
    return [out[day] for day in sorted(out, reverse=True)]
