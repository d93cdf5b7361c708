"""Flask extensions, created unbound and bound by create_app()."""
import logging

from flask import flash, jsonify, redirect, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from . import ratelimit  # noqa: F401 - registers the limber-db:// storage with Flask-Limiter

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"
# Sign-ins are rows on the server (revoked at logout), and nothing needs a "fresh" login, so
# Flask-Login's IP/User-Agent fingerprint would only rewrite cookies when a phone changes network.
login_manager.session_protection = None
csrf = CSRFProtect()


@login_manager.unauthorized_handler
def _unauthorized():
    """Pages send people to log in; the player's JSON calls get a 401 they can act on."""
    if request.is_json or request.accept_mimetypes.best == "application/json" or request.path.startswith("/media/"):
        return jsonify(error="unauthorized", message="Please sign in again."), 401
    flash(login_manager.login_message, "info")
    login = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request"):
        # A fragment request: send the whole page to the login form, not into the fragment.
        return "", 401, {"HX-Redirect": login}
    return redirect(login)


def _breached(limit):
    """A security event for the log: which limit, and its key (an address or a digest, never an e-mail)."""
    logging.getLogger("limber.security").warning("rate limit %s reached: %s", limit.limit, limit.key)


limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False, on_breach=_breached)


@limiter.request_filter
def _reading():
    """Only posts are limited (log-in, sign-up, the current-password check); reading never counts."""
    return request.method in ("GET", "HEAD")
