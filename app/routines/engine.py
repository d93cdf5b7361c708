"""The deterministic routine engine. Pure: plain data in, plain data out.

build_routine() picks exercises phase by phase from the safe part of the catalog (what a
condition asks for first, then what the activity leans on), orders them the way a coach would
(intensity building through a warm-up and settling through a cool-down, grouped by position so
the floor is visited once), times them within the rules' bounds, then nudges sets and seconds
until the total is close to the minutes asked. Everything it returns passes rules.check_routine().

SafePool is what every chooser of exercises shares for one request: the safe exercises, which of
them suit each phase, and the timing, ordering and fitting above. build_routine()'s chooser works
from one, and so do swap_step() and the AI path (candidates_for(), routine_from_choice()).
"""
import random
from collections import Counter

from .. import vocabulary as v
from . import order, rules
from .data import Routine, Step, validate_request
from .notes import person_notes
from .timing import CLOSE_ENOUGH, Timer, clamp

PHASE_SHARE = {
    "warmup": {"raise": 0.2, "activate": 0.25, "mobilise": 0.25, "potentiate": 0.3},
    "cooldown": {"pulse_down": 0.3, "stretch": 0.7},
    "mobility": {"mobilise": 0.6, "activate": 0.4},
}
NO_POWER_SHARE = {"raise": 0.25, "activate": 0.35, "mobilise": 0.4}  # a desk break needs no power drill
FIFA_SHARE = {"raise": 0.35, "mobilise": 0.05, "activate": 0.4, "potentiate": 0.2}  # 8 + 10 + 2 minutes
EFFORT = {"too_easy": 1.25, "too_hard": 0.8}
BREATHING_FROM_MINUTES = 5  # a cool-down or stretching session this long ends with a breathing drill

KIND_WHY = {
    "warmup": "A RAMP warm-up for {activity}: raise your temperature, activate and mobilise the "
              "muscles and joints you are about to use, then potentiate so your first minutes feel sharp.",
    "cooldown": "Let your heart rate come down gently, then hold easy stretches while your muscles are warm, "
                "and finish with slow breathing.",
    "flexibility": "A few minutes of easy movement to warm up, then stretches held to mild tension — "
                   "never pain — two to four times each, about a minute per muscle group.",
    "mobility": "Take your joints through their full, comfortable range, then wake up the muscles that control it.",
}
NO_POWER_WHY = ("A RAMP warm-up for {activity}: raise your temperature, then activate and mobilise the muscles "
                "and joints you are about to use.")
FIFA_WHY = ("FIFA 11+ for football: running drills with active stretching, then strength, plyometrics and "
            "balance at your level, then faster running with changes of direction. Done twice a week, it is "
            "known to cut football injuries by about a third.")
