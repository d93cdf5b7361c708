"""Where finished media files live: a folder (MEDIA_DIR, the default) or an S3 bucket (MEDIA_S3_BUCKET).

Both keep a file under the name app.media.service gives it (``<sha256>.<ext>``; in a bucket behind
MEDIA_S3_PREFIX). A download is always written to a local ``.part`` file first (app.media.fetch) and
handed to ``save`` only once it is complete and checked, so neither place ever holds half a file: a
rename in the folder, one PutObject with a Content-MD5 in the bucket (S3 stores all of it or nothing).

Every failure to reach the bucket is a StorageError (``transient``: worth trying again later); a
missing file or object is a Missing. boto3 retries sparingly (two attempts, short timeouts), so a
bucket that is down fails a job, or a request, in seconds instead of holding a worker.
"""
import base64
import hashlib
import io
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

CHUNK = 64 * 1024
CACHE_CONTROL = "private, max-age=31536000, immutable"  # content-addressed: the same name is the same bytes


class StorageError(Exception):
    """The file couldn't be stored, read or deleted; the reason is for the admin page and the log."""

    def __init__(self, reason, transient=True):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class Missing(StorageError):
    """There is no such file (or object)."""

    def __init__(self, name):
        super().__init__(f"{name} is not stored", transient=False)


@dataclass
class Opened:
    """A stored file, or a byte range of it, being read: iterate ``chunks``, then ``close()``."""
    chunks: Iterable[bytes]
    length: int
    last_modified: object = None  # a datetime, when the store knows it
    close: Callable[[], None] = field(default=lambda: None)


