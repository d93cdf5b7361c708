import datetime as dt
import json

from app.catalog import store
from app.catalog.data import load_file
from app.models import Account, ExerciseRecord, SignIn, utcnow


def test_catalog_export_has_the_documented_keys(app):
    result = app.test_cli_runner().invoke(args=["catalog", "export"])
    assert result.exit_code == 0
    exercises = json.loads(result.output)
    assert len(exercises) >= 120
    keys = {"id", "name", "type", "phases", "targets", "equipment", "position", "unilateral", "level", "impact",
            "contra_tags", "default_seconds", "default_sets", "default_reps", "activities", "instructions"}
    assert keys <= set(exercises[0])
    drawn = [ex for ex in exercises if ex["figure"]]
    assert drawn and all(ex["figure"] == f"/exercises/{ex['id']}/figure.svg" for ex in drawn)
    assert all(ex["figure"] is None for ex in exercises if not ex["pose"])


def test_the_exported_figure_path_serves_the_svg(app, client, person):
    exercises = json.loads(app.test_cli_runner().invoke(args=["catalog", "export"]).output)
    path = next(ex["figure"] for ex in exercises if ex["figure"])
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_catalog_load_is_idempotent_and_updates_edits(app):
    runner = app.test_cli_runner()
    assert "0 added, 0 updated" in runner.invoke(args=["catalog", "load"]).output
    ExerciseRecord.update(name="Old name").where(ExerciseRecord.id == "glute-bridge").execute()
    assert "1 updated" in runner.invoke(args=["catalog", "load"]).output
    assert ExerciseRecord.get_by_id("glute-bridge").name == "Glute bridge"
    assert len(store.current()) == len(load_file())


def test_routine_generate_prints_json_and_refuses_unknown_values(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["routine", "generate", "--kind", "warmup", "--minutes", "8", "--activity", "running",
                                 "--condition", "knee", "--seed", "4"])
    assert result.exit_code == 0
    routine = json.loads(result.output)
    assert {"kind", "minutes", "total_seconds", "steps", "notes"} <= set(routine)
    assert set(routine["steps"][0]) == {"exercise_id", "phase", "side", "seconds", "sets", "reps", "rest_seconds", "why"}
    bad = runner.invoke(args=["routine", "generate", "--kind", "warmup", "--minutes", "8", "--condition", "flu"])
    assert bad.exit_code != 0 and "knee" in bad.output


def test_expired_logins_are_purged_by_the_task(person):
    from app.tasks import purge_expired_logins

    account = Account.get()
    SignIn.create(account=account, expires_at=utcnow() - dt.timedelta(days=1))
    assert purge_expired_logins.call_local() == 1
    assert SignIn.select().count() == 1


def test_healthz(client):
    health = client.get("/healthz").json
    assert health["status"] == "ok" and health["database"] == "ok" and health["queue"]["reachable"] is True


def test_production_refuses_to_start_without_a_secret_key():
    import pytest

    from app.config import ConfigError, load
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load(env={"LIMBER_ENV": "production"})
    assert load(env={"LIMBER_ENV": "production", "SECRET_KEY": "s" * 40})["SESSION_COOKIE_SECURE"] is True


def test_database_down_is_a_clear_503_not_a_500(app, tmp_path):
    """An unreachable database gets an honest 503 on pages and on /healthz."""
    from app.db import bind, db, open_database

    working = db.obj
    bind(open_database(f"sqlite:///{tmp_path}/missing/dir/limber.db"))
    try:
        client = app.test_client()
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["status"] == "unavailable"
        page = client.get("/login")
        assert page.status_code == 503 and "try again" in page.get_data(as_text=True)
    finally:
        bind(working)


def test_fragment_requests_after_sign_out_redirect_the_whole_page(client):
    response = client.get("/exercises?q=calf", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")
    assert response.get_data(as_text=True) == ""


def test_behind_a_proxy_the_forwarded_address_and_scheme_are_used(app):
    from app import create_app
    from app.db import bind, db

    working = db.obj
    try:
        proxied = create_app({"PROXY_COUNT": 1, "DATABASE_URL": "sqlite://"})
    finally:
        bind(working)  # create_app binds the shared database; put the suite's back

    @proxied.get("/whoami")
    def whoami():
        from flask import request, url_for
        return {"addr": request.remote_addr, "callback": url_for("auth.oidc_callback", _external=True)}

    reply = proxied.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9",
                                                          "X-Forwarded-Proto": "https", "X-Forwarded-Host": "limber.example"})
    assert reply.json == {"addr": "203.0.113.9", "callback": "https://limber.example/auth/oidc/callback"}
