"""The mobility self-tests: their pages, recording a result (all sides or none, bad input refused with a
400 and nothing stored), the chart and table that follow, deleting a mistaken result by its owner only, a
limited result steering the next routine (and saying so), the retest prompt, export and account deletion."""
import datetime as dt
import json
import re

import pytest

from app.auth import accounts
from app.models import Account, MobilityResult, RoutineRecord
from tests.conftest import Auth, quick

TODAY = dt.datetime.now(dt.timezone.utc).date()


def record(person, test_id, date=None, **values):
    data = {"tested_on": (date or TODAY).isoformat(), **{k: str(v) for k, v in values.items()}}
    return person.post(f"/progress/tests/{test_id}", data, token_from=f"/progress/tests/{test_id}")


def stored():
    return sorted((r.test, r.side, r.value, r.tested_on) for r in MobilityResult.select())


def test_the_pages_show_the_four_tests_with_instructions_safety_and_a_figure(person, client):
    page = client.get("/progress/tests").get_data(as_text=True)
    for name in ("Sit-and-reach", "Knee-to-wall ankle test", "Back-scratch shoulder test", "Hip-flexor test"):
        assert name in page
    assert page.count("Not tested yet") == 4 and "<svg" not in page.split("<main", 1)[1]
    for test_id in ("sit_and_reach", "knee_to_wall", "back_scratch", "thomas"):
        response = client.get(f"/progress/tests/{test_id}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "Skip this test if" in text and "Stop at once if it hurts" in text and "Warm up" in text
        assert "Save result" in text and 'name="csrf_token"' in text
    sit = client.get("/progress/tests/sit_and_reach").get_data(as_text=True)
    assert "sciatica" in sit and "never bounce" in sit.lower()
    assert "/exercises/seated-hamstring-stretch/figure.svg" in sit  # the figure of the position
    ankle = client.get("/progress/tests/knee_to_wall").get_data(as_text=True)
    assert "/exercises/ankle-wall-rock/figure.svg" in ankle and 'name="left"' in ankle and 'name="right"' in ankle
    thomas = client.get("/progress/tests/thomas").get_data(as_text=True)
    assert "figure.svg" not in thomas and 'value="raised"' in thomas and "hip replacement" in thomas
    assert f'data-local-today="{TODAY.isoformat()}"' in ankle  # the browser swaps in its own date


def test_an_unknown_test_is_a_404(person, client):
    assert client.get("/progress/tests/toe_touch").status_code == 404
    assert record(person, "toe_touch", left=5).status_code in (400, 404)
    assert person.post("/progress/tests/toe_touch", {"value": "3", "tested_on": TODAY.isoformat()},
                       token_from="/progress/tests").status_code == 404
    assert not MobilityResult.select().exists()


def test_the_pages_need_a_signed_in_person(client):
    assert client.get("/progress/tests").status_code in (302, 303)
    assert client.get("/progress/tests/knee_to_wall").status_code in (302, 303)


def test_a_sided_result_is_stored_and_the_chart_and_table_follow(person, client):
    response = record(person, "knee_to_wall", left=8, right="12.5")
    assert response.status_code == 303 and response.location.endswith("/progress/tests/knee_to_wall")
    assert stored() == [("knee_to_wall", "left", 8.0, TODAY), ("knee_to_wall", "right", 12.5, TODAY)]
    page = client.get("/progress/tests/knee_to_wall").get_data(as_text=True)
    assert "Saved your knee-to-wall ankle test" in page and "left 8 cm, right 12.5 cm" in page
    assert "Knee-to-wall ankle test, 1 test day" in page and "left 8 cm from the wall; right 12.5 cm from the wall" in page
    assert page.count('class="st-dot st-left"') == 1 and page.count('class="st-dot st-right"') == 1
    assert "Your left side is 4.5 cm behind the other." in page
    assert "Show as a table" in page and "<td>8 cm</td><td>12.5 cm</td>" in page

    earlier = TODAY - dt.timedelta(days=35)
    assert record(person, "knee_to_wall", date=earlier, left=7).status_code == 303  # one side alone is fine
    page = client.get("/progress/tests/knee_to_wall").get_data(as_text=True)
    assert "2 test days" in page and page.count('class="st-dot st-left"') == 2
    assert 'class="st-line st-left"' in page  # two left results: a line between them
    assert "<td>7 cm</td><td>–</td>" in page

    again = record(person, "knee_to_wall", left=9)  # the same day again: replaces that side's result
    assert again.status_code == 303
    assert ("knee_to_wall", "left", 9.0, TODAY) in stored() and ("knee_to_wall", "left", 8.0, TODAY) not in stored()
    assert len(stored()) == 3

    overview = client.get("/progress/tests").get_data(as_text=True)
    assert overview.count("Not tested yet") == 3 and "chart-selftest" in overview


def test_the_other_tests_store_their_own_kind_of_value(person, client):
    assert record(person, "sit_and_reach", both="−6").status_code == 303  # a typographic minus is read
    assert record(person, "back_scratch", left="-7,5", right="+2").status_code == 303
    assert record(person, "thomas", left="raised", right="flat").status_code == 303
    assert stored() == [("back_scratch", "left", -7.5, TODAY), ("back_scratch", "right", 2.0, TODAY),
                        ("sit_and_reach", "both", -6.0, TODAY),
                        ("thomas", "left", 0.0, TODAY), ("thomas", "right", 1.0, TODAY)]
    thomas = client.get("/progress/tests/thomas").get_data(as_text=True)
    assert "Left, " in thomas and "thigh raised" in thomas and 'class="st-raised"' in thomas
    sit = client.get("/progress/tests/sit_and_reach").get_data(as_text=True)
    assert "6 cm short of your toes" in sit and "Limited." in sit


@pytest.mark.parametrize("data, message", [
    ({"left": "999"}, "Enter 0 to 25 cm."),
    ({"left": "-3"}, "Enter 0 to 25 cm."),
    ({"left": "eight"}, "Enter a number of centimetres"),
    ({"left": "8", "right": "1e3"}, "Enter a number of centimetres"),
    ({"left": "nan"}, "Enter a number of centimetres"),
    ({}, "Enter a result for at least one side"),
    ({"left": "", "right": " "}, "Enter a result for at least one side"),
    ({"left": "8", "tested_on": (TODAY + dt.timedelta(days=3)).isoformat()}, "That date is in the future"),
    ({"left": "8", "tested_on": "1999-12-31"}, "from the year 2000 on"),
    ({"left": "8", "tested_on": "31/12/2025"}, "Enter a date like"),
    ({"left": "8", "tested_on": ""}, "Enter a date like"),
])
def test_bad_input_is_the_form_again_with_a_400_and_nothing_stored(person, client, data, message):
    body = {"tested_on": TODAY.isoformat(), **data, "csrf_token": person.token("/progress/tests/knee_to_wall")}
    response = client.post("/progress/tests/knee_to_wall", data=body)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Save result" in page
    assert not MobilityResult.select().exists()


def test_one_bad_side_stores_neither(person, client):
    response = record(person, "back_scratch", left="-4", right="-90")
    assert response.status_code == 400 and "Enter −40 to 30 cm." in response.get_data(as_text=True)
    response = record(person, "thomas", left="flat", right="sideways")
    assert response.status_code == 400 and "Pick flat or raised." in response.get_data(as_text=True)
    assert not MobilityResult.select().exists()


def test_a_post_without_its_csrf_token_is_refused(person, client):
    response = client.post("/progress/tests/knee_to_wall", data={"left": "8", "tested_on": TODAY.isoformat()})
    assert response.status_code == 400
    assert not MobilityResult.select().exists()


def test_a_mistaken_result_is_deleted_after_asking_and_only_by_its_owner(person, client, auth):
    record(person, "knee_to_wall", left=8, right=11)
    record(person, "knee_to_wall", date=TODAY - dt.timedelta(days=30), left=6)
    page = client.get("/progress/tests/knee_to_wall").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r"/progress/tests/results/(\d+)/delete", page)]
    assert len(ids) == 2 and "Delete the result of" in page
    newest = ids[0]
    assert client.post(f"/progress/tests/results/{newest}/delete").status_code == 400  # no CSRF token
    assert len(stored()) == 3
    response = person.post(f"/progress/tests/results/{newest}/delete", {}, token_from="/progress/tests")
    assert response.status_code == 303 and response.location.endswith("/progress/tests/knee_to_wall")
    assert stored() == [("knee_to_wall", "left", 6.0, TODAY - dt.timedelta(days=30))]  # both sides of that day
    assert "The chart has been updated." in client.get("/progress/tests/knee_to_wall").get_data(as_text=True)
    assert person.post(f"/progress/tests/results/{newest}/delete", {}, token_from="/progress/tests").status_code == 404
    for nonsense in ("9" * 30, "0", "-1", "abc"):
        assert person.post(f"/progress/tests/results/{nonsense}/delete", {},
                           token_from="/progress/tests").status_code == 404

    mine = MobilityResult.get().id
    auth.logout()
    auth.signup(email="ben@example.com")
    auth.onboard()
    theirs = client.get("/progress/tests/knee_to_wall").get_data(as_text=True)
    assert "6 cm" not in theirs and f"/results/{mine}/delete" not in theirs
    assert "Not tested yet" in client.get("/progress/tests").get_data(as_text=True)
    assert auth.post(f"/progress/tests/results/{mine}/delete", {}, token_from="/progress/tests").status_code == 404
    assert len(stored()) == 1  # not theirs: nothing deleted


