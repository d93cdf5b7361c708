"""Download one media URL safely (fetching a URL someone typed is a server-side request forgery risk).

Pure I/O, no Flask and no database: http(s) only; every address the host name resolves to
must be public (a setting admits loopback, for tests); the connection goes to the address
that was checked, so a second DNS answer can't swap it; redirects are followed by hand and
every hop is checked again; size, content type, magic bytes and time are all limited.
An IPv6 address that carries an IPv4 one (NAT64, 6to4, Teredo …) is judged by that IPv4
address too, or 64:ff9b::a9fe:a9fe would reach 169.254.169.254.

The body goes to a ``.part-<tag>-<random>`` file in the destination folder, written as it
arrives (at least once per read timeout while the download lives), so a sweeper can tell a
dead attempt's leftovers by their age and whose they are by their name.
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
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
PART_PREFIX = ".part-"  # every temporary file starts so; finished files are named <sha256>.<ext>

# IPv6 ranges that carry an IPv4 address (see embedded_ipv4).
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: the last 32 bits
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215 local-use: this network's own NAT64, never public
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")  # RFC 3056: bits 16-48
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291 (deprecated): ::a.b.c.d
IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 (SIIT): ::ffff:0:a.b.c.d
# These stand for their IPv4 address and nothing else, so that address alone decides. (Python
# versions disagree about 2002::/16: 3.11 calls it global, later releases private.)
STANDS_FOR_IPV4 = (NAT64, SIX_TO_FOUR)


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


def is_public(address):
    """Globally reachable unicast: not private, loopback, link-local, CGNAT, reserved, multicast …"""
    return address.is_global and not address.is_multicast


def _low32(address):
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def _isatap(address):
    """An ISATAP interface id (RFC 5214), in any prefix: ::0:5efe:a.b.c.d, with the u/g bits free."""
    return (int(address) >> 32) & 0xFCFFFFFF == 0x00005EFE


def embedded_ipv4(address):
    """Each IPv4 address an IPv6 address carries, as (kind, IPv4 address).

    A packet to such an address can end up at the IPv4 one (a NAT64 gateway translates it, a
    6to4 relay or Teredo server tunnels it), so those must be public as well.
    """
    if address.version != 6:
        return []
    found = []
    if address in NAT64:
        found.append(("NAT64", _low32(address)))
    if address.sixtofour:
        found.append(("6to4", address.sixtofour))
    if address.teredo:
        server, client = address.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    if address in IPV4_COMPATIBLE and int(address) > 1:  # :: and ::1 are not IPv4-compatible
        found.append(("IPv4-compatible", _low32(address)))
    if address in IPV4_TRANSLATED:
        found.append(("IPv4-translated", _low32(address)))
    if _isatap(address):
        found.append(("ISATAP", _low32(address)))
    return found


def check_address(ip, allow_loopback=False):
    """Refuse anything that isn't a public address (private, loopback, link-local, reserved …),
    directly or through an IPv4 address embedded in an IPv6 one."""
    address = ipaddress.ip_address(ip)
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped  # ::ffff:a.b.c.d is the IPv4 address itself on a dual-stack socket
    if allow_loopback and address.is_loopback:  # the plain loopback addresses only, for tests
        return
    if address.version == 6 and address in NAT64_LOCAL:
        raise FetchError(f"refused: {address} is in the local-use NAT64 prefix {NAT64_LOCAL}, not a public address")
    for kind, inner in embedded_ipv4(address):
        if not is_public(inner):
            raise FetchError(f"refused: {inner} is not a public address (it is embedded in the {kind} "
                             f"address {address})")
    stands_for_ipv4 = address.version == 6 and any(address in network for network in STANDS_FOR_IPV4)
    if not stands_for_ipv4 and not is_public(address):
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


def part_prefix(tag=None):
    """The start of a temporary file's name: ``.part-<tag>-`` (``.part-`` untagged). mkstemp's
    random suffix has no "-", so ``.part-7-*`` never matches another tag's files."""
    return f"{PART_PREFIX}{tag}-" if tag is not None else PART_PREFIX


def download(url, dest_dir, limits=Limits(), tag=None, progress=None):
    """Fetch ``url`` into a temporary file in ``dest_dir``; return a Download or raise FetchError.

    ``tag`` goes into the temporary file's name (see part_prefix). ``progress(bytes_so_far)``, if
    given, is called before each request and after each piece of the body is written, so a
    caller can show that the download is alive; whatever it raises stops the download (the
    temporary file is removed) and reaches the caller.
    """
    started = time.monotonic()
    progress = progress or (lambda size: None)
    for _ in range(MAX_REDIRECTS + 1):
        progress(0)
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
        return _save(response, dest_dir, limits, started, tag, progress)
    finally:
        response.release_conn()


def _pieces(response):
    """The body as it arrives. read1 returns after one network read, so a slow host still
    yields a piece at least once per read timeout (``stream`` would wait for a whole CHUNK)."""
    while True:
        piece = response.read1(CHUNK, decode_content=False)
        if not piece:
            return
        yield piece


def _save(response, dest_dir, limits, started, tag, progress):
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
    handle, path = tempfile.mkstemp(dir=dest_dir, prefix=part_prefix(tag))
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                for chunk in _pieces(response):
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise FetchError(f"too large: more than {limits.max_bytes} bytes")
                    if time.monotonic() - started > limits.total_timeout:
                        raise FetchError(f"too slow: not finished within {limits.total_timeout:g} s", transient=True)
                    if len(head) < 16:
                        head += chunk[:16 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                    out.flush()  # the file's mtime says the download is alive (see the module docstring)
                    progress(size)
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
