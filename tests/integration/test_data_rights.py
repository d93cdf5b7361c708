"""A person's data rights: the export holds everything stored about them (less two documented
secrets), deleting the account leaves nothing readable in the database files, and an unknown
e-mail is checked against a hash of the configured method."""
import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from peewee import (
    BigIntegerField, BooleanField, CharField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField,
    TextField,
)

from app.auth import accounts
from app.db import SQLITE_PRAGMAS, JSONField, db
from app.models import (
    USER_MODELS, Account, AiJob, ChatMessage, OidcIdentity, Plan, Profile, PushSubscription, RoutineRecord, SignIn,
)
from tests.conftest import Auth, log_body, starter

WHEN = dt.datetime(2026, 3, 4, 5, 6, 7)


# ---- which tables hold a person's rows, worked out from the models (not from accounts.py) ----

def account_keys(model):
    if model is Account:
        return [Account._meta.primary_key]
    return [f for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField) and f.rel_model is Account]


def owned_models():
    models = [*USER_MODELS, *Account._meta.backrefs.values()]
    return list(dict.fromkeys(models))


def nested_models(owned):
    """(foreign key, child) for tables hanging under a person's table without an account key (plan versions)."""
    return [(field, child) for model in owned for field, child in model._meta.backrefs.items()
            if child not in owned and child is not model]


def mine(model, account_id):
    condition = None
    for key in account_keys(model):
        condition = (key == account_id) if condition is None else (condition | (key == account_id))
    return model.select().where(condition)


def expected(value):
    if isinstance(value, dt.datetime):
        return value.isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fill(model, account_id):
    """A row with a value in every column, for a table this test doesn't build through the app."""
    values = {}
    for field in model._meta.sorted_fields:
        if field.primary_key and field.field_type == "AUTO":
            continue
        if isinstance(field, ForeignKeyField):
            if field.rel_model is Account:
                values[field.name] = account_id
            elif field.null:
                values[field.name] = None
            else:
                values[field.name] = mine(field.rel_model, account_id).first()
        elif isinstance(field, JSONField):
            values[field.name] = {"filled": field.name}
        elif isinstance(field, BooleanField):
            values[field.name] = True
        elif isinstance(field, (IntegerField, BigIntegerField)):
            values[field.name] = 7
        elif isinstance(field, FloatField):
            values[field.name] = 1.5
        elif isinstance(field, DateTimeField):
            values[field.name] = WHEN
        elif isinstance(field, DateField):
            values[field.name] = WHEN.date()
        elif isinstance(field, (CharField, TextField)):
            values[field.name] = f"filled-{field.name}-{uuid.uuid4().hex[:8]}"[:getattr(field, "max_length", None) or 64]
        else:
            pytest.fail(f"{model.__name__}.{field.name}: add a real {model.__name__} row to this test")
    model.insert(values).execute()


def export_json(client):
    response = client.get("/settings/export.json")
    assert response.status_code == 200
    return response, json.loads(response.get_data(as_text=True))


def section_rows(data, model):
    section = data[accounts.section_name(model)]
    return section if isinstance(section, list) else [section]


# ---- a person with something in every table ----

def build_everything(app, auth, client, email="ana@example.com", marker="a private note"):
    auth.signup(email=email)
    auth.onboard(conditions=("knee",))
    assert auth.post("/profile/health", {"conditions": ["pregnancy", "lower_back"], "consent": "y",
                                         "pregnancy_weeks": "24", "back_worse": "flexion"}).status_code == 303
    account_id = Account.get(Account.email == email).id
    Profile.update(ai_enabled=True, coach_personality="direct").where(Profile.account == account_id).execute()

    routine = client.post("/routines/quick", data={"kind": "warmup", "activity": "running", "minutes": "8",
                                                   "csrf_token": auth.token("/")})
    assert routine.status_code in (200, 302, 303)
    routine_id = mine(RoutineRecord, account_id).first().id

    token = client.get("/sessions/sync").json["csrf_token"]
    synced = client.post("/sessions/sync", json={"logs": [log_body(routine_id, note=f"{marker} in a session")]},
                         headers={"X-CSRFToken": token})
    assert synced.status_code in (200, 201, 207) and synced.json["stored"] == 1

    plan_id = starter(auth)
    assert client.post(f"/plans/{plan_id}/entries",
                       data={"csrf_token": auth.token(f"/plans/{plan_id}"), "base": "1", "day": "sun",
                             "kind": "mobility", "activity": "general", "minutes": "10"}).status_code == 303
    Plan.update(name=f"{marker} plan"[:60]).where(Plan.id == plan_id).execute()

    AiJob.create(account=account_id, status="done", progress="Done", params={"kind": "warmup", "minutes": 8},
                 request_key="k" * 64, routine=routine_id, reason="built", called_ai=True, attempts=1,
                 started_at=WHEN)
    ChatMessage.create(account=account_id, role="user", content=f"{marker} to the coach")
    ChatMessage.create(account=account_id, role="assistant", content="Try this", state="done",
                       proposal={"plan_id": plan_id, "base": 2, "operations": [{"op": "add", "day": "tue"}],
                                 "description": "Add Tuesday", "diff": []}, proposal_status="pending")
    OidcIdentity.create(account=account_id, issuer="https://id.example", subject="subject-123", email=email)

    other = Auth(app.test_client())  # a second signed-in browser
    assert other.login(email=email).status_code == 303

    owned = owned_models()
    for model in owned:
        if not mine(model, account_id).exists():
            fill(model, account_id)
    return account_id


