"""The newest migration, down and up again on the suite's own database (SQLite, or PostgreSQL in
CI), with a person's rows in it: renaming a table must never lose what someone recorded."""
import datetime as dt

from app.cli import runner
from app.db import db
from app.models import SignIn, WorkoutLog
from tests.conftest import log_body, quick, sync_one

REMINDERS = "0010_progress_and_reminders"
NEWEST = "0011_pending_signups"


def test_the_names_migration_keeps_every_workout_and_sign_in_both_ways(app, person, client):
    routine_id = quick(person)
    finished = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    log = log_body(routine_id, started_at=(finished - dt.timedelta(minutes=8)).isoformat(),
                   finished_at=finished.isoformat(), local_date=finished.date().isoformat(), note="keep me")
    assert sync_one(client, log, person.token("/"))[0] == 201
    with app.app_context(), db.connection_context():
        signed_in = SignIn.select().count()
        assert runner().down("0009_names") == [NEWEST, REMINDERS, "0009_names"]
        old = db.execute_sql("SELECT note FROM session_log").fetchall()
        assert old == [("keep me",)]
        assert db.execute_sql("SELECT COUNT(*) FROM login_session").fetchone()[0] == signed_in
        assert runner().up() == ["0009_names", REMINDERS, NEWEST]
        assert [row.note for row in WorkoutLog.select()] == ["keep me"]
        assert SignIn.select().count() == signed_in
    assert client.get("/history").status_code == 200  # still signed in, on the renamed table


def test_the_reminders_migration_keeps_every_workout_both_ways(app, person, client):
    routine_id = quick(person)
    finished = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    log = log_body(routine_id, started_at=(finished - dt.timedelta(minutes=8)).isoformat(),
                   finished_at=finished.isoformat(), local_date=finished.date().isoformat(), note="still here")
    assert sync_one(client, log, person.token("/"))[0] == 201
    with app.app_context(), db.connection_context():
        assert runner().down(REMINDERS) == [NEWEST, REMINDERS]
        assert db.execute_sql("SELECT note FROM workout_log").fetchall() == [("still here",)]
        assert runner().up() == [REMINDERS, NEWEST]
        assert [(row.note, row.skipped_ids) for row in WorkoutLog.select()] == [("still here", [])]
    assert client.get("/progress").status_code == 200