# N13: the reason is chosen by what the exercise is, not only by the phase it sits in.
WHY = {
    ("raise", None): "Raise: lifts your heart rate and warms your muscles",
    ("activate", "activation"): "Activate: switches on your {targets} so they steady your joints",
    ("activate", "dynamic"): "Activate: gets your {targets} working through the movement",
    ("mobilise", "dynamic"): "Mobilise: takes your {targets} through the range you'll use",
    ("mobilise", "activation"): "Mobilise: builds control of your {targets} through their range",
    ("mobilise", "static"): "Short hold: eases your {targets} before you move, then dynamic work follows",
    ("potentiate", None): "Potentiate: short, sharp bursts of {pattern}, so your first minutes of {activity} "
                          "feel quick, not sluggish",
    ("pulse_down", "activation"): "Settle: easy work for your {targets} while your breathing slows",
    ("pulse_down", None): "Pulse down: lets your heart rate settle gradually",
    ("stretch", "static"): "Stretch: eases your {targets} while you're warm",
    ("stretch", "hold"): "Hold: a steady, easy position for your {targets}",
    ("stretch", "foam_roll"): "Foam roll: eases tension in your {targets} before the holds",
    ("stretch", "breathing"): "Breathe: slow breathing lets your body settle at the end",
}
PATTERN_WORDS = {
    "sprint": "fast running", "cut": "quick changes of direction", "jump": "jumping", "land": "landing",
    "swing": "swing", "stroke": "stroke", "pedal": "pedalling", "pull": "pulling", "grip": "grip",
    "push": "pushing", "lift": "lifting", "step": "strong stepping",
}
# Why a step is safe for a condition, said on the steps that work the part the condition is about
# (the exercise passed that condition's rules; vocabulary.CONDITION_FORBIDS says what they rule out).
CONDITION_WHY = {
    "knee": (("knees", "quads", "hamstrings"), "knee-friendly: no deep bending, kneeling or impact"),
    "lower_back": (("lower_back",), "back-friendly: no loaded or end-of-range bending and twisting"),
    "neck": (("neck",), "neck-friendly: no circling or tipping your head back"),
    "shoulder": (("shoulders",), "shoulder-friendly: nothing loaded overhead or forced to the end of its range"),
    "hip_replacement_posterior": (("hips", "glutes", "adductors"),
                                  "safe for your new hip: no bending past 90°, crossing your legs or turning in"),
    "hip_replacement_anterior": (("hips", "hip_flexors", "glutes"),
                                 "safe for your new hip: no reaching back with the leg turned out"),
}
REQUIRED_WHY = {
    "a balance exercise": " — balance work protects you from falls (osteoporosis)",
    "a back-strengthening exercise": " — a strong back protects your spine (osteoporosis)",
    "pelvic-floor exercises": " — pelvic-floor work is recommended all through pregnancy",
}


def build_routine(request, catalog):
    """Build one routine for ``request`` from ``catalog`` (a sequence of Exercise)."""
    validate_request(request)
    return _Chooser(request, catalog).build()


