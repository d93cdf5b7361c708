"""The figure's body model, pose checks, derived tags and SVG (app.figures; issue 11, under way)."""
import gzip
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.figures import body, render, tags
from app.figures.pose import PoseError, frame, read

SEGMENTS = [("waist", "pelvis", "lower_back"), ("shoulder", "waist", "upper_back"), ("neck", "shoulder", "neck")]
for _side in body.SIDES:
    SEGMENTS += [(f"{_side}_elbow", f"{_side}_shoulder", "upper_arm"),
                 (f"{_side}_wrist", f"{_side}_elbow", "forearm"), (f"{_side}_knee", f"{_side}_hip", "thigh"),
                 (f"{_side}_ankle", f"{_side}_knee", "shin")]

angle = lambda name: st.floats(*body.RANGE[name], allow_nan=False)  # noqa: E731
limb = st.fixed_dictionaries({joint: angle(joint) for joint in body.LIMB_JOINTS})
frames = st.fixed_dictionaries({"trunk": angle("trunk"), "spine": angle("spine"), "neck": angle("neck"),
                                "twist": angle("twist"), "near": limb, "far": limb})


@settings(max_examples=300, deadline=None)
@given(frames, st.sampled_from(body.VIEWS))
def test_every_segment_keeps_its_length_in_any_position_and_view(partial, view):
    points = body.kinematics(frame(partial, view), view).points
    for end, start, segment in SEGMENTS:
        assert math.dist(points[start], points[end]) == pytest.approx(body.LENGTH[segment])
    for side in body.SIDES:  # a foot turned towards the viewer looks shorter, never longer
        assert math.dist(points[f"{side}_heel"], points[f"{side}_toe"]) <= body.LENGTH["foot"] + 1e-9


@settings(max_examples=200, deadline=None)
@given(frames)
def test_a_frame_is_set_down_on_the_floor(partial):
    assert body.kinematics(frame(partial)).lowest() == pytest.approx(0, abs=0.06)


def test_standing_tall_is_about_a_hundred_tall_with_both_feet_flat():
    points = body.kinematics(body.STANDING).points
    assert points["head_top"][1] == pytest.approx(101)
    assert all(points[f"{side}_{end}"][1] == pytest.approx(0) for side in body.SIDES for end in ("heel", "toe"))


@pytest.mark.parametrize("raw, message", [
    ({"frames": []}, "at least one frame"),
    ({"frames": [{}] * 5}, "at most 4 frames"),
    ({"frames": [{}], "key": 1}, "key frame 1"),
    ({"frames": [{"near": {"knee": -10}}]}, "near knee -10° is outside"),
    ({"frames": [{"far": {"elbow": 170}}]}, "far elbow 170° is outside"),
    ({"frames": [{"spine": 80}]}, "spine 80° is outside"),
    ({"frames": [{"pelvis": [0, 70]}]}, "floats"),
    ({"frames": [{"pelvis": [0, 40]}]}, "sinks"),
])
def test_a_broken_pose_is_refused_with_the_frame_and_the_reason(raw, message):
    with pytest.raises(PoseError, match=message):
        read(raw)


def test_a_jump_may_leave_the_floor_only_when_it_says_so():
    jump = {"frames": [{}, {"pelvis": [0, 63]}]}
    with pytest.raises(PoseError, match="floats"):
        read(jump)
    assert tags.derived(read({**jump, "flight": True})) == {"high_impact": 1}


def shown(partial):
    return tags.frame_tags(frame(partial))


KNEELING = {"trunk": 0, "both": {"hip": 0, "knee": 90, "ankle": -85}}
LYING_BACK = {"trunk": -90, "both": {"shoulder": 10}}


