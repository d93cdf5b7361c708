"""Findings of the November 2026 security probe (shared/reviews/security-2026-11.md), each kept closed:
F2 open redirect, F3 crafted inputs, F6 unverified OIDC e-mail, F7 rate limits."""
import json
from urllib.parse import urlsplit

import pytest
import requests

from app.models import Account, OidcIdentity, Plan, WorkoutLog
from tests.conftest import a_log, csrf_from, starter, sync_one

# -- F2: only same-site paths survive the log-in redirect ------------------------------------------

HOSTILE_NEXT = [
    "/%09/evil.example/phish", "/%0a/evil.example", "/%0d%0a/evil.example", "/%20/evil.example",
    "//evil.example", "///evil.example", "/\\evil.example", "/%5Cevil.example", "\\\\evil.example",
    "https://evil.example", "http:evil.example", "javascript:alert(1)", "data:text/html,x", "%2F%2Fevil.example",
    " /evil", "/%E3%80%80/evil.example", "/%C2%A0/evil.example", "/%00/evil.example", "",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_a_hostile_next_goes_to_the_dashboard(auth, client, target):
    auth.signup()
    auth.logout()
    response = client.post(f"/login?next={target}", data={"email": "ana@example.com", "password": "warm up well",
                                                           "csrf_token": auth.token("/login")})
    if "%00" in target:  # a NUL anywhere in the request is refused before anything reads it
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/plans", "/routines/new?kind=warmup", "/%2F%2Fevil.example", "/history#x"])
def test_a_same_site_next_is_kept(auth, client, target):
    auth.signup()
    auth.logout()
    response = client.post(f"/login?next={requests.utils.quote(target, safe='')}",
                           data={"email": "ana@example.com", "password": "warm up well",
                                 "csrf_token": auth.token("/login")})
    location = response.headers["Location"]
    assert location == target and not urlsplit(location).netloc


# -- F3: crafted inputs are a 4xx with a message, never a 500 ----------------------------------------

@pytest.mark.parametrize("depth", [17, 100, 1000, 5000])
def test_deeply_nested_json_is_a_400(person, client, depth):
    token = person.token("/history")
    body = "[" * depth + "]" * depth
    response = client.post("/sessions/sync", data=body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400, depth
    assert "nested more than 16 levels" in response.json["message"]
    deep = "x"
    for _ in range(18):
        deep = [deep]
    nested_log = {**a_log(), "note": {"a": deep}}
    response = client.post("/sessions/sync", data=json.dumps({"logs": [nested_log]}),
                           content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400 and WorkoutLog.select().count() == 0


def test_brackets_inside_strings_do_not_count_as_nesting(person, client):
    log = {**a_log(), "note": "[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{ \\\" [[[["}
    response = client.post("/sessions/sync", data=json.dumps({"logs": [log]}), content_type="application/json",
                           headers={"X-CSRFToken": person.token("/history")})
    assert response.status_code == 200 and response.json["results"][0]["status"] == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("number", ["9223372036854775808", "1" + "0" * 40, "-9223372036854775809", "0", "3"])
def test_compare_with_a_number_too_large_for_the_database_is_a_404(person, client, number):
    plan_id = starter(person)
    assert Plan.get_by_id(plan_id).version == 1
    response = client.get(f"/plans/{plan_id}/compare?a={number}&b=1")
    assert response.status_code == 404


def test_a_400_digit_number_is_a_4xx_in_every_whole_number_field(person, client):
    huge = "9" * 400
    cases = [("/profile/about", {"age": huge, "level": "beginner"}, "/profile"),
             ("/onboarding/about", {"age": huge, "level": "beginner"}, "/onboarding/about"),
             ("/routines/quick", {"kind": "warmup", "minutes": huge, "activity": "running"}, "/"),
             ("/routines", {"kind": "warmup", "minutes": huge, "activity": "running"}, "/routines/new")]
    for path, data, page in cases:
        response = person.post(path, data, token_from=page)
        assert 400 <= response.status_code < 500, (path, response.status_code)


# -- F6: an OIDC e-mail counts only when the provider says it is verified ---------------------------

def oidc_sign_in(app, oidc_provider, subject, claims):
    """The whole code flow against the real provider process; returns the app's test client."""
    requests.put(f"{oidc_provider}/users/{subject}", json=claims, timeout=10).raise_for_status()
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    start = client.post("/auth/oidc/start", data={"csrf_token": token})
    assert start.status_code == 302, start.get_data(as_text=True)
    approve = requests.post(start.headers["Location"], data={"sub": subject}, allow_redirects=False, timeout=10)
    assert approve.status_code == 302, approve.text
    back = urlsplit(approve.headers["Location"])
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 303, done.get_data(as_text=True)
    return client


@pytest.mark.parametrize("claims, kept", [
    ({"email": "victim@example.com"}, False),  # the review's squatting case: no email_verified at all
    ({"email": "victim@example.com", "email_verified": False}, False),
    ({"email": "victim@example.com", "email_verified": "false"}, False),
    ({"email": "victim@example.com", "email_verified": 1}, False),
    ({"email": "victim@example.com", "email_verified": True}, True),
    ({"email": "victim@example.com", "email_verified": "true"}, True),
])
def test_only_a_verified_oidc_email_is_kept(app, oidc_provider, claims, kept, auth, client):
    subject = f"sub-{len(claims)}-{claims.get('email_verified')!s}"
    oidc_sign_in(app, oidc_provider, subject, claims)
    identity = OidcIdentity.get(OidcIdentity.subject == subject)
    assert (identity.account.email == "victim@example.com") is kept
    signup = auth.signup("victim@example.com")
    # An unverified claim never squats the address; a taken one gets the neutral answer (issue 13).
    assert signup.status_code == 303
    assert signup.location.endswith("/signup/sent" if kept else "/onboarding/screening")


# -- F7: log-in limits per account and address, shared by every process ------------------------------

def test_guessing_from_one_address_does_not_lock_the_person_out_elsewhere(app, auth, client):
    auth.signup()
    auth.logout()
    attacker = app.test_client()
    token = csrf_from(attacker.get("/login").get_data(as_text=True))
    statuses = [attacker.post("/login", data={"email": "ana@example.com", "password": f"guess {i}", "csrf_token": token},
                              environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code for i in range(12)]
    assert statuses[:10] == [422] * 10 and statuses[10:] == [429, 429]
    right = attacker.post("/login", data={"email": "ana@example.com", "password": "warm up well", "csrf_token": token},
                          environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert right.status_code == 429  # that address is done guessing for this account
    assert auth.login().status_code == 303  # the person, elsewhere, signs in as usual
    other = attacker.post("/login", data={"email": "bo@example.com", "password": "x" * 8, "csrf_token": token},
                          environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 422  # per account: another account from that address is still answered


def test_spraying_many_accounts_from_one_address_is_limited(app, client):
    app.config["LOGIN_ADDRESS_LIMIT"], before = "15 per minute", app.config["LOGIN_ADDRESS_LIMIT"]
    try:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        statuses = [client.post("/login", data={"email": f"p{i}@example.com", "password": "x" * 8, "csrf_token": token},
                                environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code for i in range(17)]
    finally:
        app.config["LOGIN_ADDRESS_LIMIT"] = before
    assert statuses[:15] == [422] * 15 and statuses[15:] == [429, 429]


def test_the_current_password_check_is_rate_limited(person, client):
    statuses = [person.post("/settings/password", {"current": f"wrong {i}", "new": "a new password", "confirm":
                                                   "a new password"}).status_code for i in range(12)]
    assert statuses[:10] == [422] * 10 and 429 in statuses[10:]
    assert Account.get().password_hash  # unchanged, still set


def test_no_email_is_stored_in_a_rate_limit_key(app, auth, client):
    if app.config["RATELIMIT_STORAGE_URI"] != "limber-db://":
        pytest.skip("the counters are in Redis here")
    from app.models import RateLimit

    auth.login(email="someone.private@example.com", password="x" * 8)
    keys = [row.key for row in RateLimit.select()]
    assert keys and not any("example.com" in key for key in keys)


def test_security_events_are_logged_without_the_email(app, auth, client, caplog):
    auth.signup()
    auth.logout()
    with caplog.at_level("INFO", logger="limber.security"):
        for _ in range(11):
            auth.login(password="not it at all")
    text = caplog.text
    assert "log-in failed" in text and "rate limit" in text and "ana@example.com" not in text


def test_two_simultaneous_sign_ups_with_one_email_make_one_account_and_no_500(live_server):
    import re
    from concurrent.futures import ThreadPoolExecutor

    def sign_up(_):
        browser = requests.Session()
        page = browser.get(f"{live_server}/signup", timeout=10).text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return browser.post(f"{live_server}/signup", data={"email": "twin@example.com", "password": "warm up well",
                                                           "csrf_token": token}, allow_redirects=False,
                            timeout=30)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = [(response.status_code, response.headers.get("Location", "").rsplit("/", 1)[-1])
                   for response in pool.map(sign_up, range(6))]
    # One signed up; the others get the neutral answer a taken address gets (issue 13).
    assert sorted(answers) == [(303, "screening")] + [(303, "sent")] * 5, answers
    assert Account.select().where(Account.email == "twin@example.com").count() == 1


# -- found by the fuzz test: input no handler should ever see ----------------------------------------

def test_a_nameless_multipart_field_is_a_400_before_csrf_and_log_in(client):
    body = b"--fz\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--fz--\r\n"
    for path in ("/login", "/signup", "/plans", "/logout"):
        response = client.post(path, data=body, content_type="multipart/form-data; boundary=fz")
        assert response.status_code == 400 and "without a name" in response.get_data(as_text=True), path


def test_nul_characters_are_refused_everywhere_with_a_message(person, client):
    token = person.token("/plans")
    named = client.post("/plans", data={"name": "a\x00b", "csrf_token": token})
    assert named.status_code == 400 and "NUL character" in named.get_data(as_text=True)
    assert client.get("/exercises/march\x00in-place").status_code in (400, 404)
    assert client.get("/exercises?q=a%00b").status_code == 400
    assert Plan.select().count() == 0
    log = {**a_log(), "title": "Warm\u0000-up", "note": "fine\u0000 still"}  # a session is kept, NUL dropped
    assert sync_one(client, log, token)[0] == 201
    stored = WorkoutLog.get()
    assert (stored.title, stored.note) == ("Warm-up", "fine still")
    status, result = sync_one(client, {**a_log(), "title": "\u0000"}, token)
    assert status == 400 and "title" in result["errors"]


@pytest.mark.parametrize("body", ["2", "1e400", "false", '["a"]', "[null]", '{"email": {"a": 1}, "password": "x"}',
                                  "[" * 1200 + "]" * 1200])
def test_a_json_body_never_fills_a_form(app, client, body):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for path in ("/login", "/signup"):
        response = client.post(path, data=body, content_type="application/json", headers={"X-CSRFToken": token})
        assert 400 <= response.status_code < 500, (path, body[:20], response.status_code)


def test_deleting_an_account_asks_for_its_password(person, client):
    wrong = person.post("/settings/delete", {"confirm": "DELETE", "password": "not my password"})
    assert wrong.status_code == 422 and "That isn&#39;t your password." in wrong.get_data(as_text=True)
    assert person.post("/settings/delete", {"confirm": "DELETE"}).status_code == 422
    assert Account.select().count() == 1
    assert person.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"}).status_code == 303
    assert Account.select().count() == 0


def test_an_account_without_a_password_is_deleted_with_delete_alone(app, oidc_provider):
    client = oidc_sign_in(app, oidc_provider, "no-password-person", {"email": "np@example.com"})
    token = csrf_from(client.get("/settings").get_data(as_text=True))
    assert 'name="password"' not in client.get("/settings").get_data(as_text=True).split("Delete my account")[1]
    response = client.post("/settings/delete", data={"confirm": "DELETE", "csrf_token": token})
    assert response.status_code == 303 and Account.select().count() == 0


def test_personal_json_is_never_cached_and_cross_origin_use_is_refused(person, client):
    refused = client.post("/sessions/sync", data="{}", content_type="application/json",
                          headers={"X-CSRFToken": person.token("/history")})
    assert refused.status_code == 400 and refused.is_json
    for response in (client.get("/sessions/sync"), refused,
                     client.get("/")):
        # Pages may be kept by the browser for Back, never by a shared cache (issue 13); data never.
        assert response.headers["Cache-Control"] == ("no-store" if response.is_json else "private, no-cache")
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
