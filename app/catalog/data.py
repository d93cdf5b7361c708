"""Read and check the catalog data file. Pure: no Flask, no database."""
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import vocabulary as v

DATA_FILE = Path(__file__).with_name("exercises.toml")
STILL_TYPES = frozenset({"static", "breathing", "foam_roll"})


class CatalogError(ValueError):
    """The data file breaks a rule; the message names the exercise and the field."""


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    type: str
    phases: tuple
    targets: tuple
    equipment: tuple
    position: str
    unilateral: bool
    level: str
    impact: str
    contra_tags: tuple
    default_seconds: int
    default_sets: int
    default_reps: int | None
    activities: tuple
    instructions: tuple
    mistake: str

    @property
    def tag_set(self):
        return frozenset(self.contra_tags)

    def to_dict(self):
        return asdict(self)


def _words(entry, key, allowed, default=()):
    values = entry.get(key, list(default))
    if not isinstance(values, list) or not all(isinstance(x, str) for x in values):
        raise CatalogError(f"{entry.get('id')}: {key} must be a list of words")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise CatalogError(f"{entry.get('id')}: unknown {key} {unknown}; allowed: {sorted(allowed)}")
    return tuple(dict.fromkeys(values))


def _one(entry, key, allowed, default=None):
    value = entry.get(key, default)
    if value not in allowed:
        raise CatalogError(f"{entry.get('id')}: {key} {value!r} is not one of {list(allowed)}")
    return value


def parse_exercise(entry):
    ident = entry.get("id")
    if not isinstance(ident, str) or not ident or not ident.replace("-", "").isalnum():
        raise CatalogError(f"exercise id {ident!r} must be a slug of letters, digits and dashes")
    ex_type = _one(entry, "type", v.TYPES)
    position = _one(entry, "position", v.POSITIONS, "standing")
    impact = _one(entry, "impact", v.IMPACTS, "none" if ex_type in STILL_TYPES else "low")
    tags = set(_words(entry, "tags", v.CONTRA_TAGS))
    if position in v.POSITION_TAGS:
        tags.add(v.POSITION_TAGS[position])
    if impact == "high":
        tags.add("high_impact")
    instructions = entry.get("instructions", [])
    if not 2 <= len(instructions) <= 5 or not entry.get("mistake"):
        raise CatalogError(f"{ident}: needs 2–5 instruction lines and one common mistake")
    seconds, sets, reps = entry.get("seconds"), entry.get("sets", 1), entry.get("reps")
    if not isinstance(seconds, int) or seconds <= 0 or not isinstance(sets, int) or sets <= 0:
        raise CatalogError(f"{ident}: seconds and sets must be positive whole numbers")
    phases = _words(entry, "phases", v.PHASES)
    if not phases:
        raise CatalogError(f"{ident}: needs at least one phase")
    return Exercise(
        id=ident,
        name=str(entry["name"]),
        type=ex_type,
        phases=phases,
        targets=_words(entry, "targets", v.REGIONS),
        equipment=_words(entry, "equipment", v.EQUIPMENT),
        position=position,
        unilateral=bool(entry.get("unilateral", False)),
        level=_one(entry, "level", v.LEVELS, "beginner"),
        impact=impact,
        contra_tags=tuple(sorted(tags)),
        default_seconds=seconds,
        default_sets=sets,
        default_reps=reps if isinstance(reps, int) and reps > 0 else None,
        activities=_words(entry, "activities", v.ACTIVITIES, ("general",)),
        instructions=tuple(str(line) for line in instructions),
        mistake=str(entry["mistake"]),
    )


def parse(text):
    entries = tomllib.loads(text).get("exercise", [])
    catalog = [parse_exercise(entry) for entry in entries]
    seen = set()
    for ex in catalog:
        if ex.id in seen:
            raise CatalogError(f"{ex.id}: id used twice")
        seen.add(ex.id)
    return sorted(catalog, key=lambda ex: ex.id)


def load_file(path=DATA_FILE):
    return parse(Path(path).read_text(encoding="utf-8"))


def export_record(ex):
    """The public JSON shape of one exercise (CLI export, data download)."""
    record = ex.to_dict()
    record["phases"], record["targets"] = list(ex.phases), list(ex.targets)
    record["equipment"], record["contra_tags"] = list(ex.equipment), list(ex.contra_tags)
    record["activities"], record["instructions"] = list(ex.activities), list(ex.instructions)
    return record


def from_record(record):
    return Exercise(**{key: tuple(val) if isinstance(val, list) else val for key, val in record.items()})
