"""Read and check the catalog data file. Pure: no Flask, no database."""
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import vocabulary as v
from ..figures import pose as poses
from ..figures import props as pose_props
from ..figures import tags as pose_tags

DATA_DIR = Path(__file__).with_name("exercises")  # one TOML file per kind of exercise
POSES_DIR = "poses"  # beside the TOML files: [pose.<exercise-id>] tables, the figures' keyframes
STILL_TYPES = frozenset({"static", "breathing", "foam_roll"})
SUPPORTS = ("chair", "wall", "counter", "fence", "post", "rail")  # what a supported one-leg exercise holds
# The props a figure may draw without the exercise listing equipment: what the place has, said in the
# instructions (a counter, a table) or the activity (a bike, a climbing wall and its bar).
PLACE_PROPS = {"rail": ("counter", "table", "desk", "rail", "fence", "post", "bench", "sofa", "worktop"),
               "bike": ("bike", "saddle", "pedal"), "bar": ("bar", "jug", "hang"),
               "climbing_wall": ("wall", "hold", "climb", "traverse", "boulder")}


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
    intensity: int = 2
    space: str = "none"
    stance: str = "standing"
    stretch: bool = False  # a true muscle-tendon stretch: only these get R1's hold times
    pattern: str | None = None  # the movement a potentiation drill rehearses (N5)
    supported: bool = False  # a one-leg exercise done holding a chair or wall
    rest: int | None = None  # rest after each set, where the default for its type is wrong
    fifa: str | None = None  # its FIFA 11+ component, for football warm-ups (R4)
    fifa_level: int | None = None
    former_ids: tuple = ()  # ids this exercise had before, so old logs and routines still find it
    # Its figure's keyframes as written (app.figures.pose); checked against the rest on load.
    pose: dict | None = field(default=None, compare=False, hash=False)

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


def _int(entry, key, lo, hi, required=True):
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise CatalogError(f"{entry.get('id')}: {key} must be a whole number from {lo} to {hi} (has {value!r})")
    return value


def _flag(entry, key):
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise CatalogError(f"{entry.get('id')}: {key} must be true or false")
    return value


def _former_ids(entry):
    values = entry.get("former_ids", [])
    if not isinstance(values, list) or not all(isinstance(x, str) and _is_slug(x) for x in values):
        raise CatalogError(f"{entry.get('id')}: former_ids must be a list of slugs")
    return tuple(values)


def _is_slug(value):
    return bool(value) and value.replace("-", "").isalnum() and value == value.lower()


def _check_consistency(ex):
    """What the new fields promise must agree with the rest of the entry."""
    def fail(reason):
        raise CatalogError(f"{ex.id}: {reason}")
    if ex.stance not in v.POSITION_STANCES[ex.position]:
        fail(f"stance {ex.stance!r} does not fit position {ex.position!r}")
    if ex.stretch and ex.type != "static":
        fail("only a static hold can be a stretch")
    if (ex.type == "potentiation") != (ex.pattern is not None):
        fail("a potentiation drill names its movement pattern, and only it does")
    if ex.supported and ex.stance != "single_leg":
        fail("only a one-leg exercise is done holding a support")
    if ex.stance == "single_leg" and not ex.supported and "balance_challenge" not in ex.contra_tags:
        fail("standing on one leg without support is a balance challenge: tag it or hold a support")
    if ex.supported and not any(word in " ".join(ex.instructions).lower() for word in SUPPORTS):
        fail("a supported exercise says in its instructions what to hold (a chair, wall or counter)")
    if v.BALLISTIC_TAG in ex.contra_tags and (ex.type != "dynamic" or ex.phases != ("mobilise",)):
        fail("a ballistic movement is a dynamic item for the mobilise phase only (N14)")
    if ex.type == "breathing" and ex.intensity != 1:
        fail("breathing is intensity 1")
    if "raise" in ex.phases and ex.intensity < 3:
        fail("a raise item must lift the heart rate (intensity 3 or more)")
    if ex.impact == "high" and ex.intensity < 4:
        fail("a high-impact item is intensity 4 or 5")
    if (ex.fifa is None) != (ex.fifa_level is None):
        fail("a FIFA 11+ exercise names both its component and its level")
    if ex.default_reps and ex.default_reps / ex.default_seconds > 2:
        fail("more than two repetitions a second is not a pace a person can keep (N15)")


# What a pose must agree with: the position it is done in shows in its key frame (lying on the back or
# face down, a plank's face-down hold included; a knee on the floor).


