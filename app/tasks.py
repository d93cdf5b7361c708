"""The Huey instance and its tasks. Tasks take ids, never objects (huey docs).

The queue is configured once, from ``config.load`` like the app. A task runs with the app's
settings when it runs inside the app (a request, a test, an eager task); in the consumer it
runs with the worker's own settings, read from the same environment, and the worker binds the
database itself at start-up. Nothing here imports the app factory or ``wsgi``, so the views can
import their tasks without an import cycle.
"""
import datetime as dt
import functools
import time
from pathlib import Path

from flask import current_app, g, has_app_context, has_request_context
from huey import RedisHuey, SqliteHuey, crontab
from huey import signals as S

from . import config as config_module
from . import db, ratelimit
from .telemetry import metrics
from .telemetry.requestlog import configure_logging, current_id, task_log
from .ai import jobs, quota
from .media import fetch
from .media import jobs as media
from .media import storage
from .models import SignIn, utcnow
from .reminders import service as reminders


def make_huey(settings):
    """Redis when REDIS_URL is set, else a SQLite file (HUEY_FILE); eager when HUEY_IMMEDIATE."""
    immediate = settings["HUEY_IMMEDIATE"]
    if settings["REDIS_URL"]:
        return RedisHuey("limber", url=settings["REDIS_URL"], immediate=immediate, immediate_use_memory=False)
    path = Path(settings["HUEY_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("limber", filename=str(path), immediate=immediate)


@functools.lru_cache(maxsize=1)
def worker_settings():
    """The consumer's settings: the environment, read the way create_app reads it."""
    return config_module.load()


def settings():
    """The settings a task runs with: the app's inside the app, else the worker's own."""
    return current_app.config if has_app_context() else worker_settings()


huey = make_huey(worker_settings())


@huey.on_startup()
def _bind_database():
    """The consumer runs outside any app: it opens the database from its own settings."""
    configure_logging()
    metrics.forget_dead_processes()
    if db.db.obj is None:
        db.bind(db.open_database(worker_settings()["DATABASE_URL"]))


# -- the request id and the metrics of every task ------------------------------------------------
# A task queued during a request carries that request's id in a keyword the task never sees: added when
# it is queued, taken off before it runs, put back if it is retried. Its log lines say it.
REQUEST_ID_KEY = "_limber_request_id"
_started = {}  # task id -> when it started, for its duration


@huey.signal(S.SIGNAL_ENQUEUED)
def _carry_request_id(_signal, task):
    if has_request_context() and "request_id" in g and (task.kwargs is None or isinstance(task.kwargs, dict)):
        task.kwargs = {**(task.kwargs or {}), REQUEST_ID_KEY: g.request_id}


@huey.pre_execute()
def _begin(task):
    request_id = (task.kwargs or {}).pop(REQUEST_ID_KEY, None) if isinstance(task.kwargs, dict) else None
    task.limber_request_id = request_id
    task.limber_token = current_id.set(request_id or current_id.get())
    _started[task.id] = time.perf_counter()
    task_log.info("task started", extra={"fields": {"task": task.name, "task_id": task.id,
                                                     "request_id": current_id.get()}})


@huey.post_execute()
def _end(task, _value, exc):
    seconds = time.perf_counter() - _started.pop(task.id, time.perf_counter())
    metrics.task_seconds.labels(task.name).observe(seconds)
    task_log.info("task finished", extra={"fields": {"task": task.name, "task_id": task.id,
                                                      "request_id": current_id.get(),
                                                      "outcome": "error" if exc else "complete",
                                                      "duration_ms": round(seconds * 1000, 1)}})
    token = getattr(task, "limber_token", None)
    if token is not None:
        current_id.reset(token)


@huey.signal(S.SIGNAL_COMPLETE, S.SIGNAL_ERROR, S.SIGNAL_RETRYING)
def _count(signal, task, *_exc):
    metrics.tasks.labels(task.name, {S.SIGNAL_COMPLETE: "complete", S.SIGNAL_ERROR: "error"}.get(signal, "retrying")).inc()
    if signal == S.SIGNAL_RETRYING and getattr(task, "limber_request_id", None):
        task.kwargs = {**(task.kwargs or {}), REQUEST_ID_KEY: task.limber_request_id}  # the retry keeps it


@huey.periodic_task(crontab(minute="*/30"))
def purge_expired_logins():
    """Delete sign-ins that have expired, so the table only holds live browsers."""
    with db.connected():
        return SignIn.delete().where(SignIn.expires_at <= utcnow()).execute()


@huey.periodic_task(crontab(minute="7"))
def purge_counters():
    """Drop lapsed rate-limit windows and AI allowance counters older than yesterday."""
    with db.connected():
        return ratelimit.purge() + quota.purge(utcnow().date() - dt.timedelta(days=1))


def media_limits(config):
    return fetch.Limits(max_bytes=int(config["MEDIA_MAX_MB"] * 1024 * 1024),
                        allow_loopback=config["MEDIA_ALLOW_LOOPBACK"], total_timeout=config["MEDIA_TIMEOUT"])


@huey.task()
def fetch_media(media_id):
    """Download one exercise's media file. Safe to run twice: the row is claimed first."""
    config = settings()
    return media.run(media_id, config["MEDIA_DIR"], media_limits(config), store=storage.for_settings(config))


@huey.periodic_task(crontab(minute="*"))
def sweep_media():
    """Enqueue media jobs that were lost, stuck (their worker was killed) or are due a retry, and
    delete partial files that dead downloads left behind (nothing else would ever remove them)."""
    media.sweep_parts(settings()["MEDIA_DIR"])
    media.give_up()
    due = media.due_for_retry()
    for media_id in due:
        fetch_media(media_id)
    return due


@huey.task()
def build_ai_routine(job_id):
    """Build one routine with Claude (or the engine as the fallback). Safe to run twice."""
    return jobs.run(job_id, settings())


@huey.periodic_task(crontab(minute="*"))
def sweep_ai_jobs():
    """Enqueue AI jobs whose worker died or whose queue message was lost (and give up on a job
    whose worker died MAX_ATTEMPTS times)."""
    jobs.give_up()
    due = jobs.due_for_retry()
    for job_id in due:
        build_ai_routine(job_id)
    return due


@huey.periodic_task(crontab(minute="*"))
def send_due_reminders():
    """Send the reminders and weekly summaries due this minute. Every consumer may run it at the same
    minute: each reminder's claimed row lets it out once (app/reminders/service.py)."""
    with db.connected():
        return reminders.send_due(settings())
