"""What Limber asks about conditions, where people move and where it hurt, and what it does with the answers."""
import datetime as dt
import json

from app import vocabulary as v
from app.models import Profile, RoutineRecord, WorkoutLog
from tests.conftest import log_body, sync_one


def _routine(client, **form):
    data = {"kind": "warmup", "activity": "running", "minutes": "12", "space": "room", **form}
    return data


def test_condition_details_are_asked_with_their_condition_and_stored_under_the_same_consent(auth, client):
    auth.signup()
    auth.onboard()
    page = client.get("/profile/health").get_data(as_text=True)
    assert 'data-for="pregnancy"' in page and "weeks pregnant" in page
    response = auth.post("/profile/health", {"conditions": ["pregnancy", "lower_back", "knee"], "consent": "y",
                                             "pregnancy_weeks": "24", "back_worse": "flexion",
                                             "weeks_since_surgery": "3", "spine_fracture": "yes"})
    assert response.status_code == 303
    profile = Profile.get()
    # Details of conditions not chosen (surgery, fracture) are not kept.
    assert profile.condition_details == {"pregnancy_weeks": 24, "back_worse": "flexion"}
    exported = json.loads(client.get("/settings/export.json").get_data(as_text=True))
    assert exported["profile"]["condition_details"] == {"pregnancy_weeks": 24, "back_worse": "flexion"}
    auth.post("/profile/health", {"conditions": []})
    assert Profile.get().condition_details == {} and Profile.get().conditions == []


def test_absurd_or_out_of_range_details_are_a_clear_422_and_nothing_is_half_saved(auth, client):
    auth.signup()
    auth.onboard()
    for weeks in ("9" * 400, "50", "-1", "soon"):
        response = auth.post("/profile/health", {"conditions": ["pregnancy"], "consent": "y", "pregnancy_weeks": weeks})
        assert response.status_code == 422, weeks
    assert Profile.get().conditions == [] and Profile.get().condition_details == {}


def test_details_reach_the_engine_and_unknown_means_cautious(auth, client):
    auth.signup()
    auth.onboard(conditions=("hip_replacement_posterior",))
    auth.post("/routines", _routine(client, kind="cooldown"), token_from="/")
    row = RoutineRecord.select().order_by(RoutineRecord.id.desc()).get()
    assert row.request["surgeon_cleared"] is False
    assert any("precautions apply" in note for note in row.data["notes"])
    auth.post("/profile/health", {"conditions": ["hip_replacement_posterior"], "consent": "y",
                                  "weeks_since_surgery": "40", "surgeon_cleared": "yes"})
    auth.post("/routines", _routine(client, kind="cooldown"), token_from="/")
    row = RoutineRecord.select().order_by(RoutineRecord.id.desc()).get()
    assert row.request["surgeon_cleared"] is True and row.request["weeks_since_surgery"] == 40
    assert any("lifted your hip precautions" in note for note in row.data["notes"])


def test_a_yes_on_screening_is_explained_on_the_spot(auth, client):
    auth.signup()
    page = client.get("/onboarding/screening").get_data(as_text=True)
    assert "A “yes” turns on gentle mode" in page
    answers = {code: ("yes" if code == "heart" else "no") for code, _ in v.SCREENING_QUESTIONS}
    response = auth.post("/onboarding/screening", answers, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Gentle mode is on" in text and "doctor" in text and "talk the whole time" in text


def test_where_you_move_is_asked_and_remembered(person, client):
    assert Profile.get().space == "room"
    page = client.get("/routines/new").get_data(as_text=True)
    assert 'name="space" value="outdoor"' in page
    response = person.post("/routines", _routine(client, space="outdoor"), token_from="/")
    assert response.status_code == 303
    assert Profile.get().space == "outdoor"
    assert RoutineRecord.select().order_by(RoutineRecord.id.desc()).get().request["space"] == "outdoor"
    assert 'value="outdoor" checked' in client.get("/").get_data(as_text=True)
    bad = person.post("/routines", _routine(client, space="moon"), token_from="/")
    assert bad.status_code == 422


def test_pain_can_be_reported_anywhere_and_the_persons_conditions_come_first(auth, client):
    auth.signup()
    auth.onboard(conditions=("knee",))
    auth.post("/routines", _routine(client), token_from="/")
    row = RoutineRecord.select().order_by(RoutineRecord.id.desc()).get()
    page = client.get(f"/routines/{row.id}/play").get_data(as_text=True)
    options = page[page.index('id="pain-area"'):]
    assert options.index('value="knees"') < options.index('value="neck"')
    for area in ("knees", "elbows", "feet"):
        assert f'value="{area}"' in options
    finished = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    log = log_body(row.id, pain="mild", pain_area="knees", rating="about_right",
                   started_at=(finished - dt.timedelta(minutes=12)).isoformat().replace("+00:00", "Z"),
                   finished_at=finished.isoformat().replace("+00:00", "Z"), local_date=finished.date().isoformat())
    status, result = sync_one(client, log, auth.token("/"))
    assert status in (200, 201), result
    assert WorkoutLog.get().pain_area == "knees"
    auth.post("/routines", _routine(client), token_from="/")
    nxt = RoutineRecord.select().order_by(RoutineRecord.id.desc()).get()
    assert nxt.request["avoid_regions"] == ["knees"]
    assert any("knees" in note for note in nxt.data["notes"])


def test_cli_takes_space_and_condition_details_and_prints_the_stop_signs(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["routine", "generate", "--kind", "cooldown", "--minutes", "12", "--condition",
                                 "pregnancy", "--pregnancy-weeks", "8", "--space", "outdoor", "--seed", "2"])
    assert result.exit_code == 0, result.output
    routine = json.loads(result.output)
    notes = " ".join(routine["notes"])
    assert "Stop and get help" in notes and "vaginal bleeding" in notes
    for flags in (["--space", "moon"], ["--spine-fracture", "maybe"], ["--back-worse", "sideways"],
                  ["--pregnancy-weeks", "60", "--condition", "pregnancy"]):
        bad = runner.invoke(args=["routine", "generate", "--kind", "warmup", "--minutes", "8", *flags])
        assert bad.exit_code != 0
    export = json.loads(runner.invoke(args=["catalog", "export"]).output)
    assert {"intensity", "space", "stance", "stretch", "pattern"} <= set(export[0])


def test_absurdly_long_numbers_are_a_clear_4xx_in_every_number_field(person, client):
    huge = "9" * 400
    assert person.post("/routines", _routine(client, minutes=huge), token_from="/").status_code == 422
    assert person.post("/routines/quick", {"kind": "warmup", "activity": "running", "minutes": huge},
                       token_from="/").status_code == 400
    response = person.post("/profile/about", {"age": huge, "level": "beginner"})
    assert response.status_code == 422 and "Enter a smaller whole number" in response.get_data(as_text=True)