class LocalStorage:
    """Files in a folder (MEDIA_DIR): what Limber always did."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def __repr__(self):
        return f"LocalStorage({str(self.folder)!r})"

    def local_path(self, name):
        """The file itself, for send_file (a bucket has none)."""
        return self.folder / name

    def save(self, temp_path, name, content_type, progress=None):
        """Move a finished download (a temporary file in the same folder) to its name."""
        try:
            os.replace(temp_path, self.folder / name)
        except OSError as exc:  # e.g. the part file was removed because we looked dead
            raise StorageError(exc.strerror or type(exc).__name__) from exc

    def exists(self, name):
        return (self.folder / name).is_file()

    def size(self, name):
        try:
            return (self.folder / name).stat().st_size
        except FileNotFoundError:
            return None

    def open(self, name, start=0, end=None):
        """Bytes ``start``..``end`` (inclusive; None: to the end) of a file."""
        try:
            handle = (self.folder / name).open("rb")
        except FileNotFoundError as exc:
            raise Missing(name) from exc
        total = os.fstat(handle.fileno()).st_size
        length = (total if end is None else min(end + 1, total)) - start
        handle.seek(start)

        def chunks(left=length):
            while left > 0:
                piece = handle.read(min(CHUNK, left))
                if not piece:
                    return
                left -= len(piece)
                yield piece

        return Opened(chunks(), max(0, length), close=handle.close)

    def delete(self, name):
        (self.folder / name).unlink(missing_ok=True)

    def presigned_url(self, name, seconds):
        return None  # a folder is only ever served through Limber


class _Reporting(io.FileIO):
    """A file that calls ``progress(bytes_read_so_far)`` as an upload reads it (the job's heartbeat)."""

    def __init__(self, path, progress):
        super().__init__(path, "rb")
        self._progress = progress

    def read(self, size=-1):
        data = super().read(size)
        self._progress(self.tell())
        return data


def _md5(path):
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(piece)
    return base64.b64encode(digest.digest()).decode()


class S3Storage:
    """Objects in an S3 bucket (or an S3-compatible service), under ``prefix + name``."""

    def __init__(self, client, bucket, prefix=""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix or ""

    def __repr__(self):
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def key(self, name):
        return self.prefix + name

    def local_path(self, name):
        return None

    def save(self, temp_path, name, content_type, progress=None):
        """Upload a finished download in one PutObject. Content-MD5 makes the service refuse a body
        that arrived damaged; a PutObject that fails stores nothing."""
        md5 = _md5(temp_path)
        body = _Reporting(temp_path, progress) if progress else open(temp_path, "rb")  # noqa: SIM115
        with body:
            self._call("store", name, self.client.put_object, Bucket=self.bucket, Key=self.key(name), Body=body,
                       ContentType=content_type, ContentMD5=md5, CacheControl=CACHE_CONTROL)

    def _head(self, name):
        try:
            return self._call("look up", name, self.client.head_object, Bucket=self.bucket, Key=self.key(name))
        except Missing:
            return None

    def exists(self, name):
        return self._head(name) is not None

    def size(self, name):
        head = self._head(name)
        return None if head is None else head["ContentLength"]

    def open(self, name, start=0, end=None):
        """A GetObject of bytes ``start``..``end`` (inclusive; None: to the end), streamed."""
        extra = {}
        if start or end is not None:
            extra["Range"] = f"bytes={start}-{'' if end is None else end}"
        answer = self._call("read", name, self.client.get_object, Bucket=self.bucket, Key=self.key(name), **extra)
        body = answer["Body"]
        return Opened(body.iter_chunks(CHUNK), answer["ContentLength"], answer.get("LastModified"), body.close)

    def delete(self, name):
        self._call("delete", name, self.client.delete_object, Bucket=self.bucket, Key=self.key(name))

    def presigned_url(self, name, seconds):
        """A GET URL for the object that works without credentials for ``seconds``."""
        return self._call("sign a URL for", name, self.client.generate_presigned_url, "get_object",
                          Params={"Bucket": self.bucket, "Key": self.key(name)}, ExpiresIn=seconds)

    def _call(self, doing, name, method, *args, **kwargs):
        """``method(...)``, with boto's errors as Missing or StorageError."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return method(*args, **kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if error.get("Code") in ("NoSuchKey", "404", "NotFound") and doing != "store":
                raise Missing(name) from exc
            raise StorageError(f"couldn't {doing} {self.key(name)} in the bucket {self.bucket}: "
                               f"it answered {status} {error.get('Code', '')}".rstrip()) from exc
        except BotoCoreError as exc:  # connection refused or reset, timeouts, no credentials …
            raise StorageError(f"couldn't {doing} {self.key(name)} in the bucket {self.bucket}: "
                               f"{type(exc).__name__}") from exc


_clients = {}
_clients_lock = threading.Lock()


def s3_client(endpoint_url=None, timeout=120.0):
    """One boto3 S3 client per endpoint and timeout (clients are thread-safe; making one is slow and not).

    Credentials and region come the usual AWS way (environment, shared files, an instance role).
    Connect and read timeouts are short (at most 5 and 15 s, like the media fetcher, and never more
    than MEDIA_TIMEOUT), and a request is tried twice at most, so a dead bucket fails fast.
    """
    key = (endpoint_url, timeout, os.environ.get("AWS_REGION"))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                connect_timeout=min(5.0, timeout), read_timeout=min(15.0, timeout),
                # Two requests in all (botocore's "max_attempts": 2 would be two retries, three requests).
                retries={"total_max_attempts": 2, "mode": "standard"},
                signature_version="s3v4",
                # An S3-compatible service on its own host name takes path-style URLs (bucket in the path);
                # AWS itself gets boto's default (virtual-hosted).
                s3={"addressing_style": "path" if endpoint_url else "auto"},
                # The Content-MD5 we send is the integrity check; boto's newer default checksums
                # (CRC32 trailers) are not understood by every S3-compatible service.
                request_checksum_calculation="when_required", response_checksum_validation="when_required",
            )
            client = boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config,
                                                    region_name=os.environ.get("AWS_REGION") or None)
            _clients[key] = client
    return client


def for_settings(settings, folder=None):
    """The storage the settings name: the bucket when MEDIA_S3_BUCKET is set, else the folder
    (``folder``, or MEDIA_DIR)."""
    bucket = settings.get("MEDIA_S3_BUCKET")
    if not bucket:
        return LocalStorage(folder if folder is not None else settings["MEDIA_DIR"])
    client = s3_client(settings.get("MEDIA_S3_ENDPOINT_URL"), float(settings.get("MEDIA_TIMEOUT") or 120.0))
    return S3Storage(client, bucket, settings.get("MEDIA_S3_PREFIX") or "")


def presigned_origin(settings):
    """Where presigned URLs point (``scheme://host[:port]``), or None unless MEDIA_S3_PRESIGN is on with a
    bucket. The Content-Security-Policy must allow it in img-src and media-src (and for the service
    worker's pass-through fetch of a <video>, which its own policy judges the same way), or the browser
    refuses to follow the redirect."""
    if not (settings.get("MEDIA_S3_BUCKET") and settings.get("MEDIA_S3_PRESIGN")):
        return None
    store = for_settings(settings)
    try:
        url = store.presigned_url("origin", 60)
    except StorageError:  # no credentials yet (signing needs them): the endpoint's own origin
        url = store.client.meta.endpoint_url
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
