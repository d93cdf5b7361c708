"""Sign up, log in and out, sign in with an OpenID Connect provider, account settings."""
import json
import logging
import threading

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from limits import parse as parse_limit
from requests import RequestException

from .. import ratelimit
from ..extensions import limiter, login_manager
from ..reminders import mail
from ..security import same_site_path
from . import accounts, pending
from .forms import ConfirmSignupForm, DeleteForm, LoginForm, PasswordForm, SignupForm

bp = Blueprint("auth", __name__)
security_log = logging.getLogger("limber.security")  # events an operator may need; no e-mails, no passwords
oauth = OAuth()
login_manager.user_loader(accounts.load_user)


@bp.record_once
def _setup(state):
    app = state.app
    oauth.init_app(app)
    if app.config["OIDC_CLIENT_ID"]:
        oauth.register(
            "oidc",
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=app.config["OIDC_ISSUER"] + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email", "code_challenge_method": "S256", "timeout": 10},
        )


def _oidc_client():
    """The configured OpenID Connect client; without one, its routes don't exist."""
    client = oauth.create_client("oidc")
    if client is None:
        abort(404)
    return client


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_limit():
    return current_app.config["LOGIN_ADDRESS_LIMIT"]


def _account_at_address():
    """Log-in tries are counted per account *and* address: someone guessing from elsewhere
    can't lock the person out. The key holds a digest of the e-mail, never the e-mail."""
    email = accounts.normalise_email(request.form.get("email"))
    return f"login:{ratelimit.digest(email)}:{get_remote_address()}"


def _signed_in_account():
    return f"account:{getattr(current_user, 'id', None)}"


def _after_sign_in():
    return redirect(url_for("routines.dashboard"), code=303)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return _after_sign_in()
    form = SignupForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        if mail.configured(current_app.config):
            _sign_up_by_email(email, form.password.data)
            session["signup_address"] = email
            return redirect(url_for("auth.signup_sent"), code=303)
        account = accounts.sign_up(form.email.data, form.password.data)
        if account is None:
            # Taken, and no e-mail to confirm with: nothing is created and the page doesn't say so
            # (anyone could ask it about any address). The password is hashed anyway, as it is for a
            # new account, so the answer takes as long.
            accounts.hash_password(form.password.data)
            session["signup_address"] = email
            return redirect(url_for("auth.signup_sent"), code=303)
        accounts.sign_in(account)
        return redirect(url_for("profile.onboarding", step="screening"), code=303)
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


def _sign_up_by_email(email, password):
    """With e-mail on, a sign-up answers the same for a new address and a taken one: the password is
    hashed once either way, and what differs goes out by e-mail, off the request. A new address
    gets a link that makes the account (app/auth/pending.py); a taken one, a word to its owner."""
    password_hash = accounts.hash_password(password)
    pending.clear_expired()
    if accounts.email_taken(email):
        _tell_owner_about_signup(email)
    elif _within(SIGNUP_CONFIRM_LIMIT, "signup-confirm", email):
        # Past the limit nothing is stored either: the last link sent stays the one that works.
        link = _public_url("auth.confirm_signup", token=pending.start(email, password_hash))
        _send_in_background(email, "Confirm your e-mail for Limber", SIGNUP_CONFIRM.format(link=link),
                            "sign-up confirmation")


SIGNUP_NOTICE_LIMIT = "3 per day"  # per address: sign-up can't be used to flood someone's inbox
SIGNUP_CONFIRM_LIMIT = "3 per day"  # the same, for the links sent to a new address
SIGNUP_NOTICE = """Hello,

Someone just tried to create a Limber account with this e-mail address. You already have one, so
nothing was created and nothing about your account has changed.

If it was you, log in with your e-mail and password: {login}

If it wasn't you, there's nothing to do.

Limber
"""
SIGNUP_CONFIRM = """Hello,

To finish creating your Limber account, confirm your e-mail address here:

{link}

The link expires in 24 hours.

If you didn't sign up to Limber, you can ignore this e-mail: no account is made without it.

Limber
"""


