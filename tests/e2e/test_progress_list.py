"""The Progress list at phone size: 20 sessions, then "Show earlier sessions" adds the next ones in place
and gives the focus to the first of them (a keyboard or screen-reader user carries on from there)."""
import datetime as dt
import uuid

from playwright.sync_api import expect

from app.db import db
from app.models import Account, WorkoutLog
from tests.conftest import sign_up_and_skip_to_dashboard


def test_earlier_sessions_arrive_in_place_with_the_focus_on_the_first(app, live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "many-sessions@example.com")
    now = dt.datetime.utcnow().replace(microsecond=0)
    with app.app_context(), db.connection_context():
        account = Account.get(Account.email == "many-sessions@example.com")
        for n in range(25):
            finished = now - dt.timedelta(hours=25 - n)
            WorkoutLog.create(account=account, client_id=str(uuid.uuid4()), kind="mobility", activity="general",
                              title=f"Session {n:02d}", started_at=finished - dt.timedelta(minutes=5),
                              finished_at=finished, local_date=finished.date(), planned_seconds=300,
                              seconds_done=300, steps_done=5, steps_total=5, exercise_ids=["march-in-place"])
    page.goto(f"{live_server}/progress")
    items = page.locator(".history-item")
    expect(items).to_have_count(20)
    expect(items.first).to_contain_text("Session 24")
    page.get_by_role("link", name="Show earlier sessions").click()
    expect(items).to_have_count(25)
    expect(items.nth(20)).to_be_focused()
    expect(items.nth(20)).to_contain_text("Session 04")
    expect(page.get_by_role("link", name="Show earlier sessions")).to_have_count(0)
    assert page.url == f"{live_server}/progress"  # the list grew in place; the address stayed
