"""Finished workouts: the log endpoint the player and the offline outbox post to, and the history page."""
import datetime as dt

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from .. import vocabulary as v
from ..catalog import store
from ..db import db
from ..telemetry import metrics
from ..templating import day_words
from ..validation import JsonError, parse_json
from ..web import found_or_404, varies_with_htmx
from . import charts, history, logs, progress

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
    # One transaction for the batch: one commit (one fsync) instead of one per log. Each log is still
    # its own savepoint, so a replayed or refused log never costs the others; the phone keeps its
    # outbox until this answer says what was stored, so a batch that fails as a whole is sent again.
    with db.atomic():
        results = [logs.store_one(item, current_user.id, store.by_id()) for item in items]
    stored = sum(1 for r in results if r["status"] in (200, 201))
    metrics.sync_batches.inc()
    for r in results:
        metrics.sync_logs.labels({201: "stored", 200: "replayed"}.get(r["status"], "rejected")).inc()
    status = 200 if stored == len(results) else 207 if stored else 400
    return jsonify(results=results, stored=stored), status


KIND_WORDS = {"warmup": "Warm-up", "cooldown": "Cool-down", "flexibility": "Stretching", "mobility": "Mobility"}
RATING_WORDS = {"too_easy": "Too easy", "about_right": "About right", "too_hard": "Too hard"}


def _today():
    """The person's today: their latest log's local date runs up to a day ahead of UTC, so the later."""
    return dt.datetime.now(dt.timezone.utc).date()


@bp.get("/history")  # what the page was called before it grew charts: old links still work
@bp.get("/progress")
@login_required
def index():
    logged, totals = history.charted(current_user.id, _today())  # from the UTC date: never fewer weeks than needed
    today = max([_today(), *totals.dates])
    main = {ident: ex.targets[0] for ident, ex in store.by_id().items() if ex.targets}
    numbers = progress.summary(logged, today, main, totals)
    areas = {region: v.region_label(region) for region in v.REGIONS}
    pain_words = {area: v.region_label(area) for area in v.PAIN_AREAS} | {"unsaid": "Not said"}
    drawn = {
        "calendar": charts.calendar(numbers["days"]),
        "weekly": charts.weekly(numbers["weeks"], numbers["per_week"], KIND_WORDS),
        "body": charts.body_map(numbers["areas"], areas),
        "pain": charts.per_week_counts(numbers["weeks"], numbers["pain"], [*v.PAIN_AREAS, "unsaid"], pain_words,
                                       "Pain reports"),
        "ratings": charts.per_week_counts(numbers["weeks"], numbers["ratings"], progress.RATINGS, RATING_WORDS,
                                          "How sessions felt"),
    }
    gaps = progress.untouched(numbers["areas"], [r for r in v.REGIONS if r not in ("full_body", "pelvic_floor")])
    workouts, more = history.recent(current_user.id)
    return render_template("workouts/progress.html", workouts=workouts, more=more, n=numbers,
                           charts=drawn, kinds=KIND_WORDS, ratings=RATING_WORDS, areas=areas, pain_words=pain_words,
                           gaps=gaps)


@bp.get("/progress/sessions")
@login_required
def earlier():
    """The sessions after ``before`` (a log id of the person's): for htmx, the next items of the Progress
    list; for a browser without JavaScript, a page of them."""
    before = request.args.get("before", "")
    wellformed = before.isascii() and before.isdigit() and len(before) <= 10 and 0 < int(before) < 2**31
    found = history.recent(current_user.id, before=int(before)) if wellformed else None
    if found is None:
        abort(404)
    workouts, more = found
    template = "workouts/_sessions.html" if request.htmx else "workouts/earlier.html"
    html = render_template(template, workouts=workouts, more=more, earlier=bool(request.htmx), ratings=RATING_WORDS)
    return varies_with_htmx(make_response(html))


@bp.post("/progress/sessions/<id:log_id>/delete")
@login_required
def delete(log_id):
    row = found_or_404(history.delete(current_user.id, log_id))
    flash(f"Deleted “{row.title}” of {day_words(row.local_date)}. Every chart has been updated.", "success")
    return redirect(url_for(".index"), code=303)
