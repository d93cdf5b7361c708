"""Limber at scale: 10,000 people and 1,000,000 session logs on PostgreSQL + Redis, under the load of
signed-in people, served by the Procfile's own web and worker processes.

- The data: its own database (limber_scale_<pid>, dropped at the end whatever happens), migrated and
  given the catalog by the app's own commands (flask db upgrade, flask catalog load), then seeded in
  bulk (COPY): every person onboarded as the onboarding pages leave them, with the starter plan the
  plans page makes, three routines built by the engine, and about 100 logs each over the last two
  years, then vacuumed and analysed. One password hash for everyone, made once at a cheap setting
  (scrypt:1024:8:1).
- The servers: the Procfile's web (gunicorn -c python:app.gunicorn_config, gthread, 4 workers x 2
  threads; --workers, --threads to try others) and worker (huey_consumer wsgi.huey -k thread -w 2), Redis db 13 (flushed before and
  after, nothing else), rate limits off (a load test from one address is not an attack).
- The load, what people do: Home, build a routine, its page, the player, sync 1-3 logs, Progress,
  self-tests, the plan page and a plan edit (an entry added, then removed), each person a real seeded
  person signed in through POST /login (keep-alive). /healthz is one of the things asked, in the same
  loops: the baseline, what a request that does no work costs under the same load. Two phases of
  --seconds (60) each, after --warmup (5) seconds of load that isn't counted (each worker's first
  requests read the catalog and compile the templates):
  1. saturation: --users people (8), each asking again as soon as answered (closed loop, no pause).
     Both cores are busy, so this measures the capacity (what it sustains a second); its latencies are
     mostly the queue (Little's law: 8 people / capacity), printed as saturated_*.
  2. paced: actions arrive at random (Poisson) times at --load (0.5) of that capacity, or --rate a
     second, among --paced-users people (32); each is timed from when it arrived, so waiting for a
     free person or a free server counts (no coordinated omission). The target is judged here: a
     server run at half its capacity at its busiest, as one is sized in production.
- Before the load, one request of each page in this process with peewee's logger on: the SQL
  statements each page runs (a page running a query per row shows here), and its time alone;
  BENCH_SHOW_SQL=1 prints those statements, BENCH_EXPLAIN=1 the plans of the ones reading workout_log,
  BENCH_PROFILE=progress,plan_add where those pages spend their time (cProfile; their "alone" time then
  includes the profiler's own cost).

--sqlite: the embedded default instead (a temp instance folder, SQLite, SqliteHuey), 1,000 people
and 100,000 logs: what a single-container user's default holds.

  .venv/bin/python bench/scale.py                       # PostgreSQL + Redis, full size
  .venv/bin/python bench/scale.py --people 300 --logs 20000 --seconds 15   # a quick look
  .venv/bin/python bench/scale.py --sqlite

Target (issue 14): p99 <= 100 ms for every page on a 2-core machine, 0 errors.
Last line (the paced phase; errors of both): scale people=… logs=… rps=… p50_ms=… p99_ms=… errors=…
slowest=<route> healthz_p99_ms=… capacity_rps=… saturated_p99_ms=… saturated_slowest=<route>
"""
import argparse
import collections
import cProfile
import csv
import datetime as dt
import gc
import io
import json
import logging
import os
import pstats
import queue
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AGENT = "Mozilla/5.0 (limber-bench)"  # Flask-Login's session protection checks the agent: keep one
PASSWORD = "stretch at scale"
HASH_METHOD = "scrypt:1024:8:1"  # cheap: the bench signs in, it does not measure the hasher
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_DB = 13
ACTIVITIES = ("running", "cycling", "general", "desk", "strength_lower")
ROUTINE_KINDS = ("warmup", "cooldown", "mobility")  # each person has one routine of each, for their activity
START_SECONDS = 60
REQUEST_TIMEOUT = 30
# What people do, and how often (relative weights). A plan edit is two requests (add, then remove).
ACTIONS = {"dashboard": 5, "routine_build": 2, "routine_page": 3, "player": 2, "sync": 3, "progress": 2,
           "progress_tests": 1, "plan_page": 2, "plan_edit": 1, "healthz": 2}


def log(message):
    print(message, flush=True)


def warn(message):
    print(message, file=sys.stderr, flush=True)


# -- everything this run started, undone once whatever happens (the end, an error, Ctrl-C, the watchdog)

