"""`flask --app wsgi catalog figures --sheet FILE.png`: every posed exercise, frame by frame, in Chromium."""
from tests.conftest import CATALOG_ENTRY

POSED = CATALOG_ENTRY + '\n[exercise.pose]\nhold = true\nframes = [{}, {trunk = 70, both = {hip = 70}}]\n'


def test_the_sheet_draws_every_posed_exercise(app, tmp_path):
    catalog = tmp_path / "posed.toml"
    catalog.write_text(POSED + POSED.replace('id = "x"', 'id = "y"').replace('name = "X"', 'name = "Y"'))
    sheet = tmp_path / "sheet.png"
    result = app.test_cli_runner().invoke(args=["catalog", "figures", "--sheet", str(sheet), "--file", str(catalog)])
    assert result.exit_code == 0, result.output
    assert "drew 2 figures" in result.output
    assert sheet.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and sheet.stat().st_size > 5000


def test_a_catalog_without_poses_says_there_is_nothing_to_draw(app, tmp_path):
    catalog = tmp_path / "plain.toml"
    catalog.write_text(CATALOG_ENTRY)
    result = app.test_cli_runner().invoke(args=["catalog", "figures", "--sheet", str(tmp_path / "s.png"),
                                                "--file", str(catalog)])
    assert result.exit_code != 0 and "No exercise in the catalog has a pose yet" in result.output
