"""`flask --app wsgi catalog figures --sheet FILE.png`: every posed exercise, frame by frame, drawn by
Chromium. Run as the command it is, in its own process (Playwright's sync API can't nest in the suite's)."""
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CATALOG_ENTRY

ROOT = Path(__file__).resolve().parents[2]
POSED = CATALOG_ENTRY + '\n[exercise.pose]\nhold = true\nframes = [{}, {trunk = 70, both = {hip = 70}}]\n'


def figures(tmp_path, catalog_text, *extra):
    catalog, sheet = tmp_path / "catalog.toml", tmp_path / "sheet.png"
    catalog.write_text(catalog_text)
    env = {**os.environ, "LIMBER_ENV": "development", "LIMBER_INSTANCE": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "--app", "wsgi", "catalog", "figures", "--sheet", str(sheet),
                             "--file", str(catalog), *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    return result, sheet


def test_the_sheet_draws_every_posed_exercise(tmp_path):
    result, sheet = figures(tmp_path, POSED + POSED.replace('id = "x"', 'id = "y"').replace('name = "X"', 'name = "Y"'))
    assert result.returncode == 0, result.stderr
    assert "drew 2 figures" in result.stdout
    assert sheet.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and sheet.stat().st_size > 5000


def test_an_exercise_without_a_pose_or_an_unknown_id_draws_nothing_and_says_why(tmp_path):
    result, sheet = figures(tmp_path, CATALOG_ENTRY)
    assert result.returncode != 0 and "x: no pose: every exercise is drawn" in result.stderr
    assert not sheet.exists()
    result, sheet = figures(tmp_path, POSED, "--only", "nobody")
    assert result.returncode != 0 and "No exercise is called nobody: nothing to draw." in result.stderr
    assert not sheet.exists()
