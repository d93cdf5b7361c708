"""ExerciseRecord media: what an admin attaches (a file URL or a YouTube link), where a downloaded file
lives and is named, and what the pages show for an exercise. The download itself is app.media.jobs."""
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..models import ExerciseRecord, ExerciseMedia
from . import fetch, storage

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}


YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


class MediaError(ValueError):
    """A URL or exercise we can't take; the message is for the person who typed it."""


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
    if not ExerciseRecord.select().where(ExerciseRecord.id == exercise_id).exists():
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


def stored_name(media):
    """The name a downloaded file is kept under (in MEDIA_DIR, or in the bucket behind MEDIA_S3_PREFIX):
    its SHA-256, so the same file twice is stored once."""
    return f"{media.checksum}.{fetch.ALLOWED_TYPES[media.content_type]}"


def file_path(media_dir, media):
    return Path(media_dir) / stored_name(media)


def public_name(media):
    """The file name in the media URL: changes with the content, so it can be cached for a year."""
    return f"{media.checksum[:16]}.{fetch.ALLOWED_TYPES[media.content_type]}"


def remove(media, store):
    """Delete a media row, and its file unless another row has the same content.

    ``store`` is an app.media.storage store (a folder path is taken as a LocalStorage). The file
    goes first: if the bucket can't be reached, storage.StorageError is raised and the row stays,
    so the admin can try again and nothing is left behind in the bucket for ever.
    """
    if isinstance(store, (str, Path)):
        store = storage.LocalStorage(store)
    shared = media.checksum and ExerciseMedia.select().where(
        (ExerciseMedia.checksum == media.checksum) & (ExerciseMedia.id != media.id)).exists()
    if media.status == "cached" and not shared:
        store.delete(stored_name(media))
    media.delete_instance()


def row(media_id):
    return ExerciseMedia.get_or_none(ExerciseMedia.id == media_id)


def downloaded(media_id):
    """The media row if its file has been downloaded (status ``cached``), else None."""
    return ExerciseMedia.get_or_none((ExerciseMedia.id == media_id) & (ExerciseMedia.status == "cached"))


def every_row():
    """Every media row, newest first, with its exercise's name (the admin page)."""
    return list(ExerciseMedia.select(ExerciseMedia, ExerciseRecord.name).join(ExerciseRecord)
                .order_by(ExerciseMedia.id.desc()))


def exercise_choices():
    """(id, name) of every exercise, by name: what media can be attached to."""
    rows = ExerciseRecord.select(ExerciseRecord.id, ExerciseRecord.name).order_by(ExerciseRecord.name)
    return [(row.id, row.name) for row in rows]


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
