"""Gzip for the pages and JSON the app renders (WhiteNoise already serves static files compressed).

A few lines of the standard library rather than Flask-Compress: that package pulls in brotli and
zstandard builds for two content types we compress once per response here.

Only whole bodies are compressed: a streamed response (the coach's server-sent events) goes out
as it is, chunk by chunk, since compressing it would hold its tokens back. Each compressed body
carries a random-length file name in its gzip header ("Heal the BREACH", as Django does): the
length of a page holding a CSRF token next to reflected input then says nothing exact about the
token. (SameSite=Lax cookies already keep other sites from making the many signed-in requests
that attack needs.)
"""
import gzip
import secrets
import string

from flask import request

TYPES = {"text/html", "application/json"}
MIN_BYTES = 500  # below this, gzip's header and the CPU cost more than they save
LEVEL = 6
MAX_RANDOM_NAME = 100
_NAME_CHARS = (string.ascii_letters + string.digits).encode()


def accepts_gzip(header):
    """Does an Accept-Encoding header take gzip (by name, or by "*" when gzip isn't named)?"""
    qualities = {}
    for part in (header or "").split(","):
        coding, _, params = part.partition(";")
        params = params.strip().lower()
        qualities[coding.strip().lower()] = not (params.startswith("q=") and _zero(params[2:]))
    for coding in ("gzip", "x-gzip", "*"):
        if coding in qualities:
            return qualities[coding]
    return False


def _zero(number):
    try:
        return float(number) == 0
    except ValueError:
        return False


def compress(body):
    """``body`` gzipped, with a file name of 1 to MAX_RANDOM_NAME random characters in its header."""
    data = bytearray(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    size = 1 + secrets.randbelow(MAX_RANDOM_NAME)
    name = bytes(secrets.choice(_NAME_CHARS) for _ in range(size)) + b"\x00"
    data[3] |= gzip.FNAME
    return bytes(data[:10]) + name + bytes(data[10:])


def compressible(response):
    return (response.mimetype in TYPES and not response.is_streamed and not response.direct_passthrough
            and response.status_code >= 200 and response.status_code not in (204, 206, 304)
            and "Content-Encoding" not in response.headers and "Content-Range" not in response.headers)


def init_app(app):
    @app.after_request
    def _gzip(response):
        if response.mimetype in TYPES:
            response.vary.add("Accept-Encoding")  # a cache must not hand a gzipped copy to a client that can't read it
        if not compressible(response) or not accepts_gzip(request.headers.get("Accept-Encoding")):
            return response
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        response.set_data(compress(body))
        response.headers["Content-Encoding"] = "gzip"
        if response.headers.get("ETag"):  # another body: not the same strong validator
            tag, weak = response.get_etag()
            response.set_etag(tag + "-gzip", weak=weak)
        return response
