"""The exercise-science and safety rules as checks (docs/exercise-science.md: R1–R7, N1–N16).

Each check takes plain data and returns violations. The deterministic engine, the AI path
and the tests all use the same functions. Pure: no Flask, no database.
"""
from collections import Counter
from dataclasses import dataclass

from .. import vocabulary as v

TOLERANCE = 0.10  # a routine's total is within ±10% of the minutes asked
LEVEL_RANK = {level: rank for rank, level in enumerate(v.LEVELS)}
SPACE_RANK = {space: rank for rank, space in enumerate(v.SPACES)}
WARMUP_MAX_MINUTES = 20  # N8: a longer warm-up tires you before you start
FLEXIBILITY_RAISE_FROM = 6  # N8: shorter stretching sessions skip the warm-up part and say so
SECONDS_PER_EXERCISE = 60  # N8: at most one distinct exercise per minute …
MAX_EXERCISES = 15  # … and never more than FIFA 11+'s fifteen
STRETCH_GROUP_SHARE = 0.25  # N3: no muscle group takes more than a quarter of the stretching …
SHARE_FROM_SECONDS = 600  # … once there are ten minutes of it to share
FOOTBALL_TEMPLATE_MINUTES = 15  # R4: FIFA 11+ from this long, on a pitch
MAX_FLOOR_TRANSITIONS = 2  # N2: down to the floor and back up, once
FRONT_LOADED_INTENSITY = 2  # N1: what a cool-down's stretching may reach
POWER_WORK_SECONDS = 30  # N6: less power work than this primes nothing


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
    "potentiation": Bounds((5, 20), (2, 4), (15, 120)),  # N6: a real dose, with real rest
    "foam_roll": Bounds((30, 90), (1, 2), (5, 15)),
    "breathing": Bounds((30, 120), (1, 2), (0, 15)),
}


# -- who the person is ------------------------------------------------------------------------
def target_seconds(request):
    """What the routine fills: the minutes asked, except that a warm-up stops at 20 (N8)."""
    if request.kind == "warmup":
        return min(request.minutes, WARMUP_MAX_MINUTES) * 60
    return request.minutes * 60


def balance_rules(request):
    """Balance problems, dizziness on screening, or 65+: supported one-leg work, one trip to the floor."""
    return "balance" in request.conditions or request.dizziness or request.older_adult


def ballistic_allowed(request):
    """N14: bouncing only for trained adults under 65 with nothing to work around."""
    return (request.level != "beginner" and not request.conditions and not request.screening_positive
            and not request.dizziness and not request.older_adult)


def condition_forbids(condition, request):
    """The tags one condition rules out for this person, after the details they gave (R7)."""
    tags = set(v.CONDITION_FORBIDS[condition])
    if condition in v.HIP_PRECAUTIONS and request.surgeon_cleared:
        tags -= v.HIP_PRECAUTIONS[condition]  # high impact stays out for good (AAHKS)
    if condition == "lower_back" and request.back_worse in v.BACK_DIRECTION_TAGS:
        tags -= v.BACK_DIRECTION_TAGS[request.back_worse]
    if condition == "osteoporosis" and request.spine_fracture == "no":
        tags.discard("high_impact")  # Too Fit to Fracture: impact helps bones without a spine fracture
    if condition == "pregnancy" and request.pregnancy_weeks is not None:
        if request.pregnancy_weeks < v.SUPINE_FROM_WEEK:
            tags.discard("supine")
        if request.pregnancy_weeks < v.PRONE_FROM_WEEK:
            tags.discard("prone")
    return frozenset(tags)


def forbidden_tags(request):
    """Every tag the person must never get: conditions (R7), gentle mode (R5/N9), age, N14."""
    tags = set()
    for condition in request.conditions:
        tags |= condition_forbids(condition, request)
    if request.dizziness:
        tags |= v.CONDITION_FORBIDS["balance"]
    if request.screening_positive:
        tags |= v.GENTLE_FORBIDS
    if request.older_adult:
        tags |= v.OLDER_FORBIDS
        if request.level == "beginner":
            tags.add("high_impact")  # no jumping for an untrained 65-year-old
    if not ballistic_allowed(request):
        tags.add(v.BALLISTIC_TAG)
    return frozenset(tags)


