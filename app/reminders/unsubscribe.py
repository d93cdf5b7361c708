"""One-click unsubscribe from reminder e-mails: a signed link, no sign-in needed (RFC 8058).

Opening the link only asks (mail systems fetch every link in a message to scan it); the POST stops the
e-mails. Mail clients post to the same URL from their own unsubscribe button, with no cookie and no
CSRF token, so that POST is exempt: the signed token is what proves the e-mail reached its owner.
"""
from flask import Blueprint, current_app, render_template

from ..extensions import csrf
from ..models import ReminderSetting, utcnow
from . import tokens

bp = Blueprint("unsubscribe", __name__)

STOPS = {"email": "daily reminder e-mails", "weekly": "the weekly summary"}


def link(config, account_id, what):
    """The absolute unsubscribe URL for an e-mail, from PUBLIC_URL: it works outside a request (tasks)."""
    return f"{config['PUBLIC_URL']}/unsubscribe/{tokens.make(config['SECRET_KEY'], account_id, what)}"


def _read(token):
    """``(account_id, what)``, or None for a link that isn't valid."""
    try:
        return tokens.read(current_app.config["SECRET_KEY"], token)
    except tokens.BadToken:
        return None


def _not_valid():
    return render_template("reminders/unsubscribe.html", state="invalid"), 404


@bp.get("/unsubscribe/<token>")
def confirm(token):
    """Says what the link stops and offers the button; changes nothing."""
    found = _read(token)
    if found is None:
        return _not_valid()
    return render_template("reminders/unsubscribe.html", state="confirm", stops=STOPS[found[1]],
                           token=token)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def stop(token):
    """Turns those e-mails off; the same answer again, or for an account that is gone (nothing left to stop).

    200 with the page rather than a 303: a mail client's one-click POST doesn't follow redirects.
    """
    found = _read(token)
    if found is None:
        return _not_valid()
    account_id, what = found
    if what == "email":
        changes = {ReminderSetting.by_email: False}
    else:  # no summary is due any more either
        changes = {ReminderSetting.weekly_summary: False, ReminderSetting.next_weekly_at: None}
    ReminderSetting.update({**changes, ReminderSetting.updated_at: utcnow()}).where(
        ReminderSetting.account == account_id).execute()
    return render_template("reminders/unsubscribe.html", state="done", stops=STOPS[what])