def test_a_limited_ankle_makes_the_next_routine_work_the_ankles_and_say_why(person, client):
    record(person, "knee_to_wall", left=6, right=10)
    routine = RoutineRecord.get_by_id(quick(person, kind="warmup", activity="running", minutes="10"))
    whys = [step["why"] for step in routine.data["steps"]]
    assert any("your left ankle test was 4 cm shorter than your right" in why for why in whys), whys
    assert ["ankles", "your left ankle test was 4 cm shorter than your right"] in routine.request["focus_reasons"]
    assert "ankles" in routine.request["tight_areas"]
    shuffled = person.post(f"/routines/{routine.id}/shuffle", {}, token_from=f"/routines/{routine.id}")  # kept
    assert shuffled.status_code in (200, 303)
    assert RoutineRecord.get_by_id(routine.id).request["focus_reasons"] == routine.request["focus_reasons"]


def test_an_old_result_no_longer_steers_routines(person, client):
    record(person, "knee_to_wall", date=TODAY - dt.timedelta(weeks=13), left=5, right=12)
    routine = RoutineRecord.get_by_id(quick(person, kind="warmup", activity="running", minutes="10"))
    assert routine.request["focus_reasons"] == []
    assert not any("ankle test" in step["why"] for step in routine.data["steps"])