def highest_level(request):
    """"Too easy" last time unlocks one level up; gentle mode stops at intermediate (N9)."""
    rank = LEVEL_RANK[request.level]
    if request.feedback == "too_easy" and not request.screening_positive:
        rank = min(rank + 1, len(v.LEVELS) - 1)
    if request.screening_positive:
        rank = min(rank, LEVEL_RANK[v.GENTLE_MAX_LEVEL])
    return rank


def max_intensity(request):
    return v.GENTLE_MAX_INTENSITY if request.screening_positive else max(v.INTENSITIES)


def is_safe(ex, request, forbidden=None, max_rank=None):
    """Whether an exercise may appear in this person's routine at all."""
    return safety_filter(request, forbidden, max_rank)(ex)


def safety_filter(request, forbidden=None, max_rank=None):
    """is_safe for one request, with what it needs worked out once (the engine asks about every exercise)."""
    forbidden = forbidden_tags(request) if forbidden is None else forbidden
    max_rank = highest_level(request) if max_rank is None else max_rank
    top, space, steady = max_intensity(request), SPACE_RANK[request.space], balance_rules(request)
    equipment = request.equipment

    def safe(ex):
        return (LEVEL_RANK[ex.level] <= max_rank and equipment.issuperset(ex.equipment)
                and forbidden.isdisjoint(ex.contra_tags) and ex.intensity <= top and SPACE_RANK[ex.space] <= space
                and (ex.stance != "single_leg" or ex.supported or not steady))
    return safe


# -- timing -----------------------------------------------------------------------------------
def timing_bounds(ex, kind, older_adult):
    """Allowed seconds, sets and rest for one step of this exercise (R1, R2, N3, N6)."""
    if ex.type != "static":
        bounds = BASE_BOUNDS[ex.type]
        if ex.type == "potentiation":
            return Bounds(bounds.seconds, bounds.sets, (max(bounds.rest[0], ex.rest or 0), bounds.rest[1]))
        if ex.rest:
            return Bounds(bounds.seconds, bounds.sets, (ex.rest, ex.rest + 15))
        return bounds
    if ex.stretch:
        seconds = (30, 60) if older_adult else (10, 30)  # R1, for true stretches only
    else:
        seconds = (15, 60)  # a non-stretch hold is dosed as what it is (N3)
    if kind == "warmup":
        return Bounds((seconds[0], min(seconds[1], 30)), (1, 1), (5, 15))  # R2: short holds before activity
    if kind == "flexibility" and ex.stretch:
        return Bounds(seconds, (2, 4), (5, 15))  # R1: 2–4 holds per stretch
    return Bounds(seconds, (1, 2), (5, 15))


def potentiation_rest(ex, seconds):
    """N6: rest at least three times the work, and a full minute after sprints and all-out efforts."""
    least = 3 * seconds
    if ex.pattern == "sprint" or "maximal" in ex.contra_tags:
        least = max(least, 60)
    return max(least, ex.rest or 0)


def transition_rest(request):
    """N2: time to get down to the floor or back up, longer from 65 or with balance problems."""
    return 20 if balance_rules(request) else 15


def cadence_ok(ex, seconds, reps):
    """N15: repetitions at the exercise's own pace, give or take half."""
    if reps is None or not ex.default_reps:
        return True
    pace = ex.default_reps / ex.default_seconds
    return 0.5 * pace * seconds <= reps <= 1.5 * pace * seconds + 1


def flexibility_raise_range(minutes):
    """R1: a standalone stretching session opens with 3–5 minutes of warming movement.

    Sessions under 10 minutes cannot fit that and still stretch, so they warm up for a
    quarter to a half of the time instead; under 6 minutes there is no warming part (N8)
    and the engine says to stretch after a walk or your activity.
    """
    total = minutes * 60
    if minutes >= 10:
        return 180, 300
    if minutes < FLEXIBILITY_RAISE_FROM:
        return 0, 0
    return total // 4, total // 2


