"""The admin Insights page: admins only, aggregate figures only, and "too few" for any group of fewer than
five people (a row of a list, an area, a day, a rate). People and their sessions are made directly in
the database: the page only reads them."""
import datetime as dt
import re
import uuid

import pytest

from app.db import db
from app.insights import figures
from app.models import Account, AiJob, ReminderSend, ReminderSetting, RoutineRecord, WorkoutLog, utcnow
from tests.conftest import catalog

SKIPPED = "standing-calf-stretch"
NAME = next(exercise.name for exercise in catalog() if exercise.id == SKIPPED)


@pytest.fixture
def admin(app, auth):
    auth.signup("boss@example.com")
    with db.connection_context():
        Account.update(is_admin=True).where(Account.email == "boss@example.com").execute()
    return auth


def people(count, tag="someone"):
    """``count`` new accounts with distinctive e-mail addresses; their ids."""
    with db.connection_context():
        return [Account.create(email=f"{tag}-{i}-{uuid.uuid4().hex[:6]}@quokka-insights.example").id
                for i in range(count)]


def sessions(accounts, times=1, **changes):
    """``times`` sessions for each of ``accounts``, finished an hour ago."""
    finished = utcnow().replace(microsecond=0) - dt.timedelta(hours=1)
    with db.connection_context(), db.atomic():
        for account in accounts:
            for _ in range(times):
                fields = {"account": account, "client_id": str(uuid.uuid4()), "kind": "mobility", "activity": "general",
                          "title": "Desk break · 5 min", "started_at": finished - dt.timedelta(minutes=5),
                          "finished_at": finished, "local_date": finished.date(), "planned_seconds": 300,
                          "seconds_done": 300, "steps_done": 5, "steps_total": 5, "exercise_ids": ["march-in-place"],
                          **changes}
                WorkoutLog.create(**fields)


def page(client):
    response = client.get("/admin/insights")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html, name):
    return html.split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


