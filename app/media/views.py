"""The admin-only media page: attach videos, images and YouTube links to exercises, watch the jobs."""
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from playhouse.flask_utils import get_object_or_404
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from .. import tasks
from ..forms import Form
from ..models import Exercise, ExerciseMedia
from ..web import wants_fragment
from . import media

bp = Blueprint("admin", __name__, url_prefix="/admin")


class MediaForm(Form):
    exercise = SelectField("Exercise", validators=[DataRequired()])
    url = StringField("Video, image or YouTube URL", validators=[DataRequired(), Length(max=2000)],
                      description="An mp4 or webm video, a jpeg/png/webp/gif image, or a YouTube link.")


def admin_required(view):
    """Admins only; everybody else gets a 404, so the page doesn't advertise itself."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


def _form():
    form = MediaForm()
    form.exercise.choices = [(row.id, row.name) for row in Exercise.select(Exercise.id, Exercise.name).order_by(Exercise.name)]
    return form


def _page(form, status=200):
    rows = list(ExerciseMedia.select(ExerciseMedia, Exercise.name).join(Exercise).order_by(ExerciseMedia.id.desc()))
    busy = any(row.status in ("queued", "downloading") for row in rows)
    template = "admin/_media_rows.html" if wants_fragment("media-rows") else "admin/media.html"
    return render_template(template, form=form, rows=rows, busy=busy), status


@bp.get("/media")
@admin_required
def media_index():
    return _page(_form())


@bp.post("/media")
@admin_required
def media_add():
    form = _form()
    if form.validate_on_submit():
        try:
            row, download = media.add(form.exercise.data, form.url.data)
        except media.MediaError as exc:
            form.url.errors.append(str(exc))
        else:
            if download:
                tasks.fetch_media(row.id)
            flash("Added. The file downloads in the background." if download else "YouTube video added.", "success")
            return redirect(url_for(".media_index"))
    return _page(form, 422)


def _row_or_404(media_id):
    return get_object_or_404(ExerciseMedia, ExerciseMedia.id == media_id)


@bp.post("/media/<id:media_id>/retry")
@admin_required
def media_retry(media_id):
    row = _row_or_404(media_id)
    if row.youtube_id is None and row.status == "failed":
        media.retry(row)
        tasks.fetch_media(row.id)
        flash("Trying that download again.", "success")
    return redirect(url_for(".media_index"))


@bp.post("/media/<id:media_id>/delete")
@admin_required
def media_delete(media_id):
    media.remove(_row_or_404(media_id), current_app.config["MEDIA_DIR"])
    flash("Media removed.", "success")
    return redirect(url_for(".media_index"))
