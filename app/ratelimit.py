"""Rate-limit counters in Limber's own database, shared by every process.

Flask-Limiter's ``memory://`` storage counts per process, so two gunicorn workers let
through twice the configured log-in attempts. With Redis configured, Redis holds the
counters; on the embedded default (and on PostgreSQL without Redis) this storage keeps
them in the ``rate_limit`` table: one row per key and fixed window, incremented by a
single atomic upsert, so concurrent processes never both see room for one more try.
Keys never hold an e-mail address, only a digest of it.
"""
import hashlib
import time

from limits.storage import Storage
from peewee import Case, DatabaseError

from .db import connected
from .models import RateLimit

SCHEME = "limber-db"


class DatabaseStorage(Storage):
    """A `limits` storage (fixed-window strategy) on the app's peewee database."""

    STORAGE_SCHEME = [SCHEME]

    @property
    def base_exceptions(self):
        return DatabaseError

    def incr(self, key, expiry, amount=1):
        now = time.time()
        lapsed = RateLimit.expires_at <= now
        query = (RateLimit.insert(key=key, hits=amount, expires_at=now + expiry)
                 .on_conflict(conflict_target=[RateLimit.key], update={
                     RateLimit.hits: Case(None, [(lapsed, amount)], RateLimit.hits + amount),
                     RateLimit.expires_at: Case(None, [(lapsed, now + expiry)], RateLimit.expires_at)})
                 .returning(RateLimit.hits))
        with connected():  # RETURNING: SQLite 3.35+ and PostgreSQL
            return next(iter(query.execute())).hits

    def get(self, key):
        with connected():
            row = RateLimit.get_or_none((RateLimit.key == key) & (RateLimit.expires_at > time.time()))
        return row.hits if row else 0

    def get_expiry(self, key):
        with connected():
            row = RateLimit.get_or_none(RateLimit.key == key)
        return row.expires_at if row else time.time()

    def check(self):
        try:
            with connected():
                RateLimit.select().limit(1).count()
            return True
        except DatabaseError:
            return False

    def reset(self):
        with connected():
            return RateLimit.delete().execute()

    def clear(self, key):
        with connected():
            RateLimit.delete().where(RateLimit.key == key).execute()


def purge(now=None):
    """Drop lapsed windows (a periodic task keeps the table small)."""
    with connected():
        return RateLimit.delete().where(RateLimit.expires_at <= (now or time.time())).execute()


def digest(text):
    """A short, stable stand-in for an e-mail address in a rate-limit key."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]
