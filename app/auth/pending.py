"""Sign-ups waiting for their address to be confirmed, when Limber can send e-mail.

A sign-up with a new address makes no account: it stores the address, the password's hash and a
digest of a random token, and the token goes out in a link to that address. Following the link
makes the account. So a sign-up answers the same whether the address is new or taken, and an
account only ever belongs to someone who can read its e-mail.
"""
import datetime as dt
import hashlib
import secrets

from ..db import db
from ..models import PendingSignup, utcnow
from . import accounts

LIFETIME = dt.timedelta(hours=24)
TOKEN_MAX = 100  # token_urlsafe(32) is 43 characters: anything much longer was never made here


def _digest(token):
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(email, password_hash):
    """Store the sign-up for this (normalised) address, replacing any earlier one and its link, and
    return the token for the new link. One statement, so two sign-ups at once leave one row."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    row = {"password_hash": password_hash, "token_digest": _digest(token), "created_at": now,
           "expires_at": now + LIFETIME}
    (PendingSignup.insert(email=email, **row)
     .on_conflict(conflict_target=[PendingSignup.email], update=row).execute())
    return token


def clear_expired():
    """Delete the sign-ups whose link has expired: one indexed DELETE at every sign-up (a taken
    address's too, so both do the same work)."""
    PendingSignup.delete().where(PendingSignup.expires_at <= utcnow()).execute()


def find(token):
    """The live sign-up this token confirms, or None (unknown, tampered, already used or expired).
    Reading it changes nothing: mail scanners open links before people do."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return PendingSignup.get_or_none((PendingSignup.token_digest == _digest(token))
                                     & (PendingSignup.expires_at > utcnow()))


def confirm(token):
    """Make the account for this token's sign-up and sign this browser in, all in one transaction.

    Returns (account, None), or (None, "gone") for a token with no live sign-up, or (None, "taken")
    when the address has an account by now (single sign-on meanwhile, or the other of two taps on
    the button): then the sign-up is dropped and nobody is signed in.
    """
    with db.atomic():
        pending = find(token)
        if pending is None:
            return None, "gone"
        account = accounts.sign_up_with_hash(pending.email, pending.password_hash)
        PendingSignup.delete().where(PendingSignup.id == pending.id).execute()
        if account is None:
            return None, "taken"
        accounts.sign_in(account)
    return account, None
