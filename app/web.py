"""What every blueprint needs from a request, in one place: who is asking, whose row this is, and
whether htmx wants a fragment. Blueprints use this instead of importing each other's views."""
from functools import wraps

from flask import abort, request, url_for
from flask_login import current_user, login_required

from .catalog import figures, store
from .models import Profile


def current_profile():
    """The signed-in person's profile; the sign-in query already loaded it."""
    return getattr(current_user, "loaded_profile", None) or Profile.get(Profile.account == current_user.id)


def admin_required(view):
    """Admins only; everybody else gets a 404, so the page doesn't advertise itself."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


def found_or_404(row):
    """A row the person may see, or a 404: services answer None for "not yours" and "no such row" alike."""
    if row is None:
        abort(404)
    return row


def wants_fragment(target=None):
    """Is this an htmx request for a piece of the page (not a boosted navigation or a history restore)?

    With ``target``, only when htmx will swap the element with that id.
    """
    htmx = request.htmx
    if not htmx or htmx.boosted or htmx.history_restore_request:
        return False
    return target is None or htmx.target == target


def with_media_url(described):
    """A media description (media.service.describe) with the URL its file is served at, if it is a file."""
    if described is None or "file" not in described:
        return described
    return {**described, "url": url_for("media.file", media_id=described["media_id"], name=described["file"])}


def varies_with_htmx(response):
    """The same URL answers a fragment or a whole page: caches must keep them apart."""
    response.vary.add("HX-Request")
    return response


def figure(exercise, side=None):
    """{"url", "alt"} of an exercise's (or an exercise id's) animated figure, or None while it has no
    pose. A left-side step shows the figure mirrored; the URL changes with the drawing."""
    ex = store.by_id().get(exercise) if isinstance(exercise, str) else exercise
    if ex is None or ex.pose is None:
        return None
    side = "left" if side == "left" else "right"
    extra = {"side": side} if side == "left" else {}
    return {"url": url_for("catalog.figure", slug=ex.id, v=figures.version(ex, side), **extra), "alt": figures.alt(ex, side)}