def _within(limit, namespace, email):
    """Count one e-mail to this address against its limit; False once the limit is reached. The key
    holds a digest of the address, never the address."""
    return not limiter.enabled or limiter.limiter.hit(parse_limit(limit), namespace, ratelimit.digest(email))


def _public_url(endpoint, **values):
    """An absolute link for an e-mail: PUBLIC_URL, not the address this request came in on."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def _send_in_background(email, subject, text, what):
    """Send an e-mail in a thread of its own: an SMTP round trip inside a sign-up would make one
    kind of address slower to answer than the other."""
    config = current_app.config
    settings = {key: config[key] for key in ("SMTP_URL", "MAIL_FROM", "SMTP_TIMEOUT")}

    def send():
        try:
            mail.send(settings, email, subject, text)
        except mail.MailError as exc:  # its message never holds the address
            security_log.warning("%s not sent: %s", what, exc)

    threading.Thread(target=send, name=what.replace(" ", "-"), daemon=True).start()


def _tell_owner_about_signup(email):
    """E-mail an account's owner that someone tried to sign up with their address."""
    if not mail.configured(current_app.config) or not _within(SIGNUP_NOTICE_LIMIT, "signup-notice", email):
        return
    _send_in_background(email, "Someone tried to sign up to Limber with your e-mail",
                        SIGNUP_NOTICE.format(login=_public_url("auth.login")), "sign-up notice")


@bp.get("/signup/sent")
def signup_sent():
    """What every sign-up answers when e-mail is on, and a taken address's when it is off: the same
    words whoever owns the address."""
    if current_user.is_authenticated:
        return _after_sign_in()
    return render_template("auth/signup_sent.html", address=session.get("signup_address"),
                           mail_on=mail.configured(current_app.config))


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def confirm_signup(token):
    """The link in a confirmation e-mail. Opening it only shows a button (mail scanners open links
    too); the button's POST makes the account. Signed in already (the link opened again after
    confirming, say), it goes home, as sign-up does."""
    if current_user.is_authenticated:
        return _after_sign_in()
    form = ConfirmSignupForm()
    if not form.validate_on_submit():
        found = pending.find(token)
        if found is None:
            return _link_problem("gone")
        return (render_template("auth/signup_confirm.html", form=form, address=found.email),
                {"Cache-Control": "no-store"})  # it names the address
    account, problem = pending.confirm(token)
    if account is None:
        return _link_problem(problem)
    security_log.info("account %s created from a confirmed sign-up", account.id)
    return redirect(url_for("profile.onboarding", step="screening"), code=303)


