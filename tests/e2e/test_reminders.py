"""Reminders in Chromium at phone size, with the real service worker: a push delivered through the
DevTools protocol (ServiceWorker.deliverPushMessage, no push service needed) is shown as a
notification with the reminder's words, and tapping it opens the routine of today's plan."""
import datetime as dt
import json
import re
import time

from playwright.sync_api import expect

from app.db import db
from app.models import Account, ReminderSend
from tests.conftest import sign_up_and_skip_to_dashboard


def eventually(page, read, what, timeout=15):
    """Poll ``read()`` until it is truthy; fail saying ``what`` never happened. Waits with the page's
    own timer, so Playwright goes on receiving DevTools events meanwhile."""
    deadline = time.monotonic() + timeout
    while not (value := read()):
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        page.wait_for_timeout(200)
    return value


def test_a_pushed_reminder_is_shown_and_a_tap_opens_todays_routine(app, live_server, context, page):
    context.grant_permissions(["notifications"], origin=live_server)
    sign_up_and_skip_to_dashboard(live_server, page, "push@example.com")
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    with app.app_context(), db.connection_context():
        who = Account.get(Account.email == "push@example.com").id
        send = ReminderSend.create(account=who, kind="daily", local_date=dt.date.today(), due_at=dt.datetime.now(),
                                   status="sent", entry={"kind": "warmup", "activity": "running", "minutes": 8,
                                                         "focus": []})

    registrations = []
    cdp = context.new_cdp_session(page)
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    [registration] = eventually(page, lambda: [r for r in registrations if not r["isDeleted"]], "the worker's registration")
    payload = {"title": "Time for your warm-up", "body": "8-minute warm-up before your run.",
               "url": f"/reminders/{send.id}/open", "tag": "limber-daily"}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server, "registrationId": registration["registrationId"],
                                                  "data": json.dumps(payload)})

    shown = eventually(page, lambda: page.evaluate("""async () => (await (await navigator.serviceWorker.ready)
        .getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data.url }))"""),
                       "the notification")
    assert shown == [{"title": "Time for your warm-up", "body": "8-minute warm-up before your run.",
                      "tag": "limber-daily", "url": f"{live_server}/reminders/{send.id}/open"}]

    # A tap: the worker's notificationclick with the notification it showed (no OS to tap on here).
    [worker] = context.service_workers
    worker.evaluate("""async () => {
        const [notification] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
    }""")
    page.wait_for_url(re.compile(r".*/routines/\d+$"), timeout=15000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("warm-up")
    with app.app_context(), db.connection_context():
        assert ReminderSend.get_by_id(send.id).opened_at is not None
    assert page.evaluate("async () => (await (await navigator.serviceWorker.ready).getNotifications()).length") == 0


def test_a_push_without_a_safe_url_opens_home(app, live_server, context, page):
    context.grant_permissions(["notifications"], origin=live_server)
    sign_up_and_skip_to_dashboard(live_server, page, "push2@example.com")
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    page.goto(live_server + "/progress")
    [worker] = context.service_workers
    worker.evaluate("""async () => {
        self.dispatchEvent(new PushEvent("push", { data: JSON.stringify({ title: "Time to stretch",
                                                                          url: "https://evil.example/x" }) }));
    }""")
    notifications = eventually(page, lambda: page.evaluate(
        "async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.data.url)"),
        "the notification")
    assert notifications == [f"{live_server}/"]
