"""Exercise media: add a URL, download it in the background, serve it, sweep stuck jobs.

The ExerciseMedia row is the job. The task claims it with one UPDATE, so a
second run of the same task, or a run racing another worker, does nothing.

While it downloads, the worker touches the row's ``updated_at`` every few seconds (its
heartbeat). A download whose heartbeat is older than STALE_AFTER lost its worker: the sweeper
enqueues it again, and whoever claims it first deletes the dead attempt's partial file. Only
the worker holding the current claim writes the outcome, so one that merely looked dead
stops at its next heartbeat and changes nothing.
"""
import datetime as dt
import logging
import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import peewee
from ..db import connected, db
from ..models import Exercise, ExerciseMedia, utcnow
from . import fetch

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
HEARTBEAT_EVERY = dt.timedelta(seconds=5)  # how often a download touches its row (a write each time)
# A download without a heartbeat for this long lost its worker. A live one beats at least every
# HEARTBEAT_EVERY + one network wait (fetch's connect and read timeouts, 5 + 15 s), so this
# stays well above that; its partial file is written at least once per read timeout, too.
STALE_AFTER = dt.timedelta(seconds=60)
QUEUED_GRACE = dt.timedelta(minutes=2)  # a queued job this old: its queue message was lost
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


class MediaError(ValueError):
    """A URL or exercise we can't take; the message is for the person who typed it."""


class Superseded(Exception):
    """This worker's claim on a job is gone: another worker took it over (we looked dead), or
    the row was retried or removed. The download stops and the row is left to its new owner."""


def youtube_id(url):
    """The video id of a YouTube link, or None if the URL is not YouTube."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in YOUTUBE_HOSTS:
        return None
    if host == "youtu.be":
        candidate = parts.path.strip("/")
    elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
        candidate = parts.path.split("/")[2]
    else:
        candidate = (parse_qs(parts.query).get("v") or [""])[0]
    if not YOUTUBE_ID.match(candidate):
        raise MediaError("That YouTube link doesn't name a video.")
    return candidate


def add(exercise_id, url):
    """Create the media row (and so the job). Returns (media, needs_download)."""
    url = (url or "").strip()
    if not url or len(url) > 2000:
        raise MediaError("Give the URL of a video, an image or a YouTube video (up to 2000 characters).")
    if not Exercise.select().where(Exercise.id == exercise_id).exists():
        raise MediaError(f"There is no exercise {exercise_id!r}.")
    try:
        urlsplit(url).port  # a malformed address or port raises here, before anything is stored
    except ValueError as exc:
        raise MediaError("That isn't a valid URL.") from exc
    video = youtube_id(url)
    if video:
        media = ExerciseMedia.create(exercise=exercise_id, source_url=url, youtube_id=video, status="ready")
        return media, False
    try:
        fetch.check_url(url)
    except fetch.FetchError as exc:
        raise MediaError(f"That URL can't be fetched: {exc.reason}.") from exc
    return ExerciseMedia.create(exercise=exercise_id, source_url=url), True


def file_path(media_dir, media):
    return Path(media_dir) / f"{media.checksum}.{fetch.ALLOWED_TYPES[media.content_type]}"


def public_name(media):
    """The file name in the media URL: changes with the content, so it can be cached for a year."""
    return f"{media.checksum[:16]}.{fetch.ALLOWED_TYPES[media.content_type]}"


def _stale(now):
    """A download whose heartbeat stopped: its worker died."""
    return (ExerciseMedia.status == "downloading") & (ExerciseMedia.updated_at < now - STALE_AFTER)


def _claim(media_id, now):
    due = ((ExerciseMedia.status == "queued")
           | ((ExerciseMedia.status == "failed") & ExerciseMedia.transient
              & (ExerciseMedia.next_attempt_at <= now))
           | _stale(now))
    return (ExerciseMedia.update(status="downloading", started_at=now, updated_at=now, reason=None,
                                 attempts=ExerciseMedia.attempts + 1)
            .where((ExerciseMedia.id == media_id) & due).execute()) == 1


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


def run(media_id, media_dir, limits):
    """The task's body. Returns the final status, or None if there was nothing to do."""
    with connected():
        if not _claim(media_id, utcnow()):
            return None
        media = ExerciseMedia.get_by_id(media_id)
    for path in part_files(media_dir, media_id):  # a dead attempt's leftovers: it is ours now
        _unlink(path)
    try:
        got = fetch.download(media.source_url, media_dir, limits, tag=media_id, progress=_heartbeat(media))
    except Superseded:
        logger.info("media %s: taken over by another worker; stopped", media_id)
        return None
    except fetch.FetchError as exc:
        return _failed(media, exc)
    except Exception as exc:  # a bug or an odd server must not leave the job "downloading" for ever
        logger.exception("media %s: unexpected error", media_id)
        return _failed(media, fetch.FetchError(f"unexpected error: {type(exc).__name__}", transient=True))
    target = Path(media_dir) / f"{got.sha256}.{got.extension}"
    try:
        os.replace(got.path, target)  # content-addressed: the same file twice is one file
    except OSError as exc:  # e.g. the part file was removed because we looked dead
        _unlink(Path(got.path))
        return _failed(media, fetch.FetchError(f"couldn't store the file: {exc.strerror}", transient=True))
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
    now = now or utcnow()
    query = ExerciseMedia.select(ExerciseMedia.id).where(
        ((ExerciseMedia.status == "queued") & (ExerciseMedia.updated_at < now - QUEUED_GRACE))
        | _stale(now)
        | ((ExerciseMedia.status == "failed") & ExerciseMedia.transient & (ExerciseMedia.next_attempt_at <= now)))
    with connected():
        return [row.id for row in query.order_by(ExerciseMedia.id)]


def retry(media):
    """An admin asked to try again now."""
    ExerciseMedia.update(status="queued", reason=None, transient=False, next_attempt_at=None, attempts=0,
                         updated_at=utcnow()).where(ExerciseMedia.id == media.id).execute()


def remove(media, media_dir):
    """Delete a media row, and its file unless another row has the same content."""
    with db.atomic():
        media.delete_instance()
        shared = media.checksum and ExerciseMedia.select().where(ExerciseMedia.checksum == media.checksum).exists()
    if media.status == "cached" and not shared:
        file_path(media_dir, media).unlink(missing_ok=True)


def for_exercises(exercise_ids):
    """The media to show per exercise: the newest that is ready (a cached file or a YouTube link)."""
    if not exercise_ids:
        return {}
    rows = (ExerciseMedia.select()
            .where(ExerciseMedia.exercise.in_(list(exercise_ids)) & ExerciseMedia.status.in_(("cached", "ready")))
            .order_by(ExerciseMedia.id.desc()))
    chosen = {}
    for row in rows:
        chosen.setdefault(row.exercise_id, row)
    return chosen


def describe(row):
    """What the player and the exercise page need to show one media row (a file's URL is the web
    layer's to make: web.with_media_url)."""
    if row.youtube_id:
        return {"kind": "youtube", "id": row.youtube_id,
                "embed": f"https://www.youtube-nocookie.com/embed/{row.youtube_id}?rel=0&playsinline=1"}
    return {"kind": row.kind, "type": row.content_type, "size": row.size, "media_id": row.id,
            "file": public_name(row)}


def for_routine(data):
    """exercise id -> describe(), for every exercise in a routine that has media."""
    chosen = for_exercises({step["exercise_id"] for step in data["steps"]})
    return {exercise_id: describe(row) for exercise_id, row in chosen.items()}
