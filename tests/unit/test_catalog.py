import pytest

from app import vocabulary as v
from app.catalog.data import CatalogError, load_file, parse

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


BASE = '''[[exercise]]
id = "x"
name = "X"
type = "static"
phases = ["stretch"]
targets = ["calves"]
intensity = 2
space = "none"
stance = "standing"
stretch = true
seconds = 30
instructions = ["a", "b"]
mistake = "m"
'''


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
        parse(BASE.replace(*change))
