"""An exercise's pose: its keyframes, timing and view, read from the catalog and checked.

A keyframe is written against standing tall (body.STANDING): only the angles that differ, e.g.
``{"near": {"hip": 90, "knee": 90}}``, with ``"both"`` for the same angles on both sides. The body is
set down on the floor (its lowest point touching it) unless the frame gives ``"pelvis": [x, y]``;
``"pelvis": [x]`` moves it along the floor. ``seconds`` is one cycle of a moving
exercise, or how long a hold takes to settle; ``hold`` says which; ``key`` is the frame shown still
(reduced motion, a thumbnail), the last one unless given. ``view`` is ``side`` (the default),
``front`` or ``above`` (body.VIEWS); ``props`` are what the body uses (app.figures.props), and a body
resting on a seat, a step or a roller is set down on it.
"""
import copy

from . import body, props as prop_kinds

FLOOR_TOLERANCE = 2.5  # how far (body units, about 2.5 cm) the lowest point may be from the floor


class PoseError(ValueError):
    """A pose that breaks the body model; the message says which frame and why."""


def frame(partial, view="side", props=()):
    """A whole keyframe: standing tall, with ``partial``'s angles over it, set down on the floor (or on
    the seat, step or roller under it)."""
    partial = partial or {}
    _known(partial)
    whole = copy.deepcopy(body.STANDING)
    for key, value in partial.items():
        if key in body.SIDES:
            whole[key].update(value)
        elif key == "both":  # the same angles on both sides
            for side in body.SIDES:
                whole[side].update(value)
        else:
            whole[key] = list(value) if key == "pelvis" else value
    if len(whole["pelvis"]) == 1:
        whole["pelvis"].append(body.STANDING["pelvis"][1])
    if len(partial.get("pelvis", ())) != 2 and view != "above":
        whole["pelvis"][1] += prop_kinds.lift(props)  # above a step or roller first, then set down
        drop = prop_kinds.gap(props, body.kinematics(whole, view).contacts())
        whole["pelvis"][1] = round(whole["pelvis"][1] - drop, 1)
    return whole


def _known(partial):
    """A misspelt angle would silently draw something else: refuse it by name."""
    if not isinstance(partial, dict):
        raise PoseError(f"a frame is a table of angles, not {partial!r}")
    for key, value in partial.items():
        if key not in body.STANDING and key != "both":
            raise PoseError(f"{key!r} is not an angle of the body ({', '.join([*body.STANDING, 'both'])})")
        if key in (*body.SIDES, "both"):
            unknown = sorted(set(value) - set(body.LIMB_JOINTS)) if isinstance(value, dict) else [value]
            if unknown:
                raise PoseError(f"{key}: {unknown[0]!r} is not a limb angle ({', '.join(body.LIMB_JOINTS)})")
        elif key == "pelvis":
            if not isinstance(value, list) or not 1 <= len(value) <= 2 or not all(prop_kinds.is_number(n) for n in value):
                raise PoseError("pelvis is [x] or [x, y]")
        elif not prop_kinds.is_number(value):
            raise PoseError(f"{key} must be a number of degrees")


def read(raw):
    """The pose as render() and tags take it: whole frames, timing and the key frame."""
    if not isinstance(raw, dict) or not raw.get("frames"):
        raise PoseError("a pose needs at least one frame")
    view = raw.get("view", "side")
    if view not in body.VIEWS:
        raise PoseError(f"view {view!r} is not one of {', '.join(body.VIEWS)}")
    try:
        props = prop_kinds.read(raw.get("props"))
    except prop_kinds.PropError as exc:
        raise PoseError(str(exc)) from None
    frames = [frame(partial, view, props) for partial in raw["frames"]]
    if len(frames) > 4:
        raise PoseError("a pose has at most 4 frames")
    key = raw.get("key", len(frames) - 1)
    if not 0 <= key < len(frames):
        raise PoseError(f"key frame {key} doesn't exist")
    pose = {"frames": frames, "key": key, "hold": bool(raw.get("hold")), "seconds": float(raw.get("seconds", 2)),
            "view": view, "flight": bool(raw.get("flight")), "props": props}
    check(pose)
    return pose


def check(pose):
    """Every frame within the body's ranges, on the floor or what it rests on (a jump's top frame may
    leave it), out of the walls, and every prop but a band used in some frame."""
    view, props = pose.get("view", "side"), pose.get("props", [])
    ranges = dict(body.RANGE, **(body.FRONT_RANGE if view == "front" else {}))
    used = set()
    for number, whole in enumerate(pose["frames"]):
        for joint in ("trunk", "spine", "neck", "twist"):
            _within(number, joint, whole[joint])
        for side in body.SIDES:
            for joint in body.LIMB_JOINTS:
                _within(number, f"{side} {joint}", whole[side][joint], ranges[joint])
        joints = body.kinematics(whole, view)
        contacts = joints.contacts()
        for index, prop in enumerate(props):
            if prop["kind"] == "band":
                for end in (prop["from"], prop["to"]):
                    _band_end(end, joints.points)
            elif prop_kinds.touches(prop, contacts, joints.points, FLOOR_TOLERANCE):
                used.add(index)
        if view == "above":  # lying on the side, seen from the ceiling: all of it is on the mat
            continue
        lowest = min(bottom for _, bottom, _ in contacts.values())
        if lowest < -FLOOR_TOLERANCE:
            raise PoseError(f"frame {number}: the body sinks {-lowest:.0f} under the floor")
        for name, (x, bottom, _) in contacts.items():
            inside = prop_kinds.solid_under(props, x, bottom)
            if inside:
                raise PoseError(f"frame {number}: the {name.replace('_', ' ')} sinks into the {inside[0]}")
        deep = prop_kinds.through_wall(props, contacts, joints.points, FLOOR_TOLERANCE)
        if deep:
            raise PoseError(f"frame {number}: the body goes {deep:.0f} into the wall")
        above = prop_kinds.gap(props, contacts)
        if above > FLOOR_TOLERANCE and not pose.get("flight"):
            raise PoseError(f"frame {number}: the body floats {above:.0f} above the floor")
    for index, prop in enumerate(props):
        if prop["kind"] != "band" and index not in used:
            raise PoseError(f"the {prop['kind'].replace('_', ' ')} is drawn but the body never touches it")


def _band_end(end, points):
    try:
        prop_kinds.anchor(end, points)
    except prop_kinds.PropError as exc:
        raise PoseError(str(exc)) from None


def _within(number, joint, value, limits=None):
    lo, hi = limits or body.RANGE[joint]
    if not lo <= value <= hi:
        raise PoseError(f"frame {number}: {joint} {value}° is outside {lo:g}…{hi:g}°")
