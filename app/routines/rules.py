"""The exercise-science and safety rules (DESIGN.md §4, R1–R7) as checks.

Each check takes plain data and returns violations. The deterministic engine, the AI path
and the tests all use the same functions. Pure: no Flask, no database.
"""
from dataclasses import dataclass

from .. import vocabulary as v

TOLERANCE = 0.10  # a routine's total is within ±10% of the minutes asked
LEVEL_RANK = {level: rank for rank, level in enumerate(v.LEVELS)}


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    step: int | None = None


@dataclass(frozen=True)
class Bounds:
    seconds: tuple
    sets: tuple
    rest: tuple


BASE_BOUNDS = {
    "raise": Bounds((30, 120), (1, 3), (0, 15)),
    "dynamic": Bounds((20, 60), (1, 3), (5, 15)),
    "activation": Bounds((20, 60), (1, 3), (5, 30)),
    "potentiation": Bounds((10, 30), (1, 4), (15, 60)),
    "foam_roll": Bounds((30, 90), (1, 2), (5, 15)),
    "breathing": Bounds((30, 120), (1, 2), (0, 15)),
}


def timing_bounds(ex_type, kind, older_adult):
    """Allowed seconds, sets and rest for one step (R1, R2)."""
    if ex_type != "static":
        return BASE_BOUNDS[ex_type]
    seconds = (30, 60) if older_adult else (10, 30)  # R1
    if kind == "warmup":
        seconds = (seconds[0], min(seconds[1], 30))  # R2: short holds before activity
        return Bounds(seconds, (1, 1), (5, 15))
    if kind == "flexibility":
        return Bounds(seconds, (2, 4), (5, 15))  # R1: 2–4 holds per stretch
    return Bounds(seconds, (1, 2), (5, 15))


def forbidden_tags(request):
    """Every tag the person must never get: conditions (R7), gentle mode (R5), R1 bouncing."""
    tags = set()
    for condition in request.conditions:
        tags |= v.CONDITION_FORBIDS[condition]
    if request.screening_positive:
        tags |= v.GENTLE_FORBIDS
    if request.level == "beginner" or request.older_adult:
        tags.add(v.BALLISTIC_TAG)
    return frozenset(tags)


def highest_level(request):
    """"Too easy" last time unlocks one level up, except in gentle mode."""
    rank = LEVEL_RANK[request.level]
    if request.feedback == "too_easy" and not request.screening_positive:
        rank = min(rank + 1, len(v.LEVELS) - 1)
    return rank


def is_safe(ex, request, forbidden=None, max_rank=None):
    """Whether an exercise may appear in this person's routine at all."""
    forbidden = forbidden_tags(request) if forbidden is None else forbidden
    max_rank = highest_level(request) if max_rank is None else max_rank
    return (LEVEL_RANK[ex.level] <= max_rank
            and request.equipment.issuperset(ex.equipment)
            and forbidden.isdisjoint(ex.contra_tags))


def flexibility_raise_range(minutes):
    """R1: a standalone stretching session opens with 3–5 minutes of warming movement.

    Sessions under 10 minutes cannot fit that and still stretch, so they warm up for a
    quarter to a half of the time instead (the engine says so in a note).
    """
    total = minutes * 60
    if minutes >= 10:
        return 180, 300
    return total // 4, total // 2


def check_routine(routine, request, catalog):
    """Every violation of R1–R7 and of the step format. ``catalog`` maps id → Exercise."""
    out = []
    out += _check_format(routine, request, catalog)
    if out:
        return out  # the other checks assume well-formed steps
    out += _check_total(routine, request)
    out += _check_safety(routine, request, catalog)
    out += _check_phases(routine, request, catalog)
    if routine.kind == "warmup":
        out += _check_warmup(routine, request, catalog)
    if routine.kind == "flexibility":
        out += _check_flexibility(routine, request)
    return out


def _check_format(routine, request, catalog):
    out = []
    if routine.kind not in v.KIND_PHASES:
        return [Violation("format", f"unknown kind {routine.kind!r}")]
    if not routine.steps:
        return [Violation("format", "a routine needs at least one step")]
    phases = v.KIND_PHASES[routine.kind]
    for i, step in enumerate(routine.steps):
        ex = catalog.get(step.exercise_id)
        if ex is None:
            out.append(Violation("format", f"unknown exercise {step.exercise_id!r}", i))
            continue
        if step.phase not in phases:
            out.append(Violation("format", f"phase {step.phase!r} is not part of a {routine.kind}", i))
        elif step.phase not in ex.phases:
            out.append(Violation("format", f"{ex.id} does not serve the {step.phase} phase", i))
        if ex.unilateral and step.side not in v.SIDES:
            out.append(Violation("format", f"{ex.id} is one-sided and needs a side", i))
        if not ex.unilateral and step.side is not None:
            out.append(Violation("format", f"{ex.id} works both sides at once; side must be null", i))
        for name in ("seconds", "sets", "rest_seconds"):
            if not isinstance(getattr(step, name), int) or isinstance(getattr(step, name), bool):
                out.append(Violation("format", f"{name} must be a whole number", i))
        if step.reps is not None and (not isinstance(step.reps, int) or step.reps < 1):
            out.append(Violation("format", "reps must be a positive whole number or null", i))
        if ex.type in ("static",) and step.reps is not None:
            out.append(Violation("format", f"{ex.id} is a hold; reps must be null", i))
    if out:
        return out
    for i, step in enumerate(routine.steps):
        ex = catalog[step.exercise_id]
        b = timing_bounds(ex.type, routine.kind, request.older_adult)
        for name, value, (lo, hi) in (("seconds", step.seconds, b.seconds), ("sets", step.sets, b.sets),
                                      ("rest_seconds", step.rest_seconds, b.rest)):
            if not lo <= value <= hi:
                rule = "R1" if ex.type == "static" else "format"
                out.append(Violation(rule, f"{ex.id}: {name} {value} is outside {lo}–{hi}", i))
    out += _check_sides(routine, catalog)
    return out


