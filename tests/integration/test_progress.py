"""The Progress page: its charts follow what was logged, a mistaken session can be deleted (with a
confirmation, by its owner only), and the old History address still works."""
import re

from app.models import WorkoutLog
from tests.conftest import a_log, sync_one


def logged(person, **changes):
    status, result = sync_one(person.client, a_log(**changes), person.token("/"))
    assert status == 201, result
    return result["log"]["id"]


def test_no_sessions_yet_is_an_invitation_not_blank_axes(person, client):
    page = client.get("/progress").get_data(as_text=True)
    assert "Your progress starts with one session." in page and "<svg" not in page.split("<main", 1)[1]


def test_the_charts_and_their_tables_follow_the_sessions(person, client):
    logged(person, exercise_ids=["standing-calf-stretch"], seconds_done=600, kind="cooldown", rating="too_hard",
           pain="mild", pain_area="knees")
    logged(person, seconds_done=300)
    page = client.get("/progress").get_data(as_text=True)
    assert 'aria-label="Calendar of the last 12 weeks: 1 days with a session"' in page
    assert "Minutes a week for 12 weeks, by kind: 15 min in all" in page
    assert "Calves: 10 min" in page and "Nothing for your neck" in page
    assert "Pain reports week by week for 12 weeks: 1 in all" in page and "Knees ×1" in page
    assert page.count("Show as a table") == 3 and page.count("<table>") == 3
    assert ">2</dd>" in page and "Sessions" in page  # two sessions in the totals
    # The old address, the same page (but for the CSRF tokens: signed with the time, they change each second).
    assert without_tokens(client.get("/history").get_data(as_text=True)) == without_tokens(page)


def test_a_session_is_deleted_after_asking_and_only_by_its_owner(person, client, auth):
    first = logged(person, seconds_done=600)
    logged(person, seconds_done=300)
    page = client.get("/progress").get_data(as_text=True)
    assert "Delete this session of" in page and f"/progress/sessions/{first}/delete" in page
    assert client.post(f"/progress/sessions/{first}/delete").status_code == 400  # no CSRF token: refused
    assert WorkoutLog.select().count() == 2
    response = person.post(f"/progress/sessions/{first}/delete", {}, token_from="/progress")
    assert response.status_code == 303 and response.location.endswith("/progress")
    assert WorkoutLog.get_or_none(WorkoutLog.id == first) is None and WorkoutLog.select().count() == 1
    page = client.get("/progress").get_data(as_text=True)
    assert "Every chart has been updated." in page and "5 min in all" in page
    assert person.post(f"/progress/sessions/{first}/delete", {}, token_from="/progress").status_code == 404
    for nonsense in ("9" * 30, "0", "-1", "abc"):  # not a row id: 404, never a database error
        assert person.post(f"/progress/sessions/{nonsense}/delete", {}, token_from="/progress").status_code == 404

    auth.logout()
    auth.signup(email="ben@example.com")
    auth.onboard()
    other = WorkoutLog.get().id
    assert auth.post(f"/progress/sessions/{other}/delete", {}, token_from="/progress").status_code == 404
    assert WorkoutLog.select().count() == 1  # not theirs: nothing deleted
    assert re.search(r"Your progress starts with one session", client.get("/progress").get_data(as_text=True))


def without_tokens(page):
    return re.sub(r'(csrf-token" content="|X-CSRFToken": "|name="csrf_token" value=")[^"]+', r"\1…", page)
