"""The deterministic routine engine. Pure: plain data in, plain data out.

build_routine() picks exercises phase by phase from the safe part of the catalog, times
them within the rules' bounds, then nudges sets and seconds until the total is close to the
minutes asked. Everything it returns passes rules.check_routine().
"""
import random
from collections import Counter
from dataclasses import dataclass

from .. import vocabulary as v
from . import rules
from .data import Routine, Step, validate_request

PHASE_SHARE = {
    "warmup": {"raise": 0.2, "activate": 0.25, "mobilise": 0.25, "potentiate": 0.3},
    "cooldown": {"pulse_down": 0.3, "stretch": 0.7},
    "mobility": {"mobilise": 0.6, "activate": 0.4},
}
PHASE_TYPES = {
    "raise": {"raise", "dynamic"},
    "activate": {"activation", "dynamic"},
    "mobilise": {"dynamic", "activation", "static"},
    "potentiate": {"potentiation"},
    "pulse_down": {"raise", "dynamic", "foam_roll", "breathing"},
    "stretch": {"static"},
}
REST = {"raise": 5, "dynamic": 10, "activation": 10, "potentiation": 30, "static": 5,
        "foam_roll": 10, "breathing": 5}
EFFORT = {"too_easy": 1.25, "too_hard": 0.8}
CLOSE_ENOUGH = 0.04  # aim well inside the rules' ±10%

KIND_WHY = {
    "warmup": "A RAMP warm-up for {activity}: raise your temperature, activate and mobilise the "
              "muscles and joints you are about to use, then potentiate so your first minutes feel sharp.",
    "cooldown": "Let your heart rate come down gently, then hold easy stretches while your muscles are warm.",
    "flexibility": "A few minutes of easy movement to warm up, then stretches held to mild tension — "
                   "never pain — two to four times each, about a minute per muscle group.",
    "mobility": "Take your joints through their full, comfortable range, then wake up the muscles that control it.",
}
PHASE_WHY = {
    "raise": "Raise: lifts your heart rate and warms your muscles",
    "activate": "Activate: switches on the muscles that steady your joints",
    "mobilise": "Mobilise: moves your joints through the range you'll use",
    "potentiate": "Potentiate: {name} primes you for {activity}",
    "pulse_down": "Pulse down: lets your heart rate settle gradually",
    "stretch": "Stretch: eases your {targets} while you're warm",
}


@dataclass
class Unit:
    """One exercise in the plan; a one-sided exercise becomes two steps."""
    ex: object
    phase: str
    seconds: int
    sets: int
    rest: int
    why: str

    @property
    def sides(self):
        return 2 if self.ex.unilateral else 1

    @property
    def duration(self):
        return self.sides * self.sets * (self.seconds + self.rest)


def build_routine(request, catalog):
    """Build one routine for ``request`` from ``catalog`` (a sequence of Exercise)."""
    validate_request(request)
    return _Builder(request, catalog).build()


def _round5(value):
    return int(5 * round(value / 5))


def _clamp(value, bounds):
    return max(bounds[0], min(bounds[1], value))