def test_a_routine_stored_before_self_tests_still_opens_and_shuffles(person, client):
    routine_id = quick(person)
    row = RoutineRecord.get_by_id(routine_id)
    row.request = {k: v for k, v in row.request.items() if k != "focus_reasons"}
    row.save()
    assert client.get(f"/routines/{routine_id}").status_code == 200
    assert person.post(f"/routines/{routine_id}/shuffle", {}, token_from=f"/routines/{routine_id}").status_code \
        in (200, 303)


def test_the_progress_card_and_home_prompt_a_gentle_retest(person, client):
    home = client.get("/").get_data(as_text=True)
    assert "four quick mobility self-tests" in home and "since your mobility self-tests" not in home
    progress = client.get("/progress").get_data(as_text=True)
    assert "Mobility self-tests" in progress and "Try the self-tests" in progress

    record(person, "sit_and_reach", date=TODAY - dt.timedelta(days=30), both=-6)
    home = client.get("/").get_data(as_text=True)
    assert "It's been 4 weeks since your mobility self-tests." in home
    progress = client.get("/progress").get_data(as_text=True)
    assert "−6 cm" in progress and "a good time to retest" in progress and "not tested" in progress
    overview = client.get("/progress/tests").get_data(as_text=True)
    assert "time for a retest" in overview and "Retest now" in overview

    record(person, "knee_to_wall", left=10, right=11)
    home = client.get("/").get_data(as_text=True)
    assert "self-tests" not in home  # tested today: nothing to say
    assert "a good time to retest" not in client.get("/progress").get_data(as_text=True)


def test_results_are_in_the_export_and_gone_with_the_account(app, auth, client):
    auth.signup()
    auth.onboard()
    record(auth, "back_scratch", left=-3, right=1)
    account_id = Account.get().id
    data = json.loads(client.get("/settings/export.json").get_data(as_text=True))
    section = data[accounts.section_name(MobilityResult)]
    assert sorted((r["test"], r["side"], r["value"], r["tested_on"]) for r in section) == [
        ("back_scratch", "left", -3.0, TODAY.isoformat()), ("back_scratch", "right", 1.0, TODAY.isoformat())]

    other = Auth(app.test_client())
    other.signup(email="ben@example.com")
    other.onboard()
    other.post("/progress/tests/thomas", {"left": "flat", "tested_on": TODAY.isoformat()},
               token_from="/progress/tests/thomas")
    assert auth.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"}).status_code == 303
    assert not MobilityResult.select().where(MobilityResult.account == account_id).exists()
    assert [(r.test, r.side) for r in MobilityResult.select()] == [("thomas", "left")]  # the other person's stays
