"""Checking and storing a workout log sent by the player or the offline outbox. Idempotent per client UUID."""
import datetime as dt
import uuid

from peewee import IntegrityError

from .. import vocabulary as v
from ..db import db
from ..models import RoutineRecord, WorkoutLog, utcnow
from ..routines.data import RATINGS
from ..validation import FieldErrors

PAINS = ("none", "mild", "stopped")
NOTE_MAX = 500
BATCH_MAX = 50


class LogError(FieldErrors):
    """A workout log that can't be stored as sent."""


def _time(value):
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


def _int(data, key, errors, lo, hi):
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        errors[key] = f"must be a whole number from {lo} to {hi}"
        return None
    return value


def _text(value):
    """What a person wrote, without NUL characters (no database text column takes them), never refused for one."""
    return value.replace("\x00", "")


def clean(data, account_id, known_ids):
    """Return the fields of a valid log, or raise LogError naming every bad field."""
    if not isinstance(data, dict):
        raise LogError({"body": "send a JSON object"})
    errors, out = {}, {}
    try:
        out["client_id"] = str(uuid.UUID(str(data.get("client_id"))))
    except ValueError:
        errors["client_id"] = "must be a UUID"
    routine_id = data.get("routine_id")
    out["routine"] = None
    if routine_id is not None:
        valid_id = isinstance(routine_id, int) and not isinstance(routine_id, bool) and 1 <= routine_id < 2**31
        routine = RoutineRecord.get_or_none((RoutineRecord.id == routine_id) & (RoutineRecord.account == account_id)) \
            if valid_id else None
        if routine is None:
            errors["routine_id"] = "no such routine"
        out["routine"] = routine
    now = utcnow()
    started, finished = _time(data.get("started_at")), _time(data.get("finished_at"))
    if finished is None or finished > now + dt.timedelta(minutes=5) or finished < now - dt.timedelta(days=60):
        errors["finished_at"] = "must be an ISO time within the last 60 days"
    if started is None or (finished and not finished - dt.timedelta(hours=6) <= started <= finished):
        errors["started_at"] = "must be an ISO time up to 6 hours before finished_at"
    out["started_at"], out["finished_at"] = started, finished
    try:
        out["local_date"] = dt.date.fromisoformat(str(data.get("local_date")))
        if finished and abs((out["local_date"] - finished.date()).days) > 1:
            errors["local_date"] = "must be the day it was done, in your time zone"
    except ValueError:
        errors["local_date"] = "must be a date like 2026-11-22"
    out["steps_total"] = _int(data, "steps_total", errors, 1, 500)
    out["steps_done"] = _int(data, "steps_done", errors, 0, 500)
    out["seconds_done"] = _int(data, "seconds_done", errors, 0, 6 * 3600)
    out["planned_seconds"] = _int(data, "planned_seconds", errors, 0, 6 * 3600)
    if out["steps_done"] is not None and out["steps_total"] is not None and out["steps_done"] > out["steps_total"]:
        errors["steps_done"] = "can't be more than steps_total"
    for key in ("ended_early", "stopped_for_safety"):
        if not isinstance(data.get(key, False), bool):
            errors[key] = "must be true or false"
        out[key] = bool(data.get(key, False))
    out["rating"] = data.get("rating")
    if out["rating"] not in (None, *RATINGS):
        errors["rating"] = f"must be one of {', '.join(RATINGS)} or null"
    out["pain"] = data.get("pain", "none")
    if out["pain"] not in PAINS:
        errors["pain"] = f"must be one of {', '.join(PAINS)}"
    out["pain_area"] = data.get("pain_area") or None
    if out["pain_area"] is not None and out["pain_area"] not in v.PAIN_AREAS:
        errors["pain_area"] = "must be a body area from the list"
    note = data.get("note") or ""
    note = _text(note) if isinstance(note, str) else note
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        errors["note"] = f"must be text of at most {NOTE_MAX} characters"
    out["note"] = note.strip() if isinstance(note, str) else ""
    ids = data.get("exercise_ids", [])
    if not isinstance(ids, list) or len(ids) > 200 or not all(isinstance(x, str) and x in known_ids for x in ids):
        errors["exercise_ids"] = "must be a list of catalog exercise ids"
    out["exercise_ids"] = list(dict.fromkeys(ids)) if "exercise_ids" not in errors else []
    skipped = data.get("skipped_ids", [])  # sent by players since issue 12; older outboxes leave it out
    if not isinstance(skipped, list) or len(skipped) > 200 or not all(isinstance(x, str) and x in known_ids
                                                                       for x in skipped):
        errors["skipped_ids"] = "must be a list of catalog exercise ids"
    out["skipped_ids"] = list(dict.fromkeys(skipped)) if "skipped_ids" not in errors else []
    out["kind"] = data.get("kind")
    if out["kind"] not in v.KINDS:
        errors["kind"] = f"must be one of {', '.join(v.KINDS)}"
    out["activity"] = data.get("activity", "general")
    if out["activity"] not in v.ACTIVITIES:
        errors["activity"] = "must be an activity from the list"
    title = data.get("title") or ""
    title = _text(title) if isinstance(title, str) else title
    if not isinstance(title, str) or not 1 <= len(title) <= 120:
        errors["title"] = "must be text of 1 to 120 characters"
    out["title"] = title
    if errors:
        raise LogError(errors)
    return out


def record(account_id, fields):
    """Store a log once. Returns (log, created); a replay returns the stored log.

    Raises PermissionError if the UUID belongs to somebody else.
    """
    existing = WorkoutLog.get_or_none(WorkoutLog.client_id == fields["client_id"])
    if existing is None:
        try:
            with db.atomic():
                return WorkoutLog.create(account=account_id, **fields), True
        except IntegrityError:  # the same UUID arrived concurrently
            existing = WorkoutLog.get(WorkoutLog.client_id == fields["client_id"])
    if existing.account_id != account_id:
        raise PermissionError(fields["client_id"])
    return existing, False


def as_json(log):
    return {"id": log.id, "client_id": log.client_id, "title": log.title, "rating": log.rating,
            "finished_at": log.finished_at.isoformat() + "Z", "seconds_done": log.seconds_done}


def store_one(item, account_id, known_ids):
    """Check and store one log of a batch; returns its result entry (never raises on bad data)."""
    client_id = item.get("client_id") if isinstance(item, dict) else None
    echo = client_id if isinstance(client_id, str) and len(client_id) <= 64 else None
    try:
        fields = clean(item, account_id, known_ids)
    except LogError as exc:
        return {"client_id": echo, "status": 400, "errors": exc.errors}
    try:
        log, created = record(account_id, fields)
    except PermissionError:
        return {"client_id": echo, "status": 409, "errors": {"client_id": "already used by another account"}}
    return {"client_id": log.client_id, "status": 201 if created else 200, "log": as_json(log)}