class _Builder:
    def __init__(self, request, catalog):
        self.request = request
        self.rng = random.Random(request.seed)
        self.effort = EFFORT.get(request.feedback, 1.0)
        forbidden, max_rank = rules.forbidden_tags(request), rules.highest_level(request)
        self.pool = [ex for ex in catalog if rules.is_safe(ex, request, forbidden, max_rank)]
        condition_tags = frozenset().union(*(v.CONDITION_FORBIDS[c] for c in request.conditions))
        self.left_out_for_conditions = sum(1 for ex in catalog if not condition_tags.isdisjoint(ex.contra_tags))
        self.used = set()
        self.covered = Counter()
        self.notes = []

    # -- choosing -------------------------------------------------------------------------
    def candidates(self, phase):
        req, kind = self.request, self.request.kind
        types = PHASE_TYPES[phase]
        out = []
        for ex in self.pool:
            if phase not in ex.phases or ex.type not in types:
                continue
            if ex.type == "static" and phase == "mobilise":
                # R2: in a warm-up, a short hold only where the person is tight, and only with time for it.
                if kind != "warmup" or req.minutes < 10 or req.tight_areas.isdisjoint(ex.targets):
                    continue
            out.append(ex)
        if phase == "potentiate":
            specific = [ex for ex in out if req.activity in ex.activities]
            if specific:
                return specific
            if out and req.activity != "general":
                self.notes.append(f"No power drills made for {v.label(req.activity)} suit you today, "
                                  "so the last phase uses general ones.")
        return out

    def base_score(self, ex, phase):
        req = self.request
        score = self.rng.random() * 2.5
        if req.activity in ex.activities:
            score += 4 + (2 if "general" not in ex.activities else 0)  # the more specific, the better
        elif "general" in ex.activities:
            score += 1
        tight = len(req.tight_areas.intersection(ex.targets))
        score += tight * (3 if phase in ("mobilise", "stretch") else 2)
        if ex.id in req.recent_exercise_ids:
            score -= 3
        if not req.avoid_regions.isdisjoint(ex.targets):
            score -= 5
        return score

    def pick(self, ranked, units):
        """The best remaining candidate, preferring muscles not yet covered."""
        has_specific = any(self.request.activity in u.ex.activities for u in units)
        best, best_score = None, None
        for base, ex in ranked:
            if ex.id in self.used:
                continue
            if ex.type == "static" and any(u.ex.type == "static" for u in units) and units[0].phase == "mobilise":
                continue  # at most one hold in a warm-up's mobilise phase
            score = base - 1.0 * sum(1 for t in ex.targets if self.covered[t])
            if not has_specific and self.request.activity in ex.activities:
                score += 6  # each phase opens with something made for the activity (R3, R4)
            if best_score is None or score > best_score:
                best, best_score = ex, score
        return best

    def make_unit(self, ex, phase):
        req = self.request
        b = rules.timing_bounds(ex.type, req.kind, req.older_adult)
        seconds = _clamp(_round5(ex.default_seconds * self.effort), b.seconds)
        if ex.type == "static" and req.kind == "flexibility":
            sets = _clamp(round(60 / seconds), b.sets)  # ≈ 60 s per muscle group (R1)
        else:
            sets = _clamp(ex.default_sets, b.sets)
        rest = _clamp(REST[ex.type] + (10 if ex.type == "potentiation" and req.feedback == "too_hard" else 0), b.rest)
        return Unit(ex, phase, seconds, sets, rest, self.why(ex, phase))

    def why(self, ex, phase):
        req = self.request
        text = PHASE_WHY[phase].format(
            name=ex.name.lower(), activity=v.label(req.activity),
            targets=" and ".join(v.region_label(t).lower() for t in ex.targets[:2]))
        tight = [t for t in ex.targets if t in req.tight_areas]
        if tight:
            text += f" — chosen for your tight {v.region_label(tight[0]).lower()}"
        elif req.activity in ex.activities and req.activity != "general" and phase != "potentiate":
            text += f" — made for {v.label(req.activity)}"
        return text

    def fill(self, phase, units, ranked, budget):
        while True:
            spent = sum(u.duration for u in units)
            if spent >= budget:
                return
            ex = self.pick(ranked, units)
            if ex is None:
                return
            unit = self.make_unit(ex, phase)
            room = budget - spent + self.request.target_seconds * CLOSE_ENOUGH
            if unit.duration > room:
                unit = self.fitting_unit(ranked, units, phase, room) or unit
            if units and spent + unit.duration > budget + unit.duration / 2:
                return
            self.add(units, unit)

    def fitting_unit(self, ranked, units, phase, room):
        """The best-ranked remaining exercise that fits the time left, if any does."""
        for _, ex in ranked:
            if ex.id not in self.used:
                unit = self.make_unit(ex, phase)
                if unit.duration <= room:
                    return unit
        return None

    def add(self, units, unit):
        units.append(unit)
        self.used.add(unit.ex.id)
        self.covered.update(unit.ex.targets)

    # -- timing -----------------------------------------------------------------------------
    def moves(self, unit):
        b = rules.timing_bounds(unit.ex.type, self.request.kind, self.request.older_adult)
        for attr, step, bounds in (("sets", 1, b.sets), ("seconds", 5, b.seconds), ("rest", 5, b.rest)):
            for delta in (step, -step):
                value = getattr(unit, attr) + delta
                if bounds[0] <= value <= bounds[1]:
                    yield attr, value

    def adjust(self, units, target, ranked_by_phase, lo=None, hi=None):
        """Nudge timings (and add or drop exercises) until the units' total is close to target."""
        lo = target * (1 - CLOSE_ENOUGH) if lo is None else lo
        hi = target * (1 + CLOSE_ENOUGH) if hi is None else hi
        for _ in range(300):
            total = sum(u.duration for u in units)
            if lo <= total <= hi:
                return
            diff = target - total
            if diff > 0 and self.add_exercise(units, diff, ranked_by_phase):
                continue
            best = None
            for unit in units:
                for attr, value in self.moves(unit):
                    before = unit.duration
                    old = getattr(unit, attr)
                    setattr(unit, attr, value)
                    error = abs(target - (total - before + unit.duration))
                    setattr(unit, attr, old)
                    if error < abs(diff) and (best is None or error < best[0]):
                        best = (error, unit, attr, value)
            if best is not None:
                setattr(best[1], best[2], best[3])
            elif abs(diff) <= target * rules.TOLERANCE * 0.8:
                return  # no finer move exists, and this is comfortably within the rules
            elif diff < 0 and self.drop_exercise(units):
                continue
            else:
                return

    def add_exercise(self, units, diff, ranked_by_phase):
        """Add one more exercise to the phase furthest under its share, if one fits the gap."""
        by_phase = Counter(u.phase for u in units)
        for phase in sorted(ranked_by_phase, key=lambda p: by_phase[p]):
            phase_units = [u for u in units if u.phase == phase]
            ex = self.pick(ranked_by_phase[phase], phase_units)
            if ex is None:
                continue
            unit = self.make_unit(ex, phase)
            if unit.duration <= diff + self.request.target_seconds * CLOSE_ENOUGH:
                index = max((i for i, u in enumerate(units) if u.phase == phase), default=None)
                if index is None:  # a phase that was empty goes in its proper place
                    order = v.KIND_PHASES[self.request.kind].index
                    index = sum(1 for u in units if order(u.phase) < order(phase)) - 1
                units.insert(index + 1, unit)
                self.used.add(ex.id)
                self.covered.update(ex.targets)
                return True
        return False

    def drop_exercise(self, units):
        counts = Counter(u.phase for u in units)
        for i in range(len(units) - 1, -1, -1):
            if counts[units[i].phase] > 1:
                units.pop(i)  # stays in self.used, so it is not added straight back
                return True
        return False

    # -- assembling --------------------------------------------------------------------------
    def build(self):
        req = self.request
        phases = v.KIND_PHASES[req.kind]
        target = req.target_seconds
        if req.kind == "flexibility":
            raise_lo, raise_hi = rules.flexibility_raise_range(req.minutes)
            budgets = {"raise": (raise_lo + raise_hi) // 2}
            budgets["stretch"] = target - budgets["raise"]
        else:
            budgets = {phase: target * share for phase, share in PHASE_SHARE[req.kind].items()}

        ranked, plan = {}, {}
        for phase in phases:
            options = self.candidates(phase)
            ranked[phase] = sorted(((self.base_score(ex, phase), ex) for ex in options),
                                   key=lambda pair: (-pair[0], pair[1].id))
            plan[phase] = []
            self.fill(phase, plan[phase], ranked[phase], budgets[phase])

        if req.kind == "flexibility":
            warm = plan["raise"]
            self.adjust(warm, budgets["raise"], {"raise": ranked["raise"]}, raise_lo, raise_hi)
            rest = plan["stretch"]
            self.adjust(rest, target - sum(u.duration for u in warm), {"stretch": ranked["stretch"]})
            # Whatever the holds could not absorb, the warm-up takes up, within its own range.
            held = sum(u.duration for u in rest)
            lo = max(raise_lo, target * (1 - CLOSE_ENOUGH) - held)
            hi = min(raise_hi, target * (1 + CLOSE_ENOUGH) - held)
            if lo <= hi:
                self.adjust(warm, (lo + hi) / 2, {}, lo, hi)
            units = warm + rest
        else:
            units = [u for phase in phases for u in plan[phase]]
            self.adjust(units, target, {p: ranked[p] for p in phases})

        for phase in phases:
            if not any(u.phase == phase for u in units):
                self.notes.append(f"Nothing for the {v.label(phase).lower()} phase suits your body and "
                                  "equipment today, so this routine leaves it out.")
        return Routine(kind=req.kind, minutes=req.minutes, activity=req.activity,
                       steps=self.steps(units), why=KIND_WHY[req.kind].format(activity=v.label(req.activity)),
                       notes=self.person_notes() + self.notes)

    def steps(self, units):
        steps = []
        for unit in units:
            ex = unit.ex
            reps = None
            if ex.default_reps and ex.type != "static":
                reps = max(1, round(ex.default_reps * unit.seconds / ex.default_seconds))
            sides = v.SIDES if ex.unilateral else (None,)
            for side in sides:
                steps.append(Step(ex.id, unit.phase, side, unit.seconds, unit.sets, reps, unit.rest, unit.why))
        return steps

    def person_notes(self):
        req, notes = self.request, []
        if req.screening_positive:
            notes.append("Gentle mode is on because you answered “yes” to a health question: no high-impact "
                         "or all-out efforts. Please check with your doctor before you start.")
        if req.conditions and self.left_out_for_conditions:
            names = ", ".join(v.label(c).lower() for c in sorted(req.conditions))
            notes.append(f"Left out {self.left_out_for_conditions} exercises that don't suit: {names}.")
        if req.avoid_regions:
            names = ", ".join(v.region_label(r).lower() for r in sorted(req.avoid_regions))
            notes.append(f"Go easy on your {names}: it hurt last time, so this routine works around it. "
                         "Stop if the pain comes back.")
        if req.feedback == "too_easy":
            notes.append("Last time felt too easy, so the holds and intervals are a little longer.")
        elif req.feedback == "too_hard":
            notes.append("Last time felt too hard, so the intervals are shorter with more rest.")
        if req.kind == "flexibility" and req.minutes < 10:
            notes.append("A short session: the warm-up part is shorter than the usual 3–5 minutes.")
        return notes


def swap_step(routine, index, request, catalog, seed):
    """Replace the exercise at ``index`` (both sides of a one-sided one) with a safe alternative
    for the same phase and muscles, timed to fill the same time. None when nothing fits."""
    by_id = {ex.id: ex for ex in catalog}
    steps = routine.steps
    if not 0 <= index < len(steps):
        return None
    start = index
    if steps[index].side is not None and index > 0 and steps[index - 1].exercise_id == steps[index].exercise_id \
            and steps[index - 1].side is not None:
        start = index - 1
    width = 2 if steps[start].side is not None else 1
    old = steps[start]
    old_ex = by_id.get(old.exercise_id)
    if old_ex is None:
        return None
    old_duration = sum(s.duration for s in steps[start:start + width])
    in_routine = {s.exercise_id for s in steps}
    builder = _Builder(request, catalog)
    rng = random.Random(seed)
    options = [ex for ex in builder.pool if old.phase in ex.phases and ex.type in PHASE_TYPES[old.phase]
               and ex.id not in in_routine and (ex.type != "static" or old_ex.type == "static")]
    options.sort(key=lambda ex: (-len(set(ex.targets) & set(old_ex.targets)), rng.random()))
    for ex in options:
        unit = builder.make_unit(ex, old.phase)
        builder.adjust([unit], old_duration, {}, old_duration * 0.9, old_duration * 1.1)
        new_steps = builder.steps([unit])
        candidate = Routine(routine.kind, routine.minutes, routine.activity,
                            steps[:start] + new_steps + steps[start + width:], routine.why, routine.notes)
        if not rules.check_routine(candidate, request, by_id):
            return candidate
    return None


def candidates_for(request, catalog):
    """Every exercise another chooser (the AI) may pick for this request: safe for this person and
    suited to a phase of the kind. Returns {exercise_id: [phases]} in catalog order."""
    validate_request(request)
    builder = _Builder(request, catalog)
    out = {}
    for phase in v.KIND_PHASES[request.kind]:
        for ex in builder.candidates(phase):
            out.setdefault(ex.id, []).append(phase)
    return out


def routine_from_choice(request, catalog, choice, why):
    """A routine from an ordered choice of (exercise_id, phase), timed by our own rules (the
    chooser never sets seconds, sets or rest). Raises KeyError for an id outside the safe pool."""
    validate_request(request)
    builder = _Builder(request, catalog)
    pool = {ex.id: ex for ex in builder.pool}
    units = [builder.make_unit(pool[exercise_id], phase) for exercise_id, phase in choice]
    builder.used.update(exercise_id for exercise_id, _ in choice)
    target = request.target_seconds
    if request.kind == "flexibility":  # the warming part has its own range (R1), as in build()
        lo, hi = rules.flexibility_raise_range(request.minutes)
        warm = [u for u in units if u.phase == "raise"]
        holds = [u for u in units if u.phase != "raise"]
        builder.adjust(warm, (lo + hi) / 2, {}, lo, hi)
        builder.adjust(holds, target - sum(u.duration for u in warm), {})
        kept = {id(u) for u in warm + holds}
        units = [u for u in units if id(u) in kept]  # the chooser's order, whatever adjust dropped
    else:
        builder.adjust(units, target, {})
    return Routine(kind=request.kind, minutes=request.minutes, activity=request.activity,
                   steps=builder.steps(units), why=why, notes=builder.person_notes())
