"""Media pages: the admin-only page that attaches videos, images and YouTube links to exercises and
watches their downloads, and the route that serves a downloaded file."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .. import tasks
from ..forms import Form, SelectField
from ..web import admin_required, found_or_404, wants_fragment
from . import jobs, service

YEAR = 60 * 60 * 24 * 365

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
    service.remove(found_or_404(service.row(media_id)), current_app.config["MEDIA_DIR"])
    flash("Media removed.", "success")
    return redirect(url_for(".index"))


@bp.get("/media/<id:media_id>/<name>")
@login_required
def file(media_id, name):
    """A downloaded media file, with Range support so a video can seek. The name carries the checksum."""
    row = service.downloaded(media_id)
    if row is None or name != service.public_name(row):
        abort(404)
    path = service.file_path(current_app.config["MEDIA_DIR"], row)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=row.content_type, conditional=True, etag=row.checksum, max_age=YEAR)
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.immutable = True
    return response
