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
