"""The Huey instance and its tasks. Tasks take ids, never objects (huey docs)."""
import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey, crontab

from .config import INSTANCE


def make_huey(env=os.environ):
    immediate = env.get("HUEY_IMMEDIATE", "").lower() in ("1", "true", "yes")
    redis_url = env.get("REDIS_URL")
    if redis_url:
        return RedisHuey("limber", url=redis_url, immediate=immediate, immediate_use_memory=False)
    path = Path(env.get("HUEY_FILE") or Path(env.get("LIMBER_INSTANCE", INSTANCE)) / "huey.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("limber", filename=str(path), immediate=immediate)


huey = make_huey()


@huey.on_startup()
def _bind_database():
    # The consumer runs outside any request: make sure the app (and so the database) is set up.
    from wsgi import app  # noqa: F401


@huey.periodic_task(crontab(minute="*/30"))
def purge_expired_logins():
    """Delete sign-ins that have expired, so the table only holds live browsers."""
    from .db import db
    from .models import LoginSession, utcnow

    with db.connection_context():
        return LoginSession.delete().where(LoginSession.expires_at <= utcnow()).execute()


@huey.periodic_task(crontab(minute="7"))
def purge_counters():
    """Drop lapsed rate-limit windows and AI allowance counters older than yesterday."""
    import datetime as dt

    from . import ratelimit
    from .coach import quota
    from .db import connected
    from .models import utcnow

    with connected():
        return ratelimit.purge() + quota.purge(utcnow().date() - dt.timedelta(days=1))


def _app():
    """The Flask app for settings: the current one (requests, tests, eager tasks) or the worker's."""
    from flask import current_app

    try:
        return current_app._get_current_object()
    except RuntimeError:
        from wsgi import app

        return app


def media_limits(config):
    from .catalog.fetch import Limits

    return Limits(max_bytes=int(config["MEDIA_MAX_MB"] * 1024 * 1024), allow_loopback=config["MEDIA_ALLOW_LOOPBACK"],
                  total_timeout=config["MEDIA_TIMEOUT"])


@huey.task()
def fetch_media(media_id):
    """Download one exercise's media file. Safe to run twice: the row is claimed first."""
    from .catalog import media

    config = _app().config
    return media.run(media_id, config["MEDIA_DIR"], media_limits(config))


@huey.periodic_task(crontab(minute="*"))
def sweep_media():
    """Enqueue media jobs that were lost, stuck (their worker was killed) or are due a retry, and
    delete partial files that dead downloads left behind (nothing else would ever remove them)."""
    from .catalog import media

    media.sweep_parts(_app().config["MEDIA_DIR"])
    due = media.due_for_retry()
    for media_id in due:
        fetch_media(media_id)
    return due


@huey.task()
def build_ai_routine(job_id):
    """Build one routine with Claude (or the engine as the fallback). Safe to run twice."""
    from .coach import jobs

    return jobs.run(job_id, _app().config)


@huey.periodic_task(crontab(minute="*"))
def sweep_ai_jobs():
    """Enqueue AI jobs whose worker died or whose queue message was lost."""
    from .coach import jobs

    due = jobs.due_for_retry()
    for job_id in due:
        build_ai_routine(job_id)
    return due
