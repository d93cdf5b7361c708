"""An exercise's pose: its keyframes, timing and view, read from the catalog and checked.

A keyframe is written against standing tall (body.STANDING): only the angles that differ, e.g.
``{"near": {"hip": 90, "knee": 90}}``, with ``"both"`` for the same angles on both sides. The body is
set down on the floor (its lowest point touching it) unless the frame gives ``"pelvis": [x, y]``;
``"pelvis": [x]`` moves it along the floor. ``seconds`` is one cycle of a moving
exercise, or how long a hold takes to settle; ``hold`` says which; ``key`` is the frame shown still
(reduced motion, a thumbnail), the last one unless given.
"""
import copy

from . import body

FLOOR_TOLERANCE = 2.5  # how far (body units, about 2.5 cm) the lowest point may be from the floor


class PoseError(ValueError):
    """A pose that breaks the body model; the message says which frame and why."""


def frame(partial):
    """A whole keyframe: standing tall, with ``partial``'s angles over it, set down on the floor."""
    partial = partial or {}
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
    if len(partial.get("pelvis", ())) != 2:
        whole["pelvis"][1] = round(whole["pelvis"][1] - body.kinematics(whole).lowest(), 1)
    return whole


def read(raw):
    """The pose as render() and tags take it: whole frames, timing and the key frame."""
    if not isinstance(raw, dict) or not raw.get("frames"):
        raise PoseError("a pose needs at least one frame")
    frames = [frame(partial) for partial in raw["frames"]]
    if len(frames) > 4:
        raise PoseError("a pose has at most 4 frames")
    key = raw.get("key", len(frames) - 1)
    if not 0 <= key < len(frames):
        raise PoseError(f"key frame {key} doesn't exist")
    pose = {"frames": frames, "key": key, "hold": bool(raw.get("hold")), "seconds": float(raw.get("seconds", 2)),
            "view": raw.get("view", "side"), "flight": bool(raw.get("flight"))}
    check(pose)
    return pose


def check(pose):
    """Every frame within the body's ranges and on the floor (a jump's top frame may leave it)."""
    for number, whole in enumerate(pose["frames"]):
        for joint in ("trunk", "spine", "neck"):
            _within(number, joint, whole[joint])
        for side in body.SIDES:
            for joint in body.LIMB_JOINTS:
                _within(number, f"{side} {joint}", whole[side][joint], body.RANGE[joint])
        lowest = body.kinematics(whole).lowest()
        if lowest < -FLOOR_TOLERANCE:
            raise PoseError(f"frame {number}: the body sinks {-lowest:.0f} under the floor")
        if lowest > FLOOR_TOLERANCE and not pose.get("flight"):
            raise PoseError(f"frame {number}: the body floats {lowest:.0f} above the floor")


def _within(number, joint, value, limits=None):
    lo, hi = limits or body.RANGE[joint]
    if not lo <= value <= hi:
        raise PoseError(f"frame {number}: {joint} {value}° is outside {lo:g}…{hi:g}°")
