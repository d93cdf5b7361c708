"""One body model: segment lengths, joint ranges and forward kinematics for a figure seen from the side.

Units: a standing person is about 100 tall, the floor is y = 0, y goes up and x goes the way the
person faces. A keyframe is angles, not coordinates, so a limb can never stretch between frames:

    pelvis    [x, y]  where the hip joint is
    trunk     the lower back from straight up: + leans forward (90 lies face down), − leans back
              (−90 lies on the back)
    spine     the upper back against the lower: + rounds forward (flexion), − arches (extension)
    neck      the head against the upper back: + chin down, − looking up (cervical extension)
    shoulder  an upper arm against the upper back: 0 hanging, 90 forward, 180 overhead, − behind
    elbow     0 straight … 150 fully bent (one way)
    hip       a thigh against the lower back: 0 standing, + forward (flexion), − behind (extension)
    knee      0 straight … 150 fully bent (one way)
    ankle     0 foot square to the shin, + toes up (dorsiflexion), − pointed (to −85: the top of the
              foot resting on the floor, kneeling or lying face down)

Each side has its own shoulder, elbow, hip, knee and ankle: ``near`` (towards the viewer, drawn in
front) and ``far``.
"""
import math
from dataclasses import dataclass

LENGTH = {"lower_back": 14.0, "upper_back": 16.0, "neck": 5.0, "upper_arm": 17.0, "forearm": 15.0, "hand": 6.0,
          "thigh": 24.0, "shin": 24.0, "heel": 5.0, "foot": 14.0}
HEAD_RADIUS = 6.5
SIDES = ("near", "far")

# (lowest, highest) for each joint angle, in degrees: what a healthy adult body can do.
RANGE = {"trunk": (-180.0, 180.0), "spine": (-35.0, 60.0), "neck": (-60.0, 60.0), "shoulder": (-60.0, 180.0),
         "elbow": (0.0, 150.0), "hip": (-30.0, 140.0), "knee": (0.0, 155.0), "ankle": (-85.0, 30.0)}
# The ankle's −50…−85 is only for resting on the top of the foot (kneeling, lying face down).
LIMB_JOINTS = ("shoulder", "elbow", "hip", "knee", "ankle")
# Half the body's thickness at each point that can rest on the floor (drawn the same: render.WIDTH).
SURFACE = {"pelvis": 6.5, "waist": 6.5, "shoulder": 7.0, "head_top": 0.0, "head_back": 0.0}
LIMB_SURFACE = {"heel": 2.5, "toe": 2.5, "knee": 5.0, "ankle": 4.0, "hand": 3.0, "elbow": 3.5}


def direction(angle):
    """The unit vector ``angle`` degrees from straight up, turning towards the way the person faces."""
    rad = math.radians(angle)
    return math.sin(rad), math.cos(rad)


def step(point, angle, length):
    dx, dy = direction(angle)
    return point[0] + dx * length, point[1] + dy * length


@dataclass(frozen=True)
class Joints:
    """Where every joint of one keyframe is; ``angles`` are each segment's absolute direction."""

    points: dict  # name -> (x, y): pelvis, waist, shoulder, neck, head, and "<side>_<joint>" for the limbs
    angles: dict  # segment name -> absolute angle from straight up

    def lowest(self):
        return min(self.contact_points().values())

    def contact_points(self):
        """The surface heights of what can touch the floor or a prop: the skin under each joint
        (the joint less the body's half-thickness there), not the joint itself."""
        p = self.points
        out = {name: p[name][1] - radius for name, radius in SURFACE.items() if name in p}
        for side in SIDES:
            out.update({f"{side}_{joint}": p[f"{side}_{joint}"][1] - radius for joint, radius in LIMB_SURFACE.items()})
        return out


def kinematics(frame):
    """Every joint's position for one keyframe (a dict as described in the module docstring)."""
    pelvis = tuple(frame["pelvis"])
    trunk = frame["trunk"]
    upper = trunk + frame["spine"]
    head_angle = upper + frame["neck"]
    points = {"pelvis": pelvis}
    angles = {"lower_back": trunk, "upper_back": upper, "neck": head_angle}
    points["waist"] = step(pelvis, trunk, LENGTH["lower_back"])
    points["shoulder"] = step(points["waist"], upper, LENGTH["upper_back"])
    points["neck"] = step(points["shoulder"], head_angle, LENGTH["neck"])
    points["head"] = step(points["neck"], head_angle, HEAD_RADIUS)
    points["head_top"] = step(points["head"], head_angle, HEAD_RADIUS)
    points["head_back"] = step(points["head"], head_angle - 90, HEAD_RADIUS)
    for side in SIDES:
        limb = frame[side]
        arm = upper + 180 - limb["shoulder"]
        forearm = arm - limb["elbow"]
        thigh = trunk + 180 - limb["hip"]
        shin = thigh + limb["knee"]
        foot = shin - 90 - limb["ankle"]
        angles.update({f"{side}_upper_arm": arm, f"{side}_forearm": forearm, f"{side}_thigh": thigh,
                       f"{side}_shin": shin, f"{side}_foot": foot})
        points[f"{side}_elbow"] = step(points["shoulder"], arm, LENGTH["upper_arm"])
        points[f"{side}_wrist"] = step(points[f"{side}_elbow"], forearm, LENGTH["forearm"])
        points[f"{side}_hand"] = step(points[f"{side}_wrist"], forearm, LENGTH["hand"])
        points[f"{side}_knee"] = step(pelvis, thigh, LENGTH["thigh"])
        points[f"{side}_ankle"] = step(points[f"{side}_knee"], shin, LENGTH["shin"])
        points[f"{side}_heel"] = step(points[f"{side}_ankle"], shin, LENGTH["heel"])
        points[f"{side}_toe"] = step(points[f"{side}_heel"], foot, LENGTH["foot"])
    return Joints(points, angles)


STANDING = {"pelvis": [0, 53], "trunk": 0, "spine": 0, "neck": 0,
            "near": {"shoulder": 0, "elbow": 5, "hip": 0, "knee": 0, "ankle": 0},
            "far": {"shoulder": 0, "elbow": 5, "hip": 0, "knee": 0, "ankle": 0}}
"""Standing tall, arms by the sides: the frame every other is written against."""
