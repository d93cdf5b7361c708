import json
import re

from app.models import Account, SignIn, Profile, RoutineRecord, WorkoutLog


def test_signup_onboarding_and_dashboard(auth, client):
    response = auth.signup()
    assert response.status_code == 303 and "/onboarding/screening" in response.location
    response = auth.onboard(activity="football", minutes=10)
    assert response.status_code == 303
    page = client.get("/").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", page)  # the words as shown (a hyphenated word is kept on one line by a span)
    assert "Football warm-up" in text and "10 min" in text


def test_passwords_are_hashed_with_a_slow_kdf_and_length_checked(auth, client):
    auth.signup(password="x" * 200)
    assert Account.get().password_hash.startswith("scrypt:")
    auth.logout()
    response = client.post("/signup", data={"email": "b@example.com", "password": "short", "csrf_token": auth.token()})
    assert response.status_code == 422 and "8 to 256" in response.get_data(as_text=True)


def test_bad_signup_input_is_a_clear_4xx(auth, client):
    for data in ({"email": "", "password": ""}, {"email": "not-an-email", "password": "long enough"},
                 {"email": "a@b.co" + "x" * 300, "password": "long enough"}):
        response = client.post("/signup", data={**data, "csrf_token": auth.token()})
        assert response.status_code == 422
    assert Account.select().count() == 0


def test_duplicate_email_is_refused(auth, client):
    auth.signup()
    auth.logout()
    response = auth.signup(email="ANA@example.com")
    # Nothing is created, and the answer doesn't say the address has an account (issue 13).
    assert response.status_code == 303 and response.location.endswith("/signup/sent")
    assert "already" not in client.get(response.location).get_data(as_text=True)
    assert Account.select().count() == 1


def test_login_error_is_generic_and_rate_limited(auth, client):
    auth.signup()
    auth.logout()
    wrong_password = auth.login(password="not my password")
    unknown_email = auth.login(email="nobody@example.com")
    assert "match an account" in wrong_password.get_data(as_text=True)
    assert "match an account" in unknown_email.get_data(as_text=True)
    statuses = [auth.login(password="nope nope").status_code for _ in range(12)]
    assert 429 in statuses


def test_forms_need_csrf(client, auth):
    response = client.post("/signup", data={"email": "a@example.com", "password": "long enough"})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_logout_invalidates_the_session_on_the_server(app, auth):
    auth.signup()
    cookie = auth.client.get_cookie("session").value
    auth.logout()
    assert SignIn.select().count() == 0
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/history").status_code == 302


def test_cookies_are_httponly_and_lax(auth):
    response = auth.signup()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_change_password_signs_out_other_devices(app, person):
    other = app.test_client()
    other.post("/login", data={"email": "ana@example.com", "password": "warm up well",
                               "csrf_token": __import__("tests.conftest", fromlist=["csrf_from"]).csrf_from(
                                   other.get("/login").get_data(as_text=True))})
    assert other.get("/history").status_code == 200
    response = person.post("/settings/password", {"current": "warm up well", "new": "a new long one", "confirm": "a new long one"})
    assert response.status_code == 303
    assert other.get("/history").status_code == 302
    person.logout()
    assert person.login(password="a new long one").status_code == 303


def test_wrong_current_password_is_refused(person):
    response = person.post("/settings/password", {"current": "wrong", "new": "a new long one", "confirm": "a new long one"})
    assert response.status_code == 422


def test_export_contains_profile_routines_and_sessions(person, client):
    client.post("/routines/quick", data={"kind": "warmup", "activity": "running", "minutes": "8",
                                         "csrf_token": person.token("/")})
    data = json.loads(client.get("/settings/export.json").get_data(as_text=True))
    assert data["account"]["email"] == "ana@example.com"
    assert data["profile"]["usual_activity"] == "running"
    assert len(data["routines"]) == 1 and data["routines"][0]["steps"]


def test_delete_account_removes_everything(person, client):
    client.post("/routines/quick", data={"kind": "warmup", "activity": "running", "minutes": "8",
                                         "csrf_token": person.token("/")})
    assert person.post("/settings/delete", {"confirm": "nope"}).status_code == 422
    assert Account.select().count() == 1
    response = person.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"})
    assert response.status_code == 303
    for model in (Account, Profile, RoutineRecord, WorkoutLog, SignIn):
        assert model.select().count() == 0


def test_health_data_needs_consent(person):
    response = person.post("/profile/health", {"conditions": ["knee"]})
    assert response.status_code == 422 and "tick the box" in response.get_data(as_text=True)
    assert Profile.get().conditions == []
    person.post("/profile/health", {"conditions": ["knee"], "consent": "y"})
    assert Profile.get().conditions == ["knee"]


def test_screening_yes_turns_on_gentle_mode(auth, client):
    auth.signup()
    auth.onboard(screening_yes=("joint",))
    assert "Gentle mode is on" in client.get("/").get_data(as_text=True)


def test_unknown_choices_are_4xx_not_500(person):
    assert person.post("/profile/activity", {"activities": ["chess"], "usual_activity": "running",
                                             "usual_minutes": "8"}).status_code == 422
    assert person.post("/profile/about", {"age": "300", "level": "beginner"}).status_code == 422
    assert person.post("/onboarding/screening", {"heart": "maybe"}).status_code == 422


def test_skipping_steps_keeps_defaults(auth, client):
    auth.signup()
    from app import vocabulary as v
    auth.post("/onboarding/screening", {code: "no" for code, _ in v.SCREENING_QUESTIONS})
    for step in ("about", "health", "activity"):
        assert auth.post(f"/onboarding/{step}/skip", {}).status_code == 303
    profile = Profile.get()
    assert profile.onboarded and profile.level == "beginner" and profile.usual_minutes == 8
