import pytest

from app import vocabulary as v
from app.catalog.data import CatalogError, load_file, parse
from tests.conftest import CATALOG_ENTRY

CATALOG = load_file()


def test_catalog_is_large_and_covers_the_vocabulary():
    assert len(CATALOG) >= 120
    assert {ex.type for ex in CATALOG} == set(v.TYPES)
    assert {r for ex in CATALOG for r in ex.targets} == set(v.REGIONS)
    assert {a for ex in CATALOG for a in ex.activities} == set(v.ACTIVITIES)
    assert {p for ex in CATALOG for p in ex.phases} == set(v.PHASES)
    assert {ex.level for ex in CATALOG} == set(v.LEVELS)
    for ex in CATALOG:
        assert 2 <= len(ex.instructions) <= 5 and ex.mistake


def test_every_exercise_has_the_new_fields_and_ids_match_names():
    for ex in CATALOG:
        assert ex.intensity in v.INTENSITIES and ex.space in v.SPACES and ex.stance in v.STANCES
        assert (ex.pattern is not None) == (ex.type == "potentiation")
        stem = lambda word: word.rstrip("s")[:5]  # noqa: E731  "jump" and "jumps" are one word here
        name_words = {stem(w) for w in ex.name.lower().replace("-", " ").replace("’", "").replace("'", "").split()}
        id_words = {stem(w) for w in ex.id.split("-")}
        assert len(id_words & name_words) >= min(2, len(id_words)), f"{ex.id} does not match {ex.name!r}"


NO_KIT = [ex for ex in CATALOG if not ex.equipment]


def _serves(ex, activity, phase):
    return phase in ex.phases and ex.type in ("activation", "dynamic") and (
        activity in ex.activities or "general" in ex.activities)


@pytest.mark.parametrize("activity", v.ACTIVITIES)
def test_every_activity_has_two_equipment_free_choices_for_each_key_region(activity):
    for phase in ("activate", "mobilise"):
        for region in v.ACTIVITY_KEY_REGIONS[activity]:
            found = [ex.id for ex in NO_KIT if _serves(ex, activity, phase) and region in ex.targets]
            assert len(found) >= 2, f"{activity} {phase} {region}: {found}"


@pytest.mark.parametrize("activity", [a for a in v.ACTIVITIES if v.ACTIVITY_PATTERNS[a]])
def test_every_activity_has_two_equipment_free_power_drills_in_its_own_movement(activity):
    found = [ex.id for ex in NO_KIT if ex.type == "potentiation" and ex.pattern in v.ACTIVITY_PATTERNS[activity]
             and (activity in ex.activities or "general" in ex.activities)]
    assert len(found) >= 2, f"{activity}: {found}"


def test_nobody_has_to_get_on_the_floor_to_stretch_a_major_group():
    for group in v.MAJOR_GROUPS:
        found = [ex.id for ex in CATALOG if ex.stretch and ex.stance != "floor" and group in ex.targets[:2]]
        assert found, group


def test_what_conditions_require_exists_without_equipment_or_the_floor():
    from app.routines import rules
    usable = [ex for ex in NO_KIT if ex.stance != "floor"]
    assert any(rules.is_back_extensor(ex) and "activate" in ex.phases for ex in usable)
    assert any(rules.is_balance_training(ex) and ex.supported and "activate" in ex.phases for ex in usable)
    assert any(rules.is_pelvic_floor(ex) for ex in usable)


def test_loader_adds_position_and_impact_tags():
    by_id = {ex.id: ex for ex in CATALOG}
    assert "kneeling" in by_id["kneeling-hip-flexor-stretch"].contra_tags
    assert {"loaded_spinal_flexion", "hip_flexion_past_90", "inversion"} <= set(by_id["standing-toe-touch"].contra_tags)
    assert "supine" in by_id["glute-bridge"].contra_tags
    assert "kneeling" in by_id["cat-cow"].contra_tags  # on hands and knees
    assert "high_impact" in by_id["jumping-jacks"].contra_tags




@pytest.mark.parametrize("change", [("type = \"static\"", "type = \"yoga\""), ("calves", "elbows"),
                                    ("instructions = [\"a\", \"b\"]", "instructions = [\"a\"]"),
                                    ("seconds = 30", "seconds = -1"), ("intensity = 2", "intensity = 9"),
                                    ("space = \"none\"", "space = \"moon\""),
                                    ("stance = \"standing\"", "stance = \"single_leg\""),  # no support, no tag
                                    ("stance = \"standing\"", "stance = \"floor\""),  # a floor stance standing up
                                    ("type = \"static\"", "type = \"potentiation\""),  # power with no pattern
                                    ("stretch = true", "stretch = 1")])
def test_bad_data_is_refused_with_a_clear_message(change):
    with pytest.raises(CatalogError, match="x"):
        parse(CATALOG_ENTRY.replace(*change))


# N10: an exercise's pose (app.figures) is checked on load, and the tags it shows must be carried.
HINGE = '\n[exercise.pose]\nhold = true\nseconds = 4\nframes = [{}, {trunk = 70, both = {hip = 70}}]\n'


def test_a_pose_that_agrees_with_the_exercise_loads_and_keeps_its_frames():
    (ex,) = parse(CATALOG_ENTRY + HINGE)
    assert ex.pose["frames"][1]["trunk"] == 70


