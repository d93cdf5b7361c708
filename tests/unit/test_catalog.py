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


def test_loader_adds_position_and_impact_tags():
    by_id = {ex.id: ex for ex in CATALOG}
    assert "kneeling" in by_id["kneeling-hip-flexor-stretch"].contra_tags
    assert "loaded_spinal_flexion" in by_id["standing-toe-touch"].contra_tags
    assert "supine" in by_id["glute-bridge"].contra_tags
    assert "kneeling" in by_id["cat-cow"].contra_tags  # on hands and knees
    assert "high_impact" in by_id["jumping-jacks"].contra_tags


BASE = '''[[exercise]]
id = "x"
name = "X"
type = "static"
phases = ["stretch"]
targets = ["calves"]
seconds = 30
instructions = ["a", "b"]
mistake = "m"
'''


@pytest.mark.parametrize("change", [("type = \"static\"", "type = \"yoga\""), ("calves", "elbows"),
                                    ("instructions = [\"a\", \"b\"]", "instructions = [\"a\"]"),
                                    ("seconds = 30", "seconds = -1")])
def test_bad_data_is_refused_with_a_clear_message(change):
    with pytest.raises(CatalogError, match="x"):
        parse(BASE.replace(*change))
