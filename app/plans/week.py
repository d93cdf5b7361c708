"""Weekly plans as plain data: checking a snapshot, changing it, comparing two, a starter plan.

Pure: no Flask, no database. A snapshot is
    {"name": str, "start_date": "YYYY-MM-DD", "days": {"mon": [entry, ...], ..., "sun": [...]}}
and an entry is either a routine to build {"kind", "activity", "minutes", "focus": [...]}
or a pinned routine {"routine_id": int, "title": str}.
"""
import datetime as dt
import difflib
import json

from .. import vocabulary as v
from ..routines.data import MINUTES
from ..validation import FieldErrors

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}
MAX_PER_DAY = 4
NAME_MAX = 60


class PlanError(FieldErrors):
    """A snapshot or change that doesn't hold together."""


def clean_entry(raw):
    if not isinstance(raw, dict):
        raise PlanError({"entry": "must be an object"})
    if "routine_id" in raw:
        rid, title = raw.get("routine_id"), raw.get("title")
        if isinstance(rid, bool) or not isinstance(rid, int) or not 1 <= rid < 2**31:
            raise PlanError({"routine_id": "must be a routine id"})
        if not isinstance(title, str) or not 1 <= len(title) <= 120:
            raise PlanError({"title": "must be text of 1 to 120 characters"})
        return {"routine_id": rid, "title": title}
    errors = {}
    if raw.get("kind") not in v.KINDS:
        errors["kind"] = f"must be one of {', '.join(v.KINDS)}"
    if raw.get("activity") not in v.ACTIVITIES:
        errors["activity"] = "must be an activity from the list"
    minutes = raw.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not MINUTES[0] <= minutes <= MINUTES[1]:
        errors["minutes"] = f"must be {MINUTES[0]} to {MINUTES[1]} minutes"
    focus = raw.get("focus") or []
    if not isinstance(focus, list) or not all(f in v.REGIONS for f in focus):
        errors["focus"] = "must be body areas from the list"
    if errors:
        raise PlanError(errors)
    return {"kind": raw["kind"], "activity": raw["activity"], "minutes": minutes, "focus": sorted(set(focus))}


def clean(raw):
    """A valid snapshot, normalised, or PlanError naming what is wrong."""
    if not isinstance(raw, dict):
        raise PlanError({"plan": "must be an object"})
    errors = {}
    name = raw.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= NAME_MAX:
        errors["name"] = f"must be 1 to {NAME_MAX} characters"
    try:
        start = dt.date.fromisoformat(str(raw.get("start_date"))).isoformat()
    except ValueError:
        errors["start_date"] = "must be a date like 2026-11-23"
        start = None
    days = raw.get("days")
    cleaned = {}
    if not isinstance(days, dict) or set(days) - set(DAYS):
        errors["days"] = "must map mon…sun to lists of entries"
    else:
        for day in DAYS:
            entries = days.get(day) or []
            if not isinstance(entries, list) or len(entries) > MAX_PER_DAY:
                errors[day] = f"at most {MAX_PER_DAY} entries a day"
                continue
            try:
                cleaned[day] = [clean_entry(entry) for entry in entries]
            except PlanError as exc:
                errors[day] = "; ".join(f"{k} {m}" for k, m in exc.errors.items())
    if errors:
        raise PlanError(errors)
    return {"name": name.strip(), "start_date": start, "days": cleaned}


def describe(entry):
    """An entry in words, as a person reads it in the plan, a diff or a proposal."""
    if "routine_id" in entry:
        return f"“{entry['title']}” (saved routine)"
    return v.routine_words(entry["kind"], entry["activity"], entry["minutes"], entry.get("focus") or ())


# -- changes -------------------------------------------------------------------------------------

