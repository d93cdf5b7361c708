"""Response headers every page gets (DESIGN.md §5)."""

from urllib.parse import urlsplit

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


def content_security_policy(oidc_issuer):
    """The policy; forms may post to us and, for sign-in redirects, to the OIDC provider only."""
    form_action = "form-action 'self'"
    if oidc_issuer:
        parts = urlsplit(oidc_issuer)
        form_action += f" {parts.scheme}://{parts.netloc}"
        if "google.com" in parts.netloc:
            form_action += " https://accounts.google.com"
    return "; ".join(CSP_PARTS + [form_action])


def init_app(app):
    csp = content_security_policy(app.config["OIDC_ISSUER"] if app.config["OIDC_CLIENT_ID"] else None)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
