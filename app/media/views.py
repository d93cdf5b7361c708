"""Media pages: the admin-only page that attaches videos, images and YouTube links to exercises and
watches their downloads, and the route that serves a downloaded file (from MEDIA_DIR, or from the
bucket: through Limber, or by a redirect to a presigned URL with MEDIA_S3_PRESIGN)."""
import logging

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_login import login_required
from werkzeug.http import is_resource_modified, parse_range_header
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .. import tasks
from ..forms import Form, SelectField
from ..web import admin_required, found_or_404, wants_fragment
from . import jobs, service, storage

YEAR = 60 * 60 * 24 * 365
VIA_LIMBER = "limber"  # ?via=limber: always the bytes through Limber, never a redirect to the bucket

logger = logging.getLogger(__name__)

bp = Blueprint("media", __name__)


class MediaForm(Form):
    exercise = SelectField("Exercise", validators=[DataRequired()])
    url = StringField("Video, image or YouTube URL", validators=[DataRequired(), Length(max=2000)],
                      description="An mp4 or webm video, a jpeg/png/webp/gif image, or a YouTube link.")


def _form():
    form = MediaForm()
    form.exercise.choices = service.exercise_choices()
    return form


def _page(form, status=200):
    rows = service.every_row()
    busy = any(row.status in jobs.BUSY for row in rows)
    template = "admin/_media_rows.html" if wants_fragment("media-rows") else "admin/media.html"
    return render_template(template, form=form, rows=rows, busy=busy, busy_statuses=jobs.BUSY,
                           row_actions=Form(formdata=None)), status  # each row's Retry and Remove: a CSRF token


@bp.get("/admin/media")
@admin_required
def index():
    return _page(_form())


@bp.post("/admin/media")
@admin_required
def add():
    form = _form()
    if form.validate_on_submit():
        try:
            row, download = service.add(form.exercise.data, form.url.data)
        except service.MediaError as exc:
            form.url.errors.append(str(exc))
        else:
            if download:
                tasks.fetch_media(row.id)
            flash("Added. The file downloads in the background." if download else "YouTube video added.", "success")
            return redirect(url_for(".index"))
    return _page(form, 422)


@bp.post("/admin/media/<id:media_id>/retry")
@admin_required
def retry(media_id):
    row = found_or_404(service.row(media_id))
    if row.youtube_id is None and row.status == "failed":
        jobs.retry(row)
        tasks.fetch_media(row.id)
        flash("Trying that download again.", "success")
    return redirect(url_for(".index"))


@bp.post("/admin/media/<id:media_id>/delete")
@admin_required
def delete(media_id):
    row = found_or_404(service.row(media_id))
    try:
        service.remove(row, storage.for_settings(current_app.config))
    except storage.StorageError as exc:
        logger.warning("media %s: not removed: %s", media_id, exc.reason)
        flash("The file couldn't be deleted from storage just now, so the media is still here. Try again "
              "in a minute.", "error")
    else:
        flash("Media removed.", "success")
    return redirect(url_for(".index"))


@bp.get("/media/<id:media_id>/<name>")
@login_required
def file(media_id, name):
    """A downloaded media file, with Range support so a video can seek. The name carries the checksum."""
    row = service.downloaded(media_id)
    if row is None or name != service.public_name(row):
        abort(404)
    store = storage.for_settings(current_app.config)
    path = store.local_path(service.stored_name(row))
    if path is not None:
        if not path.is_file():
            abort(404)
        response = send_file(path, mimetype=row.content_type, conditional=True, etag=row.checksum, max_age=YEAR)
        return _cached_privately(response)
    if current_app.config["MEDIA_S3_PRESIGN"]:
        if _may_redirect():
            return _to_presigned_url(store, row)
        response = _from_bucket(store, row)
        response.vary.add("Sec-Fetch-Mode")  # the same URL answers a <video> with a redirect
        return response
    return _from_bucket(store, row)


def _cached_privately(response):
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.immutable = True
    return response


def _may_redirect():
    """Whether this request may be sent to the bucket. Not when it asks for the bytes through Limber
    (?via=limber), nor when a script wants to read them (Sec-Fetch-Mode cors or same-origin): that is
    the service worker saving a routine for offline use, and a cors fetch() that a redirect takes to
    another origin fails unless the bucket sends CORS headers. A <video> or an <img> (no-cors, also
    when the service worker passes it on), a tab (navigate), or a client without Sec-Fetch-* headers
    follows the redirect without needing CORS."""
    if request.args.get("via") == VIA_LIMBER:
        return False
    return request.headers.get("Sec-Fetch-Mode", "").lower() not in ("cors", "same-origin")


def _unavailable(exc, media_id):
    logger.warning("media %s: %s", media_id, exc.reason)
    response = Response("The media store can't be reached just now.", 503, mimetype="text/plain")
    response.headers["Retry-After"] = "30"
    response.cache_control.no_store = True
    return response


def _to_presigned_url(store, row):
    try:
        url = store.presigned_url(service.stored_name(row), current_app.config["MEDIA_S3_PRESIGN_SECONDS"])
    except storage.StorageError as exc:
        return _unavailable(exc, row.id)
    response = redirect(url, 302)
    response.cache_control.no_store = True  # the URL expires: never keep the redirect
    response.vary.add("Sec-Fetch-Mode")
    return response


def _from_bucket(store, row):
    """The object through Limber, as send_file answers for a file: 304 for a matching ETag, 206 with
    Content-Range for one byte range (If-Range honoured), 416 for a range outside the file."""
    size, etag = row.size, row.checksum
    if not is_resource_modified(request.environ, etag=etag):
        response = Response(status=304)
        response.set_etag(etag)
        response.cache_control.max_age = YEAR
        return _cached_privately(response)
    span = None
    if request.headers.get("Range") and (
            "If-Range" not in request.headers
            or not is_resource_modified(request.environ, etag=etag, ignore_if_range=False)):
        parsed = parse_range_header(request.headers["Range"])
        span = parsed.range_for_length(size) if parsed is not None else None
        if span is None:
            response = Response(status=416)
            response.headers["Content-Range"] = f"bytes */{size}"
            response.headers["Accept-Ranges"] = "bytes"
            return response
    start, stop = span or (0, size)
    try:
        opened = store.open(service.stored_name(row), start, stop - 1 if span else None)
    except storage.Missing:
        abort(404)
    except storage.StorageError as exc:
        return _unavailable(exc, row.id)
    response = Response(opened.chunks, status=206 if span else 200, mimetype=row.content_type,
                        direct_passthrough=True)
    response.call_on_close(opened.close)
    response.content_length = opened.length
    if span:
        response.headers["Content-Range"] = f"bytes {start}-{start + opened.length - 1}/{size}"
    response.headers["Accept-Ranges"] = "bytes"
    response.set_etag(etag)
    if opened.last_modified is not None:
        response.last_modified = opened.last_modified
    response.cache_control.max_age = YEAR
    return _cached_privately(response)