@pytest.mark.parametrize("tag, shows, just_not", [
    ("hip_flexion_past_90", {"near": {"hip": 95}, "far": {}}, {"near": {"hip": 85}}),
    ("hip_extension", {"far": {"hip": -20}}, {"far": {"hip": -5}}),
    ("deep_knee_flexion", {"trunk": 30, "both": {"hip": 110, "knee": 110, "ankle": 25}},
     {"trunk": 30, "both": {"hip": 85, "knee": 85, "ankle": 20}}),
    ("kneeling", KNEELING, {"trunk": 0, "both": {"hip": 30, "knee": 60}}),
    ("supine", LYING_BACK, {"trunk": -40}),
    ("prone", {"trunk": 90, "both": {"ankle": -85}}, {"trunk": 40}),
    ("inversion", {"trunk": 120, "spine": 20, "both": {"hip": 115}}, {"trunk": 60, "both": {"hip": 60}}),
    ("cervical_extension", {"neck": -30}, {"neck": -10}),
    ("spinal_flexion_end_range", {"spine": 50}, {"spine": 30}),
    # a down dog carries the body on hands reached overhead; a child's pose rests them there, on its knees
    ("overhead_loaded", {"trunk": 124, "both": {"hip": 110, "knee": 0, "ankle": 20, "shoulder": 150, "elbow": 0}},
     {"trunk": 93, "neck": 20, "both": {"hip": 125, "knee": 120, "ankle": -85, "shoulder": 150, "elbow": 0}}),
])
def test_each_derived_tag_has_a_pose_that_shows_it_and_one_that_just_does_not(tag, shows, just_not):
    assert tag in shown(shows)
    assert tag not in shown(just_not)


def test_single_leg_stance_is_the_same_foot_alone_in_every_frame_not_a_march():
    one_leg = {"near": {"hip": 60, "knee": 90}}
    assert tags.standing_foot(frame(one_leg)) == "far"
    assert tags.standing_foot(frame({})) is None and tags.standing_foot(frame(KNEELING)) is None
    hop = read({"frames": [one_leg, {"near": {"hip": 20, "knee": 110}}]})
    assert tags.derived(hop)["single_leg_stance"] == 1
    march = read({"frames": [one_leg, {"far": {"hip": 60, "knee": 90}}]})
    assert "single_leg_stance" not in tags.derived(march)
    assert "single_leg_stance" in tags.derived(read({"hold": True, "frames": [{}, one_leg]}))


def test_a_squat_on_the_feet_is_deep_knee_flexion_but_knees_bent_lying_down_are_not():
    assert "deep_knee_flexion" not in shown({**LYING_BACK, "both": {"hip": 60, "knee": 120}})


LUNGE = {"seconds": 2.5, "frames": [{}, {"trunk": 3, "near": {"hip": 85, "knee": 88, "shoulder": 10},
                                          "far": {"hip": -25, "knee": 100, "ankle": -35}}]}


def test_the_svg_is_self_contained_small_and_safe_as_an_image():
    svg = render.render(read(LUNGE), ["quads"], title="Forward lunge <alternating>")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert "<script" not in svg and not re.search(r"\son\w+=", svg)
    assert re.findall(r"https?://[^\"']+", svg) == ["http://www.w3.org/2000/svg"]
    assert "<title>Forward lunge &lt;alternating&gt;</title>" in svg
    assert render.ACCENT in svg and "@keyframes" in svg and "infinite" in svg
    assert "prefers-reduced-motion:no-preference" in svg  # the animation only for those who want motion
    assert len(gzip.compress(svg.encode())) <= 4096


def test_a_hold_settles_once_and_a_single_frame_does_not_move():
    hold = render.render(read({**LUNGE, "hold": True}))
    assert "forwards" in hold and "infinite" not in hold
    still = render.render(read({"frames": [{}]}))
    assert "@keyframes" not in still


def test_the_left_side_is_the_right_side_mirrored():
    pose = read(LUNGE)
    right, left = render.render(pose), render.render(pose, mirrored=True)
    box = lambda svg: [float(n) for n in re.search(r'viewBox="([^"]+)"', svg).group(1).split()]  # noqa: E731
    (x, y, w, h), (mx, my, mw, mh) = box(right), box(left)
    assert (my, mw, mh) == (y, w, h) and mx == pytest.approx(-(x + w))
    assert 'transform="scale(-1 1)"' in left and "scale(-1 1)" not in right
    assert left.replace('<g transform="scale(-1 1)">', "<g>").split("</style>")[1].count("<g") == \
        right.split("</style>")[1].count("<g")


