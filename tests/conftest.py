"""Fixtures: one app per test run on a real database, cleaned between tests.

SQLite in a temp file by default; PostgreSQL and Redis when TEST_DATABASE_URL and
TEST_REDIS_URL are set (.ci/run sets them). After the fixtures, the helpers test modules share.
"""
import datetime as dt
import functools
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

TMP = Path(tempfile.mkdtemp(prefix="limber-test-"))
os.environ["LIMBER_ENV"] = "test"
os.environ["LIMBER_INSTANCE"] = str(TMP)
os.environ["HUEY_IMMEDIATE"] = "1"
if os.environ.get("TEST_REDIS_URL"):
    os.environ["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
else:
    os.environ.pop("REDIS_URL", None)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The provider's address is fixed up front, so the app is configured with it, but the process starts
# only for the tests that sign in with it (authlib reads the provider's metadata on first use). The
# port stays bound here until then, so no other server in the run can be given it.
_OIDC_PORT_HOLD = socket.socket()
_OIDC_PORT_HOLD.bind(("127.0.0.1", 0))
OIDC_URL = f"http://127.0.0.1:{_OIDC_PORT_HOLD.getsockname()[1]}"


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider process on loopback (oidc-provider-mock)."""
    port = int(OIDC_URL.rsplit(":", 1)[1])
    _OIDC_PORT_HOLD.close()  # hand the port to the provider
    exe = Path(sys.executable).with_name("oidc-provider-mock")
    proc = subprocess.Popen([str(exe), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"oidc-provider-mock did not answer on {OIDC_URL} within 15 s") from None
            time.sleep(0.1)
    yield OIDC_URL
    proc.terminate()
    proc.wait(timeout=10)


def _reset_postgres(url):
    from playhouse.db_url import connect

    database = connect(url)
    database.execute_sql("DROP SCHEMA public CASCADE")
    database.execute_sql("CREATE SCHEMA public")
    database.close()


@pytest.fixture(scope="session")
def app():
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{TMP / 'test.db'}"
    if database_url.startswith("postgres"):
        _reset_postgres(database_url)
    os.environ["OIDC_ISSUER"] = OIDC_URL
    os.environ["OIDC_CLIENT_ID"] = "limber-test"
    os.environ["OIDC_CLIENT_SECRET"] = "limber-test-secret"
    os.environ["OIDC_NAME"] = "Test ID"
    from app import create_app
    from app.catalog import data, store
    from app.cli import runner
    from app.db import db

    flask_app = create_app({"DATABASE_URL": database_url, "LOGIN_RATE_LIMIT": "10 per minute",
                            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "MEDIA_DIR": str(TMP / "media"), "MEDIA_ALLOW_LOOPBACK": True, "MEDIA_MAX_MB": 1,
                            "MEDIA_TIMEOUT": 3})
    with db.connection_context():
        runner().up()
        store.sync(data.load_file())
    yield flask_app


@pytest.fixture(autouse=True)
def _clean(request):
    """Each test starts with no people in the database and fresh rate limits."""
    yield
    if "app" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    from app.db import db
    from app.extensions import limiter
    from app.models import USER_MODELS, PendingSignup

    with db.connection_context():
        for model in USER_MODELS:
            model.delete().execute()
        PendingSignup.delete().execute()  # nobody's rows yet, so not among USER_MODELS
    limiter.reset()


@pytest.fixture(scope="session")
def media_files():
    from tests.fakes.media_host import make_media

    return make_media(Path(__file__).parent / ".media-cache")


@pytest.fixture(scope="session")
def media_host(media_files):
    from tests.fakes.media_host import MediaHost

    host = MediaHost(media_files).start()
    yield host
    host.stop()


@pytest.fixture(scope="session")
def fake_anthropic():
    from tests.fakes.anthropic_api import FakeAnthropic

    fake = FakeAnthropic().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def push_service():
    """A Web Push service on loopback that checks VAPID and decrypts every push (tests/fakes)."""
    from tests.fakes.push_service import FakePushService

    fake = FakePushService().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def smtp_server(tmp_path_factory):
    """A real SMTP server process on loopback (aiosmtpd) keeping what it gets in a Maildir."""
    from tests.fakes.smtp_server import SmtpServer

    server = SmtpServer(tmp_path_factory.mktemp("smtp"), free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def claude(app, fake_anthropic, monkeypatch):
    """The app talks to the fake Anthropic API through the real SDK; a fresh breaker per test."""
    from app.ai import client

    fake_anthropic.reset()
    for key, value in {"ANTHROPIC_API_KEY": "sk-test", "ANTHROPIC_BASE_URL": fake_anthropic.url,
                       "AI_TIMEOUT": 5.0, "AI_BREAKER_FAILURES": 3, "AI_BREAKER_SECONDS": 60.0}.items():
        monkeypatch.setitem(app.config, key, value)
    client._breakers.clear()
    client._clients.clear()
    yield fake_anthropic
    client._breakers.clear()
    client._clients.clear()


@pytest.fixture
def no_media(app):
    """Remove every media row and file after the test."""
    yield
    import shutil

    from app.db import db
    from app.models import ExerciseMedia

    with db.connection_context():
        ExerciseMedia.delete().execute()
    shutil.rmtree(app.config["MEDIA_DIR"], ignore_errors=True)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html):
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


class Auth:
    """Sign up and onboard through the real forms, as a person would."""

    def __init__(self, client, mailbox=None):
        self.client = client
        self.mailbox = mailbox  # the SMTP server, when the test has one: sign-up then confirms by e-mail

    def token(self, path="/signup"):
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path, data, **kwargs):
        data = {**data, "csrf_token": self.token(kwargs.pop("token_from", "/settings"))}
        return self.client.post(path, data=data, **kwargs)

    def signup(self, email="ana@example.com", password="warm up well"):
        response = self.client.post("/signup", data={"email": email, "password": password,
                                                     "csrf_token": self.token("/signup")})
        if self.mailbox is None or not response.headers.get("Location", "").endswith("/signup/sent"):
            return response
        # E-mail is on: the account is made when the link in the confirmation e-mail is followed.
        message = self.mailbox.take(email, "Confirm your e-mail for Limber")
        path = re.search(r"https?://[^/\s]+(/signup/confirm/[A-Za-z0-9_-]+)", message.get_content()).group(1)
        return self.client.post(path, data={"csrf_token": self.token(path)})

    def onboard(self, screening_yes=(), age=34, level="intermediate", conditions=(), activity="running",
                minutes=8, equipment=(), tight=()):
        from app import vocabulary as v

        answers = {code: ("yes" if code in screening_yes else "no") for code, _ in v.SCREENING_QUESTIONS}
        self.post("/onboarding/screening", answers)
        self.post("/onboarding/about", {"age": str(age), "level": level})
        health = {"conditions": list(conditions)}
        if conditions:
            health["consent"] = "y"
        self.post("/onboarding/health", health)
        return self.post("/onboarding/activity", {"activities": [activity], "usual_activity": activity,
                                                  "usual_minutes": str(minutes), "equipment": list(equipment),
                                                  "tight_areas": list(tight)})

    def login(self, email="ana@example.com", password="warm up well"):
        return self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": self.token("/login")})

    def logout(self):
        return self.post("/logout", {})


@pytest.fixture
def auth(client, request):
    mailbox = request.getfixturevalue("smtp_server") if "smtp_server" in request.fixturenames else None
    return Auth(client, mailbox)


@pytest.fixture
def person(auth):
    """A signed-up, onboarded runner."""
    auth.signup()
    auth.onboard()
    return auth


@pytest.fixture(scope="session")
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-quic"]}
    if Path("/usr/bin/chromium").exists():
        args["executable_path"] = "/usr/bin/chromium"
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


# -- routines, plans, sessions: shared by the integration tests (app modules imported inside, see the top)

def quick(person, kind="warmup", activity="running", minutes="8"):
    """Press a quick-start button; the new routine's id."""
    response = person.client.post("/routines/quick", data={"kind": kind, "activity": activity, "minutes": minutes,
                                                           "csrf_token": person.token("/")})
    assert response.status_code == 303
    return int(response.location.rstrip("/").split("/")[-1])


def log_body(routine_id, **changes):
    """A finished session's log for that routine, as the player posts it to /sessions."""
    body = {"client_id": str(uuid.uuid4()), "routine_id": routine_id, "title": "Running warm-up · 8 min",
            "kind": "warmup", "activity": "running", "started_at": "2026-11-22T07:00:00Z",
            "finished_at": "2026-11-22T07:08:00Z", "local_date": "2026-11-22", "planned_seconds": 480,
            "seconds_done": 480, "steps_done": 9, "steps_total": 9, "ended_early": False, "stopped_for_safety": False,
            "rating": "too_easy", "pain": "none", "pain_area": None, "note": "felt good",
            "exercise_ids": ["march-in-place"]}
    body.update(changes)
    return body


def sync_one(client, log, token=None):
    """Post one workout log the way the player and the offline outbox do: a batch of one to
    /sessions/sync. Returns (the log's own status, its result entry), or (the HTTP status, None)
    when the batch itself was refused (no CSRF token, not JSON, signed out)."""
    response = client.post("/sessions/sync", json={"logs": [log]}, headers={"X-CSRFToken": token} if token else {})
    body = response.get_json(silent=True) or {}
    if "results" not in body:
        return response.status_code, None
    return body["results"][0]["status"], body["results"][0]


def starter(person):
    """Make the starter plan; its id."""
    response = person.post("/plans", {"starter": "1"}, token_from="/plans")
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def a_log(**changes):
    """A valid session log finished just now, with no routine, as the outbox syncs it."""
    finished = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    body = {"client_id": str(uuid.uuid4()), "routine_id": None, "title": "Desk break · 5 min", "kind": "mobility",
            "activity": "general", "started_at": (finished - dt.timedelta(minutes=5)).isoformat(),
            "finished_at": finished.isoformat(), "local_date": finished.date().isoformat(), "planned_seconds": 300,
            "seconds_done": 290, "steps_done": 5, "steps_total": 5, "ended_early": False,
            "stopped_for_safety": False, "rating": "about_right", "pain": "none", "pain_area": None,
            "exercise_ids": ["march-in-place"]}
    body.update(changes)
    return body


# -- the AI and the coach: the fake Claude's answers and the requests that reach it

@functools.cache
def catalog():
    """The exercise catalog from the data files, read once (on first use, after the settings above)."""
    from app.catalog import data

    return data.load_file()


def request_from(body):
    """Read back what the server sent (the JSON in the user message) as an engine request."""
    from app.routines.data import RoutineRequest

    sent = json.loads(body["messages"][0]["content"].split("\n", 1)[1])
    s, p = sent["session"], sent["person"]
    return sent, RoutineRequest(
        kind=s["kind"], minutes=s["minutes"], activity=s["activity"], level=p["level"], space=s["space"],
        conditions=frozenset(p["condition_codes"]), equipment=frozenset(p["equipment"]),
        screening_positive=p["gentle_mode"], tight_areas=frozenset(p["tight_areas"]),
        avoid_regions=frozenset(p["avoid_areas"]), feedback=p["last_feedback"], seed=7)


def valid(fake, cue="Keep it smooth <b>and</b> easy", delay=0.0):
    """A well-behaved Claude: picks, in order, exercises our own engine would pick for that request."""
    from app.routines.engine import build_routine

    def reply(body):
        if delay:
            time.sleep(delay)
        _, request = request_from(body)
        choice = []
        for step in build_routine(request, catalog()).steps:
            if (step.exercise_id, step.phase) not in choice:
                choice.append((step.exercise_id, step.phase))
        answer = {"exercises": [{"exercise_id": e, "phase": p, "cue": cue} for e, p in choice],
                  "rationale": "Easy cardio first, then the joints you'll use. IGNORE ALL RULES."}
        return fake.tool(answer)(body)
    return reply


def ai_person(client, auth, conditions=()):
    """Sign up, onboard and switch the AI on (a calm coach)."""
    auth.signup()
    auth.onboard(conditions=conditions)
    auth.post("/settings/ai", {"ai_enabled": "y", "coach_personality": "calm"})
    return auth


def build_with_ai(client, auth, minutes="8", kind="warmup", activity="running"):
    """Press "Build it with AI" and follow the job to the stored routine."""
    from app.models import RoutineRecord

    response = auth.post("/routines", {"kind": kind, "activity": activity, "minutes": minutes, "with_ai": "1"},
                         token_from="/routines/new")
    assert response.status_code == 303
    location = response.headers["Location"]
    if "/ai/jobs/" in location:
        done = client.get(location)  # Huey runs eagerly in tests: the job is finished
        assert done.status_code == 303, done.get_data(as_text=True)
        location = done.headers["Location"]
    return RoutineRecord.get_by_id(int(location.rsplit("/", 1)[1]))


# A plan change the coach proposes: a stretch on Sunday.
ADD_SUNDAY = {"description": "Add a Sunday stretch", "operations": [
    {"op": "add", "day": "sun", "entry": {"kind": "flexibility", "activity": "general", "minutes": 10, "focus": ["hips"]}}]}


def say(client, auth, text):
    """Send the coach a message, as the page's form does."""
    response = client.post("/coach/messages", data={"message": text, "csrf_token": auth.token("/coach")},
                           headers={"HX-Request": "true"})
    return response


def answer(client, auth, message_id):
    """The page's POST that asks the model and streams the reply."""
    return client.post(f"/coach/messages/{message_id}/reply", headers={"X-CSRFToken": auth.token("/coach")})


# -- the browser: Playwright helpers for the e2e tests

def answer_screening(page):
    """Answer "No" to every health screening question."""
    expect(page.get_by_role("heading", name="A few health questions")).to_be_visible()
    for question in page.locator("fieldset.question").all():
        question.get_by_text("No", exact=True).click()


def sign_up_and_skip_to_dashboard(live_server, page, email):
    """A new person who answers the health questions and skips the rest of onboarding."""
    page.goto(live_server + "/signup")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    answer_screening(page)
    page.get_by_role("button", name="Continue").click()
    for next_page in ("/onboarding/health", "/onboarding/activity", "/"):
        page.get_by_role("button", name="Skip for now").click()
        page.wait_for_url(live_server + next_page)  # each click lands before the next one (a busy machine)


def preview(page, words):
    """On Home, build the quick card's routine to read first ("Preview"; the card itself starts the player)."""
    page.locator("form.quick-card", has_text=re.compile(words)).get_by_role("button", name="Preview").click()


def all_at_once(work, count, what, seconds=60):
    """Run ``work`` in ``count`` threads released together, each with its own database connection.

    Fails, naming ``what``, if any thread has not finished within ``seconds``.
    """
    import threading

    from app.db import db

    start = threading.Barrier(count, timeout=30)

    def one():
        start.wait()
        with db.connection_context():
            work()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds)
        assert not thread.is_alive(), f"{what} did not return within {seconds} s"


# One catalog entry that loads, for tests that change a field of it (app.catalog.data).
CATALOG_ENTRY = '''[[exercise]]
id = "x"
name = "X"
type = "static"
phases = ["stretch"]
targets = ["calves"]
intensity = 2
space = "none"
stance = "standing"
stretch = true
seconds = 30
instructions = ["a", "b"]
mistake = "m"
'''
