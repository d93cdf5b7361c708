"""The VAPID key pair (RFC 8292) that signs every Web Push and that browsers subscribe with.

Both keys are base64url without padding, the form ``web-push generate-vapid-keys`` prints and
browsers take: the private key is the raw 32-byte P-256 scalar (what pywebpush's
``vapid_private_key`` accepts), the public key the 65-byte uncompressed point
(``pushManager.subscribe({applicationServerKey})``).

Production uses VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY or has no push at all: a key made on the
server would change with every fresh disk, and each change silently orphans every subscription.
Elsewhere a pair is made on first use and kept in ``INSTANCE_DIR/vapid.json``, so a restart keeps
the subscriptions made in development working.
"""
import base64
import functools
import json
import os
import re
import tempfile
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid, VapidException

KEY_FILE = "vapid.json"
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


class VapidError(RuntimeError):
    """The VAPID settings are wrong; the message names the variables and says what to do."""


@dataclass(frozen=True)
class Keys:
    private_key: str  # base64url raw 32-byte scalar
    public_key: str  # base64url uncompressed 65-byte point
    subject: str  # "mailto:…" or "https://…": whom a push service may contact about our pushes


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text):
    """Bytes from base64url text, padded or not; ValueError for anything else."""
    if not isinstance(text, str) or not BASE64URL.fullmatch(text):
        raise ValueError("not base64url text")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


def make_pair():
    """A new (private_key, public_key), both base64url, unpadded."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big")), _public_of(key)


def keys(config):
    """The Keys for this config, or None in production when no key pair is set (push is off).

    Raises VapidError when the settings are wrong. Cached per process for each set of settings.
    """
    return _keys(config.get("VAPID_PRIVATE_KEY"), config.get("VAPID_PUBLIC_KEY"), config.get("VAPID_SUBJECT"),
                 config.get("LIMBER_ENV"), config.get("INSTANCE_DIR"))


@functools.lru_cache(maxsize=16)
def _keys(private, public, subject, env, instance_dir):
    if private and public:
        return _checked(private, public, subject, "VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY")
    if private or public:
        missing = "VAPID_PUBLIC_KEY" if private else "VAPID_PRIVATE_KEY"
        raise VapidError(f"{missing} is not set: set both VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY (one pair, "
                         "from the same `make_pair()`), or neither.")
    if env == "production":
        return None
    path = os.path.join(instance_dir, KEY_FILE)
    private, public = _stored_pair(instance_dir, path)
    return _checked(private, public, subject, path)


def _checked(private, public, subject, source):
    """Keys from the two settings, after checking they are one pair and that pywebpush signs with them."""
    try:
        scalar = unb64url(private)
        if len(scalar) != 32:
            raise ValueError
        key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
    except ValueError:
        raise VapidError(f"The VAPID private key in {source} is not a base64url 32-byte P-256 key.") from None
    try:
        point = unb64url(public)
    except ValueError:
        point = b""
    if len(point) != 65 or point[0] != 4:
        raise VapidError(f"The VAPID public key in {source} is not a base64url 65-byte uncompressed P-256 point.")
    if _public_of(key) != b64url(point):
        raise VapidError(f"The VAPID keys in {source} are not one pair: the public key does not belong to the "
                         "private key. Set both from the same pair.")
    try:
        # The same check py_vapid makes on every push, made once here so a bad subject stops start-up
        # with a clear message instead of failing each send.
        Vapid.from_raw(b64url(scalar).encode()).sign({"sub": subject or "", "aud": "https://push.example.com"})
    except VapidException:
        raise VapidError(f"VAPID_SUBJECT must be mailto:someone@your.domain or an https:// URL, not {subject!r}: "
                         "push services write there when our pushes cause trouble.") from None
    return Keys(private_key=b64url(scalar), public_key=b64url(point), subject=subject)


def _public_of(key):
    return b64url(key.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint))


def _stored_pair(instance_dir, path):
    """The pair in ``path``, made and written there first if there is none.

    The new pair goes to a temporary file that is then hard-linked to ``path``: the link fails when
    the file already exists, so when two processes start at once the first one's pair stays and the
    other reads it back (os.replace would let the last one win after the first had used its own).
    mkstemp makes the file 0600.
    """
    if not os.path.exists(path):
        os.makedirs(instance_dir, exist_ok=True)
        private, public = make_pair()
        handle, temporary = tempfile.mkstemp(dir=instance_dir, prefix=".vapid-")
        try:
            with os.fdopen(handle, "w") as out:
                json.dump({"private_key": private, "public_key": public}, out)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process was first: its pair is the one
        finally:
            os.unlink(temporary)
    try:
        with open(path) as stored:
            data = json.load(stored)
        return data["private_key"], data["public_key"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VapidError(f"{path} is unreadable ({type(exc).__name__}): delete it and a new pair is made "
                         "(browsers then subscribe again).") from None
