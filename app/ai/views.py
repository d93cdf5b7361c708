"""The AI's pages: a routine job's progress, and the person's AI settings."""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..profile import service as profiles
from ..web import current_profile, found_or_404, varies_with_htmx, wants_fragment
from . import client, jobs
from .forms import AISettingsForm

bp = Blueprint("ai", __name__)


@bp.get("/ai/jobs/<id:job_id>")
@login_required
def job(job_id):
    """The job's page; its fragment polls itself until the routine is ready, then goes there."""
    row = found_or_404(jobs.owned(current_user.id, job_id))
    partial = wants_fragment()
    if row.status in ("done", "fallback") and row.routine_id:
        target = url_for("routines.show", routine_id=row.routine_id)
        if partial:
            response = make_response("", 200)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target, code=303)
    template = "coach/_job.html" if partial else "coach/job.html"
    return varies_with_htmx(make_response(render_template(template, job=row)))


@bp.post("/settings/ai")
@login_required
def settings():
    profile = current_profile()
    form = AISettingsForm.of(profile)
    if not form.validate_on_submit():
        abort(400)  # only a tampered page sends a personality that isn't on the list
    enabled = form.ai_enabled.data
    profiles.set_ai(profile, enabled, form.coach_personality.data)
    flash("AI coach switched on." if enabled else "AI coach switched off: nothing is sent to Anthropic.", "success")
    return redirect(url_for("auth.settings") + "#ai", code=303)


def _profile(profile=None):
    return profile or (current_profile() if current_user.is_authenticated else None)


@bp.app_template_global("ai_state")
def ai_state(profile=None):
    """What the routine form and settings need to know about the AI for this person."""
    config = current_app.config
    profile = _profile(profile)
    return {"configured": client.configured(config), "enabled": bool(profile and profile.ai_enabled),
            "limit": config["AI_DAILY_LIMIT"]}


@bp.app_template_global("ai_settings_form")
def ai_settings_form(profile=None):
    """The settings page's AI form, as the person's profile has it now (the Account page is auth's)."""
    return AISettingsForm.of(_profile(profile), formdata=None)
