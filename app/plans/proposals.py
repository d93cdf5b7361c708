"""Checking a proposed change to a person's plan (the coach's suggestions) before anyone sees it.

A proposal is shown only if its operations apply to the person's active plan and every routine
it adds is one the engine can build for this person without a single rule violation; a pinned
routine must be one of the person's own.
"""
import json

from ..catalog import store
from ..models import RoutineRecord
from ..routines import rules
from ..routines import service as routines
from ..routines.engine import build_routine
from . import service, week

OPERATIONS = ("add", "remove", "replace")


def check(profile, operations, description):
    """The proposal (a dict the chat stores and shows) if the operations are safe to show, else
    week.PlanError saying what is wrong."""
    plan = service.active(profile.account_id)
    if plan is None:
        raise week.PlanError({"plan": "the person has no active plan yet"})
    if not isinstance(operations, list) or any(not isinstance(op, dict) or op.get("op") not in OPERATIONS
                                               for op in operations):
        raise week.PlanError({"operations": "only add, remove and replace are allowed"})
    before = service.current(plan).snapshot
    after = week.apply(before, operations)
    for entry in _added(before, after):
        _check_entry(profile, entry)
    text = str(description or "").strip()[:160] or service.summary(before, after)
    return {"plan_id": plan.id, "plan_name": plan.name, "base": plan.version, "operations": operations,
            "description": text, "diff": week.diff(before, after)}


def _added(before, after):
    old = {json.dumps(e, sort_keys=True) for day in week.DAYS for e in before["days"].get(day, [])}
    return [e for day in week.DAYS for e in after["days"][day] if json.dumps(e, sort_keys=True) not in old]


def _check_entry(profile, entry):
    """Every routine the change would add must be safe for this person, by the same rules."""
    if "routine_id" in entry:
        mine = (RoutineRecord.id == entry["routine_id"]) & (RoutineRecord.account == profile.account_id)
        if not RoutineRecord.select().where(mine).exists():
            raise week.PlanError({"routine_id": "not one of the person's routines"})
        return
    request = routines.request_for(profile, entry["kind"], entry["minutes"], entry["activity"],
                                   seed=1, focus=entry["focus"])
    violations = rules.check_routine(build_routine(request, store.current()), request, store.by_id())
    if violations:
        raise week.PlanError({"entry": f"{week.describe(entry)} breaks {violations[0].rule}"})