def test_export_has_every_column_of_every_row_of_every_table_but_three_secrets(app, auth, client):
    account_id = build_everything(app, auth, client)
    response, data = export_json(client)
    owned = owned_models()

    # The only things left out, on purpose: a password hash, sign-in tokens, and what lets a server push
    # to the person's phone (the push subscription's endpoint and keys).
    assert accounts.EXPORT_EXCLUDED == {Account: {"password_hash"}, SignIn: {"token"},
                                        PushSubscription: {"endpoint", "p256dh", "auth"}}
    text = response.get_data(as_text=True)
    for row in mine(SignIn, account_id):
        assert row.token not in text
    assert Account.get_by_id(account_id).password_hash not in text
    assert data["account"]["password_set"] is True and data["account"]["live_sign_ins"] == 2
    assert {"created_at", "expires_at"} <= set(section_rows(data, SignIn)[0])
    assert data["about"]["left_out"]

    checked = set()
    for model in owned:
        rows = list(mine(model, account_id).dicts())
        assert rows, f"the test person has no {model.__name__} row"
        exported = {row["id"]: row for row in section_rows(data, model)}
        assert set(exported) == {row["id"] for row in rows}, model.__name__
        hidden = accounts.EXPORT_EXCLUDED.get(model, set())
        for row in rows:
            for field in model._meta.sorted_fields:
                if field.name in hidden:
                    assert field.column_name not in exported[row["id"]]
                    continue
                assert field.column_name in exported[row["id"]], f"{model.__name__}.{field.name} is not exported"
                assert exported[row["id"]][field.column_name] == expected(row[field.name]), \
                    f"{model.__name__}.{field.name}"
                checked.add((model, field.name))

    nested = nested_models(owned)
    assert nested, "plan versions should hang under their plan"
    for field, child in nested:
        parents = section_rows(data, field.rel_model)
        rows = list(child.select().where(field.in_([p["id"] for p in parents])).dicts())
        assert rows, f"the test person has no {child.__name__} row"
        exported = {item["id"]: item for parent in parents for item in parent[field.backref]}
        assert set(exported) == {row["id"] for row in rows}, child.__name__
        for row in rows:
            for column in child._meta.sorted_fields:
                assert exported[row["id"]][column.column_name] == expected(row[column.name]), \
                    f"{child.__name__}.{column.name}"
    plan = section_rows(data, Plan)[0]
    assert [v["number"] for v in plan["versions"]] == [1, 2]

    # The columns the security review found missing, by name, so a regression reads plainly.
    for model, name in [(Profile, "health_consent_at"), (Profile, "ai_enabled"), (Profile, "coach_personality"),
                        (Profile, "onboarded"), (Profile, "screening_done"), (Profile, "updated_at"),
                        (AiJob, "params"), (ChatMessage, "state")]:
        assert (model, name) in checked
    session = data["sessions"][0]
    assert session["exercise_ids"] == ["march-in-place"] and session["local_date"] == "2026-11-22"
    assert session["activity"] == "running" and session["planned_seconds"] == 480 and session["created_at"]
    assert data["routines"][0]["seed"] is not None and data["routines"][0]["built_by"]
    assert data["routines"][0]["steps"]  # the earlier export's shape stays
    assert data["profile"]["health_consent_at"].endswith("Z")
    assert data["account"]["sign_in_with"] == [{"issuer": "https://id.example", "subject": "subject-123"}]
    assert any(m["proposal"] and m["proposal_status"] == "pending" for m in data["coach"])


