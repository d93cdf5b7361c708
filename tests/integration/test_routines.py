import uuid

from app.models import RoutineRecord, WorkoutLog
from tests.conftest import log_body, quick, sync_one


def test_quick_start_builds_a_stored_routine_page(person, client):
    routine_id = quick(person)
    page = client.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert "Running warm-up · 8\u00a0min" in page and "Potentiate" in page and "Swap" in page
    row = RoutineRecord.get_by_id(routine_id)
    assert abs(row.data["total_seconds"] - 480) <= 48


def test_routine_form_validates(person, client):
    response = person.post("/routines", {"kind": "warmup", "activity": "running", "minutes": "90"}, token_from="/")
    assert response.status_code == 422 and "3 to 30" in response.get_data(as_text=True)
    response = person.post("/routines", {"kind": "nap", "activity": "running", "minutes": "8"}, token_from="/")
    assert response.status_code == 422
    assert RoutineRecord.select().count() == 0
    response = person.post("/routines", {"kind": "cooldown", "activity": "cycling", "minutes": "12",
                                         "focus": ["hamstrings"]}, token_from="/")
    assert response.status_code == 303


def test_swap_returns_a_partial_for_htmx_and_changes_the_step(person, client):
    routine_id = quick(person)
    before = RoutineRecord.get_by_id(routine_id).data["steps"][0]["exercise_id"]
    response = client.post(f"/routines/{routine_id}/steps/0/swap", headers={"HX-Request": "true",
                           "X-CSRFToken": person.token("/")})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert RoutineRecord.get_by_id(routine_id).data["steps"][0]["exercise_id"] != before
    assert client.post(f"/routines/{routine_id}/steps/999/swap", headers={"X-CSRFToken": person.token("/")}).status_code == 404


def test_shuffle_keeps_the_routine_valid(person, client):
    routine_id = quick(person, kind="flexibility", activity="general", minutes="12")
    response = client.post(f"/routines/{routine_id}/shuffle", data={"csrf_token": person.token("/")})
    assert response.status_code == 303
    assert abs(RoutineRecord.get_by_id(routine_id).data["total_seconds"] - 720) <= 72


def test_player_page_embeds_the_routine_without_inline_script(person, client):
    routine_id = quick(person)
    page = client.get(f"/routines/{routine_id}/play").get_data(as_text=True)
    assert 'type="application/json" id="routine-data"' in page and "Stop — I feel pain or dizziness" in page
    assert "<script>" not in page


def test_another_persons_routine_is_404(app, person, auth):
    routine_id = quick(person)
    other = app.test_client()
    from tests.conftest import Auth
    stranger = Auth(other)
    stranger.signup(email="eve@example.com")
    stranger.onboard()
    for path in (f"/routines/{routine_id}", f"/routines/{routine_id}/play"):
        assert other.get(path).status_code == 404
    token = stranger.token("/")
    assert other.post(f"/routines/{routine_id}/shuffle", data={"csrf_token": token}).status_code == 404
    assert other.post(f"/routines/{routine_id}/steps/0/swap", headers={"X-CSRFToken": token}).status_code == 404
    log = log_body(routine_id)
    assert sync_one(other, log, token)[0] == 400


def test_session_log_is_idempotent_and_steers_the_next_routine(person, client, monkeypatch):
    import datetime as dt

    from app import models
    now = dt.datetime(2026, 11, 22, 7, 30)
    monkeypatch.setattr(models, "utcnow", lambda: now)
    monkeypatch.setattr("app.workouts.logs.utcnow", lambda: now)
    routine_id = quick(person)
    body = log_body(routine_id)
    headers = {"X-CSRFToken": person.token("/")}
    status, first = sync_one(client, body, headers["X-CSRFToken"])
    assert status == 201
    for _ in range(3):
        status, again = sync_one(client, body, headers["X-CSRFToken"])
        assert status == 200 and again["log"]["id"] == first["log"]["id"]
    assert WorkoutLog.select().count() == 1
    page = client.get("/history").get_data(as_text=True)
    assert "Running warm-up" in page and "Too easy" in page and "felt good" in page
    next_id = quick(person)
    assert RoutineRecord.get_by_id(next_id).request["feedback"] == "too_easy"