@pytest.mark.parametrize("pose, reason", [
    ('\n[exercise.pose]\nframes = [{near = {knee = -20}}]\n', r"x: pose: frame 0: near knee -20° is outside"),
    ('\n[exercise.pose]\nframes = [{pelvis = [0, 80]}]\n', r"x: pose: frame 0: the body floats"),
    ('\n[exercise.pose]\nframes = [{}, {both = {hip = 100}}]\n',
     r"x: frame 1 of the pose shows hip_flexion_past_90, which its tags leave out"),
    ('\n[exercise.pose]\nhold = true\nframes = [{}, {near = {hip = 60, knee = 90}}]\n',
     r"x: frame 1 of the pose stands on one leg; its stance says standing"),
])
def test_a_pose_that_disagrees_with_the_exercise_is_refused_with_the_frame_and_the_reason(pose, reason):
    with pytest.raises(CatalogError, match=reason):
        parse(CATALOG_ENTRY + pose)


def test_the_hand_written_tag_a_pose_shows_lets_it_load():
    (ex,) = parse(CATALOG_ENTRY.replace('mistake = "m"', 'mistake = "m"\ntags = ["hip_flexion_past_90"]')
                  + '\n[exercise.pose]\nframes = [{}, {both = {hip = 100}}]\n')
    assert "hip_flexion_past_90" in ex.contra_tags


def test_a_position_the_pose_does_not_show_is_refused():
    lying = CATALOG_ENTRY.replace('stance = "standing"', 'stance = "floor"\nposition = "supine"')
    parse(lying + '\n[exercise.pose]\nframes = [{trunk = -90}]\n')
    with pytest.raises(CatalogError, match="its position is supine"):
        parse(lying + '\n[exercise.pose]\nframes = [{}]\n')


def test_poses_kept_beside_the_catalog_are_attached_to_their_exercises(tmp_path):
    (tmp_path / "stretches.toml").write_text(CATALOG_ENTRY)
    (tmp_path / "poses").mkdir()
    (tmp_path / "poses" / "stretches.toml").write_text('[pose.x]\nhold = true\nframes = [{}, {trunk = 70, both = {hip = 70}}]\n')
    (ex,) = load_file(tmp_path)
    assert ex.pose["hold"] is True and len(ex.pose["frames"]) == 2
    (tmp_path / "poses" / "more.toml").write_text('[pose.nobody]\nframes = [{}]\n')
    with pytest.raises(CatalogError, match=r"poses for exercises that don't exist: \['nobody'\]"):
        load_file(tmp_path)
    (tmp_path / "poses" / "more.toml").write_text('[pose.x]\nframes = [{}]\n')
    with pytest.raises(CatalogError, match="x: two poses"):
        load_file(tmp_path)


WALL_CALF = CATALOG_ENTRY.replace('mistake = "m"', 'mistake = "m"\nequipment = ["wall"]')
LEANING = '\n[exercise.pose]\nhold = true\nprops = [{kind = "wall", x = 46}]\nframes = [{trunk = 12, both = {shoulder = 80, elbow = 20}}]\n'


def test_the_figure_draws_the_equipment_the_exercise_lists_and_nothing_it_does_not():
    (ex,) = parse(WALL_CALF + LEANING)
    assert ex.pose["props"] == [{"kind": "wall", "x": 46}]
    with pytest.raises(CatalogError, match="x: its equipment lists wall, which its figure doesn't show"):
        parse(WALL_CALF + '\n[exercise.pose]\nframes = [{}]\n')
    with pytest.raises(CatalogError, match="x: its figure uses a wall, which its equipment doesn't list"):
        parse(CATALOG_ENTRY + LEANING)


def test_a_counter_is_drawn_only_when_the_instructions_say_to_hold_one():
    counter = ('\n[exercise.pose]\nprops = [{kind = "rail", x = 28, y = 55}]\n'
               'frames = [{both = {shoulder = 45, elbow = 0}}]\n')
    with pytest.raises(CatalogError, match="x: its figure uses a rail, which its instructions don't mention"):
        parse(CATALOG_ENTRY + counter)
    parse(CATALOG_ENTRY.replace('instructions = ["a", "b"]', 'instructions = ["Hold a counter.", "b"]') + counter)


def test_lying_on_the_side_is_what_a_side_lying_pose_shows():
    side = CATALOG_ENTRY.replace('stance = "standing"', 'stance = "floor"\nposition = "side_lying"')
    parse(side + '\n[exercise.pose]\nview = "above"\nframes = [{}]\n')
    parse(side + '\n[exercise.pose]\nview = "front"\nframes = [{trunk = 90, far = {shoulder = 178, elbow = 0}}]\n')
    with pytest.raises(CatalogError, match="its position is side_lying"):
        parse(side + '\n[exercise.pose]\nframes = [{}]\n')  # standing


def test_a_catalog_with_an_exercise_that_has_no_figure_is_refused(tmp_path):
    (tmp_path / "stretches.toml").write_text(CATALOG_ENTRY)
    with pytest.raises(CatalogError, match="x: no pose: every exercise is drawn"):
        load_file(tmp_path)
