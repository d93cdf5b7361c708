"""The log-in limit holds across gunicorn's worker processes on the embedded default (review F7):
served as the Procfile serves it, two workers, SQLite, no Redis, fresh connections."""
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_for(url, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what} at {url}")


@pytest.fixture
def gunicorn(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "HUEY_IMMEDIATE")}
    env.update(LIMBER_ENV="development", LIMBER_INSTANCE=str(tmp_path), LOGIN_RATE_LIMIT="10 per minute",
               PASSWORD_HASH_METHOD="scrypt:1024:8:1", OIDC_CLIENT_ID="", OIDC_ISSUER="")
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   timeout=120, capture_output=True)
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "wsgi:app", "--worker-class", "gthread", "--workers", "2",
                             "--threads", "4", "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/healthz", 60, "gunicorn with two workers")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_thirty_wrong_log_ins_over_fresh_connections_meet_one_limit(gunicorn):
    browser = requests.Session()
    token = re.search(r'name="csrf-token" content="([^"]+)"', browser.get(gunicorn + "/login", timeout=10).text).group(1)
    statuses = []
    for attempt in range(30):
        reply = browser.post(gunicorn + "/login", data={"email": "ana@example.com", "password": f"guess {attempt}",
                                                       "csrf_token": token},
                             headers={"Connection": "close"}, allow_redirects=False, timeout=30)
        statuses.append(reply.status_code)
    assert statuses.count(422) == 10 and statuses.count(429) == 20, statuses
