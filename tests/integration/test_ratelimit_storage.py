"""The database rate-limit storage (limber-db://) on whichever database the suite runs on:
SQLite here, PostgreSQL in CI's second run, where a PaaS without Redis would use it."""
import time

from app.models import RateLimit
from app.ratelimit import DatabaseStorage
from tests.conftest import all_at_once


def test_counts_within_a_window_and_starts_again_after_it(app):
    storage = DatabaseStorage()
    started = time.time()
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3] and storage.get("k") == 3
    assert abs(storage.get_expiry("k") - (started + 60)) < 1  # kept to the second (a 4-byte REAL keeps minutes)
    RateLimit.update(expires_at=time.time() - 1).where(RateLimit.key == "k").execute()  # the window ran out
    assert storage.get("k") == 0 and storage.incr("k", 60) == 1
    storage.clear("k")
    assert storage.get("k") == 0 and storage.check()
    storage.incr("a", 60)
    assert storage.reset() >= 1 and RateLimit.select().count() == 0


def test_concurrent_increments_are_never_lost(app):
    storage, seen = DatabaseStorage(), []
    all_at_once(lambda: seen.extend(storage.incr("burst", 60) for _ in range(5)), 16, "an increment")
    assert sorted(seen) == list(range(1, 81)) and storage.get("burst") == 80
