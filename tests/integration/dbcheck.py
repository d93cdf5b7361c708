"""Is anything half-written in the database? A check any test can run after it has done its worst.

``problems()`` lists every broken invariant in words (empty when all is well);
``assert_nothing_half_written()`` fails with that list. The invariants are the app's own:

* SQLite: ``PRAGMA integrity_check`` is ok and ``PRAGMA foreign_key_check`` is empty (skipped on PostgreSQL,
  whose constraints are enforced as rows are written);
* every account has exactly one profile, and every profile holds what the profile forms accept;
* every plan's versions are 1 … plan.version with no gap or extra, each snapshot is one
  ``plans.week.clean`` leaves as it is, the plan's name is its newest snapshot's name, and an
  account has at most one active plan;
* every session log passes ``sessions.logs.clean`` (the endpoint's own rules; only the "within the last
  60 days" window is left out, it depends on today) and the bounds behind it are checked again by hand;
* every JSON column of every model parses (read as raw text with a plain SQL query);
* no routine has zero steps;
* no job or message is stuck mid-way once every request has finished: no media row "downloading",
  no AI job "running", no coach message "streaming", and a proposal always has a status.
"""
import datetime as dt
import json

from peewee import SqliteDatabase

LOG_FIELDS = ("client_id", "title", "kind", "activity", "planned_seconds", "seconds_done", "steps_done",
              "steps_total", "ended_early", "stopped_for_safety", "rating", "pain", "pain_area", "note")
TIME_WINDOW_ERRORS = ("finished_at",)  # "within the last 60 days" moves with the clock: not a data problem


def _rows(database, sql, params=()):
    return list(database.execute_sql(sql, params).fetchall())


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _models():
    from app import models

    seen, out = set(), []
    for model in models.BaseModel.__subclasses__():
        if model not in seen:
            seen.add(model)
            out.append(model)
    return out


def _sqlite(database, out):
    result = [row[0] for row in _rows(database, "PRAGMA integrity_check")]
    if result != ["ok"]:
        out.append(f"PRAGMA integrity_check: {result[:5]}")
    broken = _rows(database, "PRAGMA foreign_key_check")
    if broken:
        out.append(f"PRAGMA foreign_key_check: {len(broken)} rows point nowhere, e.g. {broken[:5]}")


def _json_columns(database, out):
    from app.db import JSONField

    for model in _models():
        table = model._meta.table_name
        tables = set(database.get_tables())
        if table not in tables:
            continue
        key = model._meta.primary_key.column_name
        for field in model._meta.sorted_fields:
            if not isinstance(field, JSONField):
                continue
            sql = f"SELECT {_quote(key)}, {_quote(field.column_name)} FROM {_quote(table)}"
            for row_id, raw in _rows(database, sql):
                if raw is None:
                    if not field.null:
                        out.append(f"{table}.{field.column_name} of row {row_id!r} is NULL")
                    continue
                try:
                    json.loads(raw)
                except (ValueError, TypeError, RecursionError) as exc:
                    out.append(f"{table}.{field.column_name} of row {row_id!r} is not JSON ({exc}): {raw[:80]!r}")


def _accounts_and_profiles(out):
    from peewee import JOIN, fn

    from app import vocabulary as v
    from app.models import Account, Profile
    from app.profile.forms import MINUTE_CHOICES
    from app.routines.data import REQUEST_SPACES

    counts = dict(Account.select(Account.id, fn.COUNT(Profile.id)).join(Profile, on=(Profile.account == Account.id),
                                                                         join_type=JOIN.LEFT_OUTER)
                  .group_by(Account.id).tuples())
    for account_id, count in counts.items():
        if count != 1:
            out.append(f"account {account_id} has {count} profiles, not exactly one")
    orphans = Profile.select(Profile.id).where(Profile.account.not_in(Account.select(Account.id))).count()
    if orphans:
        out.append(f"{orphans} profiles belong to no account")
    minutes = {m for m, _ in MINUTE_CHOICES}
    for p in Profile.select():
        bad = []
        if not isinstance(p.screening, dict) or set(p.screening) - {c for c, _ in v.SCREENING_QUESTIONS} \
                or not all(isinstance(x, bool) for x in p.screening.values()):
            bad.append(f"screening={p.screening!r}")
        if p.age is not None and not 13 <= p.age <= 110:
            bad.append(f"age={p.age!r}")
        if p.level not in v.LEVELS:
            bad.append(f"level={p.level!r}")
        for name, allowed in (("conditions", v.CONDITIONS), ("equipment", v.EQUIPMENT),
                              ("activities", v.ACTIVITIES), ("tight_areas", v.REGIONS)):
            value = getattr(p, name)
            if not isinstance(value, list) or not set(value) <= set(allowed):
                bad.append(f"{name}={value!r}")
        if p.usual_activity not in v.ACTIVITIES:
            bad.append(f"usual_activity={p.usual_activity!r}")
        if p.usual_minutes not in minutes:
            bad.append(f"usual_minutes={p.usual_minutes!r}")
        if p.space not in REQUEST_SPACES:
            bad.append(f"space={p.space!r}")
        if not p.health_consent and (p.conditions or p.condition_details):
            bad.append("conditions kept without consent")
        if not isinstance(p.condition_details, dict):
            bad.append(f"condition_details={p.condition_details!r}")
        if bad:
            out.append(f"profile {p.id} (account {p.account_id}) holds what its forms refuse: {', '.join(bad)}")


