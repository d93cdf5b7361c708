"""The database rate-limit storage (limber-db://) on whichever database the suite runs on:
SQLite here, PostgreSQL in CI's second run, where a PaaS without Redis would use it."""
import threading
import time

from app.db import db
from app.models import RateLimit
from app.ratelimit import DatabaseStorage


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
    storage, start = DatabaseStorage(), threading.Barrier(16, timeout=30)
    seen = []

    def hit():
        start.wait()
        with db.connection_context():
            seen.extend(storage.incr("burst", 60) for _ in range(5))

    threads = [threading.Thread(target=hit) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "an increment did not return within 60 s"
    assert sorted(seen) == list(range(1, 81)) and storage.get("burst") == 80