class Cleanup:
    def __init__(self):
        self.lock = threading.Lock()
        self.done = False
        self.procs = []  # (name, Popen), each the leader of its own process group
        self.database = None  # PostgreSQL database name to drop
        self.redis_url = None
        self.workdir = None

    def start(self, name, args, **kwargs):
        """A process in its own group, remembered; none once everything has been undone."""
        with self.lock:  # never between the undoing of the processes and the end of it
            if self.done:
                raise SystemExit("stopped by the watchdog")
            proc = subprocess.Popen(args, cwd=ROOT, start_new_session=True, **kwargs)
            self.procs.append((name, proc))
            return proc

    def run(self):
        with self.lock:  # held throughout: a second caller (the watchdog, the main thread) waits for the first
            if self.done:
                return
            self.done = True
            self._undo()

    def _undo(self):
        for name, proc in self.procs:
            stop_group(name, proc)
        if self.database:
            try:
                drop_database(self.database)
            except Exception as exc:  # noqa: BLE001 - say it, and carry on undoing the rest
                warn(f"could not drop database {self.database}: {exc!r} (drop it by hand)")
        if self.redis_url:
            try:
                import redis
                redis.Redis.from_url(self.redis_url, socket_timeout=5).flushdb()
            except Exception as exc:  # noqa: BLE001
                warn(f"could not flush Redis db {REDIS_DB}: {exc!r}")
        if self.workdir:
            log = self.workdir / "servers.log"
            text = log.read_text(errors="replace") if log.exists() else ""
            if "Traceback" in text:  # what the servers said went wrong (the last one), before their folder goes
                warn(f"the servers logged {text.count('Traceback')} tracebacks; the last one:\n"
                     + text[text.rindex("Traceback"):][:4000])
            shutil.rmtree(self.workdir, ignore_errors=True)


CLEANUP = Cleanup()


