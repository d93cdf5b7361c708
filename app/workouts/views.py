"""Finished workouts: the log endpoint the player and the offline outbox post to, and the history page."""
from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from ..catalog import store
from ..validation import JsonError, parse_json
from . import history, logs

bp = Blueprint("workouts", __name__)


class BadBody(Exception):
    """The body isn't JSON we read (too deep, malformed); answered 400 with the reason."""


def _json_body():
    """The request's JSON, read within bounds; None when the body isn't JSON at all."""
    if not request.is_json:
        return None
    try:
        return parse_json(request.get_data(cache=True))
    except JsonError as exc:
        raise BadBody(str(exc)) from None


@bp.errorhandler(BadBody)
def _bad_body(exc):
    return jsonify(error="invalid", message=f"That request body can't be read: {exc}."), 400


# The URLs keep the word "sessions": phones in the field hold logs queued offline by service workers
# that post to /sessions/sync, and a saved page may still link to them.
@bp.get("/sessions/sync")
@login_required
def sync_token():
    """A fresh CSRF token for the outbox (the service worker has no page to read one from)."""
    response = jsonify(csrf_token=generate_csrf(), account=current_user.id)
    response.cache_control.no_store = True
    return response


@bp.post("/sessions/sync")
@login_required
def sync():
    """Logs queued on a phone while offline, in one batch. Idempotent per client UUID.

    Each log is checked and stored on its own, so one bad log never costs the others. The
    answer lists every log's own status and echoes its UUID: 200 if all were stored, 207 if
    some were, 400 if none were.
    """
    data = _json_body()
    items = data.get("logs") if isinstance(data, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= logs.BATCH_MAX:
        return jsonify(error="invalid", message=f"Send {{\"logs\": [...]}} with 1 to {logs.BATCH_MAX} logs."), 400
    results = [logs.store_one(item, current_user.id, store.by_id()) for item in items]
    stored = sum(1 for r in results if r["status"] in (200, 201))
    status = 200 if stored == len(results) else 207 if stored else 400
    return jsonify(results=results, stored=stored), status


@bp.get("/history")
@login_required
def index():
    return render_template("workouts/history.html", workouts=history.recent(current_user.id),
                           streak=history.streak(current_user.id))
