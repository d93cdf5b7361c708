"""How long each exercise of a routine lasts: the rules' bounds for one person, and the small
moves that fit a list of exercises to the minutes asked. Pure: plain data in, plain data out."""
from dataclasses import dataclass

from . import rules

REST = {"raise": 5, "dynamic": 10, "activation": 10, "potentiation": 30, "static": 5,
        "foam_roll": 10, "breathing": 5}
CLOSE_ENOUGH = 0.04  # aim well inside the rules' ±10%
# "8 minutes" is a promise: a routine fills at most the minutes asked, and at least 92% of them.
# The aim sits between the two, so a step's 5 seconds either way never carries it over.
POWER_WORK = rules.POWER_WORK_SECONDS


@dataclass
class Unit:
    """One exercise in the plan; a one-sided exercise becomes two steps."""
    ex: object
    phase: str
    seconds: int
    sets: int
    rest: int
    why: str
    keep: bool = False  # asked for by a rule: never dropped to fit the time
    min_rest: int = 0  # time to get down to or up from the floor afterwards (N2)
    bounds: object = None  # rules.timing_bounds for this exercise and person, worked out once

    @property
    def sides(self):
        return 2 if self.ex.unilateral else 1

    @property
    def duration(self):
        return self.sides * self.sets * (self.seconds + self.rest)


def round5(value):
    return int(5 * round(value / 5))


def clamp(value, bounds):
    return max(bounds[0], min(bounds[1], value))