def _link_problem(problem):
    """A link that makes nothing: 410 when it's used or expired, 409 when the address has an account."""
    return (render_template("auth/signup_link.html", problem=problem), 409 if problem == "taken" else 410,
            {"Cache-Control": "no-store"})


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_at_address)
@limiter.limit(_address_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return _after_sign_in()
    form = LoginForm()
    if form.validate_on_submit():
        account = accounts.authenticate(form.email.data, form.password.data)
        if account is not None:
            accounts.sign_in(account, remember=form.remember.data)
            target = same_site_path(request.args.get("next"))
            return redirect(target, code=303) if target else _after_sign_in()
        security_log.info("log-in failed for %s from %s", ratelimit.digest(accounts.normalise_email(form.email.data)),
                          get_remote_address())
        flash("That e-mail and password don't match an account.", "error")
    return render_template("auth/login.html", form=form), 422 if form.errors or request.method == "POST" else 200


def _wiped(response):
    """Tell the browser to drop this person's offline copies, outbox and settings on this phone.
    (The page also asks the service worker to wipe them, for browsers without Clear-Site-Data.)"""
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.post("/logout")
@login_required
def logout():
    accounts.end_session(current_user._get_current_object())
    flash("You're logged out. See you next session!", "info")
    return _wiped(redirect(url_for("auth.login"), code=303))


@bp.post("/auth/oidc/start")
def oidc_start():
    client = _oidc_client()
    try:
        return client.authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except (RequestException, AuthlibBaseError, ValueError):
        current_app.logger.warning("OIDC provider unreachable", exc_info=True)
        flash(f"We couldn't reach {current_app.config['OIDC_NAME']} just now. Please try again.", "error")
        return redirect(url_for("auth.login"), code=303)


def _verified(claims):
    """Only an e-mail the provider says it verified is kept: missing means unverified (an
    unverified address could squat someone else's e-mail). Some providers send "true"."""
    flag = claims.get("email_verified")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


@bp.get("/auth/oidc/callback")
def oidc_callback():
    client = _oidc_client()
    try:
        token = client.authorize_access_token()
        claims = token.get("userinfo") or client.userinfo(token=token)
    except (RequestException, AuthlibBaseError, ValueError, KeyError):
        current_app.logger.warning("OIDC sign-in failed", exc_info=True)
        flash("That sign-in didn't work. Please try again.", "error")
        return redirect(url_for("auth.login"), code=303)
    issuer = claims.get("iss") or current_app.config["OIDC_ISSUER"]
    email = claims.get("email") if _verified(claims) else None
    account, problem = accounts.oidc_account(issuer, claims["sub"], email)
    if account is None:
        flash(problem, "error")
        return redirect(url_for("auth.login"), code=303)
    accounts.sign_in(account)
    if not accounts.onboarded(account):
        return redirect(url_for("profile.onboarding", step="screening"), code=303)
    return _after_sign_in()


def _account_page(password_form, delete_form, status=200):
    """The account page. Never stored, unlike other pages (app/security.py): it is where the account and
    its sign-ins end, and gains nothing from being kept for Back."""
    return (render_template("auth/settings.html", password_form=password_form, delete_form=delete_form), status,
            {"Cache-Control": "no-store"})


@bp.get("/settings")
@login_required
def settings():
    return _account_page(PasswordForm(), DeleteForm())


@bp.post("/settings/password")
@limiter.limit(_login_limit, key_func=_signed_in_account)
@login_required
def change_password():
    form = PasswordForm()
    account = current_user._get_current_object()
    if form.validate_on_submit():
        if account.password_hash and not accounts.authenticate(account.email, form.current.data or ""):
            form.current.errors.append("That isn't your current password.")
            security_log.info("current-password check failed for account %s", account.id)
        else:
            accounts.change_password(account, form.new.data)
            security_log.info("password changed for account %s; other sign-ins ended", account.id)
            flash("Password changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.settings"), code=303)
    return _account_page(form, DeleteForm(), 422)


@bp.get("/settings/export.json")
@login_required
def export():
    body = json.dumps(accounts.export(current_user._get_current_object()), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="limber-my-data.json"',
                             "Cache-Control": "no-store"})  # personal data: never kept by a cache


@bp.post("/settings/delete")
@limiter.limit(_login_limit, key_func=_signed_in_account)
@login_required
def delete_account():
    form = DeleteForm()
    account = current_user._get_current_object()
    if form.validate_on_submit():
        typed = form.confirm.data.strip().upper() == "DELETE"
        if not typed:
            form.confirm.errors = list(form.confirm.errors) + ["Type DELETE to confirm."]
        elif account.password_hash and not accounts.authenticate(account.email, form.password.data or ""):
            form.password.errors = list(form.password.errors) + ["That isn't your password."]
            security_log.info("account deletion refused for account %s: wrong password", account.id)
        else:
            accounts.delete_everything(account)
            security_log.info("account %s deleted by its owner", account.id)
            flash("Your account and everything in it have been deleted.", "info")
            return _wiped(redirect(url_for("auth.signup"), code=303))
    elif not form.confirm.errors:
        form.confirm.errors = ["Type DELETE to confirm."]
    return _account_page(PasswordForm(), form, 422)
