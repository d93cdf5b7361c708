"""The contraindication tags a pose shows (rule N10): computed from the body in every keyframe, so
the picture a person copies and the rules that protect them can never disagree.

Each view shows what it can: hip flexion and extension, the spine's rounding and the neck's need the
side view (or the view from above); the hip crossing the midline needs the front. The tags no pose can
show (breath hold, bouncing, maximal effort) stay hand-written.
"""
from . import body, props as prop_kinds
from .pose import FLOOR_TOLERANCE

HIP_FLEXION = 90      # hip_flexion_past_90
HIP_EXTENSION = -10   # hip_extension: the thigh behind the body
DEEP_KNEE = 95        # deep_knee_flexion, on a loaded leg
NECK_EXTENSION = -20  # cervical_extension
SPINE_END_RANGE = 40  # spinal_flexion_end_range
OVERHEAD = 140        # overhead_loaded: weight on hands reached overhead (a down dog)
LYING = (55, 125)     # the lower back this far from upright, either way, is lying
BELOW_HEART = 4       # inversion: the head this far under the heart
KNEE_UNDER_HIP = 10   # kneeling: the knee on the floor this far below the hip
TURNED_IN = -30       # hip_internal_rotation: the thigh turned in this far
TURNED_OUT = 30       # hip_extension_external_rotation: a thigh behind the body turned out this far
DEEP_TWIST = 45       # deep_twist
FLEXED_TWIST = (20, 20)  # spinal_flexion_rotation: the spine rounded and turned at least this much
BY_GRAVITY = ("kneeling", "deep_knee_flexion", "overhead_loaded", "supine", "prone", "inversion", "high_impact")


def _resting(joints, props):
    """The names of the body's points resting on the floor or on a seat, step, roller or rail."""
    return {name for name, (x, bottom, _) in joints.contacts().items()
            if bottom - prop_kinds.support(props, x, bottom) <= FLOOR_TOLERANCE}


def frame_tags(whole, view="side", props=(), joints=None):
    """The tags one whole keyframe shows, in ``view`` (``joints``: its body.kinematics, if already made)."""
    joints = joints or body.kinematics(whole, view)
    p = joints.points
    resting = _resting(joints, props)
    out = set()
    # The legs carry the body when nothing but feet and hands is down (a squat or a lunge, not a bridge
    # with the shoulders down, a knee on the mat or a seat under the pelvis).
    carried = not resting - {f"{s}_{part}" for s in body.SIDES for part in ("heel", "toe", "ankle", "hand")}
    sagittal = view in ("side", "above")
    for side in body.SIDES:
        limb = whole[side]
        foot_down = {f"{side}_heel", f"{side}_toe"} & resting
        # Kneeling: weight through a knee on the floor, under the hip (not a straight leg lying down).
        knee_down = f"{side}_knee" in resting and p[f"{side}_knee"][1] < p["pelvis"][1] - KNEE_UNDER_HIP
        if sagittal and limb["hip"] > HIP_FLEXION:
            out.add("hip_flexion_past_90")
        if sagittal and limb["hip"] < HIP_EXTENSION:
            out.add("hip_extension")
            if limb["turn"] >= TURNED_OUT:
                out.add("hip_extension_external_rotation")
        if limb["turn"] <= TURNED_IN:
            out.add("hip_internal_rotation")
        if view == "front" and _across_midline(joints, whole, side):
            out.add("hip_adduction_midline")
        if knee_down:
            out.add("kneeling")
        elif foot_down and carried and limb["knee"] > DEEP_KNEE:
            out.add("deep_knee_flexion")
        if f"{side}_hand" in resting and limb["shoulder"] > OVERHEAD and carried:  # not arms resting overhead
            out.add("overhead_loaded")
    if sagittal and whole["neck"] < NECK_EXTENSION:
        out.add("cervical_extension")
    if sagittal and whole["spine"] > SPINE_END_RANGE:
        out.add("spinal_flexion_end_range")
    if abs(whole["twist"]) >= DEEP_TWIST:
        out.add("deep_twist")
    if sagittal and whole["spine"] >= FLEXED_TWIST[0] and abs(whole["twist"]) >= FLEXED_TWIST[1]:
        out.add("spinal_flexion_rotation")
    lying = facing(whole, view)
    if lying in ("up", "down") and {"waist", "shoulder"} & resting:
        out.add("supine" if lying == "up" else "prone")
    heart = body.step(p["waist"], joints.angles["upper_back"], body.LENGTH["upper_back"] * 0.6)
    if p["head"][1] < heart[1] - BELOW_HEART:
        out.add("inversion")
    if not resting and prop_kinds.gap(props, joints.contacts()) > FLOOR_TOLERANCE:
        out.add("high_impact")  # both feet, and everything else, off the floor
    if view == "above":  # the floor is under the whole body: nothing is carried against gravity
        out -= set(BY_GRAVITY)
    return out


def _across_midline(joints, whole, side):
    """The knee has crossed the line down the middle of the body (seen from the front)."""
    p = joints.points
    across = body.direction(whole["trunk"] + 90)  # towards the far side
    reach = (p[f"{side}_knee"][0] - p["pelvis"][0]) * across[0] + (p[f"{side}_knee"][1] - p["pelvis"][1]) * across[1]
    return reach > 1 if side == "near" else reach < -1


def standing_foot(whole, view="side", props=(), joints=None):
    """The side whose foot alone bears the weight (nothing else down), or None."""
    down = _resting(joints or body.kinematics(whole, view), props)
    feet = [side for side in body.SIDES if {f"{side}_heel", f"{side}_toe"} & down]
    others = down - {f"{side}_{part}" for side in body.SIDES for part in ("heel", "toe", "ankle")}
    return feet[0] if len(feet) == 1 and not others else None


def on_all_fours(whole, view="side", props=()):
    """Hands on the floor and knees or feet too: all fours, a knee down or (a down dog) the knees up."""
    down = _resting(body.kinematics(whole, view), props)
    legs = {f"{side}_{part}" for side in body.SIDES for part in ("knee", "heel", "toe")}
    return bool({"near_hand", "far_hand"} & down) and bool(legs & down)


def facing(whole, view="side"):
    """"up" lying on the back, "down" lying face down (or held face down, a plank), "side" lying on
    one side (the front view lying down, or the view from above), else None."""
    if view == "above":
        return "side"
    if LYING[0] <= abs(whole["trunk"]) <= LYING[1]:
        if view == "front":
            return "side"
        return "up" if whole["trunk"] < 0 else "down"
    return None


def derived(pose):
    """{tag: the first frame number that shows it} over every frame of a pose. ``single_leg_stance``:
    the same foot carries the body alone in every frame that touches the floor (a march or a run
    changes feet, and is a two-footed stance)."""
    found = {}
    view, props = pose.get("view", "side"), pose.get("props", ())
    placed = [(whole, body.kinematics(whole, view)) for whole in pose["frames"]]  # once per frame
    for number, (whole, joints) in enumerate(placed):
        for tag in sorted(frame_tags(whole, view, props, joints)):
            found.setdefault(tag, number)
    if view == "above":
        return found
    grounded = [(whole, joints) for whole, joints in placed
                if prop_kinds.gap(props, joints.contacts()) <= FLOOR_TOLERANCE]
    feet = {standing_foot(whole, view, props, joints) for whole, joints in grounded}
    if pose.get("hold"):
        whole, joints = placed[pose["key"]]
        feet = {standing_foot(whole, view, props, joints)}
    if len(feet) == 1 and None not in feet:
        found["single_leg_stance"] = pose["key"]
    return found
