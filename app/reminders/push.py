"""Send one Web Push message (RFC 8030) to a browser's push subscription, with pywebpush.

The payload is encrypted for the browser (RFC 8291, ``aes128gcm``) and the request signed with
our VAPID key (RFC 8292), yet it still passes through Google's, Mozilla's, Apple's or Microsoft's
push service, and the browser shows it on a lock screen. So nothing health-related goes in a
payload — no pain, injury, condition or body area, only words like "Time for your warm-up" and
a link. Choosing those words is the caller's job.

A delivery problem never raises: ``send`` answers with an Outcome the caller acts on ("gone":
delete the subscription; "retry": try again later, after ``retry_after`` seconds when the push
service said so). A malformed subscription or an oversized payload is the caller's mistake and
raises ValueError, so a subscription can be refused with a 400 when the browser sends it.
"""
import datetime as dt
import email.utils
import functools
import json
import math
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPusher

from .vapid import b64url, unb64url

TTL = 30 * 60  # a reminder more than 30 minutes late is worthless: the push service may drop it then
CLAIMS_LIFETIME = 12 * 60 * 60  # the VAPID token's exp; push services refuse more than 24 h
MAX_ENDPOINT = 1000  # the length PushSubscription.endpoint stores
# What one aes128gcm record of 4096 bytes (the size every push service must take) leaves for the
# payload: the header (16-byte salt, record size, key id length, 65-byte key), the tag, a delimiter.
MAX_PAYLOAD = 4096 - 86 - 16 - 1
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")  # plain http is for fake push services in tests only
HOST_AND_PORT = re.compile(r"[a-z0-9.-]+(:\d{1,5})?")  # the form the VAPID "aud" claim takes
PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class Outcome:
    result: str  # "sent", "gone", "retry" or "failed"
    status: int | None = None  # the push service's HTTP status; None when there was no answer
    detail: str = ""  # for logs; never the payload
    retry_after: int | None = None  # seconds, when a "retry" came with a Retry-After header


class PushSession(requests.Session):
    """Keeps connections to the push services open across many sends, and follows no redirect:
    push endpoints never redirect, and following one would send our signed request elsewhere."""

    def __init__(self):
        super().__init__()
        self.max_redirects = 0


def session():
    """A session for sending many pushes in a row; close it when done."""
    return PushSession()


def check_subscription(data):
    """The cleaned ``{"endpoint", "keys": {"p256dh", "auth"}}`` of a ``PushSubscription.toJSON()``,
    or ValueError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("a subscription is a JSON object with an endpoint and keys")
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not endpoint:
        raise ValueError("the endpoint is missing")
    if len(endpoint) > MAX_ENDPOINT:
        raise ValueError(f"the endpoint is longer than {MAX_ENDPOINT} characters")
    if not PRINTABLE_ASCII.fullmatch(endpoint):
        raise ValueError("the endpoint must be a URL without spaces or non-ASCII characters")
    parts = urlsplit(endpoint)
    if not HOST_AND_PORT.fullmatch(parts.netloc.lower()) or int(parts.netloc.partition(":")[2] or 1) > 65535:
        raise ValueError("the endpoint must be a URL with a plain host name (and port)")
    if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)):
        raise ValueError("the endpoint must be an https:// URL")
    if not isinstance(keys, dict):
        raise ValueError("the keys (p256dh and auth) are missing")
    try:
        p256dh = unb64url(keys.get("p256dh"))
        if len(p256dh) != 65 or p256dh[0] != 4:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise ValueError("keys.p256dh must be a base64url uncompressed P-256 public key (65 bytes)") from None
    try:
        auth = unb64url(keys.get("auth"))
    except ValueError:
        auth = b""
    if len(auth) != 16:
        raise ValueError("keys.auth must be a base64url 16-byte secret")
    return {"endpoint": endpoint, "keys": {"p256dh": b64url(p256dh), "auth": b64url(auth)}}


def send(subscription, payload, keys, timeout, session=None, ttl=TTL):
    """Push ``payload`` (a small dict, sent as compact UTF-8 JSON) to ``subscription``, signed with
    ``keys`` (a vapid.Keys). ``timeout`` is in seconds, for connecting and for the answer each.
    ``session`` (from ``session()``) reuses connections when sending many."""
    clean = check_subscription(subscription)
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if len(data) > MAX_PAYLOAD:
        raise ValueError(f"the payload is {len(data)} bytes; a push carries at most {MAX_PAYLOAD}")
    endpoint = clean["endpoint"]
    parts = urlsplit(endpoint)
    claims = {"sub": keys.subject, "aud": f"{parts.scheme}://{parts.netloc.lower()}",
              "exp": int(time.time()) + CLAIMS_LIFETIME}
    headers = {**_signer(keys.private_key).sign(claims), "Urgency": "normal"}
    http = session if session is not None else PushSession()
    try:
        response = WebPusher(clean, requests_session=http).send(
            data, headers, ttl=ttl, content_encoding="aes128gcm", timeout=timeout)
    except requests.Timeout:
        return Outcome("retry", detail=f"the push service did not answer within {timeout:g} s")
    except requests.TooManyRedirects as exc:
        return Outcome("failed", exc.response.status_code if exc.response is not None else None,
                       "the push service answered with a redirect, which push endpoints never send")
    except requests.RequestException as exc:
        return Outcome("retry", detail=f"could not reach the push service ({type(exc).__name__})")
    finally:
        if session is None:
            http.close()
    return _outcome(response)


@functools.lru_cache(maxsize=8)
def _signer(private_key):
    """The VAPID signer for a key, made once per key rather than once per push."""
    return Vapid.from_raw(private_key.encode())


def _outcome(response):
    status = response.status_code
    said = " ".join(response.text.split())[:100]
    detail = f"the push service answered {status}" + (f": {said}" if said else "")
    if status in (200, 201, 202):
        return Outcome("sent", status, detail)
    if status in (404, 410):
        return Outcome("gone", status, detail)
    if status == 429 or status >= 500:
        return Outcome("retry", status, detail, _seconds(response.headers.get("Retry-After")))
    return Outcome("failed", status, detail)


def _seconds(retry_after):
    """Retry-After as seconds from now: it is either a number of seconds or an HTTP date."""
    value = (retry_after or "").strip()
    if value.isascii() and value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0, math.ceil((when - dt.datetime.now(dt.timezone.utc)).total_seconds()))