def _plans(out):
    from app.models import Plan, PlanVersion
    from app.plans import week

    numbers = {}
    for plan_id, number in PlanVersion.select(PlanVersion.plan, PlanVersion.number).tuples():
        numbers.setdefault(plan_id, []).append(number)
    active = {}
    for plan in Plan.select():
        got = sorted(numbers.pop(plan.id, []))
        if plan.version < 1 or got != list(range(1, plan.version + 1)):
            out.append(f"plan {plan.id} is at version {plan.version} but has versions {got[:12]}"
                       f"{' …' if len(got) > 12 else ''}")
        if plan.active:
            active.setdefault(plan.account_id, []).append(plan.id)
        newest = PlanVersion.get_or_none((PlanVersion.plan == plan.id) & (PlanVersion.number == plan.version))
        if newest is not None and isinstance(newest.snapshot, dict) and newest.snapshot.get("name") != plan.name:
            out.append(f"plan {plan.id} is named {plan.name!r} but its version {plan.version} says "
                       f"{newest.snapshot.get('name')!r}")
    for plan_id, got in numbers.items():
        out.append(f"versions {sorted(got)[:12]} belong to plan {plan_id}, which doesn't exist")
    for account_id, plans in active.items():
        if len(plans) > 1:
            out.append(f"account {account_id} has {len(plans)} active plans: {plans}")
    for version in PlanVersion.select():
        try:
            again = week.clean(version.snapshot)
        except week.PlanError as exc:
            out.append(f"plan {version.plan_id} version {version.number} is not a valid plan: {exc.errors}")
            continue
        if again != version.snapshot:
            out.append(f"plan {version.plan_id} version {version.number} was stored without being cleaned")
        if version.author not in ("user", "ai"):
            out.append(f"plan {version.plan_id} version {version.number} has author {version.author!r}")


def _session_logs(out):
    from app.catalog import store
    from app.models import WorkoutLog
    from app.workouts import logs

    known = store.by_id()
    for log in WorkoutLog.select():
        problems = []
        if not 1 <= log.steps_total <= 500 or not 0 <= log.steps_done <= log.steps_total:
            problems.append(f"steps {log.steps_done}/{log.steps_total}")
        for name in ("seconds_done", "planned_seconds"):
            if not 0 <= getattr(log, name) <= 6 * 3600:
                problems.append(f"{name}={getattr(log, name)}")
        if log.finished_at < log.started_at or log.finished_at - log.started_at > dt.timedelta(hours=6):
            problems.append(f"started {log.started_at} finished {log.finished_at}")
        body = {name: getattr(log, name) for name in LOG_FIELDS}
        body.update(routine_id=log.routine_id, started_at=log.started_at.isoformat(),
                    finished_at=log.finished_at.isoformat(), local_date=log.local_date.isoformat(),
                    exercise_ids=log.exercise_ids)
        try:
            logs.clean(body, log.account_id, known)
        except logs.LogError as exc:
            errors = {k: m for k, m in exc.errors.items() if k not in TIME_WINDOW_ERRORS}
            if errors:
                problems.append(f"the endpoint's own check says {errors}")
        if problems:
            out.append(f"session_log {log.id} ({log.client_id}) would be refused today: {'; '.join(problems)}")


def _routines(out):
    from app.models import RoutineRecord

    for routine in RoutineRecord.select(RoutineRecord.id, RoutineRecord.data):
        steps = routine.data.get("steps") if isinstance(routine.data, dict) else None
        if not isinstance(steps, list) or not steps:
            out.append(f"routine {routine.id} has no steps")


def _jobs_and_messages(out):
    from app.models import AiJob, ChatMessage, ExerciseMedia

    for row in ExerciseMedia.select().where(ExerciseMedia.status == "downloading"):
        out.append(f"exercise_media {row.id} is still 'downloading' ({row.source_url[:60]!r})")
    for row in ExerciseMedia.select().where(ExerciseMedia.status == "cached"):
        if not (row.checksum and row.size is not None and row.content_type):
            out.append(f"exercise_media {row.id} is 'cached' without its checksum, size or type")
    for row in AiJob.select().where(AiJob.status == "running"):
        out.append(f"ai_job {row.id} is still 'running'")
    for row in ChatMessage.select().where(ChatMessage.state == "streaming"):
        out.append(f"chat_message {row.id} is still 'streaming'")
    for row in ChatMessage.select().where(ChatMessage.proposal.is_null(False)):
        if row.proposal_status not in ("pending", "applied", "dismissed", "stale"):
            out.append(f"chat_message {row.id} has a proposal with status {row.proposal_status!r}")


def problems(database=None):
    """Every broken invariant, in words; [] when nothing is half-written."""
    from app.db import db

    database = database or db.obj
    out = []
    with database.connection_context():
        if isinstance(database, SqliteDatabase):
            _sqlite(database, out)
        _json_columns(database, out)
        for check in (_accounts_and_profiles, _plans, _session_logs, _routines, _jobs_and_messages):
            try:
                check(out)
            except Exception as exc:  # noqa: BLE001 - a check that can't even read the rows is a finding too
                out.append(f"{check.__name__} could not read the rows: {type(exc).__name__}: {exc}")
    return out


def assert_nothing_half_written(database=None, context=""):
    found = problems(database)
    assert not found, f"half-written data{(' ' + context) if context else ''}:\n  " + "\n  ".join(found)
