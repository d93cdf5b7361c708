"""Every setting Limber reads, from the environment, with embedded defaults.

LIMBER_ENV picks the profile: ``production`` (the default, so a forgotten variable on a
PaaS fails safe), ``development`` (what ``make run`` uses) or ``test``.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("LIMBER_INSTANCE", ROOT / "instance"))

DEV_SECRET_KEY = "limber-development-key-not-secret"
ENVIRONMENTS = ("production", "development", "test")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says what to do."""


def _bool(value, default=False):
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _fix_postgres_scheme(url):
    # PaaS providers hand out postgres://; peewee's db_url knows postgresql:// too.
    return "postgresql://" + url[len("postgres://"):] if url.startswith("postgres://") else url


def load(env=None, overrides=None):
    """Build the Flask config mapping. ``env`` defaults to os.environ."""
    env = os.environ if env is None else env
    overrides = overrides or {}
    mode = overrides.get("LIMBER_ENV") or env.get("LIMBER_ENV", "production")
    if mode not in ENVIRONMENTS:
        raise ConfigError(f"LIMBER_ENV must be one of {', '.join(ENVIRONMENTS)}, not {mode!r}.")
    production = mode == "production"

    secret = env.get("SECRET_KEY", "")
    if not secret:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. Limber refuses to start in production without it.\n"
                "Set it to a long random string, for example the output of\n"
                "  python -c 'import secrets; print(secrets.token_hex(32))'\n"
                "or set LIMBER_ENV=development to run locally."
            )
        secret = DEV_SECRET_KEY

    instance = Path(env.get("LIMBER_INSTANCE", INSTANCE))
    database_url = _fix_postgres_scheme(
        env.get("DATABASE_URL") or f"sqlite:///{instance / 'limber.db'}"
    )
    redis_url = env.get("REDIS_URL") or None
    sign_in_days = int(env.get("REMEMBER_DAYS", "30"))  # how long a sign-in lasts, in every place that says so

    config = {
        "LIMBER_ENV": mode,
        "TESTING": mode == "test",
        "SECRET_KEY": secret,
        "INSTANCE_DIR": str(instance),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "HUEY_FILE": env.get("HUEY_FILE") or str(instance / "huey.db"),
        "HUEY_IMMEDIATE": _bool(env.get("HUEY_IMMEDIATE")),
        # Sessions and cookies: HttpOnly, SameSite=Lax, Secure in production.
        "SESSION_COOKIE_SECURE": _bool(env.get("COOKIE_SECURE"), default=production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("COOKIE_SECURE"), default=production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * sign_in_days,
        "SIGN_IN_DAYS": sign_in_days,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * sign_in_days,
        # The login row on the server holds the expiry; re-signing the cookie on every request buys nothing.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session does
        "WTF_CSRF_SSL_STRICT": production,
        # Rate limits, counted for every process together: in Redis when there is one, else in
        # Limber's own database (app/ratelimit.py), never per process.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or redis_url or "limber-db://",
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        # Log-in tries per account from one address (so nobody elsewhere can lock the person out),
        # sign-ups per address, and current-password checks per account.
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Log-in tries from one address across all accounts (password spraying).
        "LOGIN_ADDRESS_LIMIT": env.get("LOGIN_ADDRESS_LIMIT", "30 per minute;300 per hour"),
        # Sign in with Google or any OpenID Connect provider.
        "OIDC_ISSUER": env.get("OIDC_ISSUER", "").rstrip("/") or None,
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET") or None,
        "OIDC_NAME": env.get("OIDC_NAME") or None,
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Exercise media: downloaded by a Huey task into MEDIA_DIR (app/media/fetch.py's SSRF rules).
        "MEDIA_DIR": env.get("MEDIA_DIR") or str(instance / "media"),
        "MEDIA_MAX_MB": float(env.get("MEDIA_MAX_MB", "50")),
        "MEDIA_TIMEOUT": float(env.get("MEDIA_TIMEOUT", "120")),
        "MEDIA_ALLOW_LOOPBACK": _bool(env.get("MEDIA_ALLOW_LOOPBACK")),  # tests only: a fake host on 127.0.0.1
        # Media on object storage instead of MEDIA_DIR (a PaaS container loses its disk at every deploy):
        # the bucket, an endpoint for S3-compatible services, a key prefix, and whether the browser gets a
        # short-lived presigned URL (MEDIA_S3_PRESIGN_SECONDS) instead of the file through Limber.
        # Credentials come the usual AWS way (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).
        "MEDIA_S3_BUCKET": env.get("MEDIA_S3_BUCKET") or None,
        "MEDIA_S3_ENDPOINT_URL": env.get("MEDIA_S3_ENDPOINT_URL") or None,
        "MEDIA_S3_PREFIX": env.get("MEDIA_S3_PREFIX", "media/"),
        "MEDIA_S3_PRESIGN": _bool(env.get("MEDIA_S3_PRESIGN")),
        "MEDIA_S3_PRESIGN_SECONDS": int(env.get("MEDIA_S3_PRESIGN_SECONDS", "300")),
        # Claude (optional): without a key everything runs on the deterministic engine.
        "ANTHROPIC_API_KEY": env.get("ANTHROPIC_API_KEY") or None,
        "ANTHROPIC_BASE_URL": env.get("ANTHROPIC_BASE_URL") or None,
        "ANTHROPIC_MODEL": env.get("ANTHROPIC_MODEL") or "claude-sonnet-5-5",
        "AI_TIMEOUT": float(env.get("AI_TIMEOUT", "20")),
        "AI_DAILY_LIMIT": int(env.get("AI_DAILY_LIMIT", "20")),  # per person and day, for builds and for chat
        # Every request on this server together, per UTC day: the ceiling on the operator's bill.
        # One request asks the model at most twice (a build) or three times (a chat answer with tools).
        "AI_GLOBAL_DAILY_LIMIT": int(env.get("AI_GLOBAL_DAILY_LIMIT", "2000")),
        "AI_BREAKER_FAILURES": int(env.get("AI_BREAKER_FAILURES", "3")),
        "AI_BREAKER_SECONDS": float(env.get("AI_BREAKER_SECONDS", "120")),
        "AI_CACHE_SECONDS": int(env.get("AI_CACHE_SECONDS", "600")),
        # Where the static files live; a deploy replaces them, and the service worker's caches follow.
        "STATIC_DIR": env.get("STATIC_DIR") or str(ROOT / "static"),
        # Where people reach Limber, for the links in e-mails and notifications sent by the worker
        # (outside any request). Development and tests default to the local server.
        "PUBLIC_URL": (env.get("PUBLIC_URL") or ("" if production else f"http://127.0.0.1:{env.get('PORT', '8000')}"))
        .rstrip("/") or None,
        # Web Push (reminders): the VAPID key pair, as the base64url private key and public key, and the
        # contact the push services may write to. Outside production, a pair is made and kept in the
        # instance folder on first use when none is set (app/reminders/vapid.py).
        "VAPID_PRIVATE_KEY": env.get("VAPID_PRIVATE_KEY") or None,
        "VAPID_PUBLIC_KEY": env.get("VAPID_PUBLIC_KEY") or None,
        "VAPID_SUBJECT": env.get("VAPID_SUBJECT") or "mailto:hello@limber.invalid",
        "PUSH_TIMEOUT": float(env.get("PUSH_TIMEOUT", "10")),
        "PUSH_ALLOW_LOOPBACK": _bool(env.get("PUSH_ALLOW_LOOPBACK")),  # tests only: a fake push service on 127.0.0.1
        # E-mail (reminders, the weekly summary): smtp://user:password@host:587 (STARTTLS), smtps://… (TLS),
        # or unset for no e-mail. MAIL_FROM is the sender people see.
        "SMTP_URL": env.get("SMTP_URL") or None,
        "MAIL_FROM": env.get("MAIL_FROM") or "Limber <reminders@limber.invalid>",
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "10")),
        # GET /metrics (Prometheus text) answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset: 404.
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or None,
        # Proxies in front of the app (a PaaS router: 1). Their X-Forwarded-* headers are trusted.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
    }
    config.update(overrides)
    if config["OIDC_CLIENT_ID"] and not config["OIDC_ISSUER"]:
        config["OIDC_ISSUER"] = "https://accounts.google.com"
    if not config["OIDC_NAME"] and config["OIDC_ISSUER"]:
        google = config["OIDC_ISSUER"] == "https://accounts.google.com"
        config["OIDC_NAME"] = "Google" if google else "single sign-on"
    return config