def apply(snapshot, operations):
    """A new snapshot with the operations applied (the plan editor and the coach's proposals).

    Operations: {"op": "add", "day", "entry"}, {"op": "remove", "day", "index"},
    {"op": "replace", "day", "index", "entry"}, {"op": "rename", "name"}, {"op": "start", "start_date"}.
    """
    if not isinstance(operations, list) or not 1 <= len(operations) <= 20:
        raise PlanError({"operations": "send 1 to 20 changes"})
    new = json.loads(json.dumps(snapshot))
    for number, op in enumerate(operations, 1):
        if not isinstance(op, dict):
            raise PlanError({f"change {number}": "must be an object"})
        kind = op.get("op")
        if kind == "rename":
            new["name"] = op.get("name")
        elif kind == "start":
            new["start_date"] = op.get("start_date")
        elif kind in ("add", "remove", "replace"):
            day = op.get("day")
            if day not in DAYS:
                raise PlanError({f"change {number}": "day must be one of mon … sun"})
            entries = new["days"].setdefault(day, [])
            index = op.get("index")
            if kind != "add" and (isinstance(index, bool) or not isinstance(index, int)
                                  or not 0 <= index < len(entries)):
                raise PlanError({f"change {number}": f"there is no entry {index!r} on {DAY_NAMES[day]}"})
            if kind == "add":
                entries.append(op.get("entry"))
            elif kind == "remove":
                entries.pop(index)
            else:
                entries[index] = op.get("entry")
        else:
            raise PlanError({f"change {number}": "op must be add, remove, replace, rename or start"})
    return clean(new)


def diff(old, new):
    """What changed from ``old`` to ``new``, as a list of {"change", "day", "text"} lines."""
    lines = []
    if old["name"] != new["name"]:
        lines.append({"change": "changed", "day": None, "text": f"Renamed “{old['name']}” → “{new['name']}”"})
    if old["start_date"] != new["start_date"]:
        lines.append({"change": "changed", "day": None,
                      "text": f"Starts {date_words(new['start_date'])} instead of {date_words(old['start_date'])}"})
    for day in DAYS:
        before, after = old["days"].get(day, []), new["days"].get(day, [])
        keys = lambda entries: [json.dumps(e, sort_keys=True) for e in entries]  # noqa: E731
        matcher = difflib.SequenceMatcher(a=keys(before), b=keys(after), autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = before[i1:i2], after[j1:j2]
            for k in range(max(len(olds), len(news))):
                was = olds[k] if k < len(olds) else None
                now = news[k] if k < len(news) else None
                if was and now:
                    lines.append({"change": "changed", "day": day,
                                  "text": f"{describe(was)} → {describe(now)}"})
                elif now:
                    lines.append({"change": "added", "day": day, "text": describe(now)})
                else:
                    lines.append({"change": "removed", "day": day, "text": describe(was)})
    return lines


def date_words(iso):
    """A plan's date as people read it everywhere in Limber: "Mon 23 Nov 2026" (no zero before the day)."""
    day = dt.date.fromisoformat(iso)
    return f"{day:%a} {day.day} {day:%b %Y}"


def entries_on(snapshot, date):
    """The entries for a calendar date (none before the plan starts)."""
    if date < dt.date.fromisoformat(snapshot["start_date"]):
        return []
    return snapshot["days"].get(DAYS[date.weekday()], [])


def starter(activities, usual_activity, usual_minutes, today):
    """A first week from the person's activities and minutes, by fixed rules (no AI)."""
    main = usual_activity if usual_activity in v.ACTIVITIES else "general"
    minutes = max(MINUTES[0], min(MINUTES[1], int(usual_minutes or 8)))
    training = {"kind": "warmup", "activity": main, "minutes": minutes, "focus": []}
    after = {"kind": "cooldown", "activity": main, "minutes": min(8, max(MINUTES[0], minutes - 2)), "focus": []}
    mobility = {"kind": "mobility", "activity": "general", "minutes": 10, "focus": []}
    stretch = {"kind": "flexibility", "activity": "general", "minutes": 15, "focus": []}
    desk = {"kind": "mobility", "activity": "desk", "minutes": 5, "focus": []}
    days = {"mon": [training, after], "tue": [mobility], "wed": [training, after], "thu": [mobility],
            "fri": [training, after], "sat": [stretch], "sun": []}
    if "desk" in (activities or ()) or main == "desk":
        for day in DAYS[:5]:  # the working week
            days[day] = [*days[day], desk]
    name = "My week" if main in ("general", "desk") else f"My {v.label(main)} week"
    return clean({"name": name, "start_date": today.isoformat(), "days": days})
