"""The admin Insights page: aggregate, anonymous figures about how Limber is used."""
from flask import Blueprint, render_template

from .. import vocabulary as v
from ..catalog import store
from ..web import admin_required
from ..models import utcnow
from . import figures, queries

bp = Blueprint("insights", __name__, url_prefix="/admin/insights")


@bp.get("")
@admin_required
def index():
    exercises = store.by_id()

    def exercise_name(ident):
        exercise = exercises.get(ident)
        return exercise.name if exercise else ident  # an exercise since removed from the catalog

    shown = figures.page(queries.gather(utcnow()), exercise_name, v.region_label)
    response = render_template("admin/insights.html", f=shown, too_few=figures.TOO_FEW, min_group=figures.MIN_GROUP,
                               window_days=queries.WINDOW.days, days=queries.DAYS, weeks=queries.WEEKS)
    return response, 200, {"Cache-Control": "no-store"}
