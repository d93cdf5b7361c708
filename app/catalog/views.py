"""Browse and search the exercise library."""
from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from .. import vocabulary as v
from ..models import Exercise, ExerciseMedia
from ..web import varies_with_htmx, wants_fragment, with_media_url
from . import data, media, store

YEAR = 60 * 60 * 24 * 365

bp = Blueprint("catalog", __name__)


def _search(args):
    query = Exercise.select(Exercise.id, Exercise.name, Exercise.type, Exercise.level, Exercise.targets_text)
    text = (args.get("q") or "").strip()[:60]
    if text:
        query = query.where(Exercise.name.contains(text))
    region, ex_type, equipment = args.get("region"), args.get("type"), args.get("equipment")
    if region in v.REGIONS:
        query = query.where(Exercise.targets_text.contains(f",{region},"))
    if ex_type in v.TYPES:
        query = query.where(Exercise.type == ex_type)
    if equipment == "none":
        query = query.where(Exercise.equipment_text == ",,")
    elif equipment in v.EQUIPMENT:
        query = query.where(Exercise.equipment_text.contains(f",{equipment},"))
    return list(query.order_by(Exercise.name))


@bp.get("/exercises")
@login_required
def index():
    results = _search(request.args)
    template = "catalog/_results.html" if wants_fragment() else "catalog/index.html"
    return varies_with_htmx(make_response(render_template(template, results=results, args=request.args)))


@bp.get("/exercises/<slug>")
@login_required
def show(slug):
    row = Exercise.get_or_none(Exercise.id == slug)
    if row is None:
        renamed = store.by_id().get(slug)  # an old link to a renamed exercise
        if renamed is None:
            abort(404)
        return redirect(url_for("catalog.show", slug=renamed.id), code=301)
    ex = data.from_record(row.data)
    row = media.for_exercises([ex.id]).get(ex.id)
    return render_template("catalog/show.html", ex=ex, left_out_for=left_out_for(ex),
                           media=with_media_url(media.describe(row)) if row else None)


@bp.get("/media/<id:media_id>/<name>")
@login_required
def media_file(media_id, name):
    """A cached media file, with Range support so a video can seek. The name carries the checksum."""
    row = ExerciseMedia.get_or_none((ExerciseMedia.id == media_id) & (ExerciseMedia.status == "cached"))
    if row is None or name != media.public_name(row):
        abort(404)
    path = media.file_path(current_app.config["MEDIA_DIR"], row)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=row.content_type, conditional=True, etag=row.checksum, max_age=YEAR)
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.immutable = True
    return response


def left_out_for(ex):
    """Who never gets this exercise, in words a person knows: their conditions, or gentle mode."""
    tags = set(ex.contra_tags)
    reasons = [v.label(condition) for condition, forbidden in v.CONDITION_FORBIDS.items() if tags & forbidden]
    if tags & v.GENTLE_FORBIDS or ex.intensity > v.GENTLE_MAX_INTENSITY:
        reasons.append("Gentle mode (a “yes” on the health questions)")
    if tags & v.OLDER_FORBIDS:
        reasons.append("People 65 and over")
    if v.BALLISTIC_TAG in tags:
        reasons.append("Beginners and anyone with a condition (it bounces)")
    return reasons
