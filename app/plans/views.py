"""Plan pages: the list, one week, editing, history, comparing two versions, restoring one.

A change is posted, then the person is sent back to the plan (303) at the day it changed, which
says what changed: the words travel in the session, like a flash, and are shown in that day's
card. Boosted forms follow the redirect in the background, so the page answering it tells htmx
to show that day (HX-Reswap), not the top of the page.
"""
import datetime as dt
import functools

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..forms import Form, buttons
from ..routines import service as routines
from ..routines.forms import RoutineForm
from ..templating import day_words
from ..web import current_profile, found_or_404, varies_with_htmx
from . import service, week
from .forms import (
    CompareForm, DetailsForm, EditEntryForm, MoveEntryForm, NewPlanForm, PinRoutineForm, RemoveEntryForm, RestoreForm,
    StarterPlanForm, edit_form, entry_form, page_forms,
)

bp = Blueprint("plans", __name__, url_prefix="/plans")


CHANGED = "plan_changed"  # the session key of what the last change did: {"plan", "day", "text"}


@bp.app_template_global("day_name")
def day_name(day):
    return week.DAY_NAMES[day]


@functools.cache
def _start_buttons():
    """The "Start" button of each routine to build: the routine form's answers in hidden inputs, as
    Home's "Build it" posts them (one form object for every button; the page adds the CSRF token)."""
    return buttons(RoutineForm, "kind", "activity", "minutes", "focus")


def _plan_or_404(plan_id):
    return found_or_404(service.owned(current_user.id, plan_id))


def _index(status=200, new=None):
    """The plans list, with its two ways to start one; ``new``: the empty-plan form sent with an error."""
    return render_template("plans/index.html", plans=service.plans_for(current_user.id),
                           starter=StarterPlanForm(formdata=None), new=new or NewPlanForm(formdata=None)), status


def _stay(response, url):
    """A refused change shown again: a boosted form would leave the browser at the POST-only address
    (405 on reload), so htmx is told to keep the address of the page the form was on."""
    if request.htmx:
        response.headers["HX-Replace-Url"] = url
    return response


def _show(plan, status=200, errors=None, posted=None, changed=None):
    """The plan page. ``errors``: what week.apply refused; ``posted``: the form sent, shown again with its
    errors; ``changed``: what the last change did, said in its day's card."""
    snapshot = service.current(plan).snapshot
    today = week.DAYS[dt.date.today().weekday()]
    html = render_template("plans/show.html", plan=plan, snapshot=snapshot, days=week.DAYS,
                           day_names=week.DAY_NAMES, describe=week.describe, errors=errors or {}, posted=posted,
                           changed=changed, today=today, token=Form(formdata=None), build=_start_buttons(),
                           **page_forms(snapshot, today, posted))
    response = make_response(html, status)
    return response if status == 200 else _stay(response, url_for(".show", plan_id=plan.id))


def _conflict(plan, exc):
    """A change made on a page that had gone stale: nothing saved, and the plan as it now stands."""
    flash(f"This plan changed while you were looking (it is now at version {exc.current}). "
          "Nothing was saved: here it is as it stands — try your change again.", "error")
    return redirect(url_for(".show", plan_id=plan.id), code=303)


def _changed(plan, day, text):
    """Back to the plan, at the day that changed, saying what changed."""
    session[CHANGED] = {"plan": plan.id, "day": day, "text": text}
    return redirect(url_for(".show", plan_id=plan.id, _anchor=f"day-{day}" if day else None), code=303)


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
    plan = _plan_or_404(plan_id)
    changed = session.pop(CHANGED, None)
    if changed and changed.get("plan") != plan.id:
        changed = None
    response = _show(plan, changed=changed)
    if changed and changed["day"] and request.htmx:  # a boosted form followed the redirect: show the day
        response.headers["HX-Reswap"] = f"innerHTML show:#day-{changed['day']}:top"
    return varies_with_htmx(response)


def _edit(plan, form, operations, day, text, description=None, refused=None):
    """Apply the change on top of the version it was made on, then the plan at ``day`` saying ``text``;
    the page the form was on again (``refused``: the plan page unless given) if it can't be."""
    try:
        service.edit(plan, form.base.data, operations, "user", description)
    except service.Conflict as exc:
        return _conflict(plan, exc)
    except week.PlanError as exc:
        return refused(exc.errors) if refused else _show(plan, 422, errors=exc.errors, posted=form)
    return _changed(plan, day, text)