def cell(html, label):
    """The cells of the table row headed ``label``."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>((?:<td>.*?</td>)+)</tr>', html)
    assert found, f"no row {label!r}"
    return [re.sub(r"<[^>]+>", "", td) for td in re.findall(r"<td>(.*?)</td>", found.group(1))]


def test_only_admins_see_the_page(client, auth, admin):
    html = client.get("/admin/insights")
    assert html.status_code == 200 and html.headers["Cache-Control"] == "no-store"
    text = html.get_data(as_text=True)
    for heading in ("People", "Sessions", "Safety", "Exercises", "AI routines", "Reminders"):
        assert f">{heading}</h2>" in text
    assert "too few" in text and 'href="/admin/media"' in text and "<caption>" in text
    auth.logout()
    signed_out = client.get("/admin/insights")
    assert signed_out.status_code == 302 and "/login" in signed_out.location
    auth.signup("someone@example.com")
    assert client.get("/admin/insights").status_code == 404


@pytest.mark.parametrize("count", [4, 5])
def test_an_exercise_is_listed_as_skipped_only_once_five_people_skipped_it(client, admin, count):
    sessions(people(count), times=2, skipped_ids=[SKIPPED])
    sessions(people(6), skipped_ids=[])
    exercises = section(page(client), "exercises")
    if count == 4:
        assert NAME not in page(client)
        assert "Most skipped exercises, last 28 days: none to show — too few people" in exercises
    else:
        assert cell(exercises, NAME) == ["10", "5"]  # sessions, people


@pytest.mark.parametrize("count", [4, 5])
def test_safety_stops_by_area_need_five_people(client, admin, count):
    sessions(people(count), ended_early=True, stopped_for_safety=True, pain="stopped", pain_area="knees")
    sessions(people(6))
    html = page(client)
    safety = section(html, "safety")
    if count == 4:
        assert "Knees" not in html
        assert cell(safety, "Stopped for safety") == ["too few", "too few"]
        assert "Stopped for safety, by the area chosen: none to show — too few" in safety
        assert cell(safety, "Pain reported") == ["too few", "too few"]
    else:
        assert cell(safety, "Stopped for safety") == ["5", "5"]
        assert cell(safety.split("Stopped for safety, by the area chosen")[1], "Knees") == ["5", "5"]
        assert "<strong>45%</strong> of all sessions" in safety  # 5 of 11


@pytest.mark.parametrize("count", [4, 5])
def test_a_day_with_fewer_than_five_active_people_is_too_few(client, admin, count):
    sessions(people(count))
    html = section(page(client), "people")
    today = figures.day_label((utcnow() - dt.timedelta(hours=1)).date())
    shown = "4" if count == 4 else "5"
    assert cell(html, today) == (["too few"] if count == 4 else ["5"])
    assert cell(html, "Active (logged a session)") == (["too few"] if count == 4 else [shown])
    assert f"<title>{today}: {'too few' if count == 4 else '5 people'}</title>" in html
    assert cell(html, "Accounts") == [str(count + 1)]  # and the admin


def test_no_persons_address_or_note_appears(client, admin):
    noted = people(6, tag="zanzibar-unique")
    sessions(noted, note="my left knee clicked during the lunges, private", stopped_for_safety=True,
             pain="stopped", pain_area="hips", skipped_ids=[SKIPPED])
    html = page(client)
    assert "Hips" in html and NAME in html  # the groups are shown …
    assert "quokka-insights" not in html and "zanzibar" not in html and "@" not in html.split("<main", 1)[1]
    assert "knee clicked" not in html and "private" not in html  # … and nothing of any one person


def test_completion_rate_is_finished_of_started_and_hidden_if_the_rest_is_a_small_group(client, admin):
    finishers = people(6)
    sessions(finishers, times=2)
    quitters = people(5)
    sessions(quitters, ended_early=True)
    html = section(page(client), "sessions")
    assert cell(html, "Logged (started)") == ["17", "11"]
    assert cell(html, "Finished") == ["12", "6"] and cell(html, "Ended early") == ["5", "5"]
    assert "<strong>71%</strong>" in html  # 12 of 17
    with db.connection_context():
        WorkoutLog.delete().where(WorkoutLog.account == quitters[0]).execute()
    html = section(page(client), "sessions")
    assert cell(html, "Ended early") == ["too few", "too few"]
    assert cell(html, "Finished") == ["too few", "too few"]  # else 16 − 12 would give the four away
    assert "Completion rate (finished of started): <strong><span class=\"muted\">too few</span></strong>" in html


def routine(account, data):
    return RoutineRecord.create(account=account, kind="warmup", activity="running", minutes=8, seed=1,
                                title="Running warm-up · 8 min", request={}, data={"steps": [], **data})


def test_ai_routines_built_and_fallen_back(client, admin):
    built, fell, limited, swappers = people(6), people(5), people(5), people(5)
    with db.connection_context(), db.atomic():
        for account in built:
            AiJob.create(account=account, params={}, status="done",
                         routine=routine(account, {"fallback_reason": None}))
        for account in fell:
            AiJob.create(account=account, params={}, status="fallback",
                         routine=routine(account, {"fallback_reason": "The AI answered twice against the rules."}))
        for account in limited:  # asked for the AI past the day's allowance: no job, the rules built it
            routine(account, {"fallback_reason": "You've used today's AI builds."})
        for account in swappers:
            routine(account, {"swapped_out": [SKIPPED, SKIPPED]})
    html = page(client)
    ai = section(html, "ai")
    assert cell(ai, "Routines built (every way)") == ["21", "21"]
    assert cell(ai, "Asked the AI for a routine") == ["11", "11"]
    assert cell(ai, "Built by Claude") == ["6", "6"] and cell(ai, "Fell back to Limber&#39;s rules") == ["5", "5"]
    assert cell(ai, "Failed (nothing built)") == ["too few", "too few"]
    assert cell(ai, "Built by the rules without asking the AI") == ["5", "5"]
    assert "built by Claude: <strong>55%</strong>" in ai and "fell back to Limber’s rules: <strong>45%</strong>" in ai
    assert cell(section(html, "exercises"), NAME) == ["5", "5"]  # routines, people


def test_reminder_opt_in_and_tap_through(client, admin):
    accounts = people(9)
    today = utcnow().date()
    sent_at = utcnow() - dt.timedelta(days=1)
    with db.connection_context(), db.atomic():
        for i, account in enumerate(accounts[:6]):
            ReminderSetting.create(account=account, enabled=True, by_push=True, by_email=i < 2, weekly_summary=True)
            for day in (1, 2):
                ReminderSend.create(account=account, kind="daily", local_date=today - dt.timedelta(days=day),
                                    due_at=sent_at, status="sent", sent_at=sent_at,
                                    opened_at=sent_at if day == 1 and i < 5 else None)
            ReminderSend.create(account=account, kind="weekly", local_date=today, due_at=sent_at, status="sent",
                                sent_at=sent_at)  # a summary e-mail: not a tap-able reminder
        ReminderSetting.create(account=accounts[6], enabled=False)
        ReminderSend.create(account=accounts[6], kind="daily", local_date=today, due_at=sent_at, status="skipped")
    html = section(page(client), "reminders")
    assert cell(html, "Reminders switched on") == ["6"] and cell(html, "Accounts") == ["10"]
    assert cell(html, "By push") == ["6"] and cell(html, "By e-mail") == ["too few"]
    assert cell(html, "Weekly summary e-mail") == ["6"]
    assert "Opted in: <strong>60%</strong>" in html  # 6 of 10 accounts
    assert cell(html, "Daily reminders sent") == ["12", "6"]
    assert cell(html, "Tapped") == ["5", "5"] and cell(html, "Not tapped") == ["7", "6"]
    assert "Tap-through (tapped of sent): <strong>42%</strong>" in html  # 5 of 12


def test_the_query_count_does_not_grow_with_the_rows(client, admin, monkeypatch):
    run, execute = [], db.obj.execute_sql

    def counted(sql, *args, **kwargs):
        run.append(sql)
        return execute(sql, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", counted)
    page(client)
    empty = len(run)
    sessions(people(12), times=3, skipped_ids=[SKIPPED], pain="mild", pain_area="knees")
    run.clear()
    page(client)
    assert len(run) == empty <= 13, run
