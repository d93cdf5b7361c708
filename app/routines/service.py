"""Routines for a signed-in person: their profile and history turned into an engine request."""
import datetime as dt
import random

from .. import vocabulary as v
from ..catalog import store
from ..db import Prepared
from ..models import RoutineRecord, WorkoutLog, utcnow
from ..selftests import service as selftests
from .data import REQUEST_SPACES as SPACES
from .data import Routine
from .data import RoutineRequest
from .engine import SafePool, build_routine, swap_step

RECENT_SESSIONS = 3
PAIN_MEMORY_DAYS = 14


def request_for(profile, kind, minutes, activity, seed=None, focus=(), space=None):
    """The engine request for this person: profile, condition details, last feedback, recent exercises."""
    recent = list(WorkoutLog.select(WorkoutLog.exercise_ids, WorkoutLog.kind, WorkoutLog.rating,
                                    WorkoutLog.pain, WorkoutLog.pain_area, WorkoutLog.finished_at)
                  .where(WorkoutLog.account == profile.account_id)
                  .order_by(WorkoutLog.finished_at.desc()).limit(RECENT_SESSIONS))
    recent_ids = frozenset(x for log in recent for x in log.exercise_ids)
    same_kind = next((log for log in recent if log.kind == kind and log.rating), None)
    cutoff = utcnow() - dt.timedelta(days=PAIN_MEMORY_DAYS)
    sore = frozenset(log.pain_area for log in recent
                     if log.pain in ("mild", "stopped") and log.pain_area and log.finished_at >= cutoff)
    details = (profile.condition_details or {}) if profile.health_consent else {}
    # Self-test results that are limited or one-sided: preferred like tight areas, and the steps say why.
    found = selftests.focus_for(profile.account_id, dt.datetime.now(dt.timezone.utc).date())
    return RoutineRequest(
        kind=kind, minutes=minutes, activity=activity, level=profile.level, age=profile.age,
        space=space or profile.space or "room", dizziness=profile.dizziness, medication=profile.medication,
        weeks_since_surgery=details.get("weeks_since_surgery"), surgeon_cleared=bool(details.get("surgeon_cleared")),
        pregnancy_weeks=details.get("pregnancy_weeks"), spine_fracture=details.get("spine_fracture"),
        back_worse=details.get("back_worse"),
        conditions=frozenset(profile.conditions) if profile.health_consent else frozenset(),
        equipment=frozenset(profile.equipment), screening_positive=profile.screening_positive,
        tight_areas=frozenset(profile.tight_areas) | frozenset(focus) | {f.region for f in found},
        focus_reasons=tuple((f.region, f.reason) for f in found), recent_exercise_ids=recent_ids,
        feedback=same_kind.rating if same_kind else None, avoid_regions=sore,
        seed=random.SystemRandom().randrange(1_000_000) if seed is None else seed,
    )


def remember_space(profile, space):
    """Where someone moved last time is where they'll probably move next time."""
    if space in SPACES and space != profile.space:
        profile.space = space
        profile.save(only=[type(profile).space])


def pain_areas(profile):
    """Every body area a person can say hurt, the areas of their own conditions first."""
    own = [v.CONDITION_PAIN_AREA[c] for c in (profile.conditions if profile.health_consent else [])
           if c in v.CONDITION_PAIN_AREA]
    own = list(dict.fromkeys(own))
    return own + [area for area in v.PAIN_AREAS if area not in own]


def create(profile, kind, minutes, activity, focus=(), fallback_reason=None, space=None):
    """A routine from the deterministic engine. ``fallback_reason``: why the AI didn't build it."""
    request = request_for(profile, kind, minutes, activity, focus=focus, space=space)
    data = build_routine(request, store.current()).to_dict()
    if fallback_reason:
        data["fallback_reason"] = fallback_reason
    return _store(profile, request, data, "rules")


def store_built(profile, request, result):
    """Keep a routine the AI path produced (app.ai.builder.Result: by Claude, or by the engine as its fallback)."""
    return _store(profile, request, result.data(), result.built_by)


def _store(profile, request, data, built_by):
    """The one place a built routine becomes a person's stored routine."""
    return RoutineRecord.create(account=profile.account_id, kind=request.kind, activity=request.activity,
                                minutes=request.minutes, seed=request.seed,
                                title=v.routine_words(request.kind, request.activity, request.minutes),
                                request=request.to_dict(), data=data, built_by=built_by)


def shuffle(row):
    """A new choice for the same request. What the person swapped out stays out, and the routine before
    is kept so that one Undo brings it back. Returns the exercise ids that are new."""
    swapped_out = row.data.get("swapped_out") or []
    request = RoutineRequest.from_dict({
        **row.request, "seed": random.SystemRandom().randrange(1_000_000),
        "unwanted_ids": sorted({*row.request.get("unwanted_ids", ()), *swapped_out})})
    routine = build_routine(request, store.current())
    kept = {"swapped_out": swapped_out} if swapped_out else {}  # counted on Insights
    before = {key: value for key, value in row.data.items() if key != "before_shuffle"}
    kept["before_shuffle"] = {"seed": row.seed, "request": row.request, "data": before, "built_by": row.built_by}
    row.seed, row.request, row.data = request.seed, request.to_dict(), {**routine.to_dict(), **kept}
    row.built_by = "rules"  # a shuffle is the engine's own choice, whoever built the first one
    row.save()
    old_ids = {step["exercise_id"] for step in before["steps"]}
    return sorted({step.exercise_id for step in routine.steps} - old_ids)


