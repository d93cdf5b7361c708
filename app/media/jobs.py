"""The media download job: the ExerciseMedia row is the job, run by a Huey task, swept if a worker dies.

States: queued -> downloading -> cached | failed (``transient`` failures are retried with backoff);
a YouTube link is ``ready`` at once and never downloads. The task claims the row the way every job
does (app.claims), so a second run of the same task, or a run racing another worker, does nothing.

While it downloads, the worker touches the row's ``updated_at`` every few seconds (its
heartbeat). A download whose heartbeat is older than STALE_AFTER lost its worker: the sweeper
enqueues it again, and whoever claims it first deletes the dead attempt's partial file. Only
the worker holding the current claim writes the outcome, so one that merely looked dead
stops at its next heartbeat and changes nothing.
"""
import datetime as dt
import logging
import time
from pathlib import Path

import peewee

from ..claims import JobRows
from ..db import connected
from ..models import ExerciseMedia, utcnow
from . import fetch, storage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
HEARTBEAT_EVERY = dt.timedelta(seconds=5)  # how often a download touches its row (a write each time)
# A download without a heartbeat for this long lost its worker. A live one beats at least every
# HEARTBEAT_EVERY + one network wait (fetch's connect and read timeouts, 5 + 15 s), so this
# stays well above that; its partial file is written at least once per read timeout, too.
STALE_AFTER = dt.timedelta(seconds=60)
QUEUED_GRACE = dt.timedelta(minutes=2)  # a queued job this old: its queue message was lost
BUSY = ("queued", "downloading")  # the admin page refreshes itself while any row is in one of these


class Superseded(Exception):
    """This worker's claim on a job is gone: another worker took it over (we looked dead), or
    the row was retried or removed. The download stops and the row is left to its new owner."""


def _retry_due(now):
    """A transient failure whose backoff has passed."""
    return ((ExerciseMedia.status == "failed") & ExerciseMedia.transient
            & (ExerciseMedia.next_attempt_at <= now))


ROWS = JobRows(ExerciseMedia, "downloading", STALE_AFTER, QUEUED_GRACE, MAX_ATTEMPTS, retry_due=_retry_due)


def _mine(media):
    """The row, if the claim ``media`` was read after is still the current one."""
    return ((ExerciseMedia.id == media.id) & (ExerciseMedia.status == "downloading")
            & (ExerciseMedia.attempts == media.attempts))


def _heartbeat(media):
    """A progress callback for fetch.download that touches the row's updated_at at most once per
    HEARTBEAT_EVERY, so the sweeper sees the download is alive without a write per chunk.

    Raises Superseded when the claim is no longer ours. A database error is logged and the
    download goes on: losing a beat is better than losing the file, and the next one retries.
    """
    every = HEARTBEAT_EVERY.total_seconds()
    last = time.monotonic()

    def beat(_bytes_so_far):
        nonlocal last
        if time.monotonic() - last < every:
            return
        last = time.monotonic()
        try:
            with connected():
                ours = ExerciseMedia.update(updated_at=utcnow()).where(_mine(media)).execute()
        except peewee.DatabaseError:
            logger.warning("media %s: couldn't record the heartbeat", media.id, exc_info=True)
            return
        if not ours:
            raise Superseded(f"media {media.id}: the job was taken over")

    return beat


def part_files(media_dir, media_id=None):
    """Partial downloads in MEDIA_DIR: one job's, or everyone's. Never a finished file."""
    return sorted(Path(media_dir).glob(fetch.part_prefix(media_id) + "*"))


def _unlink(path):
    try:
        path.unlink()
        return True
    except FileNotFoundError:  # finished, or removed by someone else, meanwhile
        return False


def sweep_parts(media_dir, now=None):
    """Delete partial files nobody has written to for STALE_AFTER: their worker died. A live
    download writes at least once per read timeout, so its file never gets this old."""
    now = now or utcnow()
    cutoff = now.replace(tzinfo=dt.timezone.utc).timestamp() - STALE_AFTER.total_seconds()
    removed = []
    for path in part_files(media_dir):
        try:
            old = path.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue
        if old and _unlink(path):
            removed.append(path.name)
    if removed:
        logger.info("media: removed %d abandoned partial downloads", len(removed))
    return removed