def max_exercises(request):
    return min(MAX_EXERCISES, max(3, target_seconds(request) // SECONDS_PER_EXERCISE))


def coverage_needed(request):
    """N3: how many of the nine major groups a stretching session of this length must reach: six from
    15 minutes, four from 10, and never more than the time allows two holds a side for."""
    if request.kind != "flexibility" or request.minutes < 10:
        return 0
    lo, hi = flexibility_raise_range(request.minutes)
    hold = 30 if request.older_adult else 10
    per_group = 2 * 2 * (hold + 5)
    return min(6 if request.minutes >= 15 else 4, (target_seconds(request) - hi) // per_group)


def is_floor(ex):
    return ex.stance == "floor"


def stance_order(ex):
    return {"standing": 0, "single_leg": 0, "seated": 1, "floor": 2}[ex.stance]


def is_back_extensor(ex):
    return ex.type == "activation" and ex.targets[0] in ("upper_back", "lower_back") and ex.position != "supine"


def is_balance_training(ex):
    return ex.stance == "single_leg"


def is_pelvic_floor(ex):
    return "pelvic_floor" in ex.targets


# N11: what a condition asks to be in the routine (kinds with an activating or settling phase).
REQUIRED_ITEMS = {
    "osteoporosis": (("a balance exercise", is_balance_training, ("activate",)),
                     ("a back-strengthening exercise", is_back_extensor, ("activate",))),
    "pregnancy": (("pelvic-floor exercises", is_pelvic_floor, ("activate", "pulse_down")),),
}


def required_items(request):
    """[(what, test, phases)] this routine must contain, for the person's conditions (N11)."""
    if request.minutes < 8 or request.kind == "flexibility":
        return []
    out = []
    for condition in sorted(request.conditions):
        for what, test, phases in REQUIRED_ITEMS.get(condition, ()):
            usable = [p for p in phases if p in v.KIND_PHASES[request.kind]]
            if usable:
                out.append((what, test, tuple(usable)))
    return out


def fifa_template(request):
    """R4: a football warm-up of 15 minutes or more, outdoors, is FIFA 11+."""
    return (request.kind == "warmup" and request.activity == "football" and request.space == "outdoor"
            and request.minutes >= FOOTBALL_TEMPLATE_MINUTES)


def has_potentiation(request):
    return request.kind == "warmup" and bool(v.ACTIVITY_PATTERNS[request.activity])


# -- the check ---------------------------------------------------------------------------------
def check_routine(routine, request, catalog):
    """Every violation of R1–R7, N1–N16 and of the step format. ``catalog`` maps id → Exercise."""
    out = []
    out += _check_format(routine, request, catalog)
    if out:
        return out  # the other checks assume well-formed steps
    out += _check_total(routine, request)
    out += _check_safety(routine, request, catalog)
    out += _check_phases(routine, request)
    out += _check_intensity(routine, request, catalog)
    out += _check_positions(routine, request, catalog)
    out += _check_variety(routine, request, catalog)
    out += _check_required(routine, request, catalog)
    out += _check_notes(routine, request)
    if routine.kind == "warmup":
        out += _check_warmup(routine, request, catalog)
    if routine.kind in ("warmup", "mobility"):
        out += _check_key_regions(routine, request, catalog)
    if routine.kind == "flexibility":
        out += _check_flexibility(routine, request, catalog)
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
    transitions = set(floor_transitions(routine, catalog))
    for i, step in enumerate(routine.steps):
        ex = catalog[step.exercise_id]
        b = timing_bounds(ex, routine.kind, request.older_adult)
        rest = b.rest
        second_side_moves = i + 1 in transitions and routine.steps[i + 1].exercise_id == step.exercise_id
        if i in transitions or (ex.unilateral and second_side_moves):
            rest = (max(rest[0], transition_rest(request)), max(rest[1], transition_rest(request) + 10))
        for name, value, (lo, hi) in (("seconds", step.seconds, b.seconds), ("sets", step.sets, b.sets),
                                      ("rest_seconds", step.rest_seconds, rest)):
            if not lo <= value <= hi:
                rule = {"seconds": "R1" if ex.type == "static" else "format", "sets": "format",
                        "rest_seconds": "N2" if i in transitions else "format"}[name]
                rule = "N6" if ex.type == "potentiation" and name != "seconds" else rule
                out.append(Violation(rule, f"{ex.id}: {name} {value} is outside {lo}–{hi}", i))
        if ex.type == "potentiation" and step.rest_seconds < potentiation_rest(ex, step.seconds):
            out.append(Violation("N6", f"{ex.id}: {step.rest_seconds}s rest after {step.seconds}s of power work "
                                       f"(needs {potentiation_rest(ex, step.seconds)}s)", i))
        if not cadence_ok(ex, step.seconds, step.reps):
            out.append(Violation("N15", f"{ex.id}: {step.reps} reps in {step.seconds}s is not its pace", i))
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
    target, total = target_seconds(request), routine.total_seconds
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
            rule = "N14" if clash == {v.BALLISTIC_TAG} else rule
            out.append(Violation(rule, f"{ex.id} carries forbidden tags {sorted(clash)}", i))
        if not request.equipment.issuperset(ex.equipment):
            out.append(Violation("equipment", f"{ex.id} needs {sorted(set(ex.equipment) - request.equipment)}", i))
        if LEVEL_RANK[ex.level] > max_rank:
            out.append(Violation("level", f"{ex.id} is {ex.level}, above what suits you", i))
        if ex.intensity > max_intensity(request):
            out.append(Violation("N9", f"{ex.id} is too hard for gentle mode (intensity {ex.intensity})", i))
        if SPACE_RANK[ex.space] > SPACE_RANK[request.space]:
            out.append(Violation("N7", f"{ex.id} needs {ex.space} space", i))
        if ex.stance == "single_leg" and not ex.supported and balance_rules(request):
            out.append(Violation("N11", f"{ex.id} stands on one leg without holding a support", i))
    return out


def eligible(catalog, request, phase, test=lambda ex: True):
    """Exercises that could serve this phase for this person (used to tell 'can't' from 'didn't')."""
    safe = safety_filter(request)
    return [ex for ex in catalog.values()
            if phase in ex.phases and test(ex) and safe(ex) and phase_accepts(phase, ex, request)]


def phase_accepts(phase, ex, request):
    """Which exercises each phase takes (N1, N2, N13): breathing ends a session, foam rolling is not a
    pulse-down, no getting down to the floor once the power starts or in a warm-up for someone who
    may only go down once, and a cool-down's stretching stays easy."""
    if not suits_activity(ex, request):
        return False
    if request.kind == "warmup" and is_floor(ex) and (phase == "potentiate" or balance_rules(request)):
        return False
    if phase == "raise":
        return ex.type in ("raise", "dynamic") and ex.intensity >= 3
    if phase == "activate":
        return ex.type in ("activation", "dynamic")
    if phase == "mobilise":
        if ex.type == "static":  # R2: a short hold before activity, only where tight and with time for it
            return (request.kind == "warmup" and request.minutes >= 10
                    and not request.tight_areas.isdisjoint(ex.targets))
        return ex.type in ("dynamic", "activation")
    if phase == "potentiate":
        return ex.type == "potentiation"
    if phase == "pulse_down":  # settling movement, and the pelvic-floor squeezes that suit any cool-down
        return (ex.type in ("raise", "dynamic") or is_pelvic_floor(ex)) and not is_floor(ex)
    if phase == "stretch":
        return ex.type in ("static", "foam_roll", "breathing") and (
            request.kind != "cooldown" or ex.intensity <= FRONT_LOADED_INTENSITY)
    return False


def suits_activity(ex, request):
    """An exercise made for one activity (spin-ups on the bike, FIFA 11+ benches) is for that activity only."""
    return "general" in ex.activities or request.activity in ex.activities


def _rank(kind, phase):
    """Phase order, with Activate and Mobilise as one combined part (Jeffreys' RAMP; R3 as revised)."""
    order = v.KIND_PHASES[kind]
    if kind in ("warmup", "mobility") and phase in ("activate", "mobilise"):
        return order.index("activate") if kind == "warmup" else 0
    return order.index(phase)


def _check_phases(routine, request):
    out, last = [], -1
    for i, step in enumerate(routine.steps):
        rank = _rank(routine.kind, step.phase)
        if rank < last:
            out.append(Violation("R3", f"phase {step.phase} comes after a later phase", i))
        last = max(last, rank)
    return out


def _check_intensity(routine, request, catalog):
    """N1: a warm-up peaks at its end; a cool-down only ever settles; breathing comes last."""
    out = []
    steps = routine.steps
    levels = [catalog[s.exercise_id].intensity for s in steps]
    if routine.kind == "warmup":
        for i, s in enumerate(steps):
            if s.phase == "raise" and levels[i] < 3:
                out.append(Violation("N1", f"{s.exercise_id} is too gentle to raise your heart rate", i))
        power = [i for i, s in enumerate(steps) if s.phase == "potentiate"]
        # FIFA 11+ puts its Nordics in Part 2 on purpose: its own order stands.
        others = [lvl for s, lvl in zip(steps, levels) if not (catalog[s.exercise_id].fifa and fifa_template(request))]
        if power:
            if levels[power[-1]] < max(others or levels):
                out.append(Violation("N1", "the warm-up must peak with its last power drill", power[-1]))
            for a, b in zip(power, power[1:]):
                if levels[b] < levels[a]:
                    out.append(Violation("N1", "power drills must build, not fade", b))
    if routine.kind == "cooldown":
        pulse = [i for i, s in enumerate(steps) if s.phase == "pulse_down"]
        for a, b in zip(pulse, pulse[1:]):
            if levels[b] > levels[a]:
                out.append(Violation("N1", "a cool-down's pulse-down must settle, not speed up again", b))
        for i, s in enumerate(steps):
            if s.phase == "stretch" and levels[i] > FRONT_LOADED_INTENSITY:
                out.append(Violation("N1", f"{s.exercise_id} is too hard for the end of a cool-down", i))
    for i, s in enumerate(steps):
        if catalog[s.exercise_id].type == "breathing" and any(
                catalog[t.exercise_id].type != "breathing" for t in steps[i + 1:]):
            out.append(Violation("N1", "breathing comes at the very end", i))
    return out


def floor_transitions(routine, catalog):
    """Indexes of the steps after which the person gets down to, or up from, the floor."""
    out = []
    steps = routine.steps
    for i in range(len(steps) - 1):
        if is_floor(catalog[steps[i].exercise_id]) != is_floor(catalog[steps[i + 1].exercise_id]):
            out.append(i)
    return out


def max_floor_transitions(request):
    return 1 if balance_rules(request) else MAX_FLOOR_TRANSITIONS


def _check_positions(routine, request, catalog):
    """N2: few trips to the floor, each with time for it; in a warm-up, floor work before power."""
    out = []
    transitions = floor_transitions(routine, catalog)
    if len(transitions) > max_floor_transitions(request):
        out.append(Violation("N2", f"{len(transitions)} trips between floor and standing "
                                   f"(at most {max_floor_transitions(request)})"))
    if routine.kind == "warmup":
        for i, s in enumerate(routine.steps):
            if s.phase == "potentiate" and is_floor(catalog[s.exercise_id]):
                out.append(Violation("N2", f"{s.exercise_id}: floor work once the power drills began", i))
    return out


def _units(routine):
    """(index, step) for each exercise once (a one-sided exercise's second side is skipped)."""
    out, previous = [], None
    for i, step in enumerate(routine.steps):
        if previous is not None and step.side is not None and previous.side is not None \
                and previous.exercise_id == step.exercise_id:
            previous = None
            continue
        out.append((i, step))
        previous = step
    return out


def _check_variety(routine, request, catalog):
    """N8: not a catalogue dump; N12: no two exercises in a phase doing the same job."""
    out = []
    distinct = {s.exercise_id for s in routine.steps}
    if len(distinct) > max_exercises(request):
        out.append(Violation("N8", f"{len(distinct)} different exercises is too many for "
                                   f"{target_seconds(request) // 60} minutes (at most {max_exercises(request)})"))
    if len(distinct) < len(_units(routine)):
        out.append(Violation("N12", "an exercise appears twice"))
    seen = {}
    for i, step in _units(routine):
        ex = catalog[step.exercise_id]
        if not counts_for_variety(ex, step.phase, request):
            continue
        key = (step.phase, ex.targets[0], ex.type)
        if key in seen:
            out.append(Violation("N12", f"{ex.id} does the same job as {seen[key]} ({ex.targets[0]})", i))
        seen.setdefault(key, ex.id)
    return out


def counts_for_variety(ex, phase, request):
    """N12 looks at muscles: not at whole-body or heart-rate work, a tight area, or FIFA 11+'s own set."""
    main = ex.targets[0]
    return not (main == "full_body" or main in request.tight_areas or phase in ("raise", "pulse_down")
                or (ex.fifa and fifa_template(request)))


def _check_required(routine, request, catalog):
    """N11: what a condition asks for is in the routine, or the routine says why it is not."""
    out = []
    for what, test, phases in required_items(request):
        has = any(test(catalog[s.exercise_id]) for s in routine.steps if s.phase in phases)
        possible = any(eligible(catalog, request, p, test) for p in phases)
        if not has and (possible or not any(what in note for note in routine.notes)):
            out.append(Violation("N11", f"the routine needs {what}"))
    return out


def stop_signs_note():
    return "Stop and get help if you feel: " + "; ".join(text.lower() for _, text in v.STOP_SIGNS) + \
        ". Chest pain that doesn't go away with rest: call your emergency number."


def _check_notes(routine, request):
    """N9, N16: the stop signs travel with the routine; gentle mode says how hard to work."""
    out = []
    text = " ".join(routine.notes)
    if stop_signs_note() not in routine.notes:
        out.append(Violation("N16", "the routine's notes must carry the stop signs"))
    if "pregnancy" in request.conditions and "vaginal bleeding" not in text:
        out.append(Violation("N16", "a pregnancy routine carries the pregnancy warning signs"))
    if request.conditions & set(v.HIP_PRECAUTIONS) and "groin" not in text:
        out.append(Violation("N16", "a hip-replacement routine carries the dislocation warning signs"))
    if request.conditions & set(v.HIP_PRECAUTIONS) and "surgeon" not in text:
        out.append(Violation("N11", "a hip-replacement routine says which precautions apply"))
    if request.screening_positive and not ("doctor" in text and "talk" in text):
        out.append(Violation("N9", "gentle mode says to check with a doctor and to stay able to talk"))
    return out


def _check_warmup(routine, request, catalog):
    out = []
    present = {step.phase for step in routine.steps}
    if request.minutes >= 8:
        for phase in v.KIND_PHASES["warmup"]:
            if phase == "potentiate" and not has_potentiation(request):
                continue
            if phase not in present and eligible(catalog, request, phase):
                out.append(Violation("R3", f"an 8-minute-plus warm-up needs a {phase} phase"))
    if not has_potentiation(request) and "potentiate" in present:
        out.append(Violation("N5", f"a warm-up for {v.label(request.activity)} needs no power drills"))
    out += _check_potentiation(routine, request, catalog)
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
    if routine.steps[-1].phase != "potentiate" and catalog[routine.steps[-1].exercise_id].type == "static":
        out.append(Violation("R2", "a warm-up never ends on a static hold"))
    if fifa_template(request):
        out += _check_fifa(routine, request, catalog)
    elif request.activity == "football" and request.minutes >= 8:
        out += _check_football(routine, request, catalog)
    return out


def signature_pattern(request):
    """The movement an activity is known by (a racket swing, a footballer's sprint), listed first;
    asked for from 8 minutes, when there is time for more than one short power drill."""
    patterns = v.ACTIVITY_PATTERNS[request.activity]
    return patterns[0] if patterns and request.activity != "general" and request.minutes >= 8 else None


def pattern_fits(ex, request):
    return ex.pattern in v.ACTIVITY_PATTERNS[request.activity]


def _check_potentiation(routine, request, catalog):
    """N5, N6: power drills in the activity's own movement, in a real dose."""
    out = []
    power = [(i, s) for i, s in enumerate(routine.steps) if s.phase == "potentiate"]
    if not power:
        return out
    fitting = eligible(catalog, request, "potentiate", lambda ex: pattern_fits(ex, request))
    if fitting and not any(pattern_fits(catalog[s.exercise_id], request) for _, s in power):
        out.append(Violation("N5", f"no power drill in the movement of {v.label(request.activity)}"))
    signature = signature_pattern(request)
    if signature and not any(catalog[s.exercise_id].pattern == signature for _, s in power) and eligible(
            catalog, request, "potentiate", lambda ex: ex.pattern == signature):
        out.append(Violation("N5", f"{v.label(request.activity)} needs a {signature} rehearsal among its power drills"))
    if fitting:
        for i, s in power:
            if not pattern_fits(catalog[s.exercise_id], request):
                out.append(Violation("N5", f"{s.exercise_id} is not {v.label(request.activity)}'s movement", i))
    work = sum(s.sets * s.seconds for _, s in power)
    if request.minutes >= 8 and work < POWER_WORK_SECONDS:
        out.append(Violation("N6", f"{work}s of power work is too little to prime anything "
                                   f"({POWER_WORK_SECONDS}s or more)"))
    return out


def _check_football(routine, request, catalog):
    """R4, shorter or indoors: a football running drill and football strength or balance (N5 does the power)."""
    out = []
    for phase in ("raise", "activate"):
        options = eligible(catalog, request, phase, lambda ex: "football" in ex.activities)
        chosen = [s for s in routine.steps if s.phase == phase and "football" in catalog[s.exercise_id].activities]
        if options and not chosen:
            out.append(Violation("R4", f"the {phase} phase needs a football-specific exercise"))
    return out


def fifa_options(catalog, request, component):
    """The FIFA 11+ exercises of one component this person may do, at or below their level."""
    rank = highest_level(request) + 1
    return [ex for ex in catalog.values() if ex.fifa == component and ex.fifa_level <= rank
            and is_safe(ex, request) and any(phase_accepts(p, ex, request) for p in ex.phases)]


def _check_fifa(routine, request, catalog):
    """R4: the three parts of FIFA 11+, each component that suits the person, at their level."""
    out = []
    present = {catalog[s.exercise_id].fifa for s in routine.steps}
    for component in v.FIFA_COMPONENTS:
        if component not in present and fifa_options(catalog, request, component):
            out.append(Violation("R4", f"FIFA 11+ needs its {component.replace('_', ' ')} exercise"))
    return out


def key_region_fits(ex, request):
    return not set(ex.targets).isdisjoint(v.ACTIVITY_KEY_REGIONS[request.activity])


def _check_key_regions(routine, request, catalog):
    """N4: activate and mobilise each work an area the activity leans on, or the routine says why not."""
    out = []
    used = {s.exercise_id for s in routine.steps}
    for phase in ("activate", "mobilise"):
        if not any(s.phase == phase for s in routine.steps):
            continue
        has = any(key_region_fits(catalog[s.exercise_id], request) for s in routine.steps if s.phase == phase)
        if not has and eligible(catalog, request, phase, lambda ex: key_region_fits(ex, request)
                                and ex.id not in used):
            out.append(Violation("N4", f"the {phase} phase works none of the areas {v.label(request.activity)} "
                                       "leans on"))
    return out


def _check_flexibility(routine, request, catalog):
    out = []
    lo, hi = flexibility_raise_range(request.minutes)
    seconds = sum(step.duration for step in routine.steps if step.phase == "raise")
    if hi == 0:
        if seconds:
            out.append(Violation("N8", "a stretching session this short has no warming part"))
    elif routine.steps[0].phase != "raise" or not lo <= seconds <= hi:
        out.append(Violation("R1", f"a stretching session opens with {lo}–{hi}s of warming movement "
                                   f"(has {seconds}s)"))
    out += _check_coverage(routine, request, catalog)
    return out


def stretched_groups(ex):
    """The major groups a true stretch lengthens: its first two targets."""
    return [t for t in ex.targets[:2] if t in v.MAJOR_GROUPS] if ex.stretch else []


def coverable_groups(catalog, request):
    return {g for ex in eligible(catalog, request, "stretch") for g in stretched_groups(ex)}


def group_seconds(pairs):
    """(seconds held per major group, total seconds held) from (exercise, seconds held) pairs; a stretch's
    time belongs to the muscle it is for, its first target."""
    groups, total = Counter(), 0
    for ex, duration in pairs:
        if ex.stretch:
            total += duration
            if ex.targets[0] in v.MAJOR_GROUPS:
                groups[ex.targets[0]] += duration
    return groups, total


def overshare(pairs, request):
    """N3: the groups taking more than their share: a quarter each once four groups or more are
    stretched (fewer share more, but evenly), counted once there are ten minutes of stretching."""
    groups, total = group_seconds(pairs)
    if total < SHARE_FROM_SECONDS or not groups:
        return {}
    limit = max(STRETCH_GROUP_SHARE, 1.5 / len(groups))
    return {g: s / total for g, s in groups.items() if g not in request.tight_areas and s > limit * total}


def shares_ok(pairs, request):
    return not overshare(pairs, request)


def _check_coverage(routine, request, catalog):
    """N3 (ACSM): stretch the major groups, none at the expense of the rest."""
    out = []
    pairs = [(catalog[s.exercise_id], s.sets * s.seconds) for s in routine.steps if s.phase == "stretch"]
    groups = {g for ex, _ in pairs for g in stretched_groups(ex)}
    need = min(coverage_needed(request), len(coverable_groups(catalog, request)))
    if len(groups) < need:
        out.append(Violation("N3", f"stretches {len(groups)} of the major muscle groups (needs {need})"))
    for group, share in sorted(overshare(pairs, request).items()):
        out.append(Violation("N3", f"{group} takes {round(100 * share)}% of the stretching"))
    return out
