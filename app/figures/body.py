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
front) and ``far``. Two more angles take the body out of the drawing's plane:

    twist     the upper back turned against the pelvis: + opens the chest towards the viewer (the near
              shoulder goes back), − closes it
    turn      (each leg) the thigh turned out (+, external rotation) or in (−, internal rotation)

The same angles draw three views (``VIEWS``):

    side      seen from the side, as above
    front     the person faces the viewer, ``near`` is their right (on the viewer's left). Angles are
              in the frontal plane: trunk leans and spine bends sideways (+ towards the viewer's right;
              ±90 lies on one side), neck tilts the head; shoulder and hip are abduction (+ out to the
              side, 180 arms overhead; − across the body's midline); elbow and knee fold the limb inward
              (+, hands on the hips: elbow 90) or, the elbow only, up and out (−, a goalpost: −90)
    above     the side view of a person lying on their side, seen from the ceiling (the floor is
              the mat under them)
"""
import math
from dataclasses import dataclass

VIEWS = ("side", "front", "above")
LENGTH = {"lower_back": 14.0, "upper_back": 16.0, "neck": 5.0, "upper_arm": 17.0, "forearm": 15.0, "hand": 6.0,
          "thigh": 24.0, "shin": 24.0, "heel": 5.0, "foot": 14.0}
HEAD_RADIUS = 6.5
HIP_HALF, SHOULDER_HALF = 5.0, 9.0  # half the distance between the hip joints, and the shoulders
SIDES = ("near", "far")

# (lowest, highest) for each joint angle, in degrees: what a healthy adult body can do.
RANGE = {"trunk": (-180.0, 180.0), "spine": (-35.0, 60.0), "neck": (-60.0, 60.0), "shoulder": (-60.0, 180.0),
         "elbow": (0.0, 150.0), "hip": (-30.0, 140.0), "knee": (0.0, 155.0), "ankle": (-85.0, 30.0),
         "twist": (-80.0, 80.0), "turn": (-45.0, 60.0)}
# The frontal plane's own ranges: abduction of the hip and shoulder, and a forearm turned up.
FRONT_RANGE = {"hip": (-35.0, 80.0), "elbow": (-150.0, 150.0), "ankle": (-30.0, 30.0)}
# The ankle's −50…−85 is only for resting on the top of the foot (kneeling, lying face down).
LIMB_JOINTS = ("shoulder", "elbow", "hip", "knee", "ankle", "turn")
# Half the body's thickness at each point that can rest on the floor (drawn the same: render.WIDTH).
SURFACE = {"pelvis": 6.5, "waist": 6.5, "shoulder": 7.0, "head_top": 0.0, "head_back": 0.0}
FRONT_SURFACE = dict(SURFACE, pelvis=12.0, waist=9.0, shoulder=13.5)  # the trunk is broad from the front
LIMB_SURFACE = {"heel": 2.5, "toe": 2.5, "knee": 5.0, "ankle": 4.0, "hand": 3.0, "elbow": 3.5, "hip": 5.0,
                "shoulder": 4.5}


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
    view: str = "side"

    def lowest(self):
        return min(self.contact_points().values())

    def contact_points(self):
        """The surface heights of what can touch the floor or a prop: the skin under each joint
        (the joint less the body's half-thickness there), not the joint itself."""
        return {name: y for name, (x, y, radius) in self.contacts().items()}

    def contacts(self):
        """name -> (x, the height of the skin under it, the body's half-thickness there)."""
        p = self.points
        trunk = FRONT_SURFACE if self.view == "front" else SURFACE
        out = {name: (p[name][0], p[name][1] - radius, radius) for name, radius in trunk.items() if name in p}
        for side in SIDES:
            out.update({f"{side}_{joint}": (p[f"{side}_{joint}"][0], p[f"{side}_{joint}"][1] - radius, radius)
                        for joint, radius in LIMB_SURFACE.items()})
        return out


def relative(frame, side, view="side"):
    """Each limb segment's angle against the one it hangs from, for ``side`` in ``view``."""
    limb = frame[side]
    if view == "front":
        out = 1 if side == "near" else -1  # the near limbs open towards −x, the far ones towards +x
        return {"upper_arm": 180 + out * limb["shoulder"], "forearm": -out * limb["elbow"],
                "thigh": 180 + out * limb["hip"], "shin": -out * limb["knee"], "foot": out * (90 + limb["ankle"])}
    return {"upper_arm": 180 - limb["shoulder"], "forearm": -limb["elbow"], "thigh": 180 - limb["hip"],
            "shin": limb["knee"], "foot": -90 - limb["ankle"]}


def offsets(frame, side, view="side"):
    """Where a side's shoulder and hip sit across the body from the spine's line (along the trunk's own
    sideways axis): apart in the front view, the shoulders turned by the twist in the others."""
    twist = math.radians(frame.get("twist", 0))
    out = -1 if side == "near" else 1
    if view == "front":
        return out * SHOULDER_HALF * math.cos(twist), out * HIP_HALF
    return out * SHOULDER_HALF * math.sin(twist), 0.0


def foot_scale(limb, view="side"):
    """How long the foot looks once the leg is turned: end-on it is short."""
    if view == "front":
        return 0.35 + 0.65 * max(0.0, math.sin(math.radians(20 + limb.get("turn", 0))))
    return max(0.35, math.cos(math.radians(limb.get("turn", 0))))


def turned(view):
    """From the ceiling a body lying on its side is drawn lying along the picture, head to the right."""
    return 90 if view == "above" else 0


def kinematics(frame, view="side"):
    """Every joint's position for one keyframe (a dict as described in the module docstring)."""
    pelvis = tuple(frame["pelvis"])
    trunk = frame["trunk"] + turned(view)
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
        turn = relative(frame, side, view)
        across_shoulder, across_hip = offsets(frame, side, view)
        arm = upper + turn["upper_arm"]
        forearm = arm + turn["forearm"]
        thigh = trunk + turn["thigh"]
        shin = thigh + turn["shin"]
        foot = shin + turn["foot"]
        angles.update({f"{side}_upper_arm": arm, f"{side}_forearm": forearm, f"{side}_thigh": thigh,
                       f"{side}_shin": shin, f"{side}_foot": foot})
        shoulder = step(points["shoulder"], upper + 90, across_shoulder)
        hip = step(pelvis, trunk + 90, across_hip)
        points[f"{side}_shoulder"], points[f"{side}_hip"] = shoulder, hip
        points[f"{side}_elbow"] = step(shoulder, arm, LENGTH["upper_arm"])
        points[f"{side}_wrist"] = step(points[f"{side}_elbow"], forearm, LENGTH["forearm"])
        points[f"{side}_hand"] = step(points[f"{side}_wrist"], forearm, LENGTH["hand"])
        points[f"{side}_knee"] = step(hip, thigh, LENGTH["thigh"])
        points[f"{side}_ankle"] = step(points[f"{side}_knee"], shin, LENGTH["shin"])
        points[f"{side}_heel"] = step(points[f"{side}_ankle"], shin, LENGTH["heel"])
        foot_length = LENGTH["foot"] * (FRONT_FOOT if view == "front" else 1) * foot_scale(frame[side], view)
        points[f"{side}_toe"] = step(points[f"{side}_heel"], foot, foot_length)
    return Joints(points, angles, view)


FRONT_FOOT = 0.5  # seen from the front, a foot pointing at the viewer shows half its length at most

STANDING = {"pelvis": [0, 53], "trunk": 0, "spine": 0, "neck": 0, "twist": 0,
            "near": {"shoulder": 0, "elbow": 5, "hip": 0, "knee": 0, "ankle": 0, "turn": 0},
            "far": {"shoulder": 0, "elbow": 5, "hip": 0, "knee": 0, "ankle": 0, "turn": 0}}
"""Standing tall, arms by the sides: the frame every other is written against."""