def stop_group(name, proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        warn(f"{name} did not stop within 15 s of SIGTERM: killed")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def watchdog(seconds):
    """The whole run is bounded: past ``seconds`` everything is undone and the bench exits 3."""
    def fire():
        warn(f"watchdog: the bench did not finish within {seconds} s (seeding, the servers or the load hung); "
             "stopping everything it started")
        CLEANUP.run()
        os._exit(3)
    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return timer


# -- the database

def pg_admin():
    import psycopg2
    conn = psycopg2.connect(PG_ADMIN, connect_timeout=10)
    conn.autocommit = True
    return conn


def create_database(name):
    conn = pg_admin()  # not "with conn": psycopg2 would open a transaction, and CREATE DATABASE can't run in one
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def drop_database(name):
    conn = pg_admin()
    try:
        with conn.cursor() as cur:
            cur.execute("SET statement_timeout = '60s'")
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # PostgreSQL 13+
    finally:
        conn.close()


def flask(env, *args):
    """One of the app's own commands (db upgrade, catalog load), stopped with everything else if the watchdog fires."""
    proc = CLEANUP.start(f"flask {' '.join(args)}", [str(BIN / "flask"), "--app", "wsgi", *args], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"flask {' '.join(args)} did not finish within 300 s") from None
    if proc.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed ({proc.returncode}):\n{out}")


# -- seeding, in bulk

def _cell(value):
    """A Python value as the database stores it (the app's JSONField: compact, sorted keys)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Writer:
    """Rows into a table: PostgreSQL COPY (CSV, streamed in chunks) or SQLite executemany, in one transaction."""

    CHUNK = 50_000

    def __init__(self, url):
        self.postgres = url.startswith("postgres")
        if self.postgres:
            import psycopg2
            self.conn = psycopg2.connect(url, connect_timeout=10)
        else:
            import sqlite3
            self.conn = sqlite3.connect(url.split("sqlite:///", 1)[1], timeout=30)
            self.conn.execute("PRAGMA foreign_keys = OFF")
            self.conn.execute("BEGIN")

    def write(self, model, columns, rows):
        """``columns``: the model's every column, in the order of each row's values."""
        table = model._meta.table_name
        expected = {f.column_name for f in model._meta.sorted_fields}
        if set(columns) != expected:
            raise SystemExit(f"bench/scale.py seeds {table} with {sorted(columns)} but the model has "
                             f"{sorted(expected)}: update the seeding")
        count, chunk = 0, []
        for row in rows:
            chunk.append(row)
            if len(chunk) == self.CHUNK:
                self._flush(table, columns, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            self._flush(table, columns, chunk)
            count += len(chunk)
        return count

    def _flush(self, table, columns, chunk):
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            buffer = io.StringIO()
            out = csv.writer(buffer, lineterminator="\n")
            for row in chunk:
                out.writerow(["\\N" if v is None else ("t" if v else "f") if isinstance(v, bool) else _cell(v)
                              for v in row])
            buffer.seek(0)
            with self.conn.cursor() as cur:
                cur.copy_expert(f'COPY "{table}" ({names}) FROM STDIN WITH (FORMAT csv, NULL \'\\N\')', buffer)
        else:
            marks = ", ".join("?" for _ in columns)
            self.conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                                  [[_cell(v) for v in row] for row in chunk])

    def finish(self, tables):
        if self.postgres:
            with self.conn.cursor() as cur:
                for table in tables:  # rows came with their ids: the sequences move past them
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")
            self.conn.commit()
            self.conn.autocommit = True
            with self.conn.cursor() as cur:
                # As a live database is kept (autovacuum): otherwise the first reads of the freshly copied
                # rows, and autovacuum catching up on a million inserts, would run during the load.
                cur.execute("VACUUM (ANALYZE)")
        else:
            self.conn.commit()
            self.conn.execute("ANALYZE")
        self.conn.close()


def templates():
    """Routines the engine builds (kind, activity) -> (request dict, data dict, title, seed), and each
    activity's starter plan snapshot, as app/routines/service.py and app/plans/views.py make them."""
    from app import vocabulary as v
    from app.catalog import data
    from app.plans import week
    from app.routines.data import RoutineRequest
    from app.routines.engine import build_routine

    catalog = data.load_file()
    routines = {}
    for seed, (activity, kind) in enumerate((a, k) for a in ACTIVITIES for k in ROUTINE_KINDS):
        request = RoutineRequest(kind=kind, minutes=8, activity=activity, level="intermediate", seed=seed)
        routines[kind, activity] = (request.to_dict(), build_routine(request, catalog).to_dict(),
                                    v.routine_words(kind, activity, 8), seed)
    plans = {a: week.starter([a], a, 8, dt.date.today()) for a in ACTIVITIES}
    screening = {code: False for code, _ in v.SCREENING_QUESTIONS}
    return routines, plans, screening


def seed(url, people, logs):
    """Every table the pages read, filled in bulk; (seconds, people ids) — person i has account, profile
    and plan id i, and routines 3i-2, 3i-1, 3i (warm-up, cool-down, mobility for their activity)."""
    from werkzeug.security import generate_password_hash

    from app.models import Account, Plan, PlanVersion, Profile, RoutineRecord, WorkoutLog

    started = time.monotonic()
    rng = random.Random(14)
    routines, plans, screening = templates()
    password_hash = generate_password_hash(PASSWORD, method=HASH_METHOD)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    today = now.date()
    activity_of = {i: ACTIVITIES[rng.randrange(len(ACTIVITIES))] for i in range(1, people + 1)}
    joined = {i: now - dt.timedelta(days=730, seconds=rng.randrange(86400)) for i in activity_of}
    writer = Writer(url)
    try:
        writer.write(Account, ["id", "email", "password_hash", "is_admin", "created_at"],
                     ((i, f"person{i}@scale.example", password_hash, False, joined[i]) for i in activity_of))
        writer.write(Profile, ["id", "account_id", "screening", "screening_done", "age", "level", "health_consent",
                               "health_consent_at", "conditions", "condition_details", "equipment", "activities",
                               "usual_activity", "usual_minutes", "tight_areas", "space", "onboarded", "ai_enabled",
                               "coach_personality", "updated_at"],
                     ((i, i, screening, True, 20 + i % 50, ("beginner", "intermediate", "advanced")[i % 3], False,
                       None, [], {}, ["mat"], [a], a, 8, [], "room", True, False, "supportive", joined[i])
                      for i, a in activity_of.items()))
        writer.write(Plan, ["id", "account_id", "name", "active", "version", "created_at", "updated_at"],
                     ((i, i, plans[a]["name"], True, 1, joined[i], joined[i]) for i, a in activity_of.items()))
        writer.write(PlanVersion, ["id", "plan_id", "number", "snapshot", "author", "description", "created_at"],
                     ((i, i, 1, plans[a], "user", "Starter plan from your activities and minutes", joined[i])
                      for i, a in activity_of.items()))
        writer.write(RoutineRecord, ["id", "account_id", "kind", "activity", "minutes", "seed", "title", "request",
                                     "data", "built_by", "created_at"],
                     ((3 * i - 2 + k, i, kind, a, 8, routines[kind, a][3], routines[kind, a][2], routines[kind, a][0],
                       routines[kind, a][1], "rules", joined[i])
                      for i, a in activity_of.items() for k, kind in enumerate(ROUTINE_KINDS)))
        exercises = {key: json.dumps(sorted({s["exercise_id"] for s in r[1]["steps"]}), separators=(",", ":"))
                     for key, r in routines.items()}
        steps = {key: len(r[1]["steps"]) for key, r in routines.items()}
        per, extra = divmod(logs, people)

        def log_rows():
            ident = 0
            ratings = ("too_easy", "about_right", "about_right", "too_hard", None)
            for i, a in activity_of.items():
                for back in sorted((rng.randrange(730) for _ in range(per + (i <= extra))), reverse=True):
                    ident += 1
                    k = rng.randrange(3)
                    kind = ROUTINE_KINDS[k]
                    day = today - dt.timedelta(days=back)
                    finished = dt.datetime.combine(day, dt.time(6 + rng.randrange(15), rng.randrange(60)))
                    early = rng.random() < 0.05
                    done = 480 - (rng.randrange(60, 300) if early else 0)
                    total = steps[kind, a]
                    pain = "mild" if rng.random() < 0.03 else "none"
                    yield (ident, i, 3 * i - 2 + k, str(uuid.UUID(int=rng.getrandbits(128), version=4)), kind, a,
                           routines[kind, a][2], finished - dt.timedelta(seconds=done), finished, day, 480, done,
                           total - 2 if early else total, total, early, False, rng.choice(ratings), pain,
                           "hamstrings" if pain == "mild" else None, "", exercises[kind, a], "[]", finished)

        count = writer.write(WorkoutLog, ["id", "account_id", "routine_id", "client_id", "kind", "activity", "title",
                                          "started_at", "finished_at", "local_date", "planned_seconds", "seconds_done",
                                          "steps_done", "steps_total", "ended_early", "stopped_for_safety", "rating",
                                          "pain", "pain_area", "note", "exercise_ids", "skipped_ids", "created_at"],
                             log_rows())
        assert count == logs, (count, logs)
        writer.finish([m._meta.table_name for m in (Account, Profile, Plan, PlanVersion, RoutineRecord, WorkoutLog)])
    except BaseException:
        writer.conn.close()
        raise
    return time.monotonic() - started, list(activity_of)


def database_size(url, instance):
    if url.startswith("postgres"):
        import psycopg2
        conn = psycopg2.connect(url, connect_timeout=10)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_database_size(current_database())")
                return cur.fetchone()[0]
        finally:
            conn.close()
    return sum(p.stat().st_size for p in Path(instance).glob("limber.db*"))


# -- queries per page, in this process

class Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        if isinstance(record.msg, tuple):  # (sql, params): a statement; peewee's pool logs plain strings
            self.statements.append(record.msg)


def count_queries(person_id, rounds=5):
    """Each page as person ``person_id``, in this process, with nobody else asking: the SQL statements
    one request runs (peewee's logger), and the median time of ``rounds`` requests after a first one
    (the catalog and the templates are read once per process)."""
    from app import create_app

    app = create_app()
    logging.getLogger("limber.request").disabled = True  # the JSON request lines: the servers' log has them
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = AGENT
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": f"person{person_id}@scale.example", "password": PASSWORD,
                                "csrf_token": csrf_from(page)})
    token = csrf_from(client.get("/").get_data(as_text=True))
    routine, plan, rng = 3 * person_id - 2, person_id, random.Random(1)
    version = [1]

    def plan_change(path, data):
        def post():
            answer = client.post(path, data={"csrf_token": token, "base": str(version[0]), "day": "sun", **data})
            version[0] += answer.status_code == 303
            return answer
        return post

    pages = {
        "healthz": lambda: client.get("/healthz"),
        "dashboard": lambda: client.get("/"),
        "routine_build": lambda: client.post("/routines/quick", data={"kind": "warmup", "activity": "running",
                                                                      "minutes": "8", "then": "read",
                                                                      "csrf_token": token}),
        "routine_page": lambda: client.get(f"/routines/{routine}"),
        "player": lambda: client.get(f"/routines/{routine}/play"),
        "sync": lambda: client.post("/sessions/sync", json={"logs": [sync_log(routine, rng)]},
                                    headers={"X-CSRFToken": token}),
        "progress": lambda: client.get("/progress"),
        "progress_tests": lambda: client.get("/progress/tests"),
        "plan_page": lambda: client.get(f"/plans/{plan}"),
        "plan_add": plan_change(f"/plans/{plan}/entries", {"kind": "mobility", "activity": "general", "minutes": "10"}),
        "plan_remove": plan_change(f"/plans/{plan}/entries/remove", {"index": "0"}),
    }
    logger = logging.getLogger("peewee")
    counter = Counter()
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    times = collections.defaultdict(list)
    found = {}
    profiled = {name: cProfile.Profile() for name in filter(None, os.environ.get("BENCH_PROFILE", "").split(","))}
    try:
        for attempt in range(rounds + 1):  # plan_add and plan_remove alternate, so every round is valid
            for name, ask in pages.items():
                counter.statements.clear()
                profiler = profiled.get(name) if attempt else None
                began = time.perf_counter()
                response = profiler.runcall(ask) if profiler else ask()
                elapsed = time.perf_counter() - began
                if attempt == 0:
                    continue
                times[name].append(elapsed)
                if attempt == 1:
                    statements = list(counter.statements)
                    selects = sum(1 for sql, _ in statements if sql.lstrip().upper().startswith("SELECT"))
                    found[name] = [response.status_code, len(statements), selects, statements]
    finally:
        logger.removeHandler(counter)
        logger.setLevel(logging.WARNING)
    for name, row in found.items():
        row.append(sorted(times[name])[len(times[name]) // 2])
    for name, profiler in profiled.items():
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
        log(f"-- where {name} spends its time, over {rounds} requests:\n{out.getvalue()}")
    return found


def explain(found):
    """The plan of every SELECT on workout_log the pages ran (BENCH_EXPLAIN=1): what the logs cost."""
    from app.db import db

    postgres = not db.obj.__class__.__name__.lower().count("sqlite")
    seen = set()
    with db.connection_context():
        for route, (_, _, _, statements, _) in found.items():
            for sql, params in statements:
                if "workout_log" not in sql or not sql.lstrip().upper().startswith("SELECT") or sql in seen:
                    continue
                seen.add(sql)
                prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
                rows = db.execute_sql(prefix + sql, params).fetchall()
                log(f"-- {route}: {sql[:160]}")
                for row in rows:
                    log(f"   {row[-1]}")


# -- the servers

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name, args, env, logfile):
    with open(logfile, "ab") as out:
        return CLEANUP.start(name, args, env=env, stdout=out, stderr=subprocess.STDOUT)


def serve(env, workdir, workers, threads):
    """The Procfile's web and worker, as it starts them; the base URL once /healthz answers 200."""
    port = free_port()
    logfile = workdir / "servers.log"
    web = start("web (gunicorn)", [str(BIN / "gunicorn"), "wsgi:app", "-c", "python:app.gunicorn_config",
                                   "--no-control-socket", "--worker-class", "gthread", "--workers", str(workers),
                                   "--threads", str(threads), "--bind", f"127.0.0.1:{port}"], env, logfile)
    worker = start("worker (huey_consumer)", [str(BIN / "huey_consumer"), "wsgi.huey", "-k", "thread", "-w", "2"],
                   env, logfile)
    base, deadline, last = f"http://127.0.0.1:{port}", time.monotonic() + START_SECONDS, None
    while time.monotonic() < deadline:
        for name, proc in (("web", web), ("worker", worker)):
            if proc.poll() is not None:
                raise SystemExit(f"the {name} process exited ({proc.returncode}) while starting:\n{tail(logfile)}")
        try:
            answer = requests.get(base + "/healthz", timeout=2)
            if answer.status_code == 200:
                return base, web, logfile
            last = f"{answer.status_code} {answer.text[:200]}"
        except (requests.ConnectionError, requests.Timeout) as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer 200 on {base}/healthz within {START_SECONDS} s (last: {last}):\n"
                     f"{tail(logfile)}")


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def group_cpu(group):
    """CPU seconds used so far by every process of a process group (gunicorn's master and workers)."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / tick


# -- the load

def csrf_from(html):
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    if not found:
        raise ValueError("no csrf-token on the page")
    return found.group(1)


def sync_log(routine_id, rng):
    """A session finished a moment ago, as the player posts it (tests/conftest.py log_body)."""
    finished = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(seconds=rng.randrange(3600))
    return {"client_id": str(uuid.uuid4()), "routine_id": routine_id, "title": "Running warm-up · 8 min",
            "kind": "warmup", "activity": "running", "started_at": (finished - dt.timedelta(minutes=8)).isoformat(),
            "finished_at": finished.isoformat(), "local_date": finished.date().isoformat(), "planned_seconds": 480,
            "seconds_done": 480, "steps_done": 9, "steps_total": 9, "ended_early": False,
            "stopped_for_safety": False, "rating": rng.choice(("too_easy", "about_right", "too_hard")),
            "pain": "none", "pain_area": None, "note": "", "exercise_ids": ["march-in-place"]}


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.errors = collections.Counter()
        self.shown = 0
        self.actions = 0  # what people did: a plan edit is one action of two requests
        self.lags = []  # paced: ms from an action's arrival to its first request leaving this process

    def record(self, route, seconds, error=None, url=None):
        with self.lock:
            self.latencies[route].append(seconds * 1000)
            if error is not None:
                self.errors[route] += 1
                if self.shown < 5:
                    self.shown += 1
                    warn(f"error on {route} ({url}): {error}")


class Person(threading.Thread):
    """One signed-in person, asking again as soon as answered until ``stop``."""

    def __init__(self, base, person_id, results, stop, seed):
        super().__init__(daemon=True)
        self.base, self.id, self.results, self.stop = base, person_id, results, stop
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = AGENT
        self.routines = [3 * person_id - 2 + k for k in range(3)]
        self.plan, self.base_version = person_id, 1
        self.token = None
        self.failed = None
        self.due = None  # paced: the queue of arrival times this person takes actions from
        self.since = None  # paced: when the action was due, so time waiting for a free person counts too

    def sign_in(self):
        page = self.session.get(self.base + "/login", timeout=REQUEST_TIMEOUT)
        home = self.session.post(self.base + "/login", timeout=REQUEST_TIMEOUT,
                                 data={"email": f"person{self.id}@scale.example", "password": PASSWORD,
                                       "csrf_token": csrf_from(page.text), "remember": "y"})
        if home.status_code != 200 or home.url.rstrip("/") != self.base:
            raise RuntimeError(f"person {self.id} could not sign in: {home.status_code} at {home.url}")
        self.token = csrf_from(home.text)  # signing in starts a fresh session, with a fresh token

    def call(self, route, method, path, expect=(200,), **kwargs):
        url = self.base + path
        now = time.perf_counter()
        began = self.since if self.since is not None else now
        if self.since is not None:
            with self.results.lock:
                self.results.lags.append((now - self.since) * 1000)
        self.since = None
        try:
            response = self.session.request(method, url, timeout=REQUEST_TIMEOUT, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            self.results.record(route, time.perf_counter() - began, repr(exc), url)
            return None
        elapsed = time.perf_counter() - began
        if response.status_code not in expect:
            self.results.record(route, elapsed, f"{response.status_code} {response.text[:300]!r}", url)
            return None
        self.results.record(route, elapsed)
        return response

    def act(self, action):
        rng = self.rng
        if action == "dashboard":
            self.call("dashboard", "GET", "/")
        elif action == "routine_build":
            kind = rng.choice(("warmup", "cooldown", "mobility", "flexibility"))
            answer = self.call("routine_build", "POST", "/routines/quick", expect=(303,),
                               data={"kind": kind, "activity": rng.choice(ACTIVITIES), "minutes": "8",
                                     "then": "read", "csrf_token": self.token})
            if answer is not None:
                self.routines.append(int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
        elif action == "routine_page":
            self.call("routine_page", "GET", f"/routines/{rng.choice(self.routines)}")
        elif action == "player":
            self.call("player", "GET", f"/routines/{rng.choice(self.routines)}/play")
        elif action == "sync":
            body = {"logs": [sync_log(rng.choice(self.routines), rng) for _ in range(rng.randint(1, 3))]}
            self.call("sync", "POST", "/sessions/sync", json=body, headers={"X-CSRFToken": self.token})
        elif action == "progress":
            self.call("progress", "GET", "/progress")
        elif action == "progress_tests":
            self.call("progress_tests", "GET", "/progress/tests")
        elif action == "plan_page":
            self.call("plan_page", "GET", f"/plans/{self.plan}")
        elif action == "plan_edit":
            added = self.call("plan_add", "POST", f"/plans/{self.plan}/entries", expect=(303,),
                              data={"csrf_token": self.token, "base": str(self.base_version), "day": "sun",
                                    "kind": "mobility", "activity": "general", "minutes": "10"})
            if added is None:
                return self.resync_version()
            self.base_version += 1
            removed = self.call("plan_remove", "POST", f"/plans/{self.plan}/entries/remove", expect=(303,),
                                data={"csrf_token": self.token, "base": str(self.base_version), "day": "sun",
                                      "index": "0"})
            if removed is None:
                return self.resync_version()
            self.base_version += 1
        elif action == "healthz":
            self.call("healthz", "GET", "/healthz")

    def resync_version(self):
        """After a refused edit, the plan's version as its page shows it (not counted as a request)."""
        page = self.session.get(f"{self.base}/plans/{self.plan}", timeout=REQUEST_TIMEOUT)
        found = re.search(r'name="base"[^>]*value="(\d+)"', page.text) or \
            re.search(r'value="(\d+)"[^>]*name="base"', page.text)
        if found:
            self.base_version = int(found.group(1))

    def run(self):
        """Saturation: ask again as soon as answered. Paced (``self.due`` set): one action per arrival
        taken from the queue, until a None."""
        names, weights = list(ACTIONS), list(ACTIONS.values())
        try:
            while not self.stop.is_set():
                if self.due is not None:
                    arrival = self.due.get(timeout=REQUEST_TIMEOUT * 4)
                    if arrival is None:
                        return
                    self.since = arrival
                self.act(self.rng.choices(names, weights)[0])
                with self.results.lock:
                    self.results.actions += 1
        except Exception as exc:  # noqa: BLE001 - a bug in the bench: say it, don't hang
            self.failed = repr(exc)
            warn(f"person {self.id}'s loop failed: {exc!r}")


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# The URL rule and method of each route, as the servers' JSON request lines name them.
RULES = {"dashboard": ("GET", "/"), "routine_build": ("POST", "/routines/quick"),
         "routine_page": ("GET", "/routines/<id:routine_id>"), "player": ("GET", "/routines/<id:routine_id>/play"),
         "sync": ("POST", "/sessions/sync"), "progress": ("GET", "/progress"),
         "progress_tests": ("GET", "/progress/tests"), "plan_page": ("GET", "/plans/<id:plan_id>"),
         "plan_add": ("POST", "/plans/<id:plan_id>/entries"),
         "plan_remove": ("POST", "/plans/<id:plan_id>/entries/remove"), "healthz": ("GET", "/healthz")}


