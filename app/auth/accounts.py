"""Accounts and sign-in sessions, without the web layer."""
import datetime as dt
import decimal
import functools
import logging
import time
import uuid

from flask import current_app, session
from flask_login import login_user, logout_user
from peewee import ForeignKeyField, IntegrityError, OperationalError, SqliteDatabase
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import db
from ..models import (
    USER_MODELS, Account, ChatMessage, OidcIdentity, Plan, Profile, PushSubscription, RoutineRecord, SignIn, WorkoutLog,
    utcnow,
)

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _dummy_hash_for(method):
    return generate_password_hash("limber-not-a-password", method=method)


def dummy_hash():
    """Checked against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.

    Made with the configured method (once per method): a dummy of another cost would make an
    unknown e-mail measurably faster or slower than a known one.
    """
    return _dummy_hash_for(current_app.config["PASSWORD_HASH_METHOD"])


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email):
    return (email or "").strip().lower()


def authenticate(email, password):
    account = Account.get_or_none(Account.email == normalise_email(email))
    if account is None or not account.password_hash:
        check_password_hash(dummy_hash(), password)
        return None
    return account if check_password_hash(account.password_hash, password) else None


def create_account(email, password):
    return create_account_with_hash(email, hash_password(password))


def create_account_with_hash(email, password_hash):
    with db.atomic():
        account = Account.create(email=normalise_email(email), password_hash=password_hash)
        Profile.create(account=account)
    return account


def email_taken(email):
    return Account.select().where(Account.email == normalise_email(email)).exists()


def _new_account(email, password_hash):
    """The account, or None when another request made one with this e-mail a moment ago: the
    unique e-mail decides, whoever asked first."""
    try:
        return create_account_with_hash(email, password_hash)
    except IntegrityError:
        return None


def sign_up(email, password):
    """A new account with this e-mail and password, or None when the e-mail already has one
    (including one made a moment ago by another request)."""
    if email_taken(email):
        return None
    return _new_account(email, hash_password(password))


def sign_up_with_hash(email, password_hash):
    """sign_up for a password hashed earlier: a sign-up whose address has just been confirmed
    (app/auth/pending.py). None when the e-mail has an account by now."""
    if email_taken(email):
        return None
    return _new_account(email, password_hash)


def onboarded(account):
    return Profile.select(Profile.onboarded).where(Profile.account == account.id).scalar() is True


def sign_in(account, remember=True):
    """Sign this browser in: a new SignIn row, a fresh Flask session, the login cookie."""
    days = current_app.config["SIGN_IN_DAYS"]
    row = SignIn.create(account=account, expires_at=utcnow() + dt.timedelta(days=days))
    account.login_token = row.token
    session.clear()  # a fresh session on sign-in: nothing carries over from before
    session.permanent = True
    login_user(account, remember=remember, duration=dt.timedelta(days=days))


def end_session(account):
    """Sign this browser out: its sign-in row goes, and the push subscription made on it (the next
    person on a shared phone must not get this one's reminders)."""
    browser = SignIn.select(SignIn.id).where(SignIn.token == account.login_token)
    PushSubscription.delete().where(PushSubscription.sign_in.in_(browser)).execute()
    SignIn.delete().where(SignIn.token == account.login_token).execute()
    logout_user()
    session.clear()


def load_user(token):
    account = SignIn.account_for(token)
    if account is not None:
        account.login_token = token
    return account


def change_password(account, new_password):
    with db.atomic():
        Account.update(password_hash=hash_password(new_password)).where(Account.id == account.id).execute()
        # Every other browser signed in as this person must sign in again.
        SignIn.delete().where((SignIn.account == account)
                                    & (SignIn.token != account.login_token)).execute()


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


# Never written to a download: a leaked export file must not let anyone sign in as the person.
# Everything else stored about them is exported, column by column.
EXPORT_EXCLUDED = {
    Account: {"password_hash"},  # crackable offline; the export says whether a password is set instead
    SignIn: {"token"},  # the bearer credential behind a signed-in cookie; each sign-in is listed by its times
    PushSubscription: {"endpoint", "p256dh", "auth"},  # with the server's VAPID key, enough to push to the phone
}

# Section names of earlier exports, kept so what people (and their scripts) read stays where it was.
# Any other table holding a person's rows is exported under its table name.
EXPORT_SECTIONS = {Profile: "profile", RoutineRecord: "routines", WorkoutLog: "sessions", Plan: "plans",
                   ChatMessage: "coach", SignIn: "login_session"}

EXPORT_FORMAT = 2


def _account_keys(model):
    return [field for field in model._meta.sorted_fields
            if isinstance(field, ForeignKeyField) and field.rel_model is Account]


def owned_models():
    """Every model holding a person's rows, with its foreign keys to Account, Account last.

    USER_MODELS plus any model with a foreign key to Account, so a table added later is
    exported and deleted without anyone remembering to list it here.
    """
    models = [m for m in USER_MODELS if m is not Account]
    models += [m for m in Account._meta.backrefs.values() if m not in models and m is not Account]
    found = {}
    for model in models:
        keys = _account_keys(model)
        if not keys:
            raise LookupError(f"{model.__name__} is in USER_MODELS but has no foreign key to Account")
        found[model] = keys
    found[Account] = [Account._meta.primary_key]
    return found


def _children(model, owned):
    """(foreign key, model) for each table whose rows hang under this one's and not under an account
    of their own, such as a plan's versions."""
    return [(field, child) for field, child in model._meta.backrefs.items()
            if child not in owned and child is not model]


