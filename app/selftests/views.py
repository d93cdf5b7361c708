"""The self-test pages (under Progress): the four tests with their latest results and charts, each test's
instructions and form, deleting a mistaken result, and the summaries the Progress page and Home show."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..templating import day_words
from ..web import found_or_404
from . import charts, service, tests
from .forms import form_class

bp = Blueprint("selftests", __name__, url_prefix="/progress/tests")


def summary_for_current_user():
    """The Progress page's self-test card: each test's latest result and whether a retest is due."""
    return service.summary(current_user.id, service.utc_today())


def prompt_for_current_user():
    """Home's one line: a retest prompt when one is due, an invitation when nothing was ever tested, else
    None. One small query (the person's last test date)."""
    last = service.last_tested(current_user.id)
    if last is None:
        return {"never": True}
    today = max(service.utc_today(), last)
    if not tests.retest_due(last, today):
        return None
    return {"never": False, "weeks": (today - last).days // 7}


bp.add_app_template_global(summary_for_current_user, "selftest_summary")
bp.add_app_template_global(prompt_for_current_user, "selftest_prompt")


def _test_or_404(test_id):
    test = tests.TESTS.get(test_id)
    if test is None:
        abort(404)
    return test


@bp.get("")
@login_required
def index():
    found = summary_for_current_user()
    drawn = {card["test"].id: charts.chart(card["test"], card["results"]) for card in found["cards"]}
    return render_template("selftests/index.html", s=found, charts=drawn)


def _show(test, form, status=200):
    found = service.summary(current_user.id, service.utc_today())
    card = next(card for card in found["cards"] if card["test"] is test)
    return render_template("selftests/show.html", test=test, form=form, card=card,
                           chart=charts.chart(test, card["results"]), rows=charts.rows(test, card["results"]),
                           today=found["today"]), status


@bp.get("/<test_id>")
@login_required
def show(test_id):
    test = _test_or_404(test_id)
    return _show(test, form_class(test.id)(formdata=None, tested_on=service.utc_today()))


@bp.post("/<test_id>")
@login_required
def record(test_id):
    test = _test_or_404(test_id)
    form = form_class(test.id)()
    if not form.validate_on_submit():
        page, status = _show(test, form, 400)
        # htmx shows the top of a swapped page; what needs fixing is in the form, far down on a phone.
        return page, status, {"HX-Reswap": "innerHTML show:#record:top"}
    values = form.values()
    service.record(current_user.id, test.id, values, form.tested_on.data)
    said = ", ".join(f"{side} {tests.short(test.id, value)}" if test.sided else tests.short(test.id, value)
                     for side, value in values.items())
    flash(f"Saved your {test.name.lower()} of {day_words(form.tested_on.data, year=False)}: {said}.", "success")
    return redirect(url_for(".show", test_id=test.id), code=303)


@bp.post("/results/<id:result_id>/delete")
@login_required
def delete(result_id):
    row = found_or_404(service.delete(current_user.id, result_id))
    test = tests.TESTS.get(row.test)
    name = test.name.lower() if test else "self-test"
    flash(f"Deleted your {name} result of {day_words(row.tested_on)}. The chart has been updated.", "success")
    return redirect(url_for(".show", test_id=row.test) if test else url_for(".index"), code=303)