def server_times(logfile, offset):
    """The duration_ms of every request the servers logged after byte ``offset`` of their log, by
    (method, URL rule): the time inside Limber, without the wait for a free thread or the network."""
    found = collections.defaultdict(list)
    with open(logfile, "rb") as lines:
        lines.seek(offset)
        for line in lines:
            if b'"limber.request"' not in line:
                continue
            try:
                entry = json.loads(line)
                found[(entry["method"], entry["route"])].append(float(entry["duration_ms"]))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def load(base, people_ids, users, seconds, web, rate=None):
    """``users`` people for ``seconds``. Saturation (``rate`` None): each asks again as soon as answered
    (closed loop). Paced: actions arrive at ``rate`` a second at random (Poisson) times, whoever is free
    takes the next, and each is timed from when it arrived (so a queue of arrivals is never hidden)."""
    results, stop = Results(), threading.Event()
    rng = random.Random(1400 if rate is None else 1401)
    chosen = rng.sample(people_ids, min(users, len(people_ids)))
    people = [Person(base, pid, results, stop, seed=pid) for pid in chosen]
    due = queue.Queue() if rate else None
    for person in people:
        person.sign_in()
        person.due = due
    cpu_before, server_before = resource.getrusage(resource.RUSAGE_SELF), group_cpu(web.pid)
    offset = web.logfile.stat().st_size
    began = time.monotonic()
    for person in people:
        person.start()
    if rate:
        clock, arrival = time.perf_counter(), time.perf_counter()
        while arrival - clock < seconds:
            arrival += rng.expovariate(rate)
            time.sleep(max(0.0, arrival - time.perf_counter()))
            due.put(arrival)
        for _ in people:
            due.put(None)
    else:
        time.sleep(seconds)
        stop.set()
    for person in people:
        person.join(timeout=REQUEST_TIMEOUT * 4 + 5)
        if person.is_alive():
            stop.set()
            raise SystemExit(f"person {person.id} was still waiting on a request {REQUEST_TIMEOUT * 4 + 5} s after the end")
    wall = time.monotonic() - began
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    server_cpu = group_cpu(web.pid) - server_before
    failed = [p.id for p in people if p.failed]
    return Phase(results, wall, client_cpu, server_cpu, failed, server_times(web.logfile, offset))