class SafePool:
    """What every chooser of exercises shares for one request, and nothing it chooses.

    ``exercises`` are the catalog's exercises safe for this person, in catalog order, and
    ``left_out`` how many more their equipment allowed that safety ruled out. ``target`` is the
    seconds to fill and ``timer`` the rules' timing for this person. From them: the candidates for a
    phase, a timed unit for an exercise in a phase, units in a coach's order, units fitted to a
    number of seconds, and units as Steps.
    """

    def __init__(self, request, catalog):
        self.request = request
        self.timer = Timer(request, EFFORT.get(request.feedback, 1.0))
        safe = rules.safety_filter(request)
        self.exercises = [ex for ex in catalog if safe(ex)]
        kept = {ex.id for ex in self.exercises}
        self.ruled_out = [ex for ex in catalog if ex.id not in kept and request.equipment.issuperset(ex.equipment)]
        self.left_out = len(self.ruled_out)
        self.target = rules.target_seconds(request)

    def candidates(self, phase, notes=None):
        """The safe exercises that suit ``phase``, in catalog order (the breathing drill that ends a
        session is not among the stretches: see breathing()). When no power drill moves the way the
        activity does, the general ones stand in, and ``notes`` (a list, if given) is told so."""
        req = self.request
        out = [ex for ex in self.exercises if phase in ex.phases and rules.phase_accepts(phase, ex, req)]
        if phase == "stretch":
            out = [ex for ex in out if ex.type != "breathing"]  # breathing has its own slot at the end
        if phase == "potentiate":
            if not rules.has_potentiation(req):
                return []
            fitting = [ex for ex in out if rules.pattern_fits(ex, req)]
            if fitting:
                return fitting
            if out and req.activity != "general" and notes is not None:
                notes.append(f"No power drill in the movement of {v.label(req.activity)} suits you today, "
                             "so the last phase uses general ones.")
        return out

    def breathing(self):
        """The safe breathing drills that may end a cool-down or stretching session, in catalog order."""
        req = self.request
        return [ex for ex in self.exercises if ex.type == "breathing" and "stretch" in ex.phases
                and rules.phase_accepts("stretch", ex, req)]

    def make_unit(self, ex, phase, keep=False, why_extra=""):
        """``ex`` in ``phase`` at its own timing within the rules, with the reason it is there."""
        return self.timer.unit(ex, phase, self.why(ex, phase, why_extra), keep=keep)

    def why(self, ex, phase, reason=""):
        """N13: what this exercise does in this phase, and why it is in this person's routine."""
        req = self.request
        kind = ex.type
        if phase == "stretch" and ex.type == "static" and not ex.stretch:
            kind = "hold"
        template = WHY.get((phase, kind)) or WHY.get((phase, None)) or WHY[("mobilise", "dynamic")]
        if phase == "potentiate" and req.activity == "general":
            template = "Potentiate: short, sharp bursts of {pattern}, so you're ready to move quickly"
        text = template.format(
            name=ex.name.lower(), activity=v.label(req.activity),
            pattern=PATTERN_WORDS.get(ex.pattern, "movement"),
            targets=" and ".join(v.region_label(t).lower() for t in ex.targets[:2] if t != "full_body")
            or "whole body")
        if ex.fifa and rules.fifa_template(req):
            part = v.FIFA_PARTS[v.FIFA_COMPONENT_PART[ex.fifa]].split(":")[0]
            return f"FIFA 11+, {part}: " + text.split(": ", 1)[1]
        tight = [t for t in ex.targets if t in req.tight_areas]
        focus = [why for region, why in req.focus_reasons if region in ex.targets]
        if reason:
            text += reason
        elif focus and (ex.stretch or ex.type == "dynamic"):  # N13: only a move that works the area says so
            text += f" — {focus[0]}"
        elif tight and (ex.stretch or ex.type == "dynamic"):
            text += f" — chosen for your tight {v.region_label(tight[0]).lower()}"
        elif phase == "potentiate" and (instead := self.instead_of(ex)):
            text += instead
        elif safe_for := self.safe_for(ex):
            text += f" — {safe_for}"
        elif req.activity in ex.activities and req.activity != "general" and phase != "potentiate":
            text += f" — made for {v.label(req.activity)}"
        return text

    def safe_for(self, ex):
        """Why this exercise suits a condition of the person's, when it works the part concerned."""
        for condition in sorted(self.request.conditions):
            regions, words = CONDITION_WHY.get(condition, ((), ""))
            if not set(regions).isdisjoint(ex.targets[:2]):
                return words
        return ""

    def instead_of(self, ex):
        """A power drill standing in for the activity's own one that a condition rules out (the landing
        page promises strides before a run; someone whose knee rules them out is told why not)."""
        req = self.request
        for other in sorted(self.ruled_out, key=lambda o: req.activity not in o.activities):
            if other.pattern != ex.pattern or "potentiate" not in other.phases or not rules.pattern_fits(other, req):
                continue
            why = [v.label(c).lower() for c, tags in v.CONDITION_FORBIDS.items()
                   if c in req.conditions and tags & set(other.contra_tags)]
            if why:
                return f" — instead of {other.name.lower()} (not for {why[0]})"
        return ""

    def arrange(self, units):
        """The units in a coach's order, each trip to the floor given its rest (N1, N2)."""
        return order.arrange(units, self.request, self.timer)

    def adjust(self, units, target, lo=None, hi=None, grow=None):
        """Fit the units to target seconds in place, dropping one when nothing else helps;
        ``grow(units, gap)``, if given, may add one when they fall short."""
        self.timer.fit(units, target, lo, hi, grow=grow, drop=self.drop_exercise)

    def drop_exercise(self, units):
        """Drop the last exercise a phase can spare; under 8 minutes a phase may go (R3 asks from 8)."""
        counts = Counter(u.phase for u in units)
        short = self.request.minutes < 8
        for i in range(len(units) - 1, -1, -1):
            if (counts[units[i].phase] > 1 or (short and len(units) > 1)) and not units[i].keep:
                units.pop(i)  # a chooser keeps it among the used, so it is not added straight back
                return True
        return False

    def fit(self, units, ranked=None, grow=None):
        """The units in a coach's order, timed to fill the target (a new list; units are retimed in place).

        A stretching session fits its warming part first, within R1's range, and the holds fill what it
        leaves. Then come rounds, each ordering the units and fitting them. In the first (and in the
        warming part), while they fall short, ``grow(units, gap, ranked_by_phase)`` may add an exercise
        from ``ranked``, a chooser's {phase: [(score, exercise), ...]}; a fixed choice passes neither.
        Two more rounds only retime what is there (a dropped exercise can take a trip to the floor, and its
        rest, with it), and the warming part is fitted again to what the holds left. build_routine() and
        routine_from_choice() (a fixed choice, say Claude's) are timed by this same path.
        """
        ranked = ranked or {}
        req = self.request
        stretching = req.kind == "flexibility"
        warm, target = [], self.target

        def growing(ranked_by_phase):
            if not ranked_by_phase or grow is None:
                return None
            return lambda us, gap: grow(us, gap, ranked_by_phase)

        if stretching:  # the warming part has its own range (R1), and the holds fill the rest
            lo, hi = rules.flexibility_raise_range(req.minutes)
            warm = self.arrange([u for u in units if u.phase == "raise"])
            self.adjust(warm, (lo + hi) / 2, lo, hi,
                        grow=growing({p: options for p, options in ranked.items() if p == "raise"}))
            units = [u for u in units if u.phase != "raise"]
            target -= sum(u.duration for u in warm)
            ranked = {p: options for p, options in ranked.items() if p != "raise"}
        for extra in (ranked, {}, {}):
            units = self.arrange(units)
            self.adjust(units, target, grow=growing(extra))
        units = self.arrange(units)
        if not stretching:
            self.timer.trim(units, self.target)
            return units
        total = sum(u.duration for u in units)
        lo2 = max(lo, self.target * (1 - 2 * CLOSE_ENOUGH) - total)
        hi2 = min(hi, self.target - total)
        if lo2 <= hi2:
            self.adjust(warm, (lo2 + hi2) / 2, lo2, hi2)
        everything = self.arrange(warm + units)
        self.timer.trim(everything, self.target)
        return everything

    def steps(self, units):
        """The units as Steps: a one-sided exercise becomes a left then a right step."""
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


