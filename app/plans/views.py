"""Plan pages: the list, one week, editing, history, comparing two versions, restoring one."""
import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..routines import service as routines
from ..web import current_profile, found_or_404
from . import service, week
from .forms import (
    CompareForm, DetailsForm, NewPlanForm, PinRoutineForm, RemoveEntryForm, RestoreForm, StarterPlanForm, entry_form,
    page_forms,
)

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.app_template_global("day_name")
def day_name(day):
    return week.DAY_NAMES[day]


def _plan_or_404(plan_id):
    return found_or_404(service.owned(current_user.id, plan_id))


def _index(status=200, new=None):
    """The plans list, with its two ways to start one; ``new``: the empty-plan form sent with an error."""
    return render_template("plans/index.html", plans=service.plans_for(current_user.id),
                           starter=StarterPlanForm(formdata=None), new=new or NewPlanForm(formdata=None)), status


def _show(plan, status=200, errors=None, message=None, posted=None):
    """The plan page. ``errors``: what week.apply refused; ``posted``: the form sent, shown again with its errors."""
    snapshot = service.current(plan).snapshot
    today = week.DAYS[dt.date.today().weekday()]
    return render_template("plans/show.html", plan=plan, snapshot=snapshot, days=week.DAYS,
                           day_names=week.DAY_NAMES, describe=week.describe, errors=errors or {}, posted=posted,
                           message=message, today=today, **page_forms(snapshot, today, posted)), status


def _conflict(plan, exc):
    plan.version = exc.current
    return _show(plan, 409, message=f"This plan changed while you were looking (it is now at version {exc.current}). "
                                    "Nothing was saved: here it is as it stands — try your change again.")


def _valid(form):
    """Whether a posted change to a plan is valid; one that names no version of the plan is a bad request."""
    valid = form.validate_on_submit()
    if form.base.errors:
        abort(400)
    return valid


@bp.get("")
@login_required
def index():
    return _index()


@bp.post("")
@login_required
def create():
    if StarterPlanForm().validate_on_submit():
        profile = current_profile()
        snapshot = week.starter(profile.activities, profile.usual_activity, profile.usual_minutes, dt.date.today())
        plan = service.create(current_user.id, snapshot, "user", "Starter plan from your activities and minutes")
    else:
        form = NewPlanForm()
        if not form.validate_on_submit():
            return _index(422, new=form)
        plan = service.create(current_user.id, form.snapshot(dt.date.today()))
    return redirect(url_for(".show", plan_id=plan.id), code=303)


@bp.get("/<id:plan_id>")
@login_required
def show(plan_id):
    return _show(_plan_or_404(plan_id))


def _edit(plan, form, operations):
    """Apply the change on top of the version it was made on: the plan page again if it can't be."""
    try:
        service.edit(plan, form.base.data, operations, "user")
    except service.Conflict as exc:
        return _conflict(plan, exc)
    except week.PlanError as exc:
        return _show(plan, 422, errors=exc.errors, posted=form)
    return redirect(url_for(".show", plan_id=plan.id), code=303)


def _change(plan_id, form):
    """A posted change to a plan: the form checked, then applied on the version it was made on."""
    plan = _plan_or_404(plan_id)
    if not _valid(form):
        return _show(plan, 422, posted=form)
    if isinstance(form, PinRoutineForm):  # a routine can only be pinned by the person it belongs to
        return _edit(plan, form, form.operations(found_or_404(routines.owned(current_user.id, form.routine_id.data))))
    return _edit(plan, form, form.operations())


@bp.post("/<id:plan_id>/entries")
@login_required
def add_entry(plan_id):
    return _change(plan_id, entry_form())


@bp.post("/<id:plan_id>/entries/remove")
@login_required
def remove_entry(plan_id):
    return _change(plan_id, RemoveEntryForm())


@bp.post("/<id:plan_id>/details")
@login_required
def details(plan_id):
    return _change(plan_id, DetailsForm())


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
    versions = service.history(plan)
    return render_template("plans/history.html", plan=plan, versions=versions, restore=RestoreForm(formdata=None),
                           compare=CompareForm.of([ver.number for ver in versions]))


@bp.get("/<id:plan_id>/compare")
@login_required
def compare(plan_id):
    plan = _plan_or_404(plan_id)
    form = CompareForm()
    if not form.validate():
        abort(400)
    if not form.within(plan.version):
        abort(404)  # checked before the query: a number too large for the database is simply not a version
    old, new = service.version(plan, form.a.data), service.version(plan, form.b.data)
    if old is None or new is None:
        abort(404)
    return render_template("plans/compare.html", plan=plan, old=old, new=new,
                           lines=week.diff(old.snapshot, new.snapshot))


@bp.post("/<id:plan_id>/versions/<int(max=1000000):number>/restore")
@login_required
def restore(plan_id, number):
    plan = _plan_or_404(plan_id)
    form = RestoreForm()
    if not _valid(form):
        abort(400)
    base = form.base.data
    try:
        service.restore(plan, number, base)
    except LookupError:
        abort(404)
    except service.Conflict as exc:
        return _conflict(plan, exc)
    flash(f"Restored version {number} as version {base + 1}. Nothing was lost: every version is still here.", "success")
    return redirect(url_for(".history", plan_id=plan.id), code=303)