class Timer:
    """The timing rules for one request, and fitting units to a number of seconds."""

    def __init__(self, request, effort=1.0):
        self.request = request
        self.effort = effort  # "too easy" last time: longer intervals; "too hard": shorter

    def unit(self, ex, phase, why, keep=False):
        """An exercise at its own default timing, within the rules (R1, R2, N6)."""
        req = self.request
        b = rules.timing_bounds(ex, req.kind, req.older_adult)
        seconds = clamp(round5(ex.default_seconds * self.effort), b.seconds)
        if ex.type == "static" and ex.stretch and req.kind == "flexibility":
            sets = clamp(round(60 / seconds), b.sets)  # ≈ 60 s per muscle group (R1)
        elif ex.type == "potentiation":
            seconds = max(seconds, min(10, b.seconds[1]))
            sets = clamp(max(ex.default_sets, -(-POWER_WORK // seconds)), b.sets)  # N6: a real dose
        else:
            sets = clamp(ex.default_sets, b.sets)
        rest = ex.rest or REST[ex.type] + (10 if ex.type == "potentiation" and req.feedback == "too_hard" else 0)
        unit = Unit(ex, phase, seconds, sets, 0, why, keep=keep, bounds=b)
        unit.rest = clamp(rest, self.rest_range(unit, seconds))
        return unit

    def rest_range(self, unit, seconds):
        b = unit.bounds
        lo, hi = max(b.rest[0], unit.min_rest), max(b.rest[1], unit.min_rest + 10 if unit.min_rest else 0)
        if unit.ex.type == "potentiation":
            lo = max(lo, rules.potentiation_rest(unit.ex, seconds))
        return lo, max(lo, hi)

    def valid(self, unit, seconds, sets, rest):
        b = unit.bounds
        if not (b.seconds[0] <= seconds <= b.seconds[1] and b.sets[0] <= sets <= b.sets[1]):
            return False
        lo, hi = self.rest_range(unit, seconds)
        if unit.ex.type == "potentiation" and sets * seconds < POWER_WORK and self.request.minutes >= 8:
            return False
        return lo <= rest <= hi

    @staticmethod
    def changed(unit, attr, delta):
        values = {"seconds": unit.seconds, "sets": unit.sets, "rest": unit.rest}
        values[attr] += delta
        return values["seconds"], values["sets"], values["rest"]

    def shrink(self, unit):
        """The smallest timing the rules allow for this unit."""
        for attr, step in (("sets", 1), ("seconds", 5), ("rest", 5)):
            while self.valid(unit, *self.changed(unit, attr, -step)):
                setattr(unit, attr, getattr(unit, attr) - step)

    def moves(self, unit):
        for attr, step in (("sets", 1), ("seconds", 5), ("rest", 5)):
            for delta in (step, -step):
                values = self.changed(unit, attr, delta)
                if self.valid(unit, *values):
                    yield attr, values[("seconds", "sets", "rest").index(attr)]

    def shares_ok(self, units):
        """N3: no major group takes more than its share of the stretching."""
        if self.request.kind != "flexibility":
            return True
        return rules.shares_ok([(u.ex, u.sides * u.sets * u.seconds) for u in units if u.phase == "stretch"],
                               self.request)

    def fit(self, units, target, lo=None, hi=None, grow=None, drop=None):
        """Nudge timings until the units' total is close to target. ``grow(units, gap)`` may add an
        exercise when the units fall short; ``drop(units)`` may take one away when nothing else helps."""
        ceiling = None  # a total over it is never "close enough"
        if lo is None and hi is None:
            lo, hi, target = target * (1 - 2 * CLOSE_ENOUGH), target, target * (1 - CLOSE_ENOUGH)
            ceiling = hi
        lo = target * (1 - CLOSE_ENOUGH) if lo is None else lo
        hi = target * (1 + CLOSE_ENOUGH) if hi is None else hi
        self.scale(units, target)
        for _ in range(300):
            total = sum(u.duration for u in units)
            if lo <= total <= hi:
                return
            diff = target - total
            if diff > 0 and grow is not None and grow(units, diff):
                continue
            best = self.best_move(units, target, total) or self.retime(units, target, total)
            if best is not None:
                setattr(best[1], best[2], best[3])
            elif abs(diff) <= target * rules.TOLERANCE * 0.8 and (ceiling is None or total <= ceiling):
                return  # no finer move exists, and this is comfortably within the rules
            elif diff < 0 and drop is not None and drop(units):
                continue
            else:
                return

    def trim(self, units, ceiling):
        """Take the smallest steps (5 s of rest or work, or a set) that bring the total to ``ceiling`` or
        under, within every unit's bounds: "8 minutes" is a promise. A stretching session's warming
        part (R1's range) is trimmed only when nothing else can give."""
        fair_before = self.shares_ok(units)
        for _ in range(200):
            total = sum(u.duration for u in units)
            if total <= ceiling:
                return
            best = None
            for unit in units:
                for attr, step in (("rest", 5), ("seconds", 5), ("sets", 1)):
                    values = self.changed(unit, attr, -step)
                    if not self.valid(unit, *values):
                        continue
                    seconds, sets, rest = values
                    after = total - unit.duration + unit.sides * sets * (seconds + rest)
                    old = getattr(unit, attr)
                    setattr(unit, attr, old - step)
                    fair = not fair_before or self.shares_ok(units)
                    setattr(unit, attr, old)
                    if not fair:
                        continue
                    key = (unit.phase == "raise" and self.request.kind == "flexibility", after > ceiling, total - after)
                    if best is None or key < best[0]:
                        best = (key, unit, attr, old - step)
            if best is None:
                return
            setattr(best[1], best[2], best[3])

    def best_move(self, units, target, total):
        """The one step (a set, 5 seconds of work or of rest) that brings the total closest to target."""
        best = None
        fair_before = self.shares_ok(units)
        for unit in units:
            for attr, value in self.moves(unit):
                before = unit.duration
                old = getattr(unit, attr)
                setattr(unit, attr, value)
                error = abs(target - (total - before + unit.duration))
                fair = not fair_before or self.shares_ok(units)  # N3: shrinking one stretch grows the others
                setattr(unit, attr, old)
                if fair and error < abs(target - total) and (best is None or error < best[0]):
                    best = (error, unit, attr, value)
        return best

    def retime(self, units, target, total):
        """No single step helps: try every sets-and-seconds pair of one unit (two moves at once)."""
        best = None
        for unit in units:
            others = total - unit.duration
            b = unit.bounds
            for sets in range(b.sets[0], b.sets[1] + 1):
                for seconds in range(b.seconds[0], b.seconds[1] + 1, 5):
                    if (sets, seconds) == (unit.sets, unit.seconds) or not self.valid(unit, seconds, sets, unit.rest):
                        continue
                    error = abs(target - others - unit.sides * sets * (seconds + unit.rest))
                    if error < abs(target - total) and (best is None or error < best[0]):
                        best = (error, unit, sets, seconds)
        if best is None:
            return None
        _, unit, sets, seconds = best
        old = unit.sets, unit.seconds
        unit.sets, unit.seconds = sets, seconds
        if not self.shares_ok(units):
            unit.sets, unit.seconds = old
            return None
        unit.seconds = old[1]
        return (best[0], unit, "seconds", seconds)

    def scale(self, units, target):
        """A first, coarse fit: stretch or shrink every interval in proportion, within its bounds."""
        total = sum(u.duration for u in units)
        if not total or not units:
            return
        ratio = target / total
        if 0.85 <= ratio <= 1.15:
            return
        before = [unit.seconds for unit in units]
        for unit in units:
            seconds = clamp(round5(unit.seconds * ratio), unit.bounds.seconds)
            if seconds != unit.seconds and self.valid(unit, seconds, unit.sets, unit.rest):
                unit.seconds = seconds
        if not self.shares_ok(units):
            for unit, seconds in zip(units, before):
                unit.seconds = seconds
