"""A fake Web Push service on loopback that checks what a real one checks, and decrypts.

``subscription()`` subscribes the way a browser does (a fresh P-256 key pair and a 16-byte auth
secret) and gives the ``PushSubscription.toJSON()`` dict to hand to the app. Each POST to
``/push/<id>`` must carry ``Content-Encoding: aes128gcm``, a ``TTL`` and a VAPID ``Authorization``
(RFC 8292) whose ES256 token verifies with its ``k``, names this service as ``aud``, expires
within 24 h and has a mailto: or https: ``sub``; with ``expect_key`` set, ``k`` must be that key
(the application server key the browser subscribed with). The body is decrypted with the
subscriber's private key (RFC 8291). A request failing a check gets 400, 401 or 403 and goes to
``rejected``; one passing them all is delivered (``received``), answered 201 with a Location —
unless ``answer`` scripted another status for it, which then replaces the delivery (a 3xx
redirects to the same endpoint, so a sender that follows redirects delivers after all):

    push = FakePushService().start()
    push.answer(410, endpoint_id=browser.id)       # that subscription is gone
    push.answer(429, times=1, retry_after=30)      # the next push anywhere: slow down
"""
import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.fakes.loopback import Loopback

URGENCIES = ("very-low", "low", "normal", "high")
MAX_EXP_AHEAD = 24 * 60 * 60
MAX_BODY = 4096


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Refused(Exception):
    """A check failed: answer ``status`` with ``reason``."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class Subscriber:
    """One browser's subscription; the fake keeps its private key to decrypt what is sent to it."""

    id: str
    name: str | None
    json: dict  # PushSubscription.toJSON()
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes


