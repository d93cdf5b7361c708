"""Dashboard, the routine form, a routine's page (shuffle, swap) and the player."""
import datetime as dt
import functools

from flask import (
    Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template, request, session,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import tasks
from .. import vocabulary as v
from ..ai import client as ai_client
from ..ai import jobs
from ..forms import Form, buttons
from ..media import service as media
from ..plans import service as plans
from ..plans.forms import PinRoutineForm, StarterPlanForm
from ..workouts.history import moved_today, streak
from ..web import current_profile, figure, found_or_404, varies_with_htmx, wants_fragment, with_media_url
from . import service
from .forms import QuickStartForm, RoutineForm

bp = Blueprint("routines", __name__)


def _quick_starts(profile):
    starts = [("warmup", profile.usual_activity, profile.usual_minutes), ("cooldown", profile.usual_activity, 6),
              ("mobility", "desk", 5)]
    return [{"kind": kind, "activity": activity, "minutes": minutes, "label": v.routine_words(kind, activity),
             "detail": f"{minutes} min"} for kind, activity, minutes in starts]


def _home_form(profile):
    """Home's routine form fields, as HTML. They are the same for everyone with the same defaults, and
    WTForms makes them slowly (most of Home's time: bench/pages.py), so each set of defaults is
    rendered once per process; the page adds its own CSRF token. Development renders every time."""
    key = (profile.usual_activity, profile.usual_minutes, profile.space,
           ai_client.configured(current_app.config), bool(profile.ai_enabled))
    if current_app.debug:
        return _render_form_fields(*key)
    return _cached_form_fields(*key)


def _render_form_fields(activity, minutes, space, _configured, _enabled):
    form = RoutineForm(formdata=None, meta={"csrf": False}, kind="warmup", activity=activity, minutes=minutes,
                       space=space)
    html = render_template("routines/_form_fields.html", form=form)  # an autoescaped template's output
    # Safe markup: already escaped by Jinja, kept as is inside Home's template.
    return Markup(html)  # nosec B704


_cached_form_fields = functools.lru_cache(maxsize=1024)(_render_form_fields)


@functools.cache
def _buttons():
    """Home's button forms, made once per process (they hold no request data; see forms.buttons)."""
    return {"build": buttons(RoutineForm, "kind", "activity", "minutes", "focus"),
            "quick": buttons(QuickStartForm, "kind", "activity", "minutes"),
            "starter": StarterPlanForm(formdata=None, meta={"csrf": False})}


def _routine_form(profile):
    """The routine form as a person first sees it: their usual activity, minutes and space."""
    return RoutineForm(formdata=None, kind="warmup", activity=profile.usual_activity, minutes=profile.usual_minutes,
                       space=profile.space)


def _form_page(form):
    """The routine form again, with what was sent and what is wrong with it."""
    if form.space.data not in service.SPACES:
        form.space.data = "room"
    return render_template("routines/new.html", form=form), 422


@bp.get("/")
def dashboard():
    if not current_user.is_authenticated:
        return render_template("routines/welcome.html")
    profile = current_profile()
    if not profile.screening_done:
        return redirect(url_for("profile.onboarding", step="screening"))
    plan, today = plans.today_described(current_user.id, dt.date.today())
    planned = {(entry.get("kind"), entry.get("activity")) for entry in today}
    quick_starts = [q for q in _quick_starts(profile) if (q["kind"], q["activity"]) not in planned]  # never twice
    return render_template("routines/dashboard.html", profile=profile, form_fields=_home_form(profile),
                           plan=plan, today=today,
                           token=Form(formdata=None), quick_starts=quick_starts, **_buttons(),
                           recent=service.latest(current_user.id), start=request.args.get("start"),
                           streak=streak(current_user.id))


@bp.post("/routines")
@login_required
def create():
    profile = current_profile()
    form = RoutineForm()
    if not form.validate_on_submit():
        return _form_page(form)
    params = {"kind": form.kind.data, "minutes": form.minutes.data, "activity": form.activity.data,
              "focus": sorted(form.focus.data or ()), "space": form.space.data or profile.space}
    service.remember_space(profile, params["space"])
    reason = None
    if form.with_ai.data:
        try:
            job = jobs.start(profile, params, current_app.config)
        except jobs.NotNow as exc:
            reason = str(exc)
        else:
            tasks.build_ai_routine(job.id)
            return redirect(url_for("ai.job", job_id=job.id), code=303)
    row = service.create(profile, params["kind"], params["minutes"], params["activity"], focus=params["focus"],
                         fallback_reason=reason, space=params["space"])
    return _built(row, form.then.data)


@bp.get("/routines/new")
@login_required
def new():
    return render_template("routines/new.html", form=_routine_form(current_profile()))


@bp.post("/routines/quick")
@login_required
def quick():
    form = QuickStartForm()
    if not form.validate_on_submit():
        abort(400)
    row = service.create(current_profile(), form.kind.data, form.minutes.data, form.activity.data)
    return _built(row, form.then.data)


def _built(row, then):
    """A routine just built: straight into the player for a one-tap start, else its page to read first."""
    if then == "play":
        return redirect(url_for("routines.play", routine_id=row.id, go=1), code=303)
    return redirect(url_for("routines.show", routine_id=row.id), code=303)


def _media(row):
    """exercise id -> its media, with file URLs, for one routine."""
    return {exercise_id: with_media_url(m) for exercise_id, m in media.for_routine(row.data).items()}


def _owned_or_404(routine_id):
    return found_or_404(service.owned(current_user.id, routine_id))


@bp.get("/routines/<id:routine_id>")
@login_required
def show(routine_id):
    row = _owned_or_404(routine_id)
    plan = plans.active(current_user.id)
    # Straight after a shuffle the page says what changed, marks it, and offers to undo it (once: a reload
    # shows the routine as it now is).
    shuffled = session.pop("shuffled", None)
    shuffled = shuffled if shuffled and shuffled.get("routine") == row.id and row.data.get("before_shuffle") else None
    groups = service.view_steps(row, new_ids=set(shuffled["new"]) if shuffled else ())
    return render_template("routines/show.html", routine=row, groups=groups, plan=plan, shuffled=shuffled,
                           left_out=service.left_out(row),
                           shuffle=Form(formdata=None), pin=PinRoutineForm(formdata=None) if plan else None)


@bp.post("/routines/<id:routine_id>/shuffle")
@login_required
def shuffle(routine_id):
    row = _owned_or_404(routine_id)
    session["shuffled"] = {"routine": row.id, "new": service.shuffle(row)}
    return redirect(url_for("routines.show", routine_id=routine_id), code=303)


@bp.post("/routines/<id:routine_id>/shuffle/undo")
@login_required
def undo_shuffle(routine_id):
    if service.undo_shuffle(_owned_or_404(routine_id)):
        flash("Back to the routine you had before the shuffle.", "success")
    else:
        flash("There's no shuffle to undo: this is the routine as it was built or last changed.", "info")
    return redirect(url_for("routines.show", routine_id=routine_id), code=303)


@bp.post("/routines/<id:routine_id>/steps/<int(max=999):index>/swap")
@login_required
def swap(routine_id, index):
    row = _owned_or_404(routine_id)
    if not 0 <= index < len(row.data["steps"]):
        abort(404)
    message = None if service.swap(row, index) else "No other exercise fits here safely, so we kept this one."
    if wants_fragment():
        response = make_response(render_template("routines/_body.html", routine=row, groups=service.view_steps(row),
                                                 left_out=service.left_out(row), message=message))
    else:
        if message:
            flash(message, "info")
        response = redirect(url_for("routines.show", routine_id=routine_id), code=303)
    return varies_with_htmx(response)


@bp.get("/routines/<id:routine_id>/play")
@login_required
def play(routine_id):
    row = _owned_or_404(routine_id)
    player = service.player_data(row, _media(row))
    for step in player["steps"]:  # the figure of each step, mirrored for a left side
        step["figure"] = figure(step["exercise_id"], step.get("side"))
    # The streak this session makes, for the finish: days in a row so far, and whether today is one.
    days = streak(current_user.id)
    player["streak"] = {"days": days, "today": days > 0 and moved_today(current_user.id)}
    return render_template("routines/play.html", routine=row, player=player,
                           pain_areas=service.pain_areas(current_profile()))


@bp.get("/routines/<id:routine_id>/offline")
@login_required
def offline(routine_id):
    """What "Save for offline" stores: the routine's pages, its media files and its figures."""
    row = _owned_or_404(routine_id)
    files = [m for m in _media(row).values() if "url" in m]
    drawn = [figure(step["exercise_id"], step.get("side")) for step in row.data["steps"]]
    figures = list(dict.fromkeys(f["url"] for f in drawn if f))  # each step's figure, both sides where used
    response = jsonify(id=row.id, title=row.title, kind=row.kind, minutes=row.minutes,
                       urls=[url_for("routines.show", routine_id=row.id), url_for("routines.play", routine_id=row.id),
                             *(m["url"] for m in files), *figures],
                       media_bytes=sum(m["size"] or 0 for m in files))
    response.cache_control.no_store = True
    return response