def _belongs_to(keys, account_id):
    condition = None
    for key in keys:
        condition = (key == account_id) if condition is None else (condition | (key == account_id))
    return condition


def section_name(model):
    return "account" if model is Account else EXPORT_SECTIONS.get(model, model._meta.table_name)


def _json_value(value):
    if isinstance(value, dt.datetime):  # stored as naive UTC
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value  # JSON columns are already lists and dicts; None, numbers, text and booleans as they are


def _row(model, row):
    """Every column of a row under its column name, except the secrets in EXPORT_EXCLUDED."""
    hidden = EXPORT_EXCLUDED.get(model, ())
    return {field.column_name: _json_value(row.__data__.get(field.name))
            for field in model._meta.sorted_fields if field.name not in hidden}


def _rows(model, query, owned):
    """Rows as dicts, each with the rows of child tables nested under the foreign key's backref."""
    rows = list(query.order_by(model._meta.primary_key))
    out = [_row(model, row) for row in rows]
    for field, child in _children(model, owned):
        parents = [row.__data__.get(field.rel_field.name) for row in rows]
        nested = {}
        if parents:
            for item in _rows(child, child.select().where(field.in_(parents)), owned):
                nested.setdefault(item[field.column_name], []).append(item)
        for parent, item in zip(parents, out, strict=True):
            item[field.backref] = nested.get(parent, [])
    return out


def export(account):
    """Everything Limber stores about a person, as plain JSON-ready data.

    Built from the models' own columns: every table with a foreign key to Account, every row of
    this person's and every column (see EXPORT_EXCLUDED for the two secrets left out). Times are
    UTC in ISO 8601 with a Z; JSON columns are their JSON.
    """
    owned = owned_models()
    now = utcnow()
    sections = {}
    for model, keys in owned.items():
        rows = _rows(model, model.select().where(_belongs_to(keys, account.id)), owned)
        unique = model is Account or all(key.unique or key.primary_key for key in keys)
        sections[section_name(model)] = (rows[0] if rows else None) if unique else rows

    person = sections["account"] = sections["account"] or {}
    stored = Account.get_or_none(Account.id == account.id)
    person["password_set"] = bool(stored and stored.password_hash)
    person["live_sign_ins"] = (SignIn.select()
                               .where((SignIn.account == account.id) & (SignIn.expires_at > now)).count())
    # The shape of earlier exports, kept alongside the full rows.
    person["sign_in_with"] = [{"issuer": i.issuer, "subject": i.subject}
                              for i in OidcIdentity.select().where(OidcIdentity.account == account.id)
                              .order_by(OidcIdentity.id)]
    for routine in sections.get("routines", []):
        for key, value in (routine.get("data") or {}).items():
            routine.setdefault(key, value)  # steps, total_seconds, notes, why at the top, as before

    about = {"format": EXPORT_FORMAT, "exported_at": _json_value(now),
             "left_out": ["account.password_hash: a copy of it could be cracked offline; password_set says "
                          "whether you have one",
                          f"{section_name(SignIn)}.token: the secret behind each signed-in browser; "
                          "each sign-in is listed with when it started and expires"]}
    order = ["account", *EXPORT_SECTIONS.values()]
    return {"about": about, **{name: sections[name] for name in order if name in sections},
            **{name: value for name, value in sections.items() if name not in order}}


def _delete_rows(model, condition, owned):
    """Delete the rows matching condition, child-table rows first (not leaning on ON DELETE CASCADE)."""
    for field, child in _children(model, owned):
        _delete_rows(child, field.in_(model.select(field.rel_field).where(condition)), owned)
    model.delete().where(condition).execute()


CHECKPOINT_TRIES = 5
CHECKPOINT_PAUSE = 0.1  # seconds between tries
CHECKPOINT_BUSY_MS = 100  # how long one try waits for readers, instead of the connection's busy_timeout


def truncate_wal():
    """On SQLite, copy the WAL into the database file and empty it, so pages that held deleted rows
    don't linger in the -wal file (secure_delete has already zeroed them in the new pages).

    Readers can keep it busy: tried a few times within about a second, then logged. Returns True
    when done or nothing to do (PostgreSQL, not WAL), False when it could not complete.
    """
    database = db.obj
    if not isinstance(database, SqliteDatabase):
        return True
    if database.in_transaction():
        logger.warning("WAL checkpoint skipped: called inside a transaction")
        return False
    previous = database.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    try:
        database.execute_sql(f"PRAGMA busy_timeout = {CHECKPOINT_BUSY_MS}")
        for attempt in range(CHECKPOINT_TRIES):
            if attempt:
                time.sleep(CHECKPOINT_PAUSE)
            try:
                busy, _, _ = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except OperationalError:  # "database is locked": another writer holds it
                busy = 1
            if not busy:
                return True
    finally:
        database.execute_sql(f"PRAGMA busy_timeout = {int(previous)}")
    logger.warning("WAL checkpoint after an account deletion stayed busy after %d tries; deleted rows' old "
                   "pages stay in the -wal file until the next checkpoint", CHECKPOINT_TRIES)
    return False


def delete_everything(account):
    owned = owned_models()
    with db.atomic():  # all or nothing
        for model, keys in owned.items():  # Account last
            _delete_rows(model, _belongs_to(keys, account.id), owned)
    # Committed: the deletion stands whatever happens next. On PostgreSQL autovacuum reclaims the dead rows.
    try:
        truncate_wal()
    except Exception:  # the deletion is done; saying it failed would be wrong
        logger.warning("WAL checkpoint after an account deletion failed", exc_info=True)
    logout_user()
    session.clear()