def test_bad_session_logs_are_400_with_field_errors_and_nothing_stored(person, client):
    routine_id = quick(person)
    headers = {"X-CSRFToken": person.token("/")}
    for bad in ({"client_id": "nope"}, {"rating": "amazing"}, {"pain_area": "elbow"}, {"note": "x" * 501},
                {"steps_done": 99}, {"finished_at": "yesterday"}, {"exercise_ids": ["made-up"]}, {"kind": "nap"}):
        status, result = sync_one(client, log_body(routine_id, **bad), headers["X-CSRFToken"])
        assert status == 400 and result["errors"]
    assert client.post("/sessions/sync", data="not json", headers=headers).status_code == 400
    assert sync_one(client, log_body(routine_id)) == (400, None)  # no CSRF token
    assert WorkoutLog.select().count() == 0


def test_session_log_when_signed_out_is_401_json(client):
    response = client.post("/sessions/sync", json={}, headers={"Accept": "application/json"})
    assert response.status_code in (400, 401)


def test_replayed_uuid_from_someone_else_is_a_conflict(app, person, client):
    routine_id = quick(person)
    body = log_body(routine_id, finished_at=None)
    import datetime as dt
    now = dt.datetime.now(dt.timezone.utc)
    body.update(started_at=(now - dt.timedelta(minutes=8)).isoformat(), finished_at=now.isoformat(),
                local_date=now.date().isoformat())
    assert sync_one(client, body, person.token("/"))[0] == 201
    from tests.conftest import Auth
    other = Auth(app.test_client())
    other.signup(email="eve@example.com")
    other.onboard()
    body.pop("routine_id")
    assert sync_one(other.client, body, other.token("/"))[0] == 409
    assert WorkoutLog.select().count() == 1


def test_streak_counts_days_in_a_row(person):
    import datetime as dt

    from app.models import Account
    from app.workouts.history import streak
    account = Account.get()
    today = dt.date(2026, 11, 22)
    for days_ago in (0, 1, 2, 4):
        day = today - dt.timedelta(days=days_ago)
        moment = dt.datetime.combine(day, dt.time(8))
        WorkoutLog.create(account=account, client_id=str(uuid.uuid4()), kind="warmup", activity="running", title="t",
                          started_at=moment, finished_at=moment, local_date=day, planned_seconds=60, seconds_done=60,
                          steps_done=1, steps_total=1)
    assert streak(account.id, today=today) == 3
    assert streak(account.id, today=today + dt.timedelta(days=3)) == 0


def test_pages_render(person, client):
    for path in ("/", "/routines/new", "/history", "/exercises", "/exercises?region=hips&type=static",
                 "/exercises?q=calf&equipment=none", "/exercises/glute-bridge", "/profile", "/profile/health",
                 "/settings", "/healthz"):
        assert client.get(path).status_code == 200, path
    assert client.get("/exercises/no-such-thing").status_code == 404
    assert client.get("/onboarding/nope").status_code == 404
    results = client.get("/exercises?q=calf", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in results and "calf" in results.lower()


def test_welcome_page_for_visitors(client):
    page = client.get("/").get_data(as_text=True)
    assert "Get started" in page
    assert "Sign in with Test ID" in client.get("/login").get_data(as_text=True)


def test_exercise_page_says_who_never_gets_it(person, client):
    page = client.get("/exercises/kneeling-hip-flexor-stretch").get_data(as_text=True)
    assert "Knee problems" in page and "Hip replacement (anterior approach)" in page
    assert "Gentle mode" in client.get("/exercises/jumping-jacks").get_data(as_text=True)


def test_absurd_ids_are_404_or_400_never_500(person, client):
    token = person.token("/")
    assert client.get("/routines/99999999999999999999").status_code == 404
    assert client.get("/routines/0").status_code == 404
    assert client.get("/routines/abc/play").status_code == 404
    assert client.post("/routines/1/steps/99999999999/swap", headers={"X-CSRFToken": token}).status_code == 404
    status, result = sync_one(client, log_body(10**30), token)
    assert status == 400 and "routine_id" in result["errors"]
