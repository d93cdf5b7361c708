"""The peewee database: bound late by the app factory, opened per request."""
import json
from urllib.parse import urlparse

from peewee import DatabaseProxy, TextField
from playhouse.db_url import connect

db = DatabaseProxy()

SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "normal", "busy_timeout": 5000}


def open_database(url):
    """Create the peewee database for a URL (sqlite:///path or postgresql://…)."""
    scheme = urlparse(url).scheme
    if scheme.startswith("sqlite"):
        # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue instead of deadlocking.
        return connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=5)
    return connect(url, autorollback=True)


def bind(database):
    db.initialize(database)
    return database


def init_app(app):
    bind(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()


class JSONField(TextField):
    """JSON stored as text, so SQLite and PostgreSQL behave the same."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, separators=(",", ":"), sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)
