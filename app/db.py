"""The peewee database: bound late by the app factory, opened per request."""
import datetime as dt
import json
from contextlib import contextmanager
from urllib.parse import urlparse

from peewee import DatabaseProxy, TextField
from playhouse.db_url import connect
from playhouse.pool import PooledSqliteDatabase

db = DatabaseProxy()

# secure_delete: deleted rows are overwritten with zeros, so a deleted account leaves no readable bytes
# in the database file (the WAL is emptied by a checkpoint after the deletion, see accounts.truncate_wal).
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "normal", "busy_timeout": 5000,
                  "secure_delete": 1}


POOL = {"max_connections": 32, "stale_timeout": 300}


def open_database(url):
    """Create the peewee database for a URL (sqlite:///path or postgresql://…).

    Connections are pooled: a request borrows one and gives it back, so neither the
    PostgreSQL handshake nor SQLite's pragmas are paid again on every request.
    """
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue instead of deadlocking.
        return PooledSqliteDatabase(parsed.path[1:] or ":memory:", pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                                    check_same_thread=False, **POOL)
    scheme = parsed.scheme.split("+")[0]
    return connect(url.replace(parsed.scheme, f"{scheme}+pool", 1), autorollback=True, **POOL)


@contextmanager
def connected():
    """A connection for work outside a request (tasks, CLI). Inside a request, or when a task
    runs eagerly within one, the request's connection is used and left open."""
    if not db.is_closed():
        yield
        return
    db.connect()
    try:
        yield
    finally:
        db.close()


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


def _placeholder(index, sample):
    """A value no person will send, of the same type as the real one, marking a parameter slot."""
    if isinstance(sample, bool) or not isinstance(sample, (int, str, dt.datetime, dt.date)):
        raise TypeError(f"prepared queries take int, str, date or datetime parameters, not {type(sample).__name__}")
    if isinstance(sample, int):
        return -(10**15) - index
    if isinstance(sample, str):
        return f"\x00prepared-parameter-{index}\x00"
    if isinstance(sample, dt.datetime):
        return dt.datetime(1, 1, 1, 0, 0, 0, 777000 + index)
    return dt.date(1, 1, 1 + index)


class Prepared:
    """A query compiled to SQL once per database, then run again with fresh parameters.

    Peewee rebuilds the SQL of a query every time it runs, which costs more than running the
    small queries every page makes (the signed-in account, the active plan, the latest routines,
    the streak): bench/queries.py measures each one about four times faster this way. ``build``
    takes the parameters and returns a query; calling the Prepared returns the rows as that query
    would (joined models included), and ``plain`` runs the same query the ordinary peewee way.

    It leans on one private peewee method (``_get_cursor_wrapper``, the row-to-model mapping);
    tests/integration/test_prepared.py pins every Prepared against ``plain`` so a peewee upgrade
    that changes it fails there, by name. Use it only for queries every page runs; everything
    else is ordinary peewee.
    """

    instances = {}  # name -> Prepared: every one, so the pinning test and the bench cover them all

    def __init__(self, name, build):
        if name in Prepared.instances:
            raise ValueError(f"a prepared query named {name!r} exists already")
        self.name, self.build = name, build
        self.compiled = {}
        Prepared.instances[name] = self

    def plain(self, *args):
        """The same rows, the ordinary peewee way (SQL rebuilt on every call)."""
        return list(self.build(*args))

    def __call__(self, *args):
        query, cursor = self._run(args)
        return list(query._get_cursor_wrapper(cursor))  # peewee's own row-to-model mapping (see the docstring)

    def raw(self, *args):
        """The rows as the database driver gives them, unconverted (a date may be text on SQLite, JSON
        is text): for the one query that reads hundreds of rows per page and converts them itself."""
        return self._run(args)[1].fetchall()

    def _run(self, args):
        key = (id(db.obj), tuple(type(arg) for arg in args))
        entry = self.compiled.get(key)
        if entry is None:
            marks = [_placeholder(i, arg) for i, arg in enumerate(args)]
            query = self.build(*marks)
            sql, params = query.sql()
            slots = [marks.index(p) if p in marks else None for p in params]
            if sorted(i for i in slots if i is not None) != list(range(len(args))):
                raise ValueError("every parameter must appear exactly once in the query")
            entry = self.compiled[key] = (query, sql, slots, params)
        query, sql, slots, params = entry
        values = [args[i] if i is not None else const for i, const in zip(slots, params, strict=True)]
        return query, db.execute_sql(sql, values)
