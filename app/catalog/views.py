"""Browse and search the exercise library."""
from flask import Blueprint, Response, abort, make_response, redirect, render_template, request, url_for
from flask_login import login_required

from .. import vocabulary as v
from ..media import service as media
from ..web import figure as figure_of
from ..web import varies_with_htmx, wants_fragment, with_media_url
from . import figures, search, store
from .forms import LibraryFilters

bp = Blueprint("catalog", __name__)
bp.add_app_template_global(figure_of, "figure")  # {"url", "alt"} of an exercise's figure, for every page


@bp.get("/exercises")
@login_required
def index():
    form = LibraryFilters()
    results = search.find(store.current(), text=form.q.data, region=form.region.data, type=form.type.data,
                          equipment=form.equipment.data)
    template = "catalog/_results.html" if wants_fragment() else "catalog/index.html"
    return varies_with_htmx(make_response(render_template(template, results=results, form=form)))


@bp.get("/exercises/<slug>")
@login_required
def show(slug):
    ex = store.by_id().get(slug)
    if ex is None:
        abort(404)
    if ex.id != slug:  # an old link to a renamed exercise
        return redirect(url_for("catalog.show", slug=ex.id), code=301)
    row = media.for_exercises([ex.id]).get(ex.id)
    return render_template("catalog/show.html", ex=ex, left_out_for=left_out_for(ex),
                           media=with_media_url(media.describe(row)) if row else None)


@bp.get("/exercises/<slug>/figure.svg")
def figure(slug):
    """An exercise's animated figure (``side=left``: mirrored). With the ``v`` its pages link to, the
    URL names one drawing, so it is cached for a year; a stale ``v`` gets today's drawing, uncached.
    No sign-in needed: a figure is the same drawing for everyone, and the welcome page shows four."""
    ex = store.by_id().get(slug)
    side = request.args.get("side", "right")
    if ex is None or ex.pose is None or side not in figures.SIDES:
        abort(404)
    response = Response(figures.svg(ex, side), mimetype="image/svg+xml")
    if request.args.get("v") == figures.version(ex, side):
        response.cache_control.max_age = 60 * 60 * 24 * 365
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.cache_control.private = True
    # Its own policy: the drawing's inline style and nothing else, not even a script.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
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