class Phase:
    """What one phase of the load measured."""

    def __init__(self, results, wall, client_cpu, server_cpu, failed, inside):
        self.results, self.wall, self.client_cpu, self.server_cpu, self.failed, self.inside = \
            results, wall, client_cpu, server_cpu, failed, inside
        lat = results.latencies
        self.pages = {route: values for route, values in lat.items() if route != "healthz"}
        every = [x for values in self.pages.values() for x in values]
        self.total = sum(len(v) for v in lat.values())
        self.rps = self.total / wall
        self.actions_per_second = results.actions / wall
        self.p50, self.p99 = percentile(every, 0.5), percentile(every, 0.99)
        self.errors = sum(results.errors.values()) + len(failed)
        self.slowest = max(self.pages, key=lambda r: percentile(self.pages[r], 0.99)) if self.pages else "none"
        self.healthz_p99 = percentile(lat.get("healthz", []), 0.99)

    def show(self, title):
        lat, errors = self.results.latencies, self.results.errors
        log(f"{title}: {self.total} requests in {self.wall:.1f} s ({self.rps:.1f} a second); CPU: client "
            f"{self.client_cpu:.1f} s ({100 * self.client_cpu / self.wall:.0f}% of one core), gunicorn "
            f"{self.server_cpu:.1f} s ({100 * self.server_cpu / self.wall:.0f}% of one core)")
        if self.failed:
            warn(f"the loops of people {self.failed} failed (see above)")
        if self.results.lags:
            lags = self.results.lags
            log(f"  from arrival to the request leaving: p50 {percentile(lags, 0.5):.1f} ms, p99 "
                f"{percentile(lags, 0.99):.1f} ms (a free person, and this process's own turn on the CPU)")
        log(f"  {'route':<15} {'count':>7} {'p50_ms':>8} {'p99_ms':>8} {'errors':>7}   inside Limber: p50_ms p99_ms")
        for route in sorted(lat, key=lambda r: -percentile(lat[r], 0.99)):
            values, inside = lat[route], self.inside.get(RULES.get(route), [])
            log(f"  {route:<15} {len(values):>7} {percentile(values, 0.5):>8.1f} {percentile(values, 0.99):>8.1f} "
                f"{errors[route]:>7}   {percentile(inside, 0.5):>20.1f} {percentile(inside, 0.99):>6.1f}")


