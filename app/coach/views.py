"""The AI pages: a routine job's progress, and the person's AI settings."""
import json

from flask import (
    Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request,
    stream_with_context, url_for,
)
from flask_login import current_user, login_required

from .. import vocabulary as v
from ..db import db
from ..models import ChatMessage, Profile, utcnow
from ..web import current_profile, found_or_404, varies_with_htmx, wants_fragment
from . import chat, client, jobs, quota, safety

bp = Blueprint("coach", __name__)


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
    enabled = request.form.get("ai_enabled") == "y"
    personality = request.form.get("coach_personality", profile.coach_personality)
    if personality not in v.PERSONALITIES:
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
            "limit": config["AI_DAILY_LIMIT"]}


# -- the coach conversation ----------------------------------------------------------------------

def _availability(profile):
    """None if the AI may answer now, else the reason (for people)."""
    config = current_app.config
    if not client.configured(config):
        return "The AI coach isn't set up on this server, so it can't answer questions yet."
    if not profile.ai_enabled:
        return "The AI coach is switched off in your settings. Switch it on under Account to chat."
    spent = quota.exhausted(profile.account_id, "chat", config)
    return _spent(spent) if spent else None


def _spent(exhausted):
    return f"{quota.reason(exhausted, 'coach answers')} The coach is back tomorrow."


def _reply_row(profile):
    """The assistant's pending answer, with today's place taken for it; or a notice saying why not."""
    reason = _availability(profile)
    if reason is None:
        try:
            with db.atomic():
                quota.take(profile.account_id, "chat", current_app.config)
                return ChatMessage.create(account=profile.account_id, role="assistant", state="pending")
        except quota.Exhausted as exc:
            reason = _spent(exc)
    return ChatMessage.create(account=profile.account_id, role="notice", content=reason)


def render_proposal(message):
    return render_template("coach/_proposal.html", message=message)


@bp.get("/coach")
@login_required
def conversation():
    profile = current_profile()
    return render_template("coach/index.html", messages=chat.conversation(current_user.id),
                           unavailable=_availability(profile))


@bp.post("/coach/messages")
@login_required
def send():
    profile = current_profile()
    text = (request.form.get("message") or "").strip()
    if not 1 <= len(text) <= chat.MESSAGE_MAX:
        response = make_response(render_template("coach/_error.html",
                                                 error=f"Write 1 to {chat.MESSAGE_MAX} characters."), 422)
        response.headers["HX-Retarget"] = "#chat-error"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    mine = ChatMessage.create(account=current_user.id, role="user", content=text)
    if safety.screen(text):
        reply = ChatMessage.create(account=current_user.id, role="safety", content=safety.SAFETY_ANSWER)
    else:
        reply = _reply_row(profile)
    if not request.htmx:
        return redirect(url_for(".conversation"), code=303)
    return render_template("coach/_messages.html", messages=[mine, reply])


@bp.post("/coach/messages/<id:message_id>/reply")
@login_required
def reply(message_id):
    """Ask the model for a pending answer and stream it as Server-Sent Events: token, proposal, done | failure.

    A POST (CSRF-checked, never started by a link or a cross-site navigation), answered once:
    the page reads the stream with fetch().
    """
    message = chat.owned(current_user.id, message_id)
    if message is None or message.role != "assistant":
        abort(404)
    started = ChatMessage.update(state="streaming").where(
        (ChatMessage.id == message.id) & (ChatMessage.state == "pending")).execute()
    if not started:
        abort(409)  # already answered, or being answered: the page says the coach couldn't answer
    profile = current_profile()
    config = current_app.config  # a plain dict: safe to use after the request context has gone

    def events():
        for name, data in chat.stream_reply(message, profile, config, render_proposal):
            yield f"event: {name}\ndata: {json.dumps(data)}\n\n"

    response = Response(stream_with_context(events()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _proposal_or_404(message_id):
    message = chat.owned(current_user.id, message_id)
    if message is None or not message.proposal:
        abort(404)
    return message


@bp.post("/coach/proposals/<id:message_id>/apply")
@login_required
def apply(message_id):
    message = _proposal_or_404(message_id)
    chat.settle_proposal(message, current_user.id, "apply")
    return render_proposal(message)


@bp.post("/coach/proposals/<id:message_id>/dismiss")
@login_required
def dismiss(message_id):
    message = _proposal_or_404(message_id)
    chat.settle_proposal(message, current_user.id, "dismiss")
    return render_proposal(message)


@bp.post("/coach/clear")
@login_required
def clear():
    chat.clear(current_user.id)
    flash("Conversation deleted.", "success")
    return redirect(url_for(".conversation"), code=303)
