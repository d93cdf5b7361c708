"""One-click unsubscribe from reminder e-mails: a signed link, no sign-in needed (RFC 8058)."""
from flask import Blueprint

bp = Blueprint("unsubscribe", __name__)
