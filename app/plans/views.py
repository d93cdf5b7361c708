"""Plan pages: the list, one week, editing, history, comparing two versions, restoring one."""
import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..routines import service as routines
from ..web import current_profile, found_or_404
from . import model, service

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.app_template_global("day_name")
def day_name(day):
    return model.DAY_NAMES[day]


def _plan_or_404(plan_id):
    return found_or_404(service.owned(current_user.id, plan_id))


def _int(name, lo=0, hi=2**31 - 1):
    try:
        value = int(request.form.get(name, ""))
    except ValueError:
        return None
    return value if lo <= value <= hi else None


def _show(plan, status=200, errors=None, message=None):
    snapshot = service.current(plan).snapshot
    return render_template("plans/show.html", plan=plan, snapshot=snapshot, days=model.DAYS,
                           day_names=model.DAY_NAMES, describe=model.describe, errors=errors or {},
                           message=message, today=model.DAYS[dt.date.today().weekday()]), status


def _conflict(plan, exc):
    plan.version = exc.current
    return _show(plan, 409, message=f"This plan changed while you were looking (it is now at version {exc.current}). "
                                    "Nothing was saved: here it is as it stands — try your change again.")


@bp.get("")
@login_required
def index():
    return render_template("plans/index.html", plans=service.plans_for(current_user.id))


@bp.post("")
@login_required
def create():
    profile = current_profile()
    if request.form.get("starter"):
        snapshot = model.starter(profile.activities, profile.usual_activity, profile.usual_minutes, dt.date.today())
        plan = service.create(current_user.id, snapshot, "user", "Starter plan from your activities and minutes")
    else:
        name = (request.form.get("name") or "").strip()
        if not 1 <= len(name) <= model.NAME_MAX:
            return render_template("plans/index.html", plans=service.plans_for(current_user.id),
                                   error=f"Give the plan a name of 1 to {model.NAME_MAX} characters."), 422
        snapshot = {"name": name, "start_date": dt.date.today().isoformat(), "days": {}}
        plan = service.create(current_user.id, snapshot)
    return redirect(url_for(".show", plan_id=plan.id), code=303)


@bp.get("/<id:plan_id>")
@login_required
def show(plan_id):
    return _show(_plan_or_404(plan_id))


def _edit(plan, operations, description=None):
    base = _int("base", 1)
    if base is None:
        abort(400)
    try:
        service.edit(plan, base, operations, "user", description)
    except service.Conflict as exc:
        return _conflict(plan, exc)
    except model.PlanError as exc:
        return _show(plan, 422, errors=exc.errors)
    return redirect(url_for(".show", plan_id=plan.id), code=303)


@bp.post("/<id:plan_id>/entries")
@login_required
def add_entry(plan_id):
    plan = _plan_or_404(plan_id)
    day = request.form.get("day")
    routine_id = _int("routine_id", 1)
    if routine_id is not None:
        routine = routines.owned(current_user.id, routine_id)
        if routine is None:
            abort(404)
        entry = {"routine_id": routine.id, "title": routine.title}
    else:
        entry = {"kind": request.form.get("kind"), "activity": request.form.get("activity"),
                 "minutes": _int("minutes"), "focus": request.form.getlist("focus")}
    return _edit(plan, [{"op": "add", "day": day, "entry": entry}])


@bp.post("/<id:plan_id>/entries/remove")
@login_required
def remove_entry(plan_id):
    plan = _plan_or_404(plan_id)
    return _edit(plan, [{"op": "remove", "day": request.form.get("day"), "index": _int("index", 0, 50)}])


@bp.post("/<id:plan_id>/details")
@login_required
def details(plan_id):
    plan = _plan_or_404(plan_id)
    return _edit(plan, [{"op": "rename", "name": (request.form.get("name") or "").strip()},
                        {"op": "start", "start_date": request.form.get("start_date")}])


@bp.post("/<id:plan_id>/activate")
@login_required
def activate(plan_id):
    plan = _plan_or_404(plan_id)
    service.activate(current_user.id, plan)
    flash(f"“{plan.name}” is now your active plan: Home shows today from it.", "success")
    return redirect(url_for(".show", plan_id=plan.id), code=303)


@bp.get("/<id:plan_id>/history")
@login_required
def history(plan_id):
    plan = _plan_or_404(plan_id)
    return render_template("plans/history.html", plan=plan, versions=service.history(plan))


@bp.get("/<id:plan_id>/compare")
@login_required
def compare(plan_id):
    plan = _plan_or_404(plan_id)
    try:
        a, b = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        abort(400)
    if not (1 <= a <= plan.version and 1 <= b <= plan.version):
        abort(404)  # checked before the query: a number too large for the database is simply not a version
    old, new = service.version(plan, a), service.version(plan, b)
    if old is None or new is None:
        abort(404)
    return render_template("plans/compare.html", plan=plan, old=old, new=new,
                           lines=model.diff(old.snapshot, new.snapshot))


@bp.post("/<id:plan_id>/versions/<int(max=1000000):number>/restore")
@login_required
def restore(plan_id, number):
    plan = _plan_or_404(plan_id)
    base = _int("base", 1)
    if base is None:
        abort(400)
    try:
        service.restore(plan, number, base)
    except LookupError:
        abort(404)
    except service.Conflict as exc:
        return _conflict(plan, exc)
    flash(f"Restored version {number} as version {base + 1}. Nothing was lost: every version is still here.", "success")
    return redirect(url_for(".history", plan_id=plan.id), code=303)

