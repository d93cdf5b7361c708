"""Copy and state a reviewer found on every page: the words a form chose, no second starter plan, AI
controls that can't be used, a way back to You, dates as people read them, a narrow error card."""
import datetime as dt
import re

from flask_login import login_user

from app.db import db
from app.models import Account, ReminderSetting
from app.reminders import service as reminders
from tests.conftest import starter


def test_about_you_says_the_words_the_form_chose(client, person):
    page = client.get("/profile").get_data(as_text=True)
    assert "Active most weeks" in page and "Intermediate" not in page


def test_with_an_active_plan_the_plans_page_opens_it_not_another_starter(client, person):
    assert "Make my starter plan" in client.get("/plans").get_data(as_text=True)  # none yet: offered
    plan_id = starter(person)
    page = client.get("/plans").get_data(as_text=True)
    assert "Make my starter plan" not in page
    assert f'class="button" href="/plans/{plan_id}"' in page and "Your active plan" in page


def test_settings_ai_controls_are_disabled_when_the_server_has_no_ai(app, client, person, monkeypatch):
    monkeypatch.setitem(app.config, "ANTHROPIC_API_KEY", "")
    page = client.get("/settings").get_data(as_text=True)
    assert "The coach isn't available on this Limber yet" in page
    form = page.split('id="ai"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<fieldset disabled[^>]*>.*name=\"ai_enabled\".*name=\"coach_personality\".*Save.*</fieldset>",
                     form, re.S)


def test_settings_ai_controls_work_when_the_server_has_ai(app, client, person, monkeypatch):
    monkeypatch.setitem(app.config, "ANTHROPIC_API_KEY", "sk-test")
    page = client.get("/settings").get_data(as_text=True)
    assert "isn't available on this Limber" not in page and "<fieldset disabled" not in page


def test_every_you_sub_page_links_back_to_you(client, person):
    for step in ("screening", "about", "health", "activity"):
        page = client.get(f"/profile/{step}").get_data(as_text=True)
        assert '<p class="narrow back-link"><a href="/profile">‹ You</a></p>' in page, step
    onboarding = client.get("/onboarding/about").get_data(as_text=True)
    assert "‹ You" not in onboarding  # halfway through the first steps there is no You to go back to
    assert '<a href="/profile">‹ You</a>' in client.get("/saved").get_data(as_text=True)


def test_the_saved_page_wears_the_app_navigation_without_knowing_who_is_signed_in(client, person):
    page = client.get("/saved").get_data(as_text=True)
    assert 'class="with-tabbar"' in page and '<nav class="tabbar"' in page
    assert '<a href="/profile" aria-current="page">You</a>' in page
    assert "csrf-token" not in page and "data-account" not in page  # still the same page for everybody


def test_a_date_reads_without_a_zero_before_the_day(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    client.post(f"/plans/{plan_id}/details", data={"csrf_token": token, "base": "1", "name": "My week",
                                                   "start_date": "2026-12-03"})
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "From Thu 3 Dec 2026." in page and "03 Dec" not in page


def _moment(app, email, moment):
    with app.test_request_context(), db.connection_context():
        if email:
            login_user(Account.get(Account.email == email))
        return app.jinja_env.from_string("{{ when|moment }}").render(when=moment)


def test_a_time_is_in_the_persons_zone_and_says_utc_only_when_it_is(app, person):
    moment = dt.datetime(2026, 12, 3, 15, 51)  # stored as naive UTC
    assert _moment(app, None, moment) == "Thu 3 Dec 2026, 15:51 UTC"
    assert _moment(app, "ana@example.com", moment) == "Thu 3 Dec 2026, 15:51 UTC"  # no zone known
    with app.app_context(), db.connection_context():
        account = Account.get(Account.email == "ana@example.com")
        reminders.save(account.id, {"enabled": False, "days": [], "at_minute": 8 * 60, "timezone": "Europe/Madrid",
                                    "about": "stretch", "by_push": False, "in_app": True, "by_email": False})
        assert ReminderSetting.get(ReminderSetting.account == account.id).timezone == "Europe/Madrid"
    assert _moment(app, "ana@example.com", moment) == "Thu 3 Dec 2026, 16:51"
    assert _moment(app, "ana@example.com", moment.replace(tzinfo=dt.timezone.utc)) == "Thu 3 Dec 2026, 16:51"


def test_a_date_can_leave_out_the_year(app):
    with app.test_request_context():
        assert app.jinja_env.from_string("{{ '2026-12-03'|day(year=false) }}").render() == "Thu 3 Dec"
        assert app.jinja_env.from_string("{{ day|day }}").render(day=dt.date(2026, 12, 3)) == "Thu 3 Dec 2026"


def test_the_not_found_page_uses_the_narrow_card(client, person):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert '<section class="card narrow center">' in response.get_data(as_text=True)
