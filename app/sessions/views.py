"""The player's log endpoint and the history page."""
from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from ..catalog import store
from . import history, logs

bp = Blueprint("sessions", __name__)


@bp.post("/sessions")
@login_required
def create():
    data = request.get_json(silent=True)
    try:
        fields = logs.clean(data, current_user.id, store.by_id())
    except logs.LogError as exc:
        return jsonify(error="invalid", message="Some details of this session didn't look right.",
                       fields=exc.errors), 400
    try:
        log, created = logs.record(current_user.id, fields)
    except PermissionError:
        return jsonify(error="conflict", message="That session id is already in use."), 409
    return jsonify(logs.as_json(log)), 201 if created else 200


@bp.get("/history")
@login_required
def index():
    return render_template("sessions/history.html", sessions=history.recent(current_user.id),
                           streak=history.streak(current_user.id))