def front(partial):
    return tags.frame_tags(frame(partial, "front"), "front")


def test_the_front_view_shows_what_the_side_cannot_and_not_what_it_cannot():
    across = {"near": {"hip": -20}}
    assert "hip_adduction_midline" in front(across)
    assert "hip_adduction_midline" not in front({"near": {"hip": -8}})  # towards the middle, not across it
    assert "hip_adduction_midline" not in front({"near": {"hip": 30}})  # out to the side
    # hip and shoulder are abduction seen from the front: a leg out to the side is not hip flexion
    assert "hip_flexion_past_90" not in front({"near": {"hip": 80}, "both": {"knee": 0}})
    assert "spinal_flexion_end_range" not in front({"spine": 45})  # a side bend


def test_twist_and_turn_show_their_tags_and_just_under_do_not():
    assert "deep_twist" in shown({"twist": 50}) and "deep_twist" not in shown({"twist": 40})
    assert "spinal_flexion_rotation" in shown({"spine": 25, "twist": 25})
    assert "spinal_flexion_rotation" not in shown({"spine": 25, "twist": 15})
    assert "spinal_flexion_rotation" not in shown({"spine": 10, "twist": 40})
    assert "hip_internal_rotation" in shown({"near": {"turn": -35}})
    assert "hip_internal_rotation" not in shown({"near": {"turn": -20}})
    behind_out = {"far": {"hip": -20, "turn": 40}}
    assert "hip_extension_external_rotation" in shown(behind_out)
    assert "hip_extension_external_rotation" not in shown({"far": {"hip": -20, "turn": 20}})


def test_lying_on_the_side_is_side_lying_from_the_front_and_from_above():
    lying = {"trunk": 90, "far": {"shoulder": 178, "elbow": 0}}
    assert tags.facing(frame(lying, "front"), "front") == "side"
    assert "prone" not in front(lying)
    assert tags.facing(frame({}, "above"), "above") == "side"
    # from above nothing is carried against gravity: a knee bent deep while lying is no loaded squat
    assert tags.frame_tags(frame({"both": {"hip": 110, "knee": 120}}, "above"), "above") == {"hip_flexion_past_90"}


WALL_SIT = {"hold": True, "props": [{"kind": "wall", "x": -8}],
            "frames": [{"pelvis": [1.5, 30], "both": {"hip": 90, "knee": 90}}]}


@pytest.mark.parametrize("raw, message", [
    ({"view": "top", "frames": [{}]}, "view 'top' is not one of side, front, above"),
    ({"props": [{"kind": "sofa", "x": 1}], "frames": [{}]}, "unknown prop"),
    ({"props": [{"kind": "chair"}], "frames": [{}]}, "a chair needs its place along the floor"),
    ({"props": [{"kind": "band", "from": "near_hand"}], "frames": [{}]}, "from and to"),
    ({"props": [{"kind": "band", "from": "near_hand", "to": "nose"}], "frames": [{}]}, "can't hold on to 'nose'"),
    ({"props": [{"kind": "wall", "x": 60}], "frames": [{}]}, "the wall is drawn but the body never touches it"),
    ({"props": [{"kind": "wall", "x": 3}], "frames": [{}]}, "goes .* into the wall"),
    ({"props": [{"kind": "step", "x": 0}], "frames": [{"pelvis": [0, 53]}]}, "sinks into the step"),
    ({"frames": [{"twist": 90}]}, "twist 90° is outside"),
    ({"frames": [{"near": {"turn": -60}}]}, "near turn -60° is outside"),
    ({"view": "front", "frames": [{"near": {"hip": 90}}]}, "near hip 90° is outside"),
])
def test_a_broken_view_or_prop_is_refused_with_the_reason(raw, message):
    with pytest.raises(PoseError, match=message):
        read(raw)