class _Chooser:
    """Chooses the exercises of one routine from a SafePool, and keeps what it has chosen so far."""

    def __init__(self, request, catalog):
        self.request = request
        self.catalog = {ex.id: ex for ex in catalog}
        self.rng = random.Random(request.seed)
        self.safe = SafePool(request, catalog)
        self.cap = rules.max_exercises(request)
        self.used = set()
        self.covered = Counter()
        self.notes = []
        self.peak = None  # the power drills' intensity, which nothing before them may pass (N1)
        self.jobs = set()  # (phase, main target, type) already in the routine (N12)
        self.fifa_done = set()  # FIFA 11+ components already in the routine (R4)
        self.avoided = {t for area in request.avoid_regions for t in v.PAIN_AREA_TARGETS.get(area, (area,))}

    # -- choosing -------------------------------------------------------------------------
    def candidates(self, phase):
        return self.safe.candidates(phase, self.notes)

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
        if ex.id in req.unwanted_ids:
            score -= 12  # only when nothing else does the job
        if not self.avoided.isdisjoint(ex.targets):
            score -= 5
        if phase in ("activate", "mobilise") and rules.key_region_fits(ex, req):
            score += 1.5
        if ex.stretch and req.kind == "flexibility":
            score += 1  # the point of the session
        return score

    def clashes(self, ex, phase):
        """N12: another exercise in this phase already does the same job."""
        return rules.counts_for_variety(ex, phase, self.request) and (phase, ex.targets[0], ex.type) in self.jobs

    def pick(self, ranked, units, phase, everything=()):
        """The best remaining candidate, preferring muscles not yet covered."""
        if self.count >= self.cap:
            return None
        stretched = {g for u in everything for g in rules.stretched_groups(u.ex)}
        if phase == "stretch" and len(stretched) < rules.coverage_needed(self.request):
            # N3 first: while groups are missing, a stretch that reaches a new one wins if there is any.
            best = self.best(ranked, units, phase, everything, stretched,
                             lambda ex: set(rules.stretched_groups(ex)) - stretched, short=True)
            if best is not None:
                return best
        return self.best(ranked, units, phase, everything, stretched, lambda ex: True)

    def best(self, ranked, units, phase, everything, stretched, wanted, short=False):
        req = self.request
        has_specific = any(req.activity in u.ex.activities for u in units)
        needs_key = phase in ("activate", "mobilise") and not any(rules.key_region_fits(u.ex, req) for u in units)
        best, best_score = None, None
        covered = {t for t, n in self.covered.items() if n}
        ceiling = self.peak if self.peak is not None and phase != "potentiate" else 5
        one_hold = phase == "mobilise" and any(u.ex.type == "static" for u in units)
        # The most any bonus below can add: candidates come best base score first, so once even that
        # cannot beat the best so far, none of the rest can.
        bound = (0 if has_specific else 6) + (8 if needs_key else 0) + (6 if phase == "stretch" else 0)
        for base, ex in ranked:
            if best_score is not None and base + bound <= best_score:
                break
            if ex.id in self.used or ex.intensity > ceiling or (one_hold and ex.type == "static"):
                continue  # N1: nothing before the power drills passes their peak; at most one hold in mobilise
            if not wanted(ex) or self.clashes(ex, phase) or (ex.fifa and ex.fifa in self.fifa_done):
                continue  # N12, and one exercise of each FIFA 11+ component
            score = base - len(covered.intersection(ex.targets))
            if not has_specific and req.activity in ex.activities:
                score += 6  # each phase opens with something made for the activity (R3, R4)
            if needs_key and rules.key_region_fits(ex, req):
                score += 8  # N4
            if phase == "stretch":
                groups = set(rules.stretched_groups(ex))
                if (groups & stretched) - req.tight_areas and not (short and groups - stretched):
                    continue  # N3: one stretch per major group, unless tight or the only way to a missing one
                score += 3 * len(groups - stretched)
            if best_score is None or score > best_score:
                best, best_score = ex, score
        return best

    @property
    def count(self):
        return len(self.used)

    def add(self, units, unit):
        units.append(unit)
        self.used.add(unit.ex.id)
        self.covered.update(unit.ex.targets)
        if rules.counts_for_variety(unit.ex, unit.phase, self.request):
            self.jobs.add((unit.phase, unit.ex.targets[0], unit.ex.type))
        if unit.ex.fifa and rules.fifa_template(self.request):
            self.fifa_done.add(unit.ex.fifa)

    def fill(self, phase, units, ranked, budget, everything, limit):
        while True:
            mine = [u for u in units if u.phase == phase]
            spent = sum(u.duration for u in mine)
            short = self.groups_missing(units) if phase == "stretch" else 0
            if (spent >= budget and not short) or len(mine) >= limit:
                return
            ex = self.pick(ranked, mine, phase, everything + units)
            if ex is None:
                return
            unit = self.safe.make_unit(ex, phase)
            if short and self.groups_missing(units + [unit]) < short:
                unit.keep = True  # N3: one more group matters more than longer holds
                if spent + unit.duration > budget:
                    self.safe.timer.shrink(unit)
            elif mine and spent + unit.duration > budget + unit.duration / 2:
                return
            if not mine and unit.duration > budget:
                self.safe.timer.shrink(unit)
                if unit.duration > 2 * budget and self.request.minutes < 8:
                    return  # too short a routine for this phase (R3 asks for all four from 8 minutes)
            self.add(units, unit)

    def groups_missing(self, units):
        """How many more major groups this stretching session must reach (N3)."""
        reached = {g for u in units for g in rules.stretched_groups(u.ex)}
        return max(0, rules.coverage_needed(self.request) - len(reached))

    # -- what rules ask for first -----------------------------------------------------------
    def seed_required(self, plan):
        """N11: what a condition asks for goes in first; the routine says so when nothing suits."""
        for what, test, phases in rules.required_items(self.request):
            done = False
            for phase in phases:
                options = [ex for ex in self.candidates(phase) if test(ex) and ex.id not in self.used]
                if any(test(u.ex) for u in plan.get(phase, [])):
                    done = True
                    break
                if options:
                    best = max(options, key=lambda ex: (self.base_score(ex, phase), ex.id))
                    self.add(plan[phase], self.safe.make_unit(best, phase, keep=True, why_extra=REQUIRED_WHY[what]))
                    done = True
                    break
            if not done:
                self.notes.append(f"Nothing for {what} suits your equipment today; ask a physio for a home "
                                  "programme that includes it.")

    def seed_signature(self, plan, ranked):
        """N5: the power drills open with the activity's signature movement (a swing for racket sports)."""
        signature = rules.signature_pattern(self.request)
        if not signature or any(u.ex.pattern == signature for u in plan["potentiate"]):
            return
        options = [ex for _, ex in ranked if ex.pattern == signature and ex.id not in self.used]
        if options:
            self.add(plan["potentiate"], self.safe.make_unit(options[0], "potentiate", keep=True))

    def seed_key_regions(self, plan):
        """N4: activate and mobilise each open with an area the activity leans on, the scarcer first."""
        req = self.request
        if req.kind not in ("warmup", "mobility"):
            return
        options = {phase: [ex for ex in self.candidates(phase) if rules.key_region_fits(ex, req)]
                   for phase in ("activate", "mobilise") if phase in plan}
        for phase in sorted(options, key=lambda p: len(options[p])):
            if any(rules.key_region_fits(u.ex, req) for u in plan[phase]):
                continue
            free = [ex for ex in options[phase] if ex.id not in self.used and not self.clashes(ex, phase)
                    and (self.peak is None or ex.intensity <= self.peak)]
            if free:  # one made for the activity first: a short phase may have room for only this one (R3, R4)
                best = max(free, key=lambda ex: (req.activity in ex.activities, self.base_score(ex, phase), ex.id))
                self.add(plan[phase], self.safe.make_unit(best, phase, keep=True))

    def seed_football(self, plan):
        """R4, shorter or indoors: the raise and the activate phase each hold an exercise made for
        football when one suits the person, even where a condition's required items came first."""
        req = self.request
        if req.kind != "warmup" or req.activity != "football" or req.minutes < 8 or rules.fifa_template(req):
            return
        for phase in ("raise", "activate"):
            if phase not in plan or any("football" in u.ex.activities for u in plan[phase]):
                continue
            options = [ex for ex in self.candidates(phase) if "football" in ex.activities and ex.id not in self.used
                       and (self.peak is None or ex.intensity <= self.peak)]
            if options:
                best = max(options, key=lambda ex: (self.base_score(ex, phase), ex.id))
                self.add(plan[phase], self.safe.make_unit(best, phase, keep=True))

    def seed_fifa(self, plan):
        """R4: one exercise of each FIFA 11+ component, the hardest variation at the person's level."""
        for component in v.FIFA_COMPONENTS:
            options = [ex for ex in rules.fifa_options(self.catalog, self.request, component)
                       if ex.id not in self.used and any(p in plan for p in ex.phases)]
            if not options:
                continue
            best = max(options, key=lambda ex: (ex.fifa_level, self.base_score(ex, "activate"), ex.id))
            phase = next(p for p in ("raise", "mobilise", "activate", "potentiate")
                         if p in best.phases and rules.phase_accepts(p, best, self.request))
            self.add(plan[phase], self.safe.make_unit(best, phase, keep=True))

    # -- growing to fit the time ------------------------------------------------------------
    def add_exercise(self, units, diff, ranked_by_phase):
        """Add one more exercise to the phase furthest under its share, if one fits the gap."""
        by_phase = Counter(u.phase for u in units)
        for phase in sorted(ranked_by_phase, key=lambda p: by_phase[p]):
            phase_units = [u for u in units if u.phase == phase]
            ex = self.pick(ranked_by_phase[phase], phase_units, phase, units)
            if ex is None:
                continue
            unit = self.safe.make_unit(ex, phase)
            if unit.duration > diff + self.safe.target * CLOSE_ENOUGH:
                continue
            if order.floor_trips(self.safe.arrange(units + [unit])) > rules.max_floor_transitions(self.request):
                continue  # N2: not one more trip down to the floor and back
            self.add(units, unit)
            return True
        return False

    # -- assembling --------------------------------------------------------------------------
    def budgets(self, phases):
        req, target = self.request, self.safe.target
        if req.kind == "flexibility":
            lo, hi = rules.flexibility_raise_range(req.minutes)
            return {"raise": (lo + hi) // 2, "stretch": target - (lo + hi) // 2}
        if rules.fifa_template(req):
            shares = FIFA_SHARE
        elif req.kind == "warmup" and not rules.has_potentiation(req):
            shares = NO_POWER_SHARE
        else:
            shares = PHASE_SHARE[req.kind]
        return {phase: target * shares.get(phase, 0) for phase in phases}


    def breathing_unit(self, units):
        """The last slot of a cool-down or stretching session, in the position the holds ended in."""
        req = self.request
        if req.kind not in ("cooldown", "flexibility") or req.minutes < BREATHING_FROM_MINUTES:
            return None
        options = [ex for ex in self.safe.breathing() if ex.id not in self.used]
        arranged = self.safe.arrange(list(units))
        last_floor = bool(arranged) and rules.is_floor(arranged[-1].ex)
        if order.floor_trips(arranged) >= rules.max_floor_transitions(req):
            options = [ex for ex in options if rules.is_floor(ex) == last_floor]  # no extra trip (N2)
        if not options:
            return None
        options.sort(key=lambda ex: (rules.is_floor(ex) != last_floor, -self.base_score(ex, "stretch"), ex.id))
        unit = self.safe.make_unit(options[0], "stretch", keep=True)
        unit.sets = 1
        return unit

    def build(self):
        req, safe = self.request, self.safe
        no_warming = req.kind == "flexibility" and rules.flexibility_raise_range(req.minutes)[1] == 0
        phases = [p for p in v.KIND_PHASES[req.kind]
                  if not (p == "potentiate" and not rules.has_potentiation(req)) and not (p == "raise" and no_warming)]
        budgets = self.budgets(phases)
        ranked = {phase: sorted(((self.base_score(ex, phase), ex) for ex in self.candidates(phase)),
                                key=lambda pair: (-pair[0], pair[1].id)) for phase in phases}
        plan = {phase: [] for phase in phases}
        self.seed_required(plan)
        if rules.fifa_template(req):
            self.seed_fifa(plan)
        if req.kind in ("cooldown", "flexibility"):
            self.cap -= 1  # room for the breathing at the end
        # Power drills first, so the cap on exercises never squeezes them out and nothing before them is
        # harder than their peak (N1); arrange() orders them last.
        limits = {phase: max(1, round(self.cap * budgets[phase] / safe.target)) for phase in phases}
        if "potentiate" in phases:
            self.seed_signature(plan, ranked["potentiate"])
            self.fill("potentiate", plan["potentiate"], ranked["potentiate"], budgets["potentiate"], [],
                      limits["potentiate"])
            if plan["potentiate"]:
                self.peak = max(u.ex.intensity for u in plan["potentiate"])
        self.seed_key_regions(plan)
        self.seed_football(plan)
        units = [u for phase in phases for u in plan[phase]]
        for phase in phases:
            if phase != "potentiate":
                self.fill(phase, units, ranked[phase], budgets[phase], [], limits[phase])
        breathing = self.breathing_unit(units)
        if breathing is not None:
            self.add(units, breathing)
        units = safe.fit(units, ranked, grow=self.add_exercise)

        present = {u.phase for u in units}
        for phase in phases:
            if phase not in present and phase == "potentiate" and req.screening_positive:
                self.notes.append("Gentle mode leaves out the fast power drills that usually end a warm-up.")
            elif phase not in present:
                self.notes.append(f"Nothing for the {v.label(phase).lower()} phase suits your body, equipment and "
                                  "space today, so this routine leaves it out.")
        self.note_key_regions(units)
        why = KIND_WHY[req.kind].format(activity=v.label(req.activity))
        if rules.fifa_template(req):
            why = FIFA_WHY
        elif req.kind == "warmup" and "potentiate" not in present:
            why = NO_POWER_WHY.format(activity=v.label(req.activity))
        return Routine(kind=req.kind, minutes=req.minutes, activity=req.activity, steps=safe.steps(units),
                       why=why, notes=person_notes(req, safe.left_out) + self.notes)

    def note_key_regions(self, units):
        """N4: when nothing safe works what the activity leans on, say what would."""
        req = self.request
        if req.kind not in ("warmup", "mobility"):
            return
        for phase in ("activate", "mobilise"):
            chosen = [u for u in units if u.phase == phase]
            if chosen and not any(rules.key_region_fits(u.ex, req) for u in chosen):
                areas = ", ".join(v.region_label(r).lower() for r in v.ACTIVITY_KEY_REGIONS[req.activity][:3])
                self.notes.append(f"Nothing you can do today in the {v.label(phase).lower()} phase works your "
                                  f"{areas}; a resistance band or a wall would open more options.")


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
    safe = SafePool(request, catalog)
    rng = random.Random(seed)
    options = [ex for ex in safe.candidates(old.phase) if ex.id not in in_routine and ex.type == old_ex.type
               and ex.stance == old_ex.stance]
    options.sort(key=lambda ex: (-len(set(ex.targets) & set(old_ex.targets)), rng.random()))
    # The same stance keeps the trips to the floor where they were, and the time to make them (N2).
    before_a_trip = start + width - 1 in rules.floor_transitions(routine, by_id)
    for ex in options:
        unit = safe.make_unit(ex, old.phase)
        if before_a_trip:
            unit.min_rest = rules.transition_rest(request)
            unit.rest = clamp(unit.rest, safe.timer.rest_range(unit, unit.seconds))
        safe.adjust([unit], old_duration, old_duration * 0.9, old_duration * 1.1)
        new_steps = safe.steps([unit])
        candidate = Routine(routine.kind, routine.minutes, routine.activity,
                            steps[:start] + new_steps + steps[start + width:], routine.why, routine.notes)
        if not rules.check_routine(candidate, request, by_id):
            return candidate
    return None


def candidates_for(request, catalog):
    """Every exercise another chooser (the AI) may pick for this request: safe for this person and
    suited to a phase of the kind. Returns {exercise_id: [phases]} in catalog order."""
    validate_request(request)
    safe = SafePool(request, catalog)
    out = {}
    for phase in v.KIND_PHASES[request.kind]:
        options = safe.candidates(phase)
        if phase == "stretch":  # the breathing drill that ends the session
            options += safe.breathing()
        for ex in options:
            out.setdefault(ex.id, []).append(phase)
    return out


def routine_from_choice(request, catalog, choice, why):
    """A routine from an ordered choice of (exercise_id, phase), timed and ordered by our own rules
    (the chooser never sets seconds, sets or rest). Raises KeyError for an id outside the safe pool."""
    validate_request(request)
    safe = SafePool(request, catalog)
    by_id = {ex.id: ex for ex in safe.exercises}
    units = safe.fit([safe.make_unit(by_id[exercise_id], phase) for exercise_id, phase in choice])
    return Routine(kind=request.kind, minutes=request.minutes, activity=request.activity,
                   steps=safe.steps(units), why=why, notes=person_notes(request, safe.left_out))
