"""The AI pages: a routine job's progress, and the person's AI settings."""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import Profile, utcnow
from ..profile.views import current_profile
from . import client, jobs

bp = Blueprint("coach", __name__)
PERSONALITIES = {"supportive": "Supportive", "tough_love": "Tough love", "calm": "Calm"}


@bp.get("/ai/jobs/<id:job_id>")
@login_required
def job(job_id):
    """The job's page; its fragment polls itself until the routine is ready, then goes there."""
    row = jobs.owned(current_user.id, job_id)
    if row is None:
        abort(404)
    partial = request.htmx and not request.htmx.boosted
    if row.status in ("done", "fallback") and row.routine_id:
        target = url_for("routines.show", routine_id=row.routine_id)
        if partial:
            response = make_response("", 200)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target, code=303)
    template = "coach/_job.html" if partial else "coach/job.html"
    response = make_response(render_template(template, job=row))
    response.vary.add("HX-Request")
    return response


@bp.post("/settings/ai")
@login_required
def settings():
    profile = current_profile()
    enabled = request.form.get("ai_enabled") == "y"
    personality = request.form.get("coach_personality", profile.coach_personality)
    if personality not in PERSONALITIES:
        abort(400)
    Profile.update(ai_enabled=enabled, coach_personality=personality, updated_at=utcnow()) \
        .where(Profile.id == profile.id).execute()
    flash("AI coach switched on." if enabled else "AI coach switched off: nothing is sent to Anthropic.", "success")
    return redirect(url_for("auth.settings") + "#ai", code=303)


@bp.app_template_global("ai_state")
def ai_state(profile=None):
    """What the routine form and settings need to know about the AI for this person."""
    config = current_app.config
    profile = profile or (current_profile() if current_user.is_authenticated else None)
    return {"configured": client.configured(config), "enabled": bool(profile and profile.ai_enabled),
            "limit": config["AI_DAILY_LIMIT"], "breaker_open": client.breaker(config).is_open}
