"""The coach conversation: questions, streamed answers, and plan proposals to apply or dismiss."""
import json

from flask import (
    Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request,
    stream_with_context, url_for,
)
from flask_login import current_user, login_required

from .. import vocabulary as v
from ..ai import client as ai_client
from ..web import current_profile
from . import chat
from .forms import ClearForm, MessageForm

bp = Blueprint("coach", __name__)


def render_proposal(message):
    return render_template("coach/_proposal.html", message=message)


def _closed(profile):
    """Why the coach can't talk with this person at all ("off": they switched the AI off; "absent": this
    Limber has no AI), or None. A closed coach gets no message box: the page offers the library and
    Build instead of a conversation that can't happen."""
    if not ai_client.configured(current_app.config):
        return "absent"
    return None if profile.ai_enabled else "off"


def _page(form=None, status=200):
    """The conversation and its forms; ``form``: a message sent with an error, shown again with it."""
    profile = current_profile()
    closed = _closed(profile)
    areas = [(area, v.region_label(area).lower()) for area in (profile.tight_areas or [])[:3]]
    return render_template("coach/index.html", messages=chat.conversation(current_user.id), closed=closed,
                           unavailable=None if closed else chat.unavailable(profile, current_app.config),
                           tight=areas, form=MessageForm(formdata=None) if form is None else form,
                           clear=ClearForm(formdata=None)), status


def _refused(form):
    """A message that can't be sent: with htmx, just what is wrong with it, in the form's error box
    (the conversation stays as it is); without, the page again with the message and its error."""
    if not request.htmx:
        return _page(form, 422)
    response = make_response(render_template("coach/_error.html", form=form), 422)
    response.headers["HX-Retarget"] = "#chat-error"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@bp.get("/coach")
@login_required
def conversation():
    return _page()


@bp.post("/coach/messages")
@login_required
def send():
    form = MessageForm()
    if not form.validate_on_submit():
        return _refused(form)
    mine, reply = chat.ask(current_profile(), form.message.data, current_app.config)
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
    if not chat.start_reply(message):
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


@bp.post("/coach/proposals/<id:message_id>/<any(apply, dismiss):action>")
@login_required
def settle(message_id, action):
    """The person's Apply or Dismiss on a proposal card; the card comes back as it now stands."""
    message = _proposal_or_404(message_id)
    chat.settle_proposal(message, current_user.id, action)
    return render_proposal(message)


@bp.post("/coach/clear")
@login_required
def clear():
    chat.clear(current_user.id)
    flash("Conversation deleted.", "success")
    return redirect(url_for(".conversation"), code=303)
