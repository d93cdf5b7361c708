"""AI routine jobs: a database row per request, run by a Huey task, swept if a worker dies.

queued -> running -> done | fallback (| failed, see give_up). The task claims the row the way every job does
(app.claims), so it is safe to run twice.
"""
import datetime as dt

from ..catalog import store
from ..claims import JobRows
from ..db import connected, db
from ..models import AiJob, Profile, RoutineRecord, utcnow
from ..routines import service as routines
from ..routines.engine import candidates_for
from ..telemetry import metrics
from . import builder, client, quota

STALE_AFTER = dt.timedelta(minutes=2)  # a running job without a heartbeat (updated_at) this long lost its worker
QUEUED_GRACE = STALE_AFTER  # a queued job this old: its queue message was lost
MAX_ATTEMPTS = 3  # a build whose worker died this often is given up (the page says so and offers a retry)
PROGRESS = {"queued": "Waiting for a free worker…", "choosing": "Choosing exercises…",
            "checking": "Checking it against Limber's safety rules…"}


ROWS = JobRows(AiJob, "running", STALE_AFTER, QUEUED_GRACE, MAX_ATTEMPTS)


class NotNow(Exception):
    """The AI can't be used for this request; the message says why, for the person."""


def start(profile, params, config):
    """Create the job row (the caller enqueues the task), or raise NotNow."""
    if not client.configured(config):
        raise NotNow("The AI coach isn't available on this Limber, so Limber's own rules built this routine.")
    if not profile.ai_enabled:
        raise NotNow("The AI coach is switched off in your settings, so Limber's rules built this routine.")
    with db.atomic():  # the place and the job together: a refused place leaves no job behind
        try:
            quota.take(profile.account_id, "routine", config)
        except quota.Exhausted as exc:
            raise NotNow(f"{quota.reason(exc, 'AI builds')} Limber's rules built this one; "
                         "the AI is back tomorrow.") from None
        return AiJob.create(account=profile.account_id, params=params)


def _progress(job_id, text):
    AiJob.update(progress=text, updated_at=utcnow()).where(AiJob.id == job_id).execute()


def run(job_id, config, ask=None):
    """The task's body: build the routine (AI or fallback) and finish the job. None if nothing to do."""
    with connected():
        if not ROWS.claim(job_id, utcnow(), progress=PROGRESS["choosing"]):
            return None
        job = AiJob.get_by_id(job_id)
        profile = Profile.get(Profile.account == job.account_id)
        p = job.params
        request = routines.request_for(profile, p["kind"], p["minutes"], p["activity"], focus=p.get("focus") or (),
                                       space=p.get("space"))
        catalog = store.current()
        candidates = candidates_for(request, catalog)
        key = builder.request_key(builder.payload(request, candidates, store.by_id()))
        reused = _recent_answer(job, key, config)
        if reused is not None:
            return _finish(job, reused, "done", None, key, called=False)
    ask = ask or (lambda system, messages, tool: client.tool_call(config, system, messages, tool))

    def asking(system, messages, tool):
        with connected():
            _progress(job_id, PROGRESS["choosing"])
        answer = ask(system, messages, tool)
        with connected():
            _progress(job_id, PROGRESS["checking"])
        return answer

    result = builder.build(request, catalog, asking)
    with connected():
        routine = routines.store_built(profile, request, result)
        status = "done" if result.built_by == "ai" else "fallback"
        if status == "fallback":
            metrics.ai_fallbacks.inc()
        return _finish(job, routine, status, result.fallback_reason, key, called=result.asked > 0)


def _recent_answer(job, key, config):
    """The routine Claude made for the very same request a moment ago, if any (no second call)."""
    since = utcnow() - dt.timedelta(seconds=config["AI_CACHE_SECONDS"])
    earlier = (AiJob.select().where((AiJob.account == job.account_id) & (AiJob.request_key == key)
                                    & (AiJob.status == "done") & AiJob.routine.is_null(False)
                                    & (AiJob.created_at >= since) & (AiJob.id != job.id))
               .order_by(AiJob.id.desc()).first())
    return RoutineRecord.get_or_none(RoutineRecord.id == earlier.routine_id) if earlier else None


def _finish(job, routine, status, reason, key, called):
    with db.atomic():  # the job ends once, and only then is an unused place given back
        ended = AiJob.update(status=status, routine=routine.id, reason=reason, request_key=key, called_ai=called,
                             progress="Ready", updated_at=utcnow()
                             ).where((AiJob.id == job.id) & (AiJob.status == "running")).execute()
        if ended and not called:  # reused, or the AI was unavailable: the day's place goes back
            quota.give_back(job.account_id, "routine", job.created_at.date())
    return status


def due_for_retry(now=None):
    """Jobs the sweeper should enqueue again: lost in the queue, or whose worker died."""
    return ROWS.due_for_retry(now or utcnow())


def give_up(now=None):
    """Builds whose worker died MAX_ATTEMPTS times: failed, and the day's place given back."""
    ids = ROWS.abandon(now or utcnow(), status="failed", progress="Stopped",
                       reason="Nothing was taken from today's AI allowance.")
    with connected():
        for job in AiJob.select().where(AiJob.id.in_(ids)):
            quota.give_back(job.account_id, "routine", job.created_at.date())
    return ids


def owned(account_id, job_id):
    return AiJob.get_or_none((AiJob.id == job_id) & (AiJob.account == account_id))