# -- the run

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="the embedded default (SQLite, SqliteHuey)")
    parser.add_argument("--people", type=int, help="people seeded (10,000; --sqlite 1,000)")
    parser.add_argument("--logs", type=int, help="session logs seeded (1,000,000; --sqlite 100,000)")
    parser.add_argument("--users", type=int, default=8, help="people using Limber at once (8)")
    parser.add_argument("--seconds", type=float, default=60, help="how long each phase of the load lasts (60)")
    parser.add_argument("--load", type=float, default=0.5,
                        help="the paced phase's rate, as a share of the capacity the saturation phase measured (0.5)")
    parser.add_argument("--rate", type=float, help="the paced phase's rate in actions a second (instead of --load)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (the Procfile's default: 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (the Procfile's: 2)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load before the measured phases (5)")
    parser.add_argument("--paced-users", type=int, default=32, help="people signed in for the paced phase (32)")
    parser.add_argument("--watchdog", type=float, default=1800, help="the whole run's limit in seconds (1800)")
    parser.add_argument("--no-queries", action="store_true", help="skip counting each page's SQL statements")
    args = parser.parse_args()
    people = args.people or (1_000 if args.sqlite else 10_000)
    logs = args.logs if args.logs is not None else (100_000 if args.sqlite else 1_000_000)
    if people < max(args.users, args.paced_users):
        raise SystemExit(f"--people {people} is fewer than --users {args.users} or --paced-users {args.paced_users}")

    timer = watchdog(args.watchdog)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds through the finally below
    workdir = Path(tempfile.mkdtemp(prefix="limber-scale-"))
    CLEANUP.workdir = workdir
    env = {**os.environ, "LIMBER_ENV": "production", "SECRET_KEY": "scale-" + "x" * 40, "COOKIE_SECURE": "0",
           "LIMBER_INSTANCE": str(workdir), "RATELIMIT_ENABLED": "0", "PASSWORD_HASH_METHOD": HASH_METHOD,
           "PROMETHEUS_MULTIPROC_DIR": str(workdir / "metrics"), "MEDIA_DIR": str(workdir / "media")}
    for key in ("DATABASE_URL", "REDIS_URL", "HUEY_FILE", "HUEY_IMMEDIATE", "RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY",
                "ANTHROPIC_API_KEY", "SMTP_URL", "METRICS_TOKEN"):
        env.pop(key, None)
    (workdir / "metrics").mkdir()
    try:
        if args.sqlite:
            url = f"sqlite:///{workdir / 'limber.db'}"
            where = "SQLite + SqliteHuey"
        else:
            name = f"limber_scale_{os.getpid()}"
            create_database(name)
            CLEANUP.database = name
            if CLEANUP.done:  # the watchdog fired while it was being made
                drop_database(name)
                raise SystemExit("stopped by the watchdog")
            url = f"postgresql://postgres@127.0.0.1:5432/{name}"
            env["REDIS_URL"] = CLEANUP.redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
            import redis
            redis.Redis.from_url(env["REDIS_URL"], socket_timeout=5).flushdb()
            where = f"PostgreSQL ({name}) + Redis db {REDIS_DB}"
        env["DATABASE_URL"] = url
        log(f"scale: {where}, {people:,} people, {logs:,} logs; {args.users} at once for {args.seconds:g} s")
        flask(env, "db", "upgrade")
        flask(env, "catalog", "load")
        os.environ.clear()
        os.environ.update(env)  # the app in this process (seeding, query counts) reads the same settings
        sys.path.insert(0, str(ROOT))
        seconds, people_ids = seed(url, people, logs)
        size = database_size(url, workdir)
        log(f"seeded {people:,} people and {logs:,} logs in {seconds:.1f} s; database size {size / 2**20:.0f} MB")

        if not args.no_queries:
            found = count_queries(people_ids[-1])
            log("each page alone, in this process (status, SQL statements of one request, of which SELECT, median ms of 5):")
            for route, (status, total, selects, _, seconds) in found.items():
                log(f"  {route:<15} {status}  {total:>3} statements  {selects:>3} SELECT  {seconds * 1000:>6.1f} ms")
            if os.environ.get("BENCH_SHOW_SQL"):
                for route, (_, _, _, statements, _) in found.items():
                    log(f"-- {route}")
                    for sql, _ in statements:
                        log(f"   {sql[:300]}")
            if os.environ.get("BENCH_EXPLAIN"):
                explain(found)
            from app.db import db
            if not db.is_closed():
                db.close()
            db.obj.close_all()  # the pool's connections, so nothing of this process holds the database

        # This process times every request: a full collection of what seeding left here would pause it
        # and be counted as the servers' time.
        gc.collect()
        gc.freeze()
        base, web, logfile = serve(env, workdir, args.workers, args.threads)
        web.logfile = logfile
        if args.warmup:  # each gunicorn worker's first requests read the catalog and compile templates
            load(base, people_ids, args.users, args.warmup, web)
        saturated = load(base, people_ids, args.users, args.seconds, web)
        saturated.show(f"saturation, {args.users} people asking again as soon as answered")
        rate = args.rate or round(saturated.actions_per_second * args.load, 1)
        paced = load(base, people_ids, args.paced_users, args.seconds, web, rate=rate)
        paced.show(f"paced, {rate:g} actions a second at random times ({args.load:.0%} of the capacity above) "
                   f"among {args.paced_users} people")
        for name, proc in CLEANUP.procs:
            if name.startswith(("web", "worker")) and proc.poll() is not None:
                warn(f"{name} exited ({proc.returncode}) during the load:\n{tail(logfile)}")
        log(f"scale people={people} logs={logs} rps={paced.rps:.1f} p50_ms={paced.p50:.1f} p99_ms={paced.p99:.1f} "
            f"errors={paced.errors + saturated.errors} slowest={paced.slowest} "
            f"healthz_p99_ms={paced.healthz_p99:.1f} capacity_rps={saturated.rps:.1f} "
            f"saturated_p99_ms={saturated.p99:.1f} saturated_slowest={saturated.slowest}")
    finally:
        timer.cancel()
        CLEANUP.run()


if __name__ == "__main__":
    main()