def undo_shuffle(row):
    """Put back the routine the last shuffle replaced; False when there is nothing to put back."""
    before = row.data.get("before_shuffle")
    if not before:
        return False
    swapped_out = row.data.get("swapped_out") or []
    row.seed, row.request, row.built_by = before["seed"], before["request"], before["built_by"]
    row.data = {**before["data"], **({"swapped_out": swapped_out} if swapped_out else {})}
    row.save()
    return True


def swap(row, index):
    """Swap one step for a safe alternative; False when there is none."""
    request = RoutineRequest.from_dict(row.request)
    swapped = swap_step(Routine.from_dict(row.data), index, request, store.current(),
                        seed=random.SystemRandom().randrange(1_000_000))
    if swapped is None:
        return False
    old_cues = dict(zip((s["exercise_id"] for s in row.data["steps"]), row.data.get("cues") or []))
    kept = {key: row.data[key] for key in ("rationale", "fallback_reason") if key in row.data}
    # What was swapped out, kept for the Insights page's "most swapped" (counted over people, never shown per person).
    out = row.data["steps"][index]["exercise_id"] if 0 <= index < len(row.data["steps"]) else None
    kept["swapped_out"] = [*row.data.get("swapped_out", []), *([out] if out else [])]
    row.data = {**swapped.to_dict(), **kept}
    if old_cues:
        row.data["cues"] = [old_cues.get(step.exercise_id, "") for step in swapped.steps]
    row.save()
    return True


_owned = Prepared("owned_routine", lambda account_id, routine_id: (
    RoutineRecord.select().where((RoutineRecord.id == routine_id) & (RoutineRecord.account == account_id))))
_latest = Prepared("latest_routines", lambda account_id, limit: (
    RoutineRecord.select(RoutineRecord.id, RoutineRecord.title, RoutineRecord.created_at)
    .where(RoutineRecord.account == account_id).order_by(RoutineRecord.id.desc()).limit(limit)))


def owned(account_id, routine_id):
    """The routine if it belongs to this person, else None (so others' ids look like 404s)."""
    rows = _owned(account_id, routine_id)
    return rows[0] if rows else None


def latest(account_id, limit=5):
    return _latest(account_id, limit)


def left_out(row):
    """The exercises this person's safety rules kept out of the routine, by name, for the routine page's
    "Left out N exercises" (each exercise's own page says who it is left out for)."""
    if not any(note.startswith("Left out ") for note in row.data.get("notes", ())):
        return []  # the page doesn't mention them: nothing to list
    ruled_out = SafePool(RoutineRequest.from_dict(row.request), store.current()).ruled_out  # the engine's own count
    return sorted(((ex.name, ex.id) for ex in ruled_out), key=lambda pair: pair[0].lower())


def view_steps(row, new_ids=()):
    """Steps with their exercise, grouped by phase for the routine page; ``new_ids`` (a shuffle's new
    exercises) are marked ``new``."""
    exercises = store.by_id()
    groups = []
    steps = row.data["steps"]
    for index, step in enumerate(steps):
        # The second side of a one-sided exercise swaps together with the first.
        swappable = step["side"] is None or index == 0 or steps[index - 1]["exercise_id"] != step["exercise_id"]
        # Activate and mobilise are one part of a warm-up (and of a mobility session): one heading.
        phase = "activate_mobilise" if step["phase"] in ("activate", "mobilise") else step["phase"]
        if not groups or groups[-1]["phase"] != phase:
            groups.append({"phase": phase, "steps": []})
        exercise = exercises.get(step["exercise_id"])
        cues = row.data.get("cues") or []
        groups[-1]["steps"].append({
            **step, "index": index, "swappable": swappable, "cue": cues[index] if index < len(cues) else "",
            "new": step["exercise_id"] in new_ids,
            "name": exercise.name if exercise else step["exercise_id"],
        })
    return groups


def player_data(row, media=None):
    """Everything the player needs, as JSON-ready data. ``media``: exercise id -> media description.

    Each step also carries what the player says and shows about it: one spoken form ``cue``, the
    ``position`` it is done in (a change of position gets a "get ready") and the body areas it
    works (``targets``, for the summary at the end)."""
    exercises = store.by_id()
    media = media or {}

    def cue(ex):
        # The common mistake turned round into what to do ("Slumping: sit tall." -> "Sit tall."), one sentence.
        mistake = (ex.mistake or "").strip()
        if ":" in mistake:
            text = mistake.split(":", 1)[1].strip()
        elif mistake:
            text = f"Avoid {mistake[0].lower()}{mistake[1:]}"
        else:
            text = ex.instructions[0] if ex.instructions else ""
        text = text.split(". ")[0].rstrip(".")
        return f"{text[:1].upper()}{text[1:]}." if text else ""

    steps = []
    for step in row.data["steps"]:
        ex = exercises.get(step["exercise_id"])
        steps.append({**step, "name": ex.name if ex else step["exercise_id"],
                      "phase_label": v.label(step["phase"]), "type": ex.type if ex else "",
                      "instructions": list(ex.instructions) if ex else [], "mistake": ex.mistake if ex else "",
                      "cue": cue(ex) if ex else "", "position": ex.position if ex else "",
                      "targets": [v.region_label(t) for t in ex.targets] if ex else [],
                      "media": media.get(step["exercise_id"])})
    return {"id": row.id, "title": row.title, "kind": row.kind, "total_seconds": row.data["total_seconds"],
            "steps": steps}
