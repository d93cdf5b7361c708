"""The Progress page and the reminder sender at scale, on a throwaway SQLite database.

1,000 people with 100,000 session logs between them, one of whom has logged every day for two years.
- The page: that person's Progress page served by gunicorn (gthread, 2 workers x 4 threads) under a
  bounded load (wrk, BENCH_CONNECTIONS=4 connections), with /healthz measured the same way in the same run as the
  baseline (the cost of a request that does no work).
- send-due: all 1,000 people due at the same minute, each with one phone subscribed at a fake Web
  Push service on loopback that decrypts every push (tests/fakes/push_service.py, in this process,
  so its work is counted too); the baseline is the same 1,000 pushes sent bare with push.send, in
  the same run: the floor that encryption and HTTP set.

Last line: progress people=… logs=… page_p50_ms=… page_p99_ms=… send_due_ms=… (and the baselines)
"""
import datetime as dt
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "1000"))
SKIP_PAGE = os.environ.get("BENCH_SKIP_PAGE") == "1"  # send-due only, while working on it
LOGS = int(os.environ.get("BENCH_LOGS", "100000"))
DURATION = os.environ.get("BENCH_SECONDS", "8")
# The bounded load: this many people at once, each asking again as soon as answered. Two workers share
# two cores here, so 4 keeps them busy without measuring only the queue (8 doubles every latency).
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "4")
AGENT = "Mozilla/5.0 (limber-bench)"
EMAIL, PASSWORD = "daily@example.com", "two years of stretching"
DUE = dt.datetime.combine(dt.date.today() + dt.timedelta(days=1), dt.time(7, 0))  # after every log: nobody has moved yet
START_SECONDS = 30


def flask(env, *args):
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=300)


def fill(app, exercise_ids):
    """PEOPLE people; the first has logged every day for 730 days, the rest share what is left."""
    from app.auth import accounts
    from app.db import db
    from app.models import Account, Profile, WorkoutLog

    rng = random.Random(7)
    kinds = ("warmup", "cooldown", "flexibility", "mobility")
    today = dt.date.today()
    with app.app_context(), db.connection_context():
        first = accounts.create_account(EMAIL, PASSWORD)
        Profile.update(screening_done=True, onboarded=True).where(Profile.account == first.id).execute()
        with db.atomic():
            ids = [first.id] + [Account.insert(email=f"p{i}@example.com").execute() for i in range(1, PEOPLE)]
            Profile.insert_many([{"account": i, "screening_done": True, "onboarded": True} for i in ids[1:]]).execute()
        rows, others = [], (LOGS - 730) // max(1, PEOPLE - 1)
        for index, account in enumerate(ids):
            days = range(730) if index == 0 else sorted(rng.sample(range(730), min(730, others)))
            for back in days:
                day = today - dt.timedelta(days=back)
                finished = dt.datetime.combine(day, dt.time(7, 30))
                seconds = rng.choice((300, 480, 600, 900))
                rows.append({"account": account, "client_id": str(uuid.UUID(int=rng.getrandbits(128))),
                             "kind": rng.choice(kinds), "activity": "running", "title": "Running warm-up · 8 min",
                             "started_at": finished - dt.timedelta(seconds=seconds), "finished_at": finished,
                             "local_date": day, "planned_seconds": seconds, "seconds_done": seconds, "steps_done": 8,
                             "steps_total": 8, "rating": rng.choice(("too_easy", "about_right", "too_hard", None)),
                             "pain": rng.choice(("none",) * 9 + ("mild",)), "pain_area": None,
                             "exercise_ids": rng.sample(exercise_ids, 6), "skipped_ids": []})
        with db.atomic():
            for start in range(0, len(rows), 500):
                WorkoutLog.insert_many(rows[start:start + 500]).execute()
        return ids, len(rows)


