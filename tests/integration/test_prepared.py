"""Every prepared query (app.db.Prepared) returns exactly what the same query run the ordinary
peewee way returns: the same rows, models, values and joined models. Prepared leans on a private
peewee method, so this is where a peewee upgrade that changes it shows up, by the query's name."""
import datetime as dt

import pytest

from app.db import Prepared
from app.models import Account, SignIn, utcnow
from tests.conftest import log_body, quick, starter, sync_one

NOW = utcnow()
NAMES = ("signed_in", "active_plan", "active_plan_with_version", "owned_routine", "latest_routines", "workout_days",
         "recent_workouts", "charted_workouts", "workout_totals", "selftest_results", "last_selftest")
RAW = ("charted_workouts", "workout_totals")  # the Progress page reads these raw (history.charted)


def shape(rows):
    """Rows as comparable data: each model's class and values, and those of the models joined to it."""
    out = []
    for row in rows:
        joined = {name: (type(value).__name__, value.__data__) for name, value in vars(row).items()
                  if hasattr(value, "__data__") and name != "__data__"}
        out.append((type(row).__name__, row.__data__, joined))
    return out


@pytest.fixture()
def everything(app, person, client):
    """A person with routines, an active plan with two versions, and workouts on two days."""
    routine_id = quick(person)
    quick(person, kind="cooldown")
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": "sun", "kind": "mobility",
                                                   "activity": "general", "minutes": "10"})
    for days_ago in (0, 1):
        finished = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(days=days_ago)
        log = log_body(routine_id, started_at=(finished - dt.timedelta(minutes=8)).isoformat(),
                       finished_at=finished.isoformat(), local_date=finished.date().isoformat())
        assert sync_one(client, log, person.token("/"))[0] == 201
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    client.post("/progress/tests/knee_to_wall", data={"csrf_token": token, "tested_on": today, "left": "8",
                                                       "right": "11"})
    with app.app_context():
        account = Account.get()  # the only one
        sign_in = SignIn.select().where(SignIn.account == account.id).get()
        return {"account_id": account.id, "token": sign_in.token, "routine_id": routine_id}


def calls(found):
    """The arguments each prepared query is pinned with: hits, misses and the edges of each parameter."""
    aid, rid = found["account_id"], found["routine_id"]
    return {
        "signed_in": [(found["token"], NOW), ("no-such-token", NOW), (found["token"], NOW + dt.timedelta(days=400))],
        "active_plan": [(aid,), (aid + 1000,)],
        "active_plan_with_version": [(aid,), (aid + 1000,)],
        "owned_routine": [(aid, rid), (aid + 1000, rid), (aid, rid + 1000)],
        "latest_routines": [(aid, 5), (aid, 1), (aid, 0)],
        "workout_days": [(aid,), (aid + 1000,)],
        "recent_workouts": [(aid, 50), (aid, 1)],
        "charted_workouts": [(aid, dt.date(2000, 1, 1)), (aid, dt.date.today()), (aid + 1000, dt.date(2000, 1, 1))],
        "workout_totals": [(aid,), (aid + 1000,)],
        "selftest_results": [(aid,), (aid + 1000,)],
        "last_selftest": [(aid,), (aid + 1000,)],
    }


def test_every_prepared_query_is_pinned(app, everything):
    assert set(calls(everything)) == set(NAMES) == set(Prepared.instances), "a new Prepared needs a pin here"


@pytest.mark.parametrize("name", NAMES)
def test_a_prepared_query_returns_what_peewee_returns(app, everything, name):
    query = Prepared.instances[name]
    with app.app_context():
        found_any = False
        for args in calls(everything)[name]:
            for _ in range(2):  # compiled on the first call, reused on the second
                prepared, plain = query(*args), query.plain(*args)
                assert shape(prepared) == shape(plain), (name, args)
                found_any = found_any or bool(plain)
        assert found_any, f"{name}: no call found a row, so nothing was compared"


@pytest.mark.parametrize("name", RAW)
def test_a_raw_prepared_query_gives_the_rows_peewee_would_convert(app, everything, name):
    """``raw`` leaves conversion to the caller: the same rows, each value what peewee would make of it."""
    query = Prepared.instances[name]
    with app.app_context():
        for args in calls(everything)[name]:
            raw, plain = query.raw(*args), list(query.build(*args).tuples())
            assert len(raw) == len(plain), (name, args)
            for got, want in zip(raw, plain):
                fields = query.build(*args)._returning
                converted = tuple(field.python_value(value) if hasattr(field, "python_value") else value
                                  for field, value in zip(fields, got))
                assert converted == want, (name, args)