def _check_pose(ex):
    """N10: the tags a pose shows are tags the exercise carries, and its body is where it says."""
    if ex.pose is None:
        return
    try:
        pose = poses.read(ex.pose)
    except poses.PoseError as exc:
        raise CatalogError(f"{ex.id}: pose: {exc}") from None
    shown = pose_tags.derived(pose)
    for tag, frame in sorted(shown.items()):
        if tag == "single_leg_stance":
            if ex.stance != "single_leg":
                raise CatalogError(f"{ex.id}: frame {frame} of the pose stands on one leg; its stance says {ex.stance}")
        elif tag not in ex.contra_tags:
            raise CatalogError(f"{ex.id}: frame {frame} of the pose shows {tag}, which its tags leave out")
    key, view = pose["frames"][pose["key"]], pose["view"]
    lying = pose_tags.facing(key, view)
    shows = {"supine": lying == "up", "prone": lying == "down", "side_lying": lying == "side",
             "kneeling": "kneeling" in pose_tags.frame_tags(key, view, pose["props"]),
             "quadruped": pose_tags.on_all_fours(key, view, pose["props"])}
    if not shows.get(ex.position, True):
        raise CatalogError(f"{ex.id}: its position is {ex.position}, which the pose's key frame doesn't show")
    _check_props(ex, {prop["kind"] for prop in pose["props"]})


def _check_props(ex, drawn):
    """The figure draws the equipment the exercise lists (a mat is drawn for it), and nothing the person
    isn't told to use."""
    needed = {kind for kind, item in pose_props.EQUIPMENT.items() if item in ex.equipment}
    missing = sorted(needed - drawn)
    if missing:
        raise CatalogError(f"{ex.id}: its equipment lists {pose_props.EQUIPMENT[missing[0]]}, which its figure doesn't show")
    words = " ".join(ex.instructions).lower() + " " + " ".join(ex.activities)
    for kind in sorted(drawn - needed):
        item = pose_props.EQUIPMENT[kind]
        if item is not None:
            raise CatalogError(f"{ex.id}: its figure uses a {kind}, which its equipment doesn't list")
        if not any(word in words for word in PLACE_PROPS[kind]):
            raise CatalogError(f"{ex.id}: its figure uses a {kind.replace('_', ' ')}, which its instructions "
                               "don't mention")


def parse_exercise(entry):
    ident = entry.get("id")
    if not isinstance(ident, str) or not _is_slug(ident):
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
    exercise = Exercise(
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
        intensity=_one(entry, "intensity", v.INTENSITIES),
        space=_one(entry, "space", v.SPACES),
        stance=_one(entry, "stance", v.STANCES),
        stretch=_flag(entry, "stretch"),
        pattern=_one(entry, "pattern", v.PATTERNS + (None,)),
        supported=_flag(entry, "supported"),
        rest=_int(entry, "rest", 0, 120, required=False),
        fifa=_one(entry, "fifa", v.FIFA_COMPONENTS + (None,)),
        fifa_level=_int(entry, "fifa_level", 1, 3, required=False),
        former_ids=_former_ids(entry),
        pose=entry.get("pose"),
    )
    _check_consistency(exercise)
    _check_pose(exercise)
    return exercise


def _entries(text, source):
    try:
        return tomllib.loads(text).get("exercise", [])
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{source}: not valid TOML: {exc}") from exc


def parse(text, source="catalog"):
    return _checked([parse_exercise(entry) for entry in _entries(text, source)])


def _checked(catalog):
    seen = set()
    for ex in catalog:
        for ident in (ex.id, *ex.former_ids):
            if ident in seen:
                raise CatalogError(f"{ex.id}: id {ident!r} used twice")
            seen.add(ident)
    return sorted(catalog, key=lambda ex: ex.id)


def load_file(path=DATA_DIR):
    """The catalog from one TOML file, or from every TOML file in a folder (the shipped catalog),
    with the poses kept in the folder's ``poses/`` (an exercise's own ``pose`` table also works)."""
    path = Path(path)
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    entries = [entry for file in files for entry in _entries(file.read_text(encoding="utf-8"), file.name)]
    posed = _poses(path / POSES_DIR) if path.is_dir() else {}
    unknown = sorted(set(posed) - {entry.get("id") for entry in entries})
    if unknown:
        raise CatalogError(f"poses for exercises that don't exist: {unknown}")
    catalog = _checked([parse_exercise({**entry, "pose": posed[entry.get("id")]} if entry.get("id") in posed else entry)
                        for entry in entries])
    for ex in catalog:
        if ex.pose is None:
            raise CatalogError(f"{ex.id}: no pose: every exercise is drawn (add [pose.{ex.id}] under {POSES_DIR}/)")
    return catalog


def _poses(folder):
    """exercise id -> its pose table, from every TOML file in ``folder``."""
    found = {}
    for file in sorted(Path(folder).glob("*.toml")):
        try:
            tables = tomllib.loads(file.read_text(encoding="utf-8")).get("pose", {})
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{POSES_DIR}/{file.name}: not valid TOML: {exc}") from exc
        for ident, table in tables.items():
            if ident in found:
                raise CatalogError(f"{ident}: two poses ({POSES_DIR}/{file.name} and another file)")
            found[ident] = table
    return found


def export_record(ex):
    """The public JSON shape of one exercise (CLI export, data download)."""
    return {key: list(value) if isinstance(value, tuple) else value for key, value in ex.to_dict().items()}


def from_record(record):
    return Exercise(**{key: tuple(val) if isinstance(val, list) else val for key, val in record.items()})
