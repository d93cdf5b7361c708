"""One JSON line per request and per Huey task, and the request id that ties a task to the request that
queued it.

A request keeps the X-Request-ID it came with (when it looks like an id) or gets a new one; the response
says it back. The line holds the time, the id, the method, the route (never the path: it can hold an
address), the status, the duration and a keyed hash of the account id: never an e-mail or health data.
"""
import contextvars
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import sys
import time
import uuid

from flask import current_app, g, request

from . import metrics

request_log = logging.getLogger("limber.request")
task_log = logging.getLogger("limber.task")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
current_id = contextvars.ContextVar("limber_request_id", default=None)  # a request's, or a task's request's


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message, and the record's ``fields``."""

    def format(self, record):
        line = {"time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        request_id = getattr(record, "fields", {}).get("request_id") or current_id.get()
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (a test runner swaps it per test)."""

    stream = property(lambda self: sys.stderr, lambda self, _value: None)


def configure_logging():
    """Limber's loggers write JSON lines to stderr, once per process (gunicorn and the consumer keep theirs)."""
    root = logging.getLogger("limber")
    if any(getattr(handler, "limber_json", False) for handler in root.handlers):
        return
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.limber_json = True
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def account_hash(secret, account_id):
    """A stable pseudonym for an account in the logs: an HMAC of its id, keyed with the app's secret."""
    digest = hmac.new(secret.encode() if isinstance(secret, str) else secret, str(account_id).encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def init_app(app):
    configure_logging()

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_id_token = current_id.set(g.request_id)

    @app.after_request
    def _finish(response):
        if "request_id" not in g:  # a response made before before_request ran (a routing redirect)
            return response
        response.headers["X-Request-ID"] = g.request_id
        seconds = time.perf_counter() - g.started
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        metrics.requests.labels(route, request.method, str(response.status_code)).inc()
        metrics.request_seconds.labels(route, request.method).observe(seconds)
        user = g.get("_login_user")  # only if this request loaded it: logging never costs a query
        account = getattr(user, "id", None)
        request_log.info("request", extra={"fields": {
            "request_id": g.request_id, "method": request.method, "route": route, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "account": account_hash(current_app.config["SECRET_KEY"], account) if account else None}})
        return response

    @app.teardown_request
    def _forget(_exc):
        token = g.pop("request_id_token", None)
        if token is not None:
            current_id.reset(token)
