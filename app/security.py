"""The web edge: response headers every page gets, unreadable input refused, same-site redirects."""

from urllib.parse import urlsplit

from flask import abort, request

from . import compression
from .media import storage

CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "frame-src https://www.youtube-nocookie.com",  # privacy-enhanced YouTube embeds only
    "worker-src 'self'",
    "manifest-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
]


NEXT_MAX = 2000


def same_site_path(target):
    """``target`` if it is a path on this site, else None (an open redirect is refused).

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so
    "/\t/evil.example" and "/\\evil.example" are other sites to them. Only printable ASCII
    without a backslash is taken, it must start with one "/", and it must parse with no scheme
    and no host.
    """
    if not isinstance(target, str) or not 1 <= len(target) <= NEXT_MAX:
        return None
    if any(not 0x21 <= ord(ch) <= 0x7E or ch == "\\" for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def content_security_policy(oidc_issuer, media_origin=None):
    """The policy; forms may post to us and, for sign-in redirects, to the OIDC provider only. With
    presigned media, a <video> or <img> (and the service worker passing its request on, which Chromium
    judges by connect-src) is redirected to the bucket: its origin is allowed there and nowhere else."""
    parts_allowed = CSP_PARTS
    if media_origin:
        parts_allowed = [part + f" {media_origin}" if part.split()[0] in ("img-src", "media-src", "connect-src")
                         else part for part in CSP_PARTS]
    form_action = "form-action 'self'"
    if oidc_issuer:
        parts = urlsplit(oidc_issuer)
        form_action += f" {parts.scheme}://{parts.netloc}"
        if "google.com" in parts.netloc:
            form_action += " https://accounts.google.com"
    return "; ".join(parts_allowed + [form_action])


UNREADABLE = "That request can't be read: "


def unreadable_input(form, args, path):
    """Why the request's form, query or path can't be taken as it is, or None.

    A multipart part without a name becomes a key of None, which breaks code that expects
    strings (Flask-WTF's CSRF lookup among it); a NUL character is refused by PostgreSQL
    text columns and has no place in anything a person types.
    """
    if None in form:
        return "a form field without a name."
    if "\x00" in path or any("\x00" in key or "\x00" in value
                              for values in (form, args) if values for key, value in values.items(multi=True)):
        return "it contains a NUL character."
    return None


def guard_input(app):
    """Refuse unreadable input before anything else reads it (CSRF included): register first."""
    @app.before_request
    def _readable():
        form = request.form if request.content_length or request.headers.get("Transfer-Encoding") else {}
        reason = unreadable_input(form, request.args, request.path)
        if reason:
            abort(400, description=UNREADABLE + reason)


def init_app(app):
    compression.init_app(app)  # registered first, so it runs last: after every header below is set
    csp = content_security_policy(app.config["OIDC_ISSUER"] if app.config["OIDC_CLIENT_ID"] else None,
                                  storage.presigned_origin(app.config))

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")  # no other window holds ours
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")  # nor embeds our responses
        if response.mimetype == "text/html":
            # A page is one person's (and holds their session's CSRF token): never kept by a shared
            # cache, always revalidated, but the browser may keep it for Back (its back/forward
            # cache). Logging out sends Clear-Site-Data, and static/js/forms.js reloads a page
            # restored after the person it belonged to has gone.
            response.headers.setdefault("Cache-Control", "private, no-cache")
        elif response.mimetype in ("application/json", "text/event-stream"):
            response.headers.setdefault("Cache-Control", "no-store")  # data is one person's, read by scripts
        if response.status_code == 422 and request.method != "GET" and request.headers.get("HX-Boosted"):
            # A form that comes back with its errors stays at the address of the page it was on
            # (/settings, not /settings/delete, which a reload could not show).
            response.headers.setdefault("HX-Push-Url", "false")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