def test_a_body_is_set_down_on_the_seat_step_or_roller_under_it():
    seated = read({"props": [{"kind": "chair", "x": -4}], "frames": [{"both": {"hip": 90, "knee": 90, "elbow": 80}}]})
    assert seated["frames"][0]["pelvis"][1] - body.SURFACE["pelvis"] == pytest.approx(27, abs=0.1)
    on_step = read({"props": [{"kind": "step", "x": 0}], "frames": [{}]})
    assert body.kinematics(on_step["frames"][0]).lowest() == pytest.approx(11, abs=0.1)
    # a foot under a counter stands on the floor: the counter's top is far above it
    at_counter = read({"props": [{"kind": "rail", "x": 28, "y": 55}], "frames": [{"both": {"shoulder": 45, "elbow": 0}}]})
    assert body.kinematics(at_counter["frames"][0]).lowest() == pytest.approx(0, abs=0.1)
    assert "deep_knee_flexion" not in tags.derived(seated)  # the seat carries it, not the legs
    assert read(WALL_SIT)["frames"][0]["pelvis"] == [1.5, 30]


def test_a_band_moves_with_the_hands_and_is_still_under_reduced_motion():
    pull = read({"props": [{"kind": "band", "from": "near_hand", "to": "far_hand"}], "view": "front", "seconds": 2,
                 "frames": [{"both": {"shoulder": 80}}, {"both": {"shoulder": 90}}]})
    svg = render.render(pull)
    assert '<animate attributeName="d" dur="2s"' in svg and 'repeatCount="indefinite"' in svg
    assert "@media (prefers-reduced-motion:reduce){.moving{display:none}}" in svg
    assert len(gzip.compress(svg.encode())) <= 4096


def test_props_and_a_mat_are_drawn_behind_the_body():
    svg = render.render(read(WALL_SIT), mat=False)
    assert svg.index('<rect x="-16"') < svg.index('class="g-root"')
    on_mat = render.render(read({"frames": [{"trunk": -90}]}), mat=True)
    assert render.MAT in on_mat and render.MAT not in render.render(read({"frames": [{"trunk": -90}]}))


def test_all_fours_is_hands_down_with_knees_or_feet_down():
    down_dog = {"trunk": 124, "both": {"hip": 110, "knee": 0, "ankle": 20, "shoulder": 150, "elbow": 0}}
    assert tags.on_all_fours(frame(down_dog))
    assert tags.on_all_fours(frame({"trunk": 80, "spine": -20, "both": {"hip": 80, "knee": 90, "ankle": -85, "shoulder": 71, "elbow": 0}}))
    assert not tags.on_all_fours(frame({})) and not tags.on_all_fours(frame({"trunk": -90}))


def test_every_shipped_figure_keeps_its_segment_lengths_in_every_frame_and_fits_its_budget():
    from app.catalog.data import load_file

    drawn = [ex for ex in load_file() if ex.pose]
    assert drawn
    for ex in drawn:
        pose = read(ex.pose)
        for number, whole in enumerate(pose["frames"]):
            points = body.kinematics(whole, pose["view"]).points
            for end, start, segment in SEGMENTS:
                assert math.dist(points[start], points[end]) == pytest.approx(body.LENGTH[segment]), (ex.id, number)
        svg = render.render(pose, ex.targets, title=ex.name, mat="mat" in ex.equipment)
        assert len(gzip.compress(svg.encode())) <= 4096, ex.id


@pytest.mark.parametrize("raw, message", [
    ({"frames": [{"twsit": 20}]}, "'twsit' is not an angle of the body"),
    ({"frames": [[90]]}, "a frame is a table of angles"),
    ({"frames": [{"near": {"hipp": 20}}]}, "near: 'hipp' is not a limb angle"),
    ({"frames": [{"both": 20}]}, "both: 20 is not a limb angle"),
    ({"frames": [{"trunk": "forward"}]}, "trunk must be a number of degrees"),
    ({"frames": [{"pelvis": [0, 1, 2]}]}, r"pelvis is \[x\] or \[x, y\]"),
    ({"props": [{"kind": "rail", "x": 1, "y": "high"}], "frames": [{}]}, "rail's height y must be a number"),
    ({"props": [{"kind": "band", "from": "near_hand", "to": [1]}], "frames": [{}]}, "a band's end is"),
])
def test_a_misspelt_or_mistyped_pose_is_refused_by_name(raw, message):
    with pytest.raises(PoseError, match=message):
        read(raw)
