"""Download one media URL safely (DESIGN.md §5: fetching a URL is an SSRF risk).

Pure I/O, no Flask and no database: http(s) only; every address the host name resolves to
must be public (a setting admits loopback, for tests); the connection goes to the address
that was checked, so a second DNS answer can't swap it; redirects are followed by hand and
every hop is checked again; size, content type, magic bytes and time are all limited.
"""
import hashlib
import ipaddress
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3

# Content type -> file extension. Only what a <video> or <img> in every current browser shows.
ALLOWED_TYPES = {
    "video/mp4": "mp4",
    "video/webm": "webm",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
}
EXTENSION_TYPES = {ext: ctype for ctype, ext in ALLOWED_TYPES.items()}
MAX_REDIRECTS = 3
CHUNK = 64 * 1024


class FetchError(Exception):
    """Why a download failed. ``transient`` errors are worth retrying later."""

    def __init__(self, reason, transient=False):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    allow_loopback: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 120.0


@dataclass(frozen=True)
class Download:
    path: str  # a temporary file in the destination folder; the caller moves or deletes it
    size: int
    sha256: str
    content_type: str

    @property
    def extension(self):
        return ALLOWED_TYPES[self.content_type]


def matches_magic(head, content_type):
    """Do the first bytes of the file really look like the declared type?"""
    if content_type == "video/mp4":
        return len(head) >= 12 and head[4:8] == b"ftyp"
    if content_type == "video/webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if content_type == "image/gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    return False


def check_address(ip, allow_loopback=False):
    """Refuse anything that isn't a public address (private, loopback, link-local, reserved …)."""
    address = ipaddress.ip_address(ip)
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if allow_loopback and address.is_loopback:
        return
    if not address.is_global or address.is_multicast:
        raise FetchError(f"refused: {address} is not a public address")


def _resolve(host, port, allow_loopback):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"can't resolve {host}: {exc.strerror}", transient=True) from exc
    except UnicodeError as exc:
        raise FetchError("the host name is not valid") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for ip in addresses:  # every answer must be public, or a later lookup could pick a private one
        check_address(ip, allow_loopback)
    return addresses[0]


def check_url(url):
    """The parts of a URL we may fetch, or FetchError. Used before queueing, too."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise FetchError("the URL is malformed") from exc
    if parts.scheme not in ("http", "https"):
        raise FetchError("only http and https URLs can be fetched")
    if not parts.hostname:
        raise FetchError("the URL has no host")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password are not fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError("the URL's port is not valid") from exc
    return parts, port


def _open(url, limits):
    parts, port = check_url(url)
    ip = _resolve(parts.hostname, port, limits.allow_loopback)
    timeout = urllib3.Timeout(connect=limits.connect_timeout, read=limits.read_timeout)
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1,
                                           server_hostname=parts.hostname, assert_hostname=parts.hostname)
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        response = pool.urlopen("GET", path, headers={"Host": host_header, "User-Agent": "Limber media fetcher",
                                                      "Accept": ", ".join(ALLOWED_TYPES)},
                                redirect=False, preload_content=False, decode_content=False)
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"couldn't connect: {type(exc).__name__}", transient=True) from exc
    return response


def download(url, dest_dir, limits=Limits()):
    """Fetch ``url`` into a temporary file in ``dest_dir``; return a Download or raise FetchError."""
    started = time.monotonic()
    for _ in range(MAX_REDIRECTS + 1):
        response = _open(url, limits)
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            response.release_conn()
            if not location:
                raise FetchError(f"redirect ({response.status}) without a Location")
            try:
                url = urljoin(url, location)
            except ValueError as exc:
                raise FetchError("the URL is malformed (in a redirect)") from exc
            continue
        break
    else:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    try:
        return _save(response, dest_dir, limits, started)
    finally:
        response.release_conn()


def _save(response, dest_dir, limits, started):
    if response.status in (408, 425, 429) or response.status >= 500:
        raise FetchError(f"the media host answered {response.status}", transient=True)
    if response.status != 200:
        raise FetchError(f"the media host answered {response.status}")
    content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_TYPES:
        raise FetchError(f"content type {content_type or 'missing'} is not a video or image we can show")
    if response.headers.get("Content-Encoding", "identity") not in ("identity", ""):
        raise FetchError("compressed media responses are not accepted")
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"too large: {int(declared)} bytes (the limit is {limits.max_bytes})")
    os.makedirs(dest_dir, exist_ok=True)
    handle, path = tempfile.mkstemp(dir=dest_dir, prefix=".part-")
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                for chunk in response.stream(CHUNK):
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise FetchError(f"too large: more than {limits.max_bytes} bytes")
                    if time.monotonic() - started > limits.total_timeout:
                        raise FetchError(f"too slow: not finished within {limits.total_timeout:g} s", transient=True)
                    if len(head) < 16:
                        head += chunk[:16 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            except urllib3.exceptions.HTTPError as exc:
                raise FetchError(f"the download broke off: {type(exc).__name__}", transient=True) from exc
        if size == 0:
            raise FetchError("the file is empty")
        if not matches_magic(head, content_type):
            raise FetchError(f"the file's contents are not {content_type}")
    except BaseException:
        os.unlink(path)
        raise
    return Download(path=path, size=size, sha256=digest.hexdigest(), content_type=content_type)