class FakePushService(Loopback):
    def __init__(self):
        self.subscribers = {}
        self.expected_key = None
        self.answers = []  # [status, endpoint_id, times left (None: always), retry_after], newest last
        self._received, self._rejected = [], []
        self.changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as with a real push service
            disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                endpoint_id = self.path.removeprefix("/push/") if self.path.startswith("/push/") else None
                try:
                    delivery = fake._check(endpoint_id, self.headers, body)
                except Refused as refused:
                    fake._record(fake._rejected, {"id": endpoint_id, "status": refused.status,
                                                  "reason": refused.reason})
                    return self.reply(refused.status, refused.reason)
                status, retry_after = fake._scripted(endpoint_id)
                if status != 201:
                    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                    if 300 <= status < 400:  # back to this same endpoint: a sender that follows it delivers
                        headers["Location"] = f"{fake.url}{self.path}"
                    return self.reply(status, f"scripted {status}", headers)
                fake._record(fake._received, delivery)
                self.reply(201, "", {"Location": f"{fake.url}/message/{uuid.uuid4().hex}"})

            def reply(self, status, text, headers=None):
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._listen(Handler)

    # -- for tests -------------------------------------------------------------------------------
    def subscription(self, name=None):
        """Subscribe as a browser would; hand ``.json`` to the app."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth = uuid.uuid4().bytes
        public = private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                       serialization.PublicFormat.UncompressedPoint)
        endpoint_id = uuid.uuid4().hex
        subscriber = Subscriber(endpoint_id, name, {
            "endpoint": f"{self.url}/push/{endpoint_id}", "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}, private_key, auth)
        with self.changed:
            self.subscribers[endpoint_id] = subscriber
        return subscriber

    def expect_key(self, public_key):
        """Accept only pushes signed with this application server key (base64url public key)."""
        self.expected_key = public_key

    def answer(self, status, endpoint_id=None, times=None, retry_after=None):
        """Answer the next ``times`` pushes (all, if None) to ``endpoint_id`` (any, if None) with
        ``status``, and a Retry-After of ``retry_after`` seconds if given. The newest script that
        fits a push answers it."""
        with self.changed:
            self.answers.append([status, endpoint_id, times, retry_after])

    @property
    def received(self):
        """Deliveries so far: {"id", "payload", "ttl", "urgency", "claims"}."""
        with self.changed:
            return list(self._received)

    @property
    def rejected(self):
        """Refused pushes so far: {"id", "status", "reason"}."""
        with self.changed:
            return list(self._rejected)

    def wait_for(self, count, timeout=5):
        """Wait until ``count`` deliveries have arrived; return them."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self._received) >= count, timeout):
                raise AssertionError(
                    f"waited {timeout:g} s for {count} deliveries to the fake push service; got "
                    f"{len(self._received)}, and {len(self._rejected)} rejected: "
                    f"{[r['reason'] for r in self._rejected][-5:]}")
            return list(self._received)

    def reset(self):
        """Forget deliveries, refusals, scripts and the expected key (subscriptions stay)."""
        with self.changed:
            self.expected_key, self.answers, self._received, self._rejected = None, [], [], []

    # -- the service -----------------------------------------------------------------------------
    def _record(self, where, entry):
        with self.changed:
            where.append(entry)
            self.changed.notify_all()

    def _scripted(self, endpoint_id):
        with self.changed:
            for script in reversed(self.answers):
                status, target, times, retry_after = script
                if target in (None, endpoint_id):
                    if times is not None:
                        script[2] -= 1
                        if script[2] <= 0:
                            self.answers.remove(script)
                    return status, retry_after
        return 201, None

    def _check(self, endpoint_id, headers, body):
        """The delivery this request makes, or Refused saying why it makes none."""
        subscriber = self.subscribers.get(endpoint_id)
        if subscriber is None:
            raise Refused(404, "no such subscription")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise Refused(400, f"Content-Encoding must be aes128gcm, not {headers.get('Content-Encoding')!r}")
        ttl = headers.get("TTL")
        if ttl is None or not ttl.isdigit():
            raise Refused(400, f"a TTL header of whole seconds is required, not {ttl!r}")
        urgency = headers.get("Urgency")
        if urgency is not None and urgency not in URGENCIES:
            raise Refused(400, f"Urgency must be one of {', '.join(URGENCIES)}, not {urgency!r}")
        claims, key = self._vapid(headers.get("Authorization") or "")
        if self.expected_key is not None and key != self.expected_key:
            raise Refused(403, "the VAPID key is not the one this subscription was made with")
        if not body or len(body) > MAX_BODY:
            raise Refused(400 if not body else 413, f"the body must be 1 to {MAX_BODY} bytes, not {len(body)}")
        try:
            plaintext = http_ece.decrypt(body, private_key=subscriber.private_key, auth_secret=subscriber.auth,
                                         version="aes128gcm")
            payload = json.loads(plaintext.decode("utf-8"))
        except Exception as exc:  # whatever breaks, the sender's encryption is wrong
            raise Refused(400, f"the body does not decrypt to JSON: {type(exc).__name__}: {exc}") from None
        return {"id": endpoint_id, "payload": payload, "ttl": int(ttl), "urgency": urgency, "claims": claims}

    def _vapid(self, authorization):
        """The claims and the base64url public key of a valid ``vapid t=…, k=…`` header."""
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise Refused(401, f"Authorization must use the vapid scheme, not {scheme!r}")
        parts = dict(param.strip().partition("=")[::2] for param in params.split(","))
        token, key = parts.get("t", ""), parts.get("k", "")
        try:
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
            head, claims_part, signature = token.split(".")
            header, claims = json.loads(unb64url(head)), json.loads(unb64url(claims_part))
            raw = unb64url(signature)
        except ValueError as exc:
            raise Refused(401, f"the VAPID t= token or k= key is malformed: {exc}") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise Refused(401, "the VAPID token's header and claims must be JSON objects")
        if header.get("alg") != "ES256" or len(raw) != 64:
            raise Refused(401, f"the VAPID token must be ES256 with a 64-byte signature, not {header.get('alg')!r}")
        try:
            public.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                          f"{head}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise Refused(401, "the VAPID token's signature does not verify with its k= key") from None
        if claims.get("aud") != self.url:
            raise Refused(401, f"the VAPID aud must be {self.url}, not {claims.get('aud')!r}")
        exp = claims.get("exp")
        now = time.time()
        if not isinstance(exp, int) or not now < exp <= now + MAX_EXP_AHEAD:
            raise Refused(401, f"the VAPID exp must be in the next 24 hours, not {exp!r}")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise Refused(401, f"the VAPID sub must be a mailto: or https: contact, not {claims.get('sub')!r}")
        return claims, b64url(unb64url(key))
