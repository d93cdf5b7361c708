"""The plain data the engine takes and returns. Pure: no Flask, no database."""
from dataclasses import asdict, dataclass, field

from .. import vocabulary as v


class RequestError(ValueError):
    """A routine request uses a word or number outside the vocabulary."""


@dataclass(frozen=True)
class RoutineRequest:
    kind: str
    minutes: int
    activity: str = "general"
    level: str = "beginner"
    age: int | None = None
    conditions: frozenset = frozenset()
    equipment: frozenset = frozenset()
    screening_positive: bool = False
    tight_areas: frozenset = frozenset()
    recent_exercise_ids: frozenset = frozenset()
    unwanted_ids: frozenset = frozenset()  # swapped out of this routine: a shuffle doesn't bring them back
    feedback: str | None = None  # the last rating: too_easy, about_right, too_hard
    avoid_regions: frozenset = frozenset()  # where the last session hurt (pain areas)
    seed: int = 0
    space: str = "room"  # where they'll move: "room" or "outdoor"
    dizziness: bool = False  # a "yes" to the screening question on dizziness or fainting
    medication: bool = False  # a "yes" to the screening question on prescribed medication
    # Condition details; None means not known, and the cautious answer holds.
    weeks_since_surgery: int | None = None
    surgeon_cleared: bool = False
    pregnancy_weeks: int | None = None
    spine_fracture: str | None = None  # "yes" or "no"
    back_worse: str | None = None  # "flexion" or "extension"
    # Self-test focus areas (app.selftests): (region, reason) pairs, each region also among tight_areas;
    # the reason is what a step for that region says ("your left ankle test was 4 cm shorter than your right").
    focus_reasons: tuple = ()

    @property
    def target_seconds(self):
        return self.minutes * 60

    @property
    def older_adult(self):
        return self.age is not None and self.age >= 65

    def to_dict(self):
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, frozenset):
                data[key] = sorted(value)
        data["focus_reasons"] = [list(pair) for pair in self.focus_reasons]
        return data

    @classmethod
    def from_dict(cls, data):
        """A request from to_dict(), also one stored before a field was added (it takes its default)."""
        sets = {"conditions", "equipment", "tight_areas", "recent_exercise_ids", "avoid_regions", "unwanted_ids"}
        out = {k: frozenset(val) if k in sets else val for k, val in data.items() if k in cls.__dataclass_fields__}
        if "focus_reasons" in out:
            out["focus_reasons"] = tuple(tuple(pair) for pair in out["focus_reasons"] or ())
        return cls(**out)


MINUTES = (3, 30)
RATINGS = ("too_easy", "about_right", "too_hard")
REQUEST_SPACES = ("room", "outdoor")
YES_NO = ("yes", "no")


def validate_request(request):
    """Raise RequestError naming the accepted values when anything is outside them."""
    def check_one(name, value, allowed):
        if value not in allowed:
            raise RequestError(f"unknown {name} {value!r}; accepted: {', '.join(allowed)}")

    def check_many(name, values, allowed):
        for value in sorted(values):
            check_one(name, value, allowed)

    check_one("kind", request.kind, v.KINDS)
    check_one("activity", request.activity, v.ACTIVITIES)
    check_one("level", request.level, v.LEVELS)
    check_many("condition", request.conditions, v.CONDITIONS)
    check_many("equipment", request.equipment, v.EQUIPMENT)
    check_many("area", request.tight_areas, v.REGIONS)
    check_many("pain area", request.avoid_regions, v.PAIN_AREAS)
    for pair in request.focus_reasons:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], str) and len(pair[1]) <= 200):
            raise RequestError("a focus reason must be a (region, reason) pair")
        check_one("focus area", pair[0], v.REGIONS)
    check_one("space", request.space, REQUEST_SPACES)
    if request.spine_fracture is not None:
        check_one("spine fracture answer", request.spine_fracture, YES_NO)
    if request.back_worse is not None:
        check_one("direction that makes your back worse", request.back_worse, v.BACK_WORSE)
    for name, top in (("weeks_since_surgery", 520), ("pregnancy_weeks", 42)):
        value = getattr(request, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top):
            raise RequestError(f"{name.replace('_', ' ')} must be a whole number from 0 to {top}")
    if request.feedback is not None:
        check_one("feedback", request.feedback, RATINGS)
    if not isinstance(request.minutes, int) or not MINUTES[0] <= request.minutes <= MINUTES[1]:
        raise RequestError(f"minutes must be a whole number from {MINUTES[0]} to {MINUTES[1]}")
    if request.age is not None and (not isinstance(request.age, int) or not 13 <= request.age <= 110):
        raise RequestError("age must be a whole number from 13 to 110")
    return request


@dataclass
class Step:
    exercise_id: str
    phase: str
    side: str | None
    seconds: int
    sets: int
    reps: int | None
    rest_seconds: int
    why: str = ""

    @property
    def duration(self):
        return self.sets * (self.seconds + self.rest_seconds)

    def to_dict(self):
        return asdict(self)


@dataclass
class Routine:
    kind: str
    minutes: int
    activity: str
    steps: list
    why: str = ""
    notes: list = field(default_factory=list)

    @property
    def total_seconds(self):
        return sum(step.duration for step in self.steps)

    def to_dict(self):
        return {
            "kind": self.kind, "minutes": self.minutes, "activity": self.activity,
            "total_seconds": self.total_seconds, "why": self.why,
            "steps": [step.to_dict() for step in self.steps], "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data):
        return cls(kind=data["kind"], minutes=data["minutes"], activity=data.get("activity", "general"),
                   steps=[Step(**step) for step in data["steps"]], why=data.get("why", ""),
                   notes=list(data.get("notes", [])))
