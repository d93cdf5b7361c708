"""Plans as plain data (app.plans.week): checking snapshots, applying changes, the diff, the starter plan."""
import datetime as dt

import pytest

from app.plans import week

MONDAY = dt.date(2026, 11, 23)


def plan(**days):
    return week.clean({"name": "Week", "start_date": MONDAY.isoformat(), "days": days})


def entry(kind="warmup", activity="running", minutes=8, focus=()):
    return {"kind": kind, "activity": activity, "minutes": minutes, "focus": list(focus)}


def test_snapshots_are_checked_and_normalised():
    clean = plan(mon=[entry(focus=["hips", "calves", "hips"])])
    assert clean["days"]["mon"][0]["focus"] == ["calves", "hips"]
    # every day of the week, in order, the ones left out as empty lists (spelt out, not week.DAYS again)
    assert list(clean["days"]) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert [clean["days"][day] for day in ("tue", "wed", "thu", "fri", "sat", "sun")] == [[]] * 6
    for bad, field in ((dict(name=""), "name"), (dict(start_date="soon"), "start_date"),
                       (dict(days={"funday": []}), "days"), (dict(days={"mon": [entry(minutes=90)]}), "mon"),
                       (dict(days={"mon": [entry(kind="nap")]}), "mon"),
                       (dict(days={"mon": [entry()] * 5}), "mon"),
                       (dict(days={"tue": [{"routine_id": "1", "title": "x"}]}), "tue")):
        raw = {"name": "Week", "start_date": "2026-11-23", "days": {}, **bad}
        with pytest.raises(week.PlanError) as caught:
            week.clean(raw)
        assert field in caught.value.errors


def test_changes_apply_in_order_and_bad_ones_are_refused():
    base = plan(mon=[entry()])
    new = week.apply(base, [{"op": "add", "day": "wed", "entry": entry("mobility", "general", 10)},
                             {"op": "replace", "day": "mon", "index": 0, "entry": entry(minutes=12)},
                             {"op": "rename", "name": "Race week"}])
    assert new["name"] == "Race week" and new["days"]["mon"][0]["minutes"] == 12 and len(new["days"]["wed"]) == 1
    assert base["days"]["mon"][0]["minutes"] == 8  # the old snapshot is untouched
    for ops in ([], [{"op": "remove", "day": "tue", "index": 0}], [{"op": "explode"}], "all",
                [{"op": "add", "day": "mon", "entry": {"routine_id": True}}]):
        with pytest.raises(week.PlanError):
            week.apply(base, ops)


def test_the_diff_names_what_was_added_removed_and_changed():
    old = plan(mon=[entry(), entry("cooldown", minutes=6)], tue=[entry("mobility", "general", 10)])
    new = week.apply(old, [{"op": "remove", "day": "mon", "index": 0},
                            {"op": "replace", "day": "tue", "index": 0, "entry": entry("mobility", "general", 15)},
                            {"op": "add", "day": "sat", "entry": entry("flexibility", "general", 15, ["hips"])}])
    lines = week.diff(old, new)
    assert [(line["change"], line["day"]) for line in lines] == [("removed", "mon"), ("changed", "tue"),
                                                                 ("added", "sat")]
    assert lines[1]["text"] == "Mobility · 10\u00a0min → Mobility · 15\u00a0min"
    assert "focus on hips" in lines[2]["text"]
    assert week.diff(old, old) == []


def test_the_starter_plan_follows_activities_and_minutes():
    plan = week.starter(["running", "desk"], "running", 12, MONDAY)
    assert plan["name"] == "My running week" and plan["start_date"] == "2026-11-23"
    assert plan["days"]["mon"][0] == entry("warmup", "running", 12)
    assert any(e["activity"] == "desk" for e in plan["days"]["tue"])
    assert plan["days"]["sun"] == []
    assert week.entries_on(plan, MONDAY - dt.timedelta(days=1)) == []  # before it starts
    assert week.entries_on(plan, MONDAY + dt.timedelta(days=7)) == plan["days"]["mon"]
