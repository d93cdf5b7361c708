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


def test_the_sessions_list_shows_twenty_then_earlier_ones_in_pages(person, client, auth):
    """Newest first, 20 a page; "Show earlier sessions" brings the next 20 (htmx: the items; without
    JavaScript: a page of them), in order even when sessions share a finishing second."""
    import datetime as dt
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    logs = []
    for n in range(45):  # session 44 is the newest; 20-29 all finished in the same second
        finished = now - dt.timedelta(minutes=10 * (44 - (25 if 20 <= n <= 29 else n)))
        logs.append(a_log(title=f"Session {n:02d}", finished_at=finished.isoformat(),
                          started_at=(finished - dt.timedelta(minutes=5)).isoformat(),
                          local_date=finished.date().isoformat()))
    answer = client.post("/sessions/sync", json={"logs": logs}, headers={"X-CSRFToken": person.token("/")})
    assert [r["status"] for r in answer.get_json()["results"]] == [201] * 45

    def titles(html):
        return re.findall(r"Session (\d\d)", html)

    page = client.get("/progress").get_data(as_text=True)
    first = titles(page)
    assert len(first) == 20 and first[0] == "44" and "Show earlier sessions" in page
    link = re.search(r'href="(/progress/sessions\?before=\d+)"', page).group(1)
    fragment = client.get(link, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    html = fragment.get_data(as_text=True)
    second = titles(html)
    assert "<html" not in html and len(second) == 20 and "autofocus" in html and "Delete it" in html
    link = re.search(r'href="(/progress/sessions\?before=\d+)"', html).group(1)
    third_page = client.get(link).get_data(as_text=True)  # no JavaScript: a whole page
    third = titles(third_page)
    assert "<h1>Earlier sessions</h1>" in third_page and "Show earlier sessions" not in third_page
    everything = first + second + third
    assert len(everything) == 45 and len(set(everything)) == 45  # none twice, none missed
    assert [n for n in everything if not 20 <= int(n) <= 29] == [f"{n:02d}" for n in range(44, 29, -1)] + \
        [f"{n:02d}" for n in range(19, -1, -1)]

    for nonsense in ("", "abc", "0", "-3", "9" * 30, "2147483648", "²", "١٢"):
        assert client.get(f"/progress/sessions?before={nonsense}").status_code == 404
    mine = WorkoutLog.select(WorkoutLog.id).order_by(WorkoutLog.id).first().id
    auth.logout()
    auth.signup(email="cleo@example.com")
    auth.onboard()
    assert client.get(f"/progress/sessions?before={mine}").status_code == 404  # another person's log: not found
