"""Accounts and sign-in sessions, without the web layer."""
import datetime as dt

from flask import current_app, session
from flask_login import login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import db
from ..models import (
    USER_MODELS, Account, ChatMessage, LoginSession, OidcIdentity, Plan, PlanVersion, Profile, Routine, SessionLog,
    utcnow,
)

# Checked against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("limber-not-a-password", method="scrypt")


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email):
    return (email or "").strip().lower()


def authenticate(email, password):
    account = Account.get_or_none(Account.email == normalise_email(email))
    if account is None or not account.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return account if check_password_hash(account.password_hash, password) else None


def create_account(email, password):
    with db.atomic():
        account = Account.create(email=normalise_email(email), password_hash=hash_password(password))
        Profile.create(account=account)
    return account


def start_session(account, remember=True):
    days = current_app.config["LOGIN_SESSION_DAYS"]
    row = LoginSession.create(account=account, expires_at=utcnow() + dt.timedelta(days=days))
    account.login_token = row.token
    session.clear()  # a fresh session on sign-in: nothing carries over from before
    session.permanent = True
    login_user(account, remember=remember, duration=dt.timedelta(days=days))


def end_session(account):
    LoginSession.delete().where(LoginSession.token == account.login_token).execute()
    logout_user()
    session.clear()


def load_user(token):
    account = LoginSession.account_for(token)
    if account is not None:
        account.login_token = token
    return account


def change_password(account, new_password):
    with db.atomic():
        Account.update(password_hash=hash_password(new_password)).where(Account.id == account.id).execute()
        # Every other browser signed in as this person must sign in again.
        LoginSession.delete().where((LoginSession.account == account)
                                    & (LoginSession.token != account.login_token)).execute()


def oidc_account(issuer, subject, email):
    """The account for an OpenID Connect identity, keyed by (issuer, subject).

    Returns (account, None) or (None, reason) when the e-mail already belongs to a
    password account: linking by e-mail alone would let a provider take over an account.
    """
    identity = (OidcIdentity.select(OidcIdentity, Account).join(Account)
                .where((OidcIdentity.issuer == issuer) & (OidcIdentity.subject == subject)).first())
    if identity is not None:
        return identity.account, None
    email = normalise_email(email) or None
    if email and Account.select().where(Account.email == email).exists():
        return None, ("An account with this e-mail already exists. Log in with your e-mail and "
                      "password instead.")
    with db.atomic():
        account = Account.create(email=email)
        Profile.create(account=account)
        OidcIdentity.create(account=account, issuer=issuer, subject=subject, email=email)
    return account, None


def export(account):
    """Everything Limber stores about a person, as plain JSON-ready data."""
    profile = Profile.get_or_none(Profile.account == account)
    return {
        "account": {"email": account.email, "created_at": account.created_at.isoformat() + "Z",
                    "sign_in_with": [{"issuer": i.issuer, "subject": i.subject} for i in account.identities]},
        "profile": None if profile is None else {
            "screening": profile.screening, "age": profile.age, "level": profile.level,
            "health_consent": profile.health_consent, "conditions": profile.conditions,
            "condition_details": profile.condition_details, "space": profile.space,
            "equipment": profile.equipment, "activities": profile.activities,
            "usual_activity": profile.usual_activity, "usual_minutes": profile.usual_minutes,
            "tight_areas": profile.tight_areas,
        },
        "routines": [{"id": r.id, "title": r.title, "kind": r.kind, "activity": r.activity, "minutes": r.minutes,
                      "created_at": r.created_at.isoformat() + "Z", "request": r.request, **r.data}
                     for r in Routine.select().where(Routine.account == account).order_by(Routine.id)],
        "sessions": [{"client_id": s.client_id, "title": s.title, "kind": s.kind, "routine_id": s.routine_id,
                      "started_at": s.started_at.isoformat() + "Z", "finished_at": s.finished_at.isoformat() + "Z",
                      "seconds_done": s.seconds_done, "steps_done": s.steps_done, "steps_total": s.steps_total,
                      "ended_early": s.ended_early, "stopped_for_safety": s.stopped_for_safety,
                      "rating": s.rating, "pain": s.pain, "pain_area": s.pain_area, "note": s.note}
                     for s in SessionLog.select().where(SessionLog.account == account).order_by(SessionLog.id)],
        "plans": [{"name": p.name, "active": p.active, "versions": [
                       {"number": ver.number, "author": ver.author, "description": ver.description,
                        "created_at": ver.created_at.isoformat() + "Z", "plan": ver.snapshot}
                       for ver in PlanVersion.select().where(PlanVersion.plan == p.id).order_by(PlanVersion.number)]}
                  for p in Plan.select().where(Plan.account == account).order_by(Plan.id)],
        "coach": [{"role": m.role, "content": m.content, "created_at": m.created_at.isoformat() + "Z",
                   "proposal": m.proposal, "proposal_status": m.proposal_status}
                  for m in ChatMessage.select().where(ChatMessage.account == account).order_by(ChatMessage.id)],
    }


def delete_everything(account):
    with db.atomic():
        for model in USER_MODELS:
            field = model.id if model is Account else model.account
            value = account.id
            model.delete().where(field == value).execute()
    logout_user()
    session.clear()
