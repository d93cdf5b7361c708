"""A person's self-test results: recording one (all its sides or none), reading them back, the focus areas
they give the routine engine, and deleting a mistaken one. Every query is scoped to the account."""
import datetime as dt

from ..db import Prepared, db
from ..models import MobilityResult
from . import tests

_results = Prepared("selftest_results", lambda account_id: (
    MobilityResult.select(MobilityResult.id, MobilityResult.test, MobilityResult.side, MobilityResult.value,
                          MobilityResult.tested_on)
    .where(MobilityResult.account == account_id).order_by(MobilityResult.tested_on, MobilityResult.id)))
_last = Prepared("last_selftest", lambda account_id: (
    MobilityResult.select(MobilityResult.tested_on).where(MobilityResult.account == account_id)
    .order_by(MobilityResult.tested_on.desc()).limit(1)))


def _result(row):
    return tests.Result(row.test, row.side, row.value, row.tested_on, row.id)


def utc_today():
    return dt.datetime.now(dt.timezone.utc).date()


def record(account_id, test_id, values_by_side, tested_on):
    """Store one test's result for each side given ({side: value}), all of them or none (ValueError says
    why). A side tested again on the same day replaces that day's earlier result. Returns the new rows."""
    values = tests.check(test_id, values_by_side)
    with db.atomic():
        MobilityResult.delete().where(
            (MobilityResult.account == account_id) & (MobilityResult.test == test_id)
            & (MobilityResult.side.in_(list(values))) & (MobilityResult.tested_on == tested_on)).execute()
        return [MobilityResult.create(account=account_id, test=test_id, side=side, value=value, tested_on=tested_on)
                for side, value in values.items()]


def history(account_id):
    """Every result of the person, oldest first, as tests.Result."""
    return [_result(row) for row in _results(account_id)]


def latest(account_id):
    """The latest result per (test, side)."""
    return tests.latest_of(history(account_id))


def last_tested(account_id):
    """The date of the person's latest self-test, or None."""
    rows = _last(account_id)
    return rows[0].tested_on if rows else None


def focus_for(account_id, today):
    """The focus areas the person's recent results give the engine (tests.focus): one indexed query."""
    since = today - dt.timedelta(weeks=tests.FOCUS_WEEKS)
    rows = (MobilityResult.select(MobilityResult.id, MobilityResult.test, MobilityResult.side, MobilityResult.value,
                                  MobilityResult.tested_on)
            .where((MobilityResult.account == account_id) & (MobilityResult.tested_on >= since)))
    return tests.focus(tests.latest_of(_result(row) for row in rows), today)


def delete(account_id, result_id):
    """Delete one of the person's results and the other side recorded with it (same test, same day): the
    row of the test's table. The deleted result, or None when it isn't theirs or doesn't exist."""
    with db.atomic():
        row = MobilityResult.get_or_none((MobilityResult.id == result_id) & (MobilityResult.account == account_id))
        if row is None:
            return None
        MobilityResult.delete().where(
            (MobilityResult.account == account_id) & (MobilityResult.test == row.test)
            & (MobilityResult.tested_on == row.tested_on)).execute()
    return _result(row)


def summary(account_id, today):
    """What the Progress page's card and the self-test page show: each test with its latest result per
    side, the date it was last done and whether a retest is due, and the person's last test date overall."""
    results = history(account_id)
    if results:
        today = max(today, results[-1].tested_on)  # a local date may run a day ahead of the server's
    newest = tests.latest_of(results)
    cards = []
    for test in tests.TESTS.values():
        mine = [r for r in results if r.test == test.id]
        by_side = {side: newest[(test.id, side)].value for side in test.sides if (test.id, side) in newest}
        last = mine[-1].tested_on if mine else None
        cards.append({"test": test, "results": mine, "latest": by_side, "last": last,
                      "shown": {side: tests.short(test.id, value) for side, value in by_side.items()},
                      "latest_on": {side: newest[(test.id, side)].tested_on for side in by_side},
                      "verdict": tests.verdict(test.id, by_side),
                      "notable": tests.notable(test.id, by_side), "due": tests.retest_due(last, today)})
    last = max((card["last"] for card in cards if card["last"]), default=None)
    return {"cards": cards, "last": last, "today": today, "due": tests.retest_due(last, today),
            "days": (today - last).days if last else None}