def backoff(attempts):
    """1, 4, 16, 64 minutes … capped at six hours."""
    return dt.timedelta(minutes=min(4 ** max(0, attempts - 1), 360))


def run(media_id, media_dir, limits, store=None):
    """The task's body. Returns the final status, or None if there was nothing to do.

    The file is downloaded to a ``.part`` file in ``media_dir`` and, once complete and checked,
    handed to ``store`` (app.media.storage; by default the one the settings name: MEDIA_DIR, or
    the bucket when MEDIA_S3_BUCKET is set). Only then is the row marked ``cached``: a store that
    can't take the file fails the job transiently (retried with backoff) and keeps nothing."""
    with connected():
        if not ROWS.claim(media_id, utcnow(), reason=None):
            return None
        media = ExerciseMedia.get_by_id(media_id)
    for path in part_files(media_dir, media_id):  # a dead attempt's leftovers: it is ours now
        _unlink(path)
    beat = _heartbeat(media)
    try:
        got = fetch.download(media.source_url, media_dir, limits, tag=media_id, progress=beat)
    except Superseded:
        logger.info("media %s: taken over by another worker; stopped", media_id)
        return None
    except fetch.FetchError as exc:
        return _failed(media, exc)
    except Exception as exc:  # a bug or an odd server must not leave the job "downloading" for ever
        logger.exception("media %s: unexpected error", media_id)
        return _failed(media, fetch.FetchError(f"unexpected error: {type(exc).__name__}", transient=True))
    try:
        if store is None:  # the caller's choice of store; a bare call keeps files on the local disk
            store = storage.LocalStorage(media_dir)
        # content-addressed: the same file twice is one file; the upload beats the heartbeat too
        store.save(got.path, f"{got.sha256}.{got.extension}", got.content_type, progress=beat)
    except Superseded:
        logger.info("media %s: taken over by another worker while storing; stopped", media_id)
        return None
    except storage.StorageError as exc:
        logger.warning("media %s: %s", media_id, exc.reason)
        return _failed(media, fetch.FetchError(f"couldn't store the file: {exc.reason}", transient=True))
    except Exception as exc:
        logger.exception("media %s: unexpected error while storing", media_id)
        return _failed(media, fetch.FetchError(f"couldn't store the file: {type(exc).__name__}", transient=True))
    finally:
        _unlink(Path(got.path))  # moved into MEDIA_DIR already, or uploaded, or failed: never left behind
    with connected():
        ours = ExerciseMedia.update(status="cached", size=got.size, checksum=got.sha256,
                                    content_type=got.content_type, reason=None, transient=False,
                                    next_attempt_at=None, updated_at=utcnow()).where(_mine(media)).execute()
    return "cached" if ours else None


def _failed(media, exc):
    now = utcnow()
    transient = exc.transient and media.attempts + 1 < MAX_ATTEMPTS
    reason = exc.reason if transient or not exc.transient else f"gave up after {MAX_ATTEMPTS} attempts: {exc.reason}"
    with connected():
        ours = ExerciseMedia.update(status="failed", reason=reason[:300], transient=transient, updated_at=now,
                                    next_attempt_at=now + backoff(media.attempts + 1) if transient else None
                                    ).where(_mine(media)).execute()
    return "failed" if ours else None


def due_for_retry(now=None):
    """Jobs the sweeper should enqueue again: lost in the queue, whose worker died mid-download
    (no heartbeat for STALE_AFTER), or due a retry."""
    return ROWS.due_for_retry(now or utcnow())


def give_up(now=None):
    """Downloads whose worker died MAX_ATTEMPTS times in a row: failed for good (an admin can retry)."""
    return ROWS.abandon(now or utcnow(), status="failed", transient=False, next_attempt_at=None,
                        reason=f"gave up after {MAX_ATTEMPTS} attempts: the download kept stopping its worker")


def retry(media):
    """An admin asked to try again now."""
    ExerciseMedia.update(status="queued", reason=None, transient=False, next_attempt_at=None, attempts=0,
                         updated_at=utcnow()).where(ExerciseMedia.id == media.id).execute()