def _check_sides(routine, catalog):
    """A one-sided exercise is a left step then the matching right step, or right then left."""
    out, steps, i = [], routine.steps, 0
    timing = lambda s: (s.exercise_id, s.phase, s.seconds, s.sets, s.reps, s.rest_seconds)  # noqa: E731
    while i < len(steps):
        if steps[i].side is None:
            i += 1
            continue
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        if nxt is None or nxt.side is None or {steps[i].side, nxt.side} != set(v.SIDES) \
                or timing(nxt) != timing(steps[i]):
            out.append(Violation("format", f"{steps[i].exercise_id}: one side without the matching other side", i))
            i += 1
        else:
            i += 2
    return out


def _check_total(routine, request):
    target, total = request.target_seconds, routine.total_seconds
    if abs(total - target) > TOLERANCE * target:
        return [Violation("total", f"total {total}s is more than 10% away from {target}s")]
    return []


def _check_safety(routine, request, catalog):
    out = []
    forbidden, max_rank = forbidden_tags(request), highest_level(request)
    for i, step in enumerate(routine.steps):
        ex = catalog[step.exercise_id]
        clash = forbidden.intersection(ex.contra_tags)
        if clash:
            rule = "R5" if clash <= v.GENTLE_FORBIDS and request.screening_positive else "R7"
            rule = "R1" if clash == {v.BALLISTIC_TAG} else rule
            out.append(Violation(rule, f"{ex.id} carries forbidden tags {sorted(clash)}", i))
        if not request.equipment.issuperset(ex.equipment):
            out.append(Violation("equipment", f"{ex.id} needs {sorted(set(ex.equipment) - request.equipment)}", i))
        if LEVEL_RANK[ex.level] > max_rank:
            out.append(Violation("level", f"{ex.id} is {ex.level}, above {request.level}", i))
    return out


def eligible_for_phase(catalog, request, phase):
    return [ex for ex in catalog.values() if phase in ex.phases and is_safe(ex, request)]


def _check_phases(routine, request, catalog):
    """Phases in their order (R3: intensity rises through a warm-up)."""
    order = {phase: i for i, phase in enumerate(v.KIND_PHASES[routine.kind])}
    out, last = [], -1
    for i, step in enumerate(routine.steps):
        if order[step.phase] < last:
            out.append(Violation("R3", f"phase {step.phase} comes after a later phase", i))
        last = max(last, order[step.phase])
    return out


def _phase_seconds(routine, phase):
    return sum(step.duration for step in routine.steps if step.phase == phase)


def _check_warmup(routine, request, catalog):
    out = []
    present = {step.phase for step in routine.steps}
    if request.minutes >= 8:
        for phase in v.KIND_PHASES["warmup"]:
            if phase not in present and eligible_for_phase(catalog, request, phase):
                out.append(Violation("R3", f"an 8-minute-plus warm-up needs a {phase} phase"))
    specific = [ex for ex in eligible_for_phase(catalog, request, "potentiate")
                if request.activity in ex.activities]
    for i, step in enumerate(routine.steps):
        if step.phase == "potentiate" and specific and request.activity not in catalog[step.exercise_id].activities:
            out.append(Violation("R3", f"{step.exercise_id} is not specific to {request.activity}", i))
    # R2: short static holds only, and mostly dynamic work after the raise.
    static_per_group = {}
    for step in routine.steps:
        ex = catalog[step.exercise_id]
        if ex.type == "static":
            for region in ex.targets:
                key = (region, step.side)
                static_per_group[key] = static_per_group.get(key, 0) + step.sets * step.seconds
    for (region, _side), seconds in sorted(static_per_group.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if seconds > 60:
            out.append(Violation("R2", f"{seconds}s of static holds for {region} in a warm-up (max 60s)"))
    after_raise = [s for s in routine.steps if s.phase != "raise"]
    dynamic = sum(s.duration for s in after_raise if catalog[s.exercise_id].type in v.DYNAMIC_TYPES)
    if after_raise and dynamic * 2 < sum(s.duration for s in after_raise):
        out.append(Violation("R2", "dynamic work must fill at least half of the warm-up after the raise"))
    if request.activity == "football" and request.minutes >= 8:
        out += _check_football(routine, request, catalog)
    return out


def _check_football(routine, request, catalog):
    """R4: a FIFA 11+-style structure — football running drills, strength/balance, cutting."""
    out = []
    for phase in ("raise", "activate", "potentiate"):
        options = [ex for ex in eligible_for_phase(catalog, request, phase) if "football" in ex.activities]
        chosen = [s for s in routine.steps if s.phase == phase and "football" in catalog[s.exercise_id].activities]
        if options and not chosen:
            out.append(Violation("R4", f"the {phase} phase needs a football-specific exercise"))
    return out


def _check_flexibility(routine, request):
    lo, hi = flexibility_raise_range(request.minutes)
    first = routine.steps[0].phase
    seconds = _phase_seconds(routine, "raise")
    if first != "raise" or not lo <= seconds <= hi:
        return [Violation("R1", f"a stretching session opens with {lo}–{hi}s of warming movement (has {seconds}s)")]
    return []
