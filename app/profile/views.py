"""Onboarding (four short steps) and editing the profile later."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import vocabulary as v
from ..web import current_profile
from . import service as profiles
from .forms import ORDER, STEPS

bp = Blueprint("profile", __name__)


def _fill(form, profile, step):
    """Show what the person already told us."""
    if step == "screening" and profile.screening_done:
        for code, _ in v.SCREENING_QUESTIONS:
            getattr(form, code).data = "yes" if profile.screening.get(code) else "no"
    elif step == "about":
        form.age.data, form.level.data = profile.age, profile.level
    elif step == "health":
        form.conditions.data, form.consent.data = profile.conditions, profile.health_consent
        details = profile.condition_details or {}
        form.weeks_since_surgery.data = details.get("weeks_since_surgery")
        form.surgeon_cleared.data = "yes" if details.get("surgeon_cleared") else ""
        form.pregnancy_weeks.data = details.get("pregnancy_weeks")
        form.spine_fracture.data = details.get("spine_fracture") or ""
        form.back_worse.data = details.get("back_worse") or ""
    elif step == "activity":
        form.activities.data, form.usual_activity.data = profile.activities, profile.usual_activity
        form.usual_minutes.data, form.equipment.data = profile.usual_minutes, profile.equipment
        form.tight_areas.data = profile.tight_areas


def _handle(step, onboarding):
    if step not in STEPS:
        abort(404)
    profile = current_profile()
    form = STEPS[step]()
    index = ORDER.index(step)
    next_step = ORDER[index + 1] if index + 1 < len(ORDER) else None
    if form.validate_on_submit():
        profiles.save_step(profile, step, form, finish=onboarding and next_step is None)
        if step == "screening" and profile.screening_positive:
            flash("Thanks for telling us. Gentle mode is on: no jumping, all-out efforts, bouncing, breath-holding "
                  "or head-down moves, and you should be able to talk the whole time. Please check with your "
                  "doctor before you start, and stop if anything feels wrong.", "warning")
        if not onboarding:
            flash("Saved.", "success")
            return redirect(url_for("profile.edit"), code=303)
        if next_step:
            return redirect(url_for("profile.onboarding", step=next_step), code=303)
        flash("You're all set. Here's your first warm-up, one tap away.", "success")
        return redirect(url_for("routines.dashboard"), code=303)
    if not form.is_submitted():
        _fill(form, profile, step)
    status = 422 if form.errors else 200
    return render_template("profile/step.html", form=form, step=step, onboarding=onboarding,
                           number=index + 1, count=len(ORDER), next_step=next_step), status


@bp.route("/onboarding/<step>", methods=["GET", "POST"])
@login_required
def onboarding(step):
    return _handle(step, onboarding=True)


@bp.post("/onboarding/<step>/skip")
@login_required
def skip(step):
    """Keep the defaults for a skippable step and move on."""
    if step not in STEPS or not getattr(STEPS[step], "skippable", False):
        abort(404)
    index = ORDER.index(step)
    if index + 1 < len(ORDER):
        return redirect(url_for("profile.onboarding", step=ORDER[index + 1]), code=303)
    profiles.finish_onboarding(current_user.id)
    return redirect(url_for("routines.dashboard"), code=303)


@bp.get("/profile")
@login_required
def edit():
    profile = current_profile()
    forms = {}
    for step, form_class in STEPS.items():
        form = form_class(formdata=None)
        _fill(form, profile, step)
        forms[step] = form
    return render_template("profile/edit.html", forms=forms, profile=profile)


@bp.route("/profile/<step>", methods=["GET", "POST"])
@login_required
def edit_step(step):
    return _handle(step, onboarding=False)
