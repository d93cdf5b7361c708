"""The Progress page's charts as small inline SVGs, drawn on the server (no chart library in the
browser). Pure. Colours come from classes styled in app.css (the page's CSP allows no inline style);
every chart has words (aria-label, a <title> per mark) and the page puts a table beside each.
"""
import math
from html import escape

from . import progress

CELL, GAP = 12, 3


def number(value):
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text or "0"


def svg(width, height, label, body, css):
    return (f'<svg class="chart {css}" viewBox="0 0 {number(width)} {number(height)}" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{body}</svg>')


def short_day(day):
    return f"{day.day} {day.strftime('%b')}"


def calendar(days):
    """12 weeks as columns, Monday at the top, each day shaded by its minutes."""
    top = max((m for week in days for _, m in week if m), default=0)
    left = 16
    marks = [f'<text class="chart-label" x="0" y="{number(row * (CELL + GAP) + 10)}">{name}</text>'
             for row, name in ((0, "M"), (2, "W"), (4, "F"), (6, "S"))]
    for col, week in enumerate(days):
        for row, (day, minutes) in enumerate(week):
            if minutes is None:
                continue
            said = f"{day:%a} {day.day} {day:%b}"
            words = f"{said}: {round(minutes)} min" if minutes else f"{said}: nothing"
            marks.append(f'<rect class="cal-l{progress.level(minutes, top)}" x="{left + col * (CELL + GAP)}" '
                         f'y="{row * (CELL + GAP)}" width="{CELL}" height="{CELL}" rx="2">'
                         f'<title>{escape(words)}</title></rect>')
    active = sum(1 for week in days for _, m in week if m)
    width = left + len(days) * (CELL + GAP)
    return svg(width, 7 * (CELL + GAP), f"Calendar of the last 12 weeks: {active} days with a session",
                "".join(marks), "chart-calendar")


def weekly(weeks, per_week, labels):
    """Minutes a week, stacked by kind (warm-up, cool-down, stretching, mobility)."""
    width, height, bottom, left = 300, 130, 112, 22
    top = max((sum(per_week[w].values()) for w in weeks), default=0)
    scale = (bottom - 8) / top if top else 0
    step = (width - left) / len(weeks)
    marks = []
    for value in _ticks(top):
        y = bottom - value * scale
        marks.append(f'<path class="chart-grid" d="M{left} {number(y)}H{width}"/>'
                     f'<text class="chart-label" x="0" y="{number(y + 3)}">{value}</text>')
    for i, week in enumerate(weeks):
        y = bottom
        for kind in progress.KINDS:
            minutes = per_week[week].get(kind, 0)
            if not minutes:
                continue
            h = minutes * scale
            y -= h
            marks.append(f'<rect class="kind-{kind}" x="{number(left + i * step + 2)}" y="{number(y)}" width="{number(step - 4)}" '
                         f'height="{number(h)}"><title>{escape(f"Week of {short_day(week)}: {round(minutes)} min {labels[kind].lower()}")}'
                         '</title></rect>')
        if i % 4 == 0:
            marks.append(f'<text class="chart-label" x="{number(left + i * step)}" y="{height - 4}">{short_day(week)}</text>')
    total = round(sum(sum(per_week[w].values()) for w in weeks))
    return svg(width, height, f"Minutes a week for 12 weeks, by kind: {total} min in all", "".join(marks),
                "chart-weekly")


TICK_STEPS = (5, 10, 15, 30, 60, 120, 300, 600)


def _ticks(top):
    """At most four grid lines, at round numbers of minutes. Any week fits: beyond 600-minute steps
    (2,400 minutes a week, say a phone that sent the same hours many times) the step is a multiple of 600."""
    if not top:
        return []
    step = next((s for s in TICK_STEPS if top / s <= 4), None) or 600 * math.ceil(top / 2400)
    return list(range(step, int(top) + 1, step))


