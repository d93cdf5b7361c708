"""The contraindication tags a pose shows (rule N10): computed from the body in every keyframe, so
the picture a person copies and the rules that protect them can never disagree.

Side view only for now: what a side view cannot show (the hip crossing the midline, turning in,
rotation of the spine) needs the front view and stays hand-written until then, as do the tags no
pose can show (breath hold, bouncing, maximal effort).
"""
from . import body
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


def frame_tags(whole):
    """The tags one whole keyframe shows."""
    joints = body.kinematics(whole)
    p = joints.points
    surface = joints.contact_points()

    def _on_floor(name):
        return surface[name] <= FLOOR_TOLERANCE

    out = set()
    # The legs carry the body when nothing but feet and hands is on the floor (a squat or a lunge, not
    # a bridge with the shoulders down or a knee on the mat).
    resting = {name for name, height in surface.items() if height <= FLOOR_TOLERANCE}
    carried = not resting - {f"{s}_{part}" for s in body.SIDES for part in ("heel", "toe", "ankle", "hand")}
    for side in body.SIDES:
        limb = whole[side]
        foot_down = _on_floor(f"{side}_heel") or _on_floor(f"{side}_toe")
        # Kneeling: weight through a knee on the floor, under the hip (not a straight leg lying down).
        knee_down = _on_floor(f"{side}_knee") and p[f"{side}_knee"][1] < p["pelvis"][1] - KNEE_UNDER_HIP
        if limb["hip"] > HIP_FLEXION:
            out.add("hip_flexion_past_90")
        if limb["hip"] < HIP_EXTENSION:
            out.add("hip_extension")
        if knee_down:
            out.add("kneeling")
        elif foot_down and carried and limb["knee"] > DEEP_KNEE:
            out.add("deep_knee_flexion")
        if _on_floor(f"{side}_hand") and limb["shoulder"] > OVERHEAD and carried:  # not arms resting overhead
            out.add("overhead_loaded")
    if whole["neck"] < NECK_EXTENSION:
        out.add("cervical_extension")
    if whole["spine"] > SPINE_END_RANGE:
        out.add("spinal_flexion_end_range")
    lying = LYING[0] <= abs(whole["trunk"]) <= LYING[1]
    back_down = _on_floor("waist") or _on_floor("shoulder")
    if lying and back_down:
        out.add("supine" if whole["trunk"] < 0 else "prone")
    heart = body.step(p["waist"], joints.angles["upper_back"], body.LENGTH["upper_back"] * 0.6)
    if p["head"][1] < heart[1] - BELOW_HEART:
        out.add("inversion")
    if joints.lowest() > FLOOR_TOLERANCE:
        out.add("high_impact")  # both feet, and everything else, off the floor
    return out


def standing_foot(whole):
    """The side whose foot alone bears the weight (nothing else on the floor), or None."""
    surface = body.kinematics(whole).contact_points()
    down = {name for name, height in surface.items() if height <= FLOOR_TOLERANCE}
    feet = [side for side in body.SIDES if {f"{side}_heel", f"{side}_toe"} & down]
    others = down - {f"{side}_{part}" for side in body.SIDES for part in ("heel", "toe", "ankle")}
    return feet[0] if len(feet) == 1 and not others else None


def facing(whole):
    """"up" lying on the back, "down" lying face down (or held face down, a plank), else None."""
    if LYING[0] <= abs(whole["trunk"]) <= LYING[1]:
        return "up" if whole["trunk"] < 0 else "down"
    return None


def derived(pose):
    """{tag: the first frame number that shows it} over every frame of a pose. ``single_leg_stance``:
    the same foot carries the body alone in every frame that touches the floor (a march or a run
    changes feet, and is a two-footed stance)."""
    found = {}
    for number, whole in enumerate(pose["frames"]):
        for tag in sorted(frame_tags(whole)):
            found.setdefault(tag, number)
    grounded = [whole for whole in pose["frames"] if body.kinematics(whole).lowest() <= FLOOR_TOLERANCE]
    feet = {standing_foot(whole) for whole in grounded}
    if pose.get("hold"):
        feet = {standing_foot(pose["frames"][pose["key"]])}
    if len(feet) == 1 and None not in feet:
        found["single_leg_stance"] = pose["key"]
    return found
