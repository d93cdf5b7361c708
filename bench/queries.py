"""Time every prepared query (app.db.Prepared) against the same query run the ordinary peewee way,
in the same run, on a throwaway SQLite database with one person's realistic rows.

This is the measurement that justifies Prepared: per query, microseconds per call both ways.
Last line: queries prepared_us=… plain_us=… speedup=…  (sums over every prepared query, medians of 5 rounds)
"""
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LIMBER_ENV", "test")

from app import create_app  # noqa: E402
from app.cli import runner  # noqa: E402
from app.db import Prepared, db  # noqa: E402
from app.models import (  # noqa: E402
    Account, MobilityResult, Plan, PlanVersion, Profile, RoutineRecord, SignIn, WorkoutLog, utcnow,
)

CALLS = int(os.environ.get("BENCH_CALLS", "2000"))
ROUNDS = 5


def fill():
    """One person with 30 routines, an active plan, 60 workouts and 12 self-test results: a few months of use."""
    account = Account.create(email="bench@example.com")
    Profile.create(account=account)
    token = SignIn.create(account=account, expires_at=utcnow() + dt.timedelta(days=30)).token
    routines = [RoutineRecord.create(account=account, kind="warmup", activity="running", minutes=8, seed=i,
                                     title="Running warm-up", request={}, data={"steps": []}) for i in range(30)]
    plan = Plan.create(account=account, name="Week", active=True, version=1)
    PlanVersion.create(plan=plan, number=1, snapshot={"name": "Week", "days": {}}, author="user", description="x")
    now = utcnow()
    for i in range(60):
        finished = now - dt.timedelta(days=i)
        WorkoutLog.create(account=account, routine=routines[i % 30], client_id=f"{i:036d}", kind="warmup",
                          activity="running", title="Running warm-up", started_at=finished, finished_at=finished,
                          local_date=finished.date(), planned_seconds=480, seconds_done=480, steps_done=9,
                          steps_total=9)
    for weeks_ago, (test, side, value) in enumerate([("knee_to_wall", "left", 8.5), ("knee_to_wall", "right", 11),
                                                      ("sit_and_reach", "both", -4), ("thomas", "left", 0)] * 3):
        MobilityResult.create(account=account, test=test, side=side, value=value,
                              tested_on=now.date() - dt.timedelta(weeks=weeks_ago))
    return {"signed_in": (token, now), "active_plan": (account.id,), "active_plan_with_version": (account.id,),
            "owned_routine": (account.id, routines[3].id), "latest_routines": (account.id, 5),
            "workout_days": (account.id,), "recent_workouts": (account.id, 50),
            "charted_workouts": (account.id, now.date() - dt.timedelta(weeks=12)), "workout_totals": (account.id,),
            "selftest_results": (account.id,), "last_selftest": (account.id,)}


def per_call_us(fn, args):
    for _ in range(200):
        fn(*args)
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS):
            fn(*args)
        rounds.append((time.perf_counter() - started) / CALLS * 1e6)
    return statistics.median(rounds)


def main():
    folder = tempfile.mkdtemp(prefix="limber-bench-queries-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "INSTANCE_DIR": folder})
    with app.app_context():
        db.connect(reuse_if_open=True)
        runner().up()
        args = fill()
        missing = set(Prepared.instances) - set(args)
        if missing:
            raise SystemExit(f"bench/queries.py has no arguments for {sorted(missing)}")
        total_prepared = total_plain = 0.0
        for name, query in sorted(Prepared.instances.items()):
            prepared, plain = per_call_us(query, args[name]), per_call_us(query.plain, args[name])
            total_prepared, total_plain = total_prepared + prepared, total_plain + plain
            print(f"{name:26s} prepared {prepared:7.1f} us   plain peewee {plain:7.1f} us   x{plain / prepared:.1f}")
    speedup = total_plain / total_prepared
    print(f"queries prepared_us={total_prepared:.0f} plain_us={total_plain:.0f} speedup={speedup:.1f}")


if __name__ == "__main__":
    main()