def _entry(snapshot, day, index):
    entries = snapshot["days"].get(day, [])
    return entries[index] if 0 <= index < len(entries) else None


def _change(plan_id, form):
    """A posted change to a plan: the form checked, then applied on the version it was made on."""
    plan = _plan_or_404(plan_id)
    if not _valid(form):
        return _show(plan, 422, posted=form)
    if isinstance(form, PinRoutineForm):  # a routine can only be pinned by the person it belongs to
        operations = form.operations(found_or_404(routines.owned(current_user.id, form.routine_id.data)))
    else:
        operations = form.operations()
    first = operations[0]
    if first["op"] == "add":
        text = f"Added to {week.DAY_NAMES[first['day']]}: {week.describe(first['entry'])}"
    else:
        gone = _entry(service.current(plan).snapshot, first["day"], first["index"])
        text = f"Removed from {week.DAY_NAMES[first['day']]}: {week.describe(gone) if gone else 'an entry'}"
    return _edit(plan, form, operations, first["day"], text)


@bp.post("/<id:plan_id>/entries")
@login_required
def add_entry(plan_id):
    return _change(plan_id, entry_form())


@bp.post("/<id:plan_id>/entries/remove")
@login_required
def remove_entry(plan_id):
    return _change(plan_id, RemoveEntryForm())


@bp.get("/<id:plan_id>/entries/<any(mon, tue, wed, thu, fri, sat, sun):day>/<int(max=9):index>/edit")
@login_required
def edit_entry_page(plan_id, day, index):
    plan = _plan_or_404(plan_id)
    entry = _entry(service.current(plan).snapshot, day, index)
    if entry is None:
        abort(404)
    return _edit_page(plan, day, index, entry, edit_form(entry, day, index))


def _edit_page(plan, day, index, entry, form, status=200, errors=None):
    """The edit page; ``errors``: what week.apply refused of the change sent with ``form``."""
    html = render_template("plans/edit.html", plan=plan, day=day, index=index, entry=entry, form=form,
                           describe=week.describe, errors=errors or {}, pinned="routine_id" in entry)
    if status == 200:
        return html
    return _stay(make_response(html, status), url_for(".edit_entry_page", plan_id=plan.id, day=day, index=index))


@bp.post("/<id:plan_id>/entries/edit")
@login_required
def edit_entry(plan_id):
    """One entry changed (perhaps moved to another day), as a new version made on the version it was seen on."""
    plan = _plan_or_404(plan_id)
    form = EditEntryForm() if "kind" in request.form else MoveEntryForm()  # a pinned routine has only a day
    valid = _valid(form)
    if form.base.data != plan.version:
        return _conflict(plan, service.Conflict(plan.version))
    day, index = form.day.data, form.index.data
    entry = _entry(service.current(plan).snapshot, day, index) if day in week.DAYS and index is not None else None
    if entry is None:
        flash("That entry isn't in the plan any more.", "error")
        return redirect(url_for(".show", plan_id=plan.id), code=303)
    if not valid:
        return _edit_page(plan, day, index, entry, form, 422)
    to, new = form.to_day.data, form.changed(entry)
    description = None  # in place: the version says "Changed Sunday: before → after"
    if to == day:
        text = f"Changed on {week.DAY_NAMES[day]}: {week.describe(new)}"
    else:
        text = f"Moved to {week.DAY_NAMES[to]}: {week.describe(new)}"
        now = "" if new == entry else f" as {week.describe(new)}"
        description = f"Moved {week.DAY_NAMES[day]}: {week.describe(entry)} to {week.DAY_NAMES[to]}{now}"
    return _edit(plan, form, form.operations(entry), to, text, description,
                 refused=lambda errors: _edit_page(plan, day, index, entry, form, 422, errors))


@bp.post("/<id:plan_id>/details")
@login_required
def details(plan_id):
    plan = _plan_or_404(plan_id)
    form = DetailsForm()
    if not _valid(form):
        return _show(plan, 422, posted=form)
    text = f"Saved “{form.name.data}”, from {day_words(form.start_date.data)}."
    return _edit(plan, form, form.operations(), None, text)


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