def serve(env):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "wsgi:app", "--worker-class", "gthread", "--workers", "2",
                             "--threads", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                            cwd=ROOT, env=env, start_new_session=True)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/healthz", timeout=1)
            return proc, base
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit(f"gunicorn did not answer /healthz within {START_SECONDS} s")


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_in(base):
    session = requests.Session()
    session.headers["User-Agent"] = AGENT  # Flask-Login's session protection checks the agent
    token = re.search(r'name="csrf-token" content="([^"]+)"', session.get(base + "/login", timeout=10).text).group(1)
    page = session.post(base + "/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token}, timeout=30)
    assert "/login" not in page.url, "the benchmark's person could not sign in"
    check = session.get(base + "/progress", timeout=30)
    assert check.status_code == 200 and "Progress" in check.text, check.status_code
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def wrk(url, cookie=None):
    """(p50 ms, p99 ms, requests/s) of ``url`` under CONNECTIONS connections."""
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--timeout", "10s", "--latency", "-H", f"User-Agent: {AGENT}", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=int(DURATION) + 60).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses")

    def percentile(name):
        found = re.search(rf"{name}%\s+([\d.]+)(us|ms|s)\b", out)
        return float(found.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[found.group(2)]

    return percentile("50"), percentile("99"), float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def reminders(app, ids):
    """send-due for every person at once, against the fake push service; and the bare pushes."""
    from app.db import db
    from app.models import PushSubscription, ReminderSetting
    from app.reminders import push, service, vapid
    from tests.fakes.push_service import FakePushService

    fake = FakePushService().start()
    try:
        keys = vapid.keys(app.config)
        fake.expect_key(keys.public_key)
        phones = [fake.subscription() for _ in ids]
        with app.app_context(), db.connection_context():
            with db.atomic():
                for account, phone in zip(ids, phones):
                    service.save(account, {"enabled": True, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "at_minute": 7 * 60, "timezone": "UTC",
                                           "about": "stretch", "by_push": True, "in_app": True},
                                 now=DUE - dt.timedelta(hours=1))
                PushSubscription.insert_many([{"account": a, "endpoint": p.json["endpoint"],
                                               "p256dh": p.json["keys"]["p256dh"], "auth": p.json["keys"]["auth"]}
                                              for a, p in zip(ids, phones)]).execute()
            assert ReminderSetting.select().where(ReminderSetting.next_due_at == DUE).count() == len(ids)
            started = time.perf_counter()
            counts = service.send_due(app.config, DUE + dt.timedelta(seconds=5))
            send_due_ms = (time.perf_counter() - started) * 1000
        print(f"send-due counted {counts}")
        assert counts["sent"] == len(ids), counts
        fake.wait_for(len(ids), timeout=60)
        fake.reset()
        session = push.session()
        started = time.perf_counter()
        for phone in phones:
            assert push.send(phone.json, {"title": "Time to stretch", "body": "x", "url": "/"}, keys, 10,
                             session=session).result == "sent"
        bare_ms = (time.perf_counter() - started) * 1000
        return send_due_ms, bare_ms
    finally:
        fake.stop()


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    from app.reminders import vapid

    workdir = Path(tempfile.mkdtemp(prefix="limber-bench-progress-"))
    private, public = vapid.make_pair()
    env = {**os.environ, "LIMBER_ENV": "production", "SECRET_KEY": "bench-" + "x" * 40, "COOKIE_SECURE": "0",
           "LIMBER_INSTANCE": str(workdir), "VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": public,
           "PUBLIC_URL": "http://127.0.0.1:8000", "PUSH_TIMEOUT": "10", "RATELIMIT_ENABLED": "0"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    os.environ.update({k: env[k] for k in ("LIMBER_ENV", "SECRET_KEY", "LIMBER_INSTANCE", "VAPID_PRIVATE_KEY",
                                           "VAPID_PUBLIC_KEY", "PUBLIC_URL", "RATELIMIT_ENABLED")})
    proc = None
    try:
        flask(env, "db", "upgrade")
        flask(env, "catalog", "load")
        from app import create_app
        from app.catalog import store
        from app.db import db

        app = create_app()
        with app.app_context(), db.connection_context():
            exercise_ids = sorted(store.by_id())
        started = time.perf_counter()
        ids, logs = fill(app, exercise_ids)
        print(f"filled {len(ids)} people and {logs} logs in {time.perf_counter() - started:.1f} s")
        proc, base = serve(env)
        cookie = sign_in(base)
        wrk(base + "/progress", cookie)  # warm both workers' caches (catalog, figures, prepared queries)
        health_p50, health_p99, health_rps = wrk(base + "/healthz")
        page_p50, page_p99, page_rps = wrk(base + "/progress", cookie)
        print(f"/healthz (baseline): p50 {health_p50:.1f} ms, p99 {health_p99:.1f} ms, {health_rps:.0f} req/s")
        print(f"/progress (730 daily logs): p50 {page_p50:.1f} ms, p99 {page_p99:.1f} ms, {page_rps:.0f} req/s")
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        proc = None
        send_due_ms, bare_ms = reminders(app, ids)
        print(f"send-due for {len(ids)} people: {send_due_ms:.0f} ms; the same pushes bare: {bare_ms:.0f} ms")
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"progress people={len(ids)} logs={logs} page_p50_ms={page_p50:.1f} page_p99_ms={page_p99:.1f} "
          f"send_due_ms={send_due_ms:.0f} healthz_p50_ms={health_p50:.1f} healthz_p99_ms={health_p99:.1f} "
          f"bare_push_ms={bare_ms:.0f}")


if __name__ == "__main__":
    main()
