"""Reminders end to end on the real database: the settings form, this browser's push subscription, and
send-due against a fake push service that decrypts what it gets (RFC 8291) and a real SMTP server
process — exactly once per reminder and day, never late, nothing health-related in what leaves."""
import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from app.db import db
from app.models import (
    Account, Notification, PushSubscription, ReminderSend, ReminderSetting, RoutineRecord,
)
from app.reminders import service
from tests.conftest import all_at_once

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DUE = dt.datetime(2026, 12, 3, 7, 0)  # 07:00 UTC on a Thursday: 08:00 in Madrid


@pytest.fixture
def wired(app, push_service, smtp_server, monkeypatch):
    """The app sending to the fakes, which start each test empty."""
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK", True)
    monkeypatch.setitem(app.config, "SMTP_URL", smtp_server.url)
    monkeypatch.setitem(app.config, "PUSH_TIMEOUT", 3)
    push_service.reset()
    smtp_server.clear()
    from app.reminders import vapid
    push_service.expect_key(vapid.keys(app.config).public_key)
    return app


def account_id(app, email="ana@example.com"):
    with app.app_context(), db.connection_context():
        return Account.get(Account.email == email).id


def remind(app, who, now=DUE - dt.timedelta(hours=1), **values):
    """Reminders on for ``who`` every day at 08:00 Madrid time (07:00 UTC on DUE)."""
    settings = {"enabled": True, "days": DAYS, "at_minute": 8 * 60, "timezone": "Europe/Madrid", "about": "stretch",
                "by_push": True, "in_app": True, "by_email": False, **values}
    with app.app_context(), db.connection_context():
        return service.save(who, settings, now=now)


def subscribe(app, who, fake, name="phone"):
    subscriber = fake.subscription(name)
    with app.app_context(), db.connection_context():
        service.subscribe(who, None, subscriber.json, allow_loopback=True)
    return subscriber


def send_due(app, now):
    with app.app_context(), db.connection_context():
        return service.send_due(app.config, now)


def sends(app):
    with app.app_context(), db.connection_context():
        return list(ReminderSend.select().order_by(ReminderSend.id))


# -- the settings page -------------------------------------------------------------------------------