# The body map: simple shapes for each region, front (left) and back (right), in a 200×210 box.
FRONT = {
    "neck": [("rect", 43, 30, 14, 9)], "shoulders": [("ellipse", 30, 46, 9, 7), ("ellipse", 70, 46, 9, 7)],
    "chest": [("rect", 37, 42, 26, 18)], "arms": [("rect", 17, 52, 9, 34), ("rect", 74, 52, 9, 34)],
    "wrists": [("rect", 15, 88, 9, 10), ("rect", 76, 88, 9, 10)], "core": [("rect", 38, 62, 24, 24)],
    "hip_flexors": [("rect", 37, 88, 11, 10), ("rect", 52, 88, 11, 10)],
    "adductors": [("rect", 44, 100, 5, 26), ("rect", 51, 100, 5, 26)],
    "quads": [("rect", 35, 100, 9, 36), ("rect", 56, 100, 9, 36)],
    "ankles": [("rect", 37, 178, 9, 9), ("rect", 54, 178, 9, 9)],
}
BACK = {
    "neck": [("rect", 143, 30, 14, 9)], "shoulders": [("ellipse", 130, 46, 9, 7), ("ellipse", 170, 46, 9, 7)],
    "upper_back": [("rect", 137, 42, 26, 22)], "lower_back": [("rect", 138, 66, 24, 20)],
    "hips": [("ellipse", 134, 94, 5, 8), ("ellipse", 166, 94, 5, 8)],
    "glutes": [("rect", 138, 88, 24, 14)], "hamstrings": [("rect", 135, 104, 13, 34), ("rect", 152, 104, 13, 34)],
    "calves": [("rect", 136, 144, 11, 32), ("rect", 153, 144, 11, 32)],
}
OUTLINE = ('<circle class="body-outline" cx="{x}" cy="18" r="11"/>'
           '<path class="body-outline" d="M{a} 40h40l8 10v40l-6 10v80h-14l-4-70h-8l-4 70h-14v-80l-6-10v-40z"/>')


def body_map(areas, labels):
    """Front and back, each region shaded by its minutes in the last four weeks."""
    top = max(areas.values(), default=0)
    marks = [OUTLINE.format(x=50, a=30), OUTLINE.format(x=150, a=130)]
    for shapes in (FRONT, BACK):
        for region, parts in shapes.items():
            minutes = areas.get(region, 0)
            words = f"{labels[region]}: {round(minutes)} min" if minutes else f"{labels[region]}: nothing"
            for kind, x, y, w, h in parts:
                shape = (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3"' if kind == "rect" else
                         f'<ellipse cx="{x}" cy="{y}" rx="{w}" ry="{h}"')
                marks.append(f'{shape} class="area-l{progress.level(minutes, top)}"><title>{escape(words)}</title>'
                             f'</{kind}>')
    marks.append('<text class="chart-label" x="38" y="205">Front</text><text class="chart-label" x="139" y="205">Back</text>')
    worked = sum(1 for value in areas.values() if value)
    return svg(200, 210, f"Body map of the last 4 weeks: {worked} areas worked", "".join(marks), "chart-body")


def per_week_counts(weeks, counts, order, labels, what):
    """One row per kind of answer (a pain area, a rating), a dot per week sized by how often."""
    rows = [key for key in order if any(counts[w].get(key) for w in weeks)]
    left, row_h, width = 86, 16, 300
    step = (width - left) / len(weeks)
    marks = []
    for r, key in enumerate(rows):
        y = r * row_h + 10
        marks.append(f'<text class="chart-label" x="0" y="{y + 3}">{escape(labels[key])}</text>')
        for i, week in enumerate(weeks):
            count = counts[week].get(key, 0)
            if count:
                marks.append(f'<circle class="dot-{escape(key)}" cx="{number(left + (i + .5) * step)}" cy="{y}" '
                             f'r="{number(min(6.5, 2.5 + 1.5 * count))}"><title>{escape(f"Week of {short_day(week)}: {labels[key].lower()}, {count}×")}'
                             '</title></circle>')
    height = max(1, len(rows)) * row_h + 16
    marks.append(f'<text class="chart-label" x="{left}" y="{height - 2}">{short_day(weeks[0])}</text>'
                 f'<text class="chart-label" x="{width}" y="{height - 2}" text-anchor="end">{short_day(weeks[-1])}</text>')
    total = sum(sum(counts[w].values()) for w in weeks)
    return svg(width, height, f"{what} week by week for 12 weeks: {total} in all", "".join(marks), "chart-dots")
