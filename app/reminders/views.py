"""Reminder settings, the browser's push subscription, a tapped reminder, and the in-app list."""
import datetime as dt

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import db
from ..models import Notification, ReminderSend, utcnow
from ..routines import service as routines
from ..validation import JsonError, parse_json
from ..web import current_profile, found_or_404
from . import mail, schedule, service, vapid
from .forms import ReminderForm

bp = Blueprint("reminders", __name__)


@bp.app_context_processor
def _bell():
    """The unread count beside the bell, counted only when a signed-in page's header asks for it, and
    the reminders in a few words for the "You" page."""
    return {"unread_notifications": lambda: service.unread(current_user.id), "reminder_words": _reminder_words}


def _reminder_words():
    row = service.settings_for(current_user.id)
    if not row.enabled or not row.days:
        return "Off" + (" · weekly summary on" if row.weekly_summary else "")
    days = "Every day" if len(row.days) == 7 else ", ".join(d.capitalize() for d in row.days)
    return f"{days} at {schedule.clock(row.at_minute)}"


_said = set()  # VAPID settings found wrong, logged once per process (not on every page)


def _push_key():
    try:
        keys = vapid.keys(current_app.config)
    except vapid.VapidError as exc:
        if str(exc) not in _said:
            _said.add(str(exc))
            current_app.logger.error("push is off: %s", exc)
        return None
    return keys.public_key if keys else None


def _next_words(row):
    """"Thursday 4 December at 07:30" for the next reminder, in the person's own time."""
    if not row.enabled or row.next_due_at is None:
        return None
    tz = schedule.zone(row.timezone)
    local = row.next_due_at.replace(tzinfo=dt.timezone.utc).astimezone(tz)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _page(form, row, status=200):
    return render_template("reminders/settings.html", form=form, row=row, push_key=_push_key(),
                           mail_on=mail.configured(current_app.config), has_email=bool(current_user.email),
                           next_words=_next_words(row), zones=schedule.zone_names()), status


@bp.get("/reminders")
@login_required
def settings():
    row = service.settings_for(current_user.id)
    return _page(ReminderForm(formdata=None).fill(row), row)


@bp.post("/reminders")
@login_required
def save():
    form = ReminderForm()
    form.email_possible = bool(current_user.email)
    row = service.settings_for(current_user.id)
    if not form.validate_on_submit():
        return _page(form, row, 422)
    row = service.save(current_user.id, form.values())
    if row.enabled:
        flash(f"Reminders saved. The next one: {_next_words(row)}.", "success")
    else:
        flash("Reminders are off." + (" You'll still get the weekly summary." if row.weekly_summary else ""),
              "success")
    return redirect(url_for(".settings"), code=303)


def _json():
    if not request.is_json:
        return None
    try:
        return parse_json(request.get_data(cache=True))
    except JsonError:
        return None


@bp.post("/push/subscriptions")
@login_required
def subscribe():
    """This browser's ``PushSubscription.toJSON()``: kept for this account and sign-in."""
    if _push_key() is None:
        return jsonify(error="unavailable", message="Notifications aren't set up on this server."), 409
    try:
        sub = service.subscribe(current_user.id, current_user.login_token, _json(),
                                allow_loopback=current_app.config["PUSH_ALLOW_LOOPBACK"])
    except ValueError as exc:
        return jsonify(error="invalid", message=f"That subscription can't be used: {exc}"), 400
    return jsonify(id=sub.id), 201


@bp.post("/push/subscriptions/remove")
@login_required
def unsubscribe():
    """This browser turned notifications off: {"endpoint": …}."""
    data = _json()
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return jsonify(error="invalid", message="Send {\"endpoint\": \"…\"}."), 400
    service.unsubscribe(current_user.id, endpoint)
    return "", 204


@bp.get("/reminders/<id:send_id>/open")
@login_required
def open_reminder(send_id):
    """A tapped reminder (a notification, an e-mail's button, the in-app list): counted once as opened,
    then the routine of today's plan — built from the plan entry on the first tap — or Home."""
    send = found_or_404(service.opened(current_user.id, send_id))
    Notification.update(read_at=utcnow()).where((Notification.account == current_user.id)
                                                 & (Notification.url == request.path)
                                                 & Notification.read_at.is_null()).execute()
    entry = send.entry or {}
    if "routine_id" in entry:
        return redirect(url_for("routines.show", routine_id=entry["routine_id"]))
    if "kind" not in entry or send.kind != "daily":
        return redirect(url_for("routines.dashboard"))
    if send.routine_id is None:
        with db.atomic():
            built = routines.create(current_profile(), entry["kind"], entry["minutes"], entry["activity"],
                                    focus=entry.get("focus") or ())
            taken = ReminderSend.update(routine=built.id).where((ReminderSend.id == send.id)
                                                                & ReminderSend.routine.is_null()).execute()
            if not taken:  # a second tap at the same moment built it first
                built.delete_instance()
        send = ReminderSend.get_by_id(send.id)
    return redirect(url_for("routines.show", routine_id=send.routine_id))


@bp.get("/notifications")
@login_required
def notifications():
    """The in-app list; seeing it marks them read (as a bell does everywhere)."""
    rows = service.notifications(current_user.id)
    unread = {row.id for row in rows if row.read_at is None}
    service.mark_read(current_user.id)
    setting = service.settings_for(current_user.id)
    tz = schedule.zone(setting.timezone) or dt.timezone.utc
    when = {row.id: row.created_at.replace(tzinfo=dt.timezone.utc).astimezone(tz) for row in rows}
    return render_template("reminders/notifications.html", rows=rows, unread=unread, when=when,
                           reminders_on=setting.enabled)