def form(**changes):
    data = {"enabled": "y", "days": ["mon", "thu"], "at": "07:30", "timezone": "Europe/Madrid", "about": "plan",
            "quiet_start": "", "quiet_end": "", "in_app": "y", "by_push": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_settings_are_saved_with_the_next_reminder_in_the_persons_time(app, person, client):
    assert client.get("/reminders").status_code == 200
    response = person.post("/reminders", form(), token_from="/reminders", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Reminders saved. The next one:" in page and "at 07:30" in page
    with app.app_context(), db.connection_context():
        row = ReminderSetting.get()
        assert (row.days, row.at_minute, row.timezone, row.about) == (["mon", "thu"], 450, "Europe/Madrid", "plan")
        local = row.next_due_at.replace(tzinfo=dt.timezone.utc).astimezone(__import__("zoneinfo").ZoneInfo(
            "Europe/Madrid"))
        assert (local.strftime("%a %H:%M"), local > dt.datetime.now(dt.timezone.utc)) in (("Mon 07:30", True),
                                                                                          ("Thu 07:30", True))


@pytest.mark.parametrize("changes, message", [
    ({"timezone": "Mars/Olympus"}, "a time zone Limber knows"),
    ({"timezone": "../../etc/passwd"}, "a time zone Limber knows"),
    ({"days": None}, "Pick at least one day"),
    ({"at": "25:00"}, "Enter a time like 07:30"),
    ({"at": ""}, "Enter the time to be reminded"),
    ({"quiet_start": "07:00", "quiet_end": "09:00"}, "inside your quiet hours"),
    ({"quiet_start": "22:00"}, "both ends of your quiet hours"),
    ({"about": "knees"}, "Not a valid choice"),
])
def test_bad_settings_are_refused_with_a_reason_and_nothing_is_stored(app, person, changes, message):
    response = person.post("/reminders", form(**changes), token_from="/reminders")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context(), db.connection_context():
        assert ReminderSetting.select().count() == 0


def test_saving_settings_needs_the_csrf_token(app, person, client):
    assert client.post("/reminders", data=form()).status_code == 400


# -- this browser's subscription ---------------------------------------------------------------------

def post_json(person, path, body, token=True):
    headers = {"X-CSRFToken": person.token("/reminders")} if token else {}
    return person.client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def test_a_browser_subscribes_once_and_forgets_it_on_logging_out(wired, person, push_service):
    subscriber = push_service.subscription()
    assert post_json(person, "/push/subscriptions", subscriber.json).status_code == 201
    assert post_json(person, "/push/subscriptions", subscriber.json).status_code == 201  # again: the same row
    with wired.app_context(), db.connection_context():
        assert PushSubscription.select().count() == 1
        assert PushSubscription.get().sign_in_id is not None
    person.logout()
    with wired.app_context(), db.connection_context():
        assert PushSubscription.select().count() == 0


@pytest.mark.parametrize("body, message", [
    ({"endpoint": "https://fcm.example/x"}, "keys"),
    ({"endpoint": "ftp://push.example/x", "keys": {}}, "https"),
    ("not an object", "JSON object"),
    ({"endpoint": "https://10.0.0.7/push", "keys": {"p256dh": "BAAA", "auth": "AAAA"}}, "p256dh"),
])
def test_a_malformed_subscription_is_refused_with_the_reason(wired, person, body, message):
    response = post_json(person, "/push/subscriptions", body)
    assert response.status_code == 400 and message in response.get_json()["message"]


def test_a_subscription_to_an_internal_address_is_refused(wired, person, push_service, monkeypatch):
    subscriber = push_service.subscription()
    internal = {**subscriber.json, "endpoint": "https://192.168.1.20/push/1"}
    response = post_json(person, "/push/subscriptions", internal)
    assert response.status_code == 400 and "internet" in response.get_json()["message"]
    monkeypatch.setitem(wired.config, "PUSH_ALLOW_LOOPBACK", False)
    response = post_json(person, "/push/subscriptions", subscriber.json)  # http://127.0.0.1 in production
    assert response.status_code == 400


def test_subscribing_needs_the_csrf_token_and_a_sign_in(wired, person, push_service, client):
    subscriber = push_service.subscription()
    assert post_json(person, "/push/subscriptions", subscriber.json, token=False).status_code == 400
    with wired.app_context(), db.connection_context():
        assert PushSubscription.select().count() == 0


# -- sending -----------------------------------------------------------------------------------------

def test_a_due_reminder_goes_out_once_on_every_channel(wired, person, push_service):
    who = account_id(wired)
    remind(wired, who, by_email=True)
    subscribe(wired, who, push_service)
    counts = send_due(wired, DUE + dt.timedelta(seconds=20))
    assert counts["sent"] == 1 and counts["pushes"] == 1 and counts["emails"] == 1
    [push] = push_service.wait_for(1)
    assert push["payload"]["title"] == "Time to stretch"
    assert push["payload"]["url"].startswith("/reminders/") and int(push["ttl"]) == 1800
    with wired.app_context(), db.connection_context():
        [send] = ReminderSend.select()
        assert (send.status, send.local_date, sorted(send.channels)) == \
            ("sent", dt.date(2026, 12, 3), sorted(["in_app", "email", f"push:{PushSubscription.get().id}"]))
        assert Notification.select().count() == 1
        assert ReminderSetting.get().next_due_at == DUE + dt.timedelta(days=1)
    # The same minute again, and the next minutes: nothing more.
    for later in (20, 40, 80):
        send_due(wired, DUE + dt.timedelta(seconds=later))
    assert len(push_service.received) == 1 and len(sends(wired)) == 1


def test_the_email_has_the_reminder_and_a_one_click_unsubscribe(wired, person, smtp_server):
    who = account_id(wired)
    remind(wired, who, by_email=True, by_push=False, in_app=False)
    send_due(wired, DUE)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Time to stretch" and message["To"] == "ana@example.com"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe.split("127.0.0.1:8000", 1)[1]
    fresh = wired.test_client()
    assert fresh.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with wired.app_context(), db.connection_context():
        assert ReminderSetting.get().by_email is False


def test_two_workers_at_the_same_minute_send_one(wired, person, push_service):
    who = account_id(wired)
    remind(wired, who)
    subscribe(wired, who, push_service)
    all_at_once(lambda: service.send_due(wired.config, DUE), 4, "send-due in four workers at once")
    push_service.wait_for(1)
    with wired.app_context(), db.connection_context():
        assert Notification.select().count() == 1
    assert len(push_service.received) == 1 and len(sends(wired)) == 1


def test_two_worker_processes_at_the_same_minute_send_one(wired, person, push_service):
    """The real thing: two `flask reminders send-due` processes on the same database."""
    who = account_id(wired)
    remind(wired, who)
    subscribe(wired, who, push_service)
    env = {**os.environ, "DATABASE_URL": wired.config["DATABASE_URL"], "PUSH_ALLOW_LOOPBACK": "1",
           "LIMBER_ENV": "test"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "send-due", "--now", DUE.isoformat()]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [worker.communicate(timeout=60) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs
    assert sum(int(out.split("sent=")[1].split()[0]) for out, _ in outputs) == 1, outputs
    push_service.wait_for(1)
    assert len(push_service.received) == 1 and len(sends(wired)) == 1


def test_a_worker_that_died_mid_send_is_taken_over_without_sending_twice(wired, person, push_service):
    who = account_id(wired)
    remind(wired, who)
    subscribe(wired, who, push_service)
    with wired.app_context(), db.connection_context():
        # What a worker killed after the in-app notification left: a claimed row, one channel done.
        ReminderSend.create(account=who, kind="daily", local_date=dt.date(2026, 12, 3), due_at=DUE,
                            claimed_at=DUE, channels=["in_app"])
        Notification.create(account=who, title="Time to stretch", body="…", url="/", created_at=DUE)
    send_due(wired, DUE + dt.timedelta(minutes=1))  # too soon: the first worker may still be at it
    assert push_service.received == []
    send_due(wired, DUE + dt.timedelta(minutes=3))
    push_service.wait_for(1)
    with wired.app_context(), db.connection_context():
        assert Notification.select().count() == 1
        assert ReminderSend.get().status == "sent"
    send_due(wired, DUE + dt.timedelta(minutes=4))
    assert len(push_service.received) == 1


def test_a_reminder_more_than_thirty_minutes_late_is_skipped_not_sent(wired, person, push_service):
    who = account_id(wired)
    remind(wired, who)
    subscribe(wired, who, push_service)
    send_due(wired, DUE + dt.timedelta(minutes=31))  # the worker was down
    with wired.app_context(), db.connection_context():
        assert [(s.status, s.reason) for s in ReminderSend.select()] == [("skipped", "late")]
        assert Notification.select().count() == 0
        assert ReminderSetting.get().next_due_at == DUE + dt.timedelta(days=1)
    assert push_service.received == []


def test_quiet_hours_and_a_session_already_done_today_hold_the_reminder_back(wired, person, push_service):
    from tests.conftest import log_body, quick, sync_one
    who = account_id(wired)
    day_before = DUE - dt.timedelta(days=1)
    remind(wired, who, now=day_before - dt.timedelta(hours=1), quiet_start=7 * 60, quiet_end=9 * 60)  # the form refuses this
    send_due(wired, day_before)
    assert [(s.status, s.reason) for s in sends(wired)] == [("skipped", "quiet hours")]
    remind(wired, who, quiet_start=None, quiet_end=None, now=day_before + dt.timedelta(minutes=1))
    routine_id = quick(person)
    log = log_body(routine_id, started_at="2026-12-03T06:00:00Z", finished_at="2026-12-03T06:08:00Z",
                   local_date="2026-12-03")
    assert sync_one(person.client, log, person.token("/"))[0] == 201
    send_due(wired, DUE)
    assert [(s.status, s.reason) for s in sends(wired)][1] == ("skipped", "already moved today")
    assert push_service.received == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_is_deleted(wired, person, push_service, status):
    who = account_id(wired)
    remind(wired, who, in_app=False)
    subscriber = subscribe(wired, who, push_service)
    push_service.answer(status, endpoint_id=subscriber.id)
    send_due(wired, DUE)
    with wired.app_context(), db.connection_context():
        assert PushSubscription.select().count() == 0
        assert ReminderSend.get().status == "failed"


def test_a_busy_push_service_is_tried_again_after_its_retry_after(wired, person, push_service):
    who = account_id(wired)
    remind(wired, who, in_app=False)
    subscriber = subscribe(wired, who, push_service)
    push_service.answer(429, endpoint_id=subscriber.id, times=1, retry_after=120)
    send_due(wired, DUE)
    with wired.app_context(), db.connection_context():
        send = ReminderSend.get()
        assert (send.status, send.retry_at) == ("retry", DUE + dt.timedelta(seconds=120))
    send_due(wired, DUE + dt.timedelta(seconds=60))  # before Retry-After: not yet
    assert push_service.received == []
    send_due(wired, DUE + dt.timedelta(seconds=120))
    push_service.wait_for(1)
    assert sends(wired)[0].status == "sent"


def test_a_failing_push_service_is_retried_only_while_the_reminder_is_on_time(wired, person, push_service):
    who = account_id(wired)
    remind(wired, who, in_app=False)
    subscriber = subscribe(wired, who, push_service)
    push_service.answer(500, endpoint_id=subscriber.id)
    send_due(wired, DUE)
    assert sends(wired)[0].status == "retry"
    send_due(wired, DUE + dt.timedelta(minutes=5))
    assert sends(wired)[0].status == "retry"
    send_due(wired, DUE + dt.timedelta(minutes=31))
    assert sends(wired)[0].status == "failed"  # too late now: never sent at midnight
    with wired.app_context(), db.connection_context():
        assert PushSubscription.get().failures == 2


def test_nothing_health_related_leaves_in_a_push_or_an_email(wired, client, auth, push_service, smtp_server):
    from app.plans import service as plans
    from app.plans import week

    auth.signup()
    auth.onboard(conditions=["knee"], tight=["hamstrings"])
    who = account_id(wired)
    entry = {"kind": "warmup", "activity": "running", "minutes": 8, "focus": ["hamstrings", "quads"]}
    days = {day: ([entry] if day == "thu" else []) for day in week.DAYS}
    with wired.app_context(), db.connection_context():
        plan = plans.create(who, week.clean({"name": "Knee care week", "start_date": "2026-11-30", "days": days}))
        plans.activate(who, plan)
    remind(wired, who, about="plan", by_email=True)
    subscribe(wired, who, push_service)
    send_due(wired, DUE)
    [push] = push_service.wait_for(1)
    [message] = smtp_server.wait_for(1)
    assert push["payload"]["title"] == "Time for your warm-up" and message["Subject"] == "Time for your warm-up"
    assert push["payload"]["body"] == "8-minute warm-up before your run."
    said = json.dumps(push["payload"]).lower() + message["Subject"].lower() + message.get_body(("plain",)).get_content()
    for word in ("knee", "hamstring", "quad", "focus", "pain", "care", "condition"):
        assert word not in said.lower(), (word, said)


# -- the person's side -------------------------------------------------------------------------------

def test_tapping_a_plan_reminder_builds_its_routine_once_and_counts_the_tap(wired, person, push_service):
    who = account_id(wired)
    with wired.app_context(), db.connection_context():
        send = ReminderSend.create(account=who, kind="daily", local_date=dt.date(2026, 12, 3), due_at=DUE,
                                   status="sent", entry={"kind": "warmup", "activity": "running", "minutes": 8,
                                                         "focus": []})
        Notification.create(account=who, title="Time for your warm-up", body="8-minute warm-up",
                            url=f"/reminders/{send.id}/open")
    before = person.client.get("/").get_data(as_text=True)
    assert "Notifications, 1 new" in before
    first = person.client.get(f"/reminders/{send.id}/open")
    second = person.client.get(f"/reminders/{send.id}/open")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert first.headers["Location"].startswith("/routines/")
    with wired.app_context(), db.connection_context():
        send = ReminderSend.get_by_id(send.id)
        assert send.opened_at is not None and send.routine_id is not None
        assert RoutineRecord.select().count() == 1
        assert Notification.get().read_at is not None
    assert "Notifications, 1 new" not in person.client.get("/").get_data(as_text=True)


def test_someone_elses_reminder_is_a_404(wired, person):
    with wired.app_context(), db.connection_context():
        other = Account.create(email="bo@example.com")
        send = ReminderSend.create(account=other, kind="daily", local_date=dt.date(2026, 12, 3), due_at=DUE)
    assert person.client.get(f"/reminders/{send.id}/open").status_code == 404
    assert person.client.get("/reminders/99999999999/open").status_code == 404


def test_the_notifications_list_shows_them_and_marks_them_read(wired, person):
    who = account_id(wired)
    with wired.app_context(), db.connection_context():
        Notification.create(account=who, title="Time to stretch", body="A few minutes of movement…", url="/")
    page = person.client.get("/notifications").get_data(as_text=True)
    assert "Time to stretch" in page and "New" in page
    assert service_unread(wired, who) == 0


def service_unread(app, who):
    with app.app_context(), db.connection_context():
        return service.unread(who)


def test_the_cli_sends_what_is_due_and_refuses_a_bad_time(wired, person, push_service):
    who = account_id(wired)
    remind(wired, who)
    runner = CliRunner()
    from app.cli import reminders_send_due
    with wired.app_context():
        result = runner.invoke(reminders_send_due, ["--now", "2026-12-03T08:00:00+01:00"])
        assert result.exit_code == 0 and "sent=1" in result.output, result.output
        bad = runner.invoke(reminders_send_due, ["--now", "tomorrow"])
        assert bad.exit_code == 2 and "isn't an ISO time" in bad.output


def test_saving_settings_again_never_loses_a_reminder_already_sent_today(wired, person):
    who = account_id(wired)
    remind(wired, who)
    send_due(wired, DUE)
    remind(wired, who, now=DUE + dt.timedelta(seconds=5))
    with wired.app_context(), db.connection_context():
        row = ReminderSetting.get()
        assert row.next_due_at == DUE + dt.timedelta(days=1)
    send_due(wired, DUE + dt.timedelta(seconds=30))
    assert len(sends(wired)) == 1


def test_the_weekly_summary_goes_out_on_sunday_by_email_once(wired, person, smtp_server):
    who = account_id(wired)
    remind(wired, who, by_email=False, by_push=False, in_app=False, weekly_summary=True)
    sunday = dt.datetime(2026, 12, 6, 7, 0)  # 08:00 in Madrid, the reminder time
    with wired.app_context(), db.connection_context():
        assert ReminderSetting.get().next_weekly_at == sunday
    send_due(wired, sunday)
    send_due(wired, sunday + dt.timedelta(minutes=1))
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Your week with Limber"
    assert "No sessions this week" in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with wired.app_context(), db.connection_context():
        weekly = ReminderSend.get(ReminderSend.kind == "weekly")
        assert (weekly.status, weekly.local_date) == ("sent", dt.date(2026, 12, 6))
        assert ReminderSetting.get().next_weekly_at == sunday + dt.timedelta(days=7)
