"""Signed unsubscribe tokens: which account, and which e-mails it stops ("email": the daily reminders,
"weekly": the weekly summary).

They never expire, because the link in an old e-mail must still work. Their own salt keeps them from
being taken for anything else signed with SECRET_KEY (the session cookie among them), and anything
else for one of them. Changing SECRET_KEY invalidates every link already sent.
"""
from itsdangerous import BadData, URLSafeSerializer

SALT = "limber.reminders.unsubscribe"
WHAT = ("email", "weekly")
MAX_ID = 2**31 - 1  # the largest row id (app.RowIdConverter): anything else never reaches the database


class BadToken(Exception):
    """A token that wasn't made here: forged, cut short, changed, or for something other than WHAT."""


def _serializer(secret_key):
    return URLSafeSerializer(secret_key, salt=SALT)


def make(secret_key, account_id, what):
    """The token for one account and one kind of e-mail, safe in a URL path."""
    if what not in WHAT:
        raise ValueError(f"what must be one of {', '.join(WHAT)}, not {what!r}")
    return _serializer(secret_key).dumps([account_id, what])


def read(secret_key, token):
    """``(account_id, what)`` from a token made by make(); BadToken for anything else."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadData:
        raise BadToken("not a token Limber made") from None
    if not (isinstance(data, list) and len(data) == 2 and type(data[0]) is int and 1 <= data[0] <= MAX_ID
            and data[1] in WHAT):
        raise BadToken("a token for something else")
    return data[0], data[1]