def test_export_is_not_cached(person, client):
    response = client.get("/settings/export.json")
    assert "no-store" in response.headers.get("Cache-Control", "")


def database_files(app):
    path = Path(urlparse(app.config["DATABASE_URL"]).path[1:])
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def files_holding(paths, marker):
    """Which of these files contain ``marker``, read by another process.

    Opening and closing a SQLite file outside SQLite in this process would drop every lock SQLite
    holds on it here (POSIX record locks belong to the process), and the next process to open the
    database would then rebuild its shared memory under our connections' feet.
    """
    code = ("import sys\nm = sys.argv[1].encode()\n"
            "print('\\n'.join(p for p in sys.argv[2:] if m in open(p, 'rb').read()))")
    out = subprocess.run([sys.executable, "-c", code, marker, *map(str, paths)], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return [Path(line).name for line in out.splitlines() if line]


def test_deleting_an_account_leaves_nothing_readable_in_the_database_files(app, auth, client):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("reads the SQLite database files; PostgreSQL deletes in one transaction and autovacuum "
                    "reclaims the dead rows")
    marker = f"marker-{uuid.uuid4().hex}"
    account_id = build_everything(app, auth, client, email=f"{marker}@example.com", marker=marker)
    # Someone else whose rows share pages with the deleted ones: what was deleted must not stay
    # readable in a page still in use (secure_delete), nor in an old page in the WAL (checkpoint).
    neighbour = Auth(app.test_client())
    neighbour.signup(email="neighbour@example.com")
    neighbour_id = Account.get(Account.email == "neighbour@example.com").id
    ChatMessage.create(account=neighbour_id, role="user", content="the neighbour stays")
    Plan.create(account=neighbour_id, name="Neighbour's week")
    owned = owned_models()
    nested = {child: list(child.select(child._meta.primary_key).where(
                  field.in_(field.rel_model.select(field.rel_field).where(
                      account_keys(field.rel_model)[0] == account_id))).tuples())
              for field, child in nested_models(owned)}
    assert all(nested.values())
    with db.connection_context():
        # Asked for on every connection, not left to how SQLite was built (Debian's is on by default,
        # many others are off).
        assert SQLITE_PRAGMAS.get("secure_delete") == 1
        assert db.execute_sql("PRAGMA secure_delete").fetchone()[0] == 1
        busy, _, _ = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
    assert files_holding(database_files(app)[:1], marker)  # it did reach the file

    response = auth.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"})
    assert response.status_code == 303

    still = files_holding(database_files(app), marker)
    assert not still, f"the deleted person's data is still in {still}"
    for model in owned:
        assert not mine(model, account_id).exists(), model.__name__
    assert ChatMessage.get(ChatMessage.account == neighbour_id).content == "the neighbour stays"
    for child, ids in nested.items():
        assert not child.select().where(child._meta.primary_key.in_([i for (i,) in ids])).exists(), child.__name__


def test_a_failed_checkpoint_does_not_fail_the_deletion(person, client, monkeypatch):
    def busy():
        raise RuntimeError("checkpoint trouble")

    monkeypatch.setattr(accounts, "truncate_wal", busy)
    assert person.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"}).status_code == 303
    assert Account.select().count() == 0


def test_an_unknown_email_is_checked_against_a_hash_of_the_configured_method(app, auth, monkeypatch):
    seen = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda hashed, password: seen.append(hashed)
                        or real(hashed, password))
    with app.app_context():
        assert accounts.authenticate("nobody@example.com", "not a password") is None
        method = app.config["PASSWORD_HASH_METHOD"]
        assert method == "scrypt:1024:8:1"
        assert seen[-1].startswith(method + "$")
        monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
        assert accounts.authenticate("nobody@example.com", "not a password") is None
        assert seen[-1].startswith("pbkdf2:sha256:1000$")
        assert accounts.dummy_hash() is accounts.dummy_hash()  # made once per method


def test_a_reader_keeping_the_wal_busy_is_logged_and_the_deletion_stands(app, person, caplog):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the WAL checkpoint is SQLite's; PostgreSQL has nothing to checkpoint")
    import logging
    import sqlite3

    reader = sqlite3.connect(database_files(app)[0], isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM account").fetchone()  # a read transaction on the WAL, left open
        with caplog.at_level(logging.WARNING, logger="app.auth.accounts"):
            assert person.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"}).status_code == 303
    finally:
        reader.close()
    assert Account.select().count() == 0
    assert "checkpoint" in caplog.text and "@" not in caplog.text
    with db.connection_context():
        assert accounts.truncate_wal() is True  # once the reader is gone
