"""Fixtures: one app per test run on a real database, cleaned between tests.

SQLite in a temp file by default; PostgreSQL and Redis when TEST_DATABASE_URL and
TEST_REDIS_URL are set (.ci/run sets them).
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider process on loopback (oidc-provider-mock)."""
    port = free_port()
    exe = Path(sys.executable).with_name("oidc-provider-mock")
    proc = subprocess.Popen([str(exe), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _reset_postgres(url):
    from playhouse.db_url import connect

    database = connect(url)
    database.execute_sql("DROP SCHEMA public CASCADE")
    database.execute_sql("CREATE SCHEMA public")
    database.close()


@pytest.fixture(scope="session")
def app(oidc_provider):
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{TMP / 'test.db'}"
    if database_url.startswith("postgres"):
        _reset_postgres(database_url)
    os.environ["OIDC_ISSUER"] = oidc_provider
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
    from app.models import USER_MODELS

    with db.connection_context():
        for model in USER_MODELS:
            model.delete().execute()
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


@pytest.fixture
def claude(app, fake_anthropic, monkeypatch):
    """The app talks to the fake Anthropic API through the real SDK; a fresh breaker per test."""
    from app.coach import client

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

    def __init__(self, client):
        self.client = client

    def token(self, path="/signup"):
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path, data, **kwargs):
        data = {**data, "csrf_token": self.token(kwargs.pop("token_from", "/settings"))}
        return self.client.post(path, data=data, **kwargs)

    def signup(self, email="ana@example.com", password="warm up well"):
        return self.client.post("/signup", data={"email": email, "password": password,
                                                 "csrf_token": self.token("/signup")})

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
def auth(client):
    return Auth(client)


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
