"""Sending what is due: each reminder at most once per person and local date, on every channel the
person chose, and never late.

How "at most once" holds with several workers, a retry or a restart: a person's setting carries
``next_due_at``; a worker that finds it due first *claims* the send by inserting the unique
(account, kind, local date) row, then delivers, recording each channel in the row as it goes
("in_app", "email", "push:<subscription id>"), and only then moves ``next_due_at`` on. A second
worker's insert fails, so it delivers nothing. A worker that died mid-send leaves a claimed row
behind: after CLAIM_STALE another run takes it over and delivers only the channels not yet
recorded. A reminder found more than 30 minutes late (a worker that was down) is recorded as
skipped and not sent.

Nothing health-related goes into a push payload, an e-mail subject or an in-app title: the words are
built from the kind of session and the activity ("Time for your warm-up", "8-minute warm-up before
your run"), never from conditions, pain or focus areas, and a saved routine's own title is not used.
"""
import datetime as dt
import logging
import socket
from urllib.parse import urlsplit

from peewee import IntegrityError

from ..db import db
from ..models import (
    Account, Notification, PushSubscription, ReminderSend, ReminderSetting, SignIn, WorkoutLog, utcnow,
)
from ..media import fetch
from ..plans import service as plans
from ..telemetry import metrics
from ..workouts import history
from . import emails, mail, push, schedule, tokens, vapid

logger = logging.getLogger(__name__)

BATCH = 500
CLAIM_STALE = dt.timedelta(minutes=2)  # a claimed send older than this lost its worker
RETRY_DELAY = dt.timedelta(minutes=1)
FAILURES_BEFORE_DROP = 5  # a subscription failing this many sends in a row (not 404/410) is dropped

KIND_TITLES = {"warmup": "Time for your warm-up", "cooldown": "Time for your cool-down",
               "flexibility": "Time to stretch", "mobility": "Time for some mobility"}
KIND_NOUNS = {"warmup": "warm-up", "cooldown": "cool-down", "flexibility": "stretch", "mobility": "mobility session"}
# "before your run": the session an activity's warm-up comes before (none for general and desk).
ACTIVITY_NOUNS = {"running": "run", "cycling": "ride", "swimming": "swim", "football": "match", "basketball": "game",
                  "racket": "match", "strength_lower": "workout", "strength_upper": "workout", "hiking": "hike",
                  "climbing": "climb"}
PLAIN = ("Time to stretch", "A few minutes of movement is waiting for you.")


def words(entry, more=0):
    """(title, line) for a reminder about ``entry`` (a plan entry, or None for the plain nudge)."""
    if entry is None:
        return PLAIN
    extra = f" (and {more} more planned today)" if more else ""
    if "routine_id" in entry:
        return "Time for your session", f"Your saved routine is planned for today{extra}."
    noun, session = KIND_NOUNS[entry["kind"]], ACTIVITY_NOUNS.get(entry["activity"])
    when = ""
    if session and entry["kind"] in ("warmup", "cooldown"):
        when = f" {'before' if entry['kind'] == 'warmup' else 'after'} your {session}"
    return KIND_TITLES[entry["kind"]], f"{entry['minutes']}-minute {noun}{when}{extra}."


# -- settings ------------------------------------------------------------------------------------

def settings_for(account_id):
    """The person's reminder settings (unsaved defaults when they have none)."""
    return ReminderSetting.get_or_none(ReminderSetting.account == account_id) or ReminderSetting(account=account_id)


def save(account_id, values, now=None):
    """Store the settings form's ``values`` and when the next reminder and summary are due."""
    now = now or utcnow()
    row = settings_for(account_id)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    reschedule(row, now)
    row.save()
    return row


def reschedule(row, now):
    row.next_due_at = schedule.next_due(row.days, row.at_minute, row.timezone, now) if row.enabled else None
    minute = row.at_minute if row.enabled and row.days else schedule.WEEKLY_MINUTE
    row.next_weekly_at = schedule.next_weekly(minute, row.timezone, now) if row.weekly_summary else None


# -- subscriptions -------------------------------------------------------------------------------

def subscribe(account_id, sign_in_token, data, allow_loopback=False):
    """Keep a browser's push subscription (``PushSubscription.toJSON()``) for this account and
    sign-in; the same endpoint subscribed again (or by another account on a shared browser) moves
    to whoever subscribed last. Raises ValueError with the reason for a malformed subscription, or
    for an endpoint that isn't on the public internet (Limber posts to it: no internal addresses)."""
    clean = push.check_subscription(data)
    _public_endpoint(clean["endpoint"], allow_loopback)
    sign_in = SignIn.get_or_none(SignIn.token == sign_in_token) if sign_in_token else None
    fields = {"account": account_id, "sign_in": sign_in, "p256dh": clean["keys"]["p256dh"],
              "auth": clean["keys"]["auth"], "failures": 0}
    with db.atomic():
        updated = PushSubscription.update(**fields).where(PushSubscription.endpoint == clean["endpoint"]).execute()
        if not updated:
            PushSubscription.create(endpoint=clean["endpoint"], **fields)
    return PushSubscription.get(PushSubscription.endpoint == clean["endpoint"])


def _public_endpoint(endpoint, allow_loopback):
    host = urlsplit(endpoint).hostname
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        raise ValueError(f"the push service {host} can't be found") from None
    try:
        for address in addresses:
            fetch.check_address(address, allow_loopback=allow_loopback)
    except fetch.FetchError:
        raise ValueError("the endpoint isn't a push service on the internet") from None
    if urlsplit(endpoint).scheme != "https" and not allow_loopback:
        raise ValueError("the endpoint must be an https:// URL")


def unsubscribe(account_id, endpoint):
    return PushSubscription.delete().where((PushSubscription.account == account_id)
                                           & (PushSubscription.endpoint == endpoint)).execute()


# -- sending -------------------------------------------------------------------------------------

class Run:
    """One pass of send-due: the settings it needs once (VAPID keys, the SMTP setting, an HTTP
    session for the pushes) and what it did, counted."""

    def __init__(self, config, now):
        self.config, self.now = config, now
        try:
            self.keys = vapid.keys(config)
        except vapid.VapidError:
            logger.exception("push is off: the VAPID keys are wrong")
            self.keys = None
        self.mail = mail.configured(config)
        self.http = push.session() if self.keys else None
        self.counts = {"sent": 0, "skipped": 0, "retry": 0, "failed": 0, "busy": 0, "pushes": 0, "emails": 0}

    def close(self):
        if self.http is not None:
            self.http.close()


def send_due(config, now=None):
    """Send every reminder and weekly summary due at ``now`` (naive UTC; default: the clock). Safe to
    run at the same time in several workers and to run again after a crash. Returns the counts."""
    run = Run(config, now or utcnow())
    try:
        _daily(run)
        _weekly(run)
        _retries(run)
    finally:
        run.close()
    return run.counts


def _daily(run):
    while True:
        due = list(ReminderSetting.select(ReminderSetting, Account)
                   .join(Account).where(ReminderSetting.enabled & (ReminderSetting.next_due_at <= run.now))
                   .order_by(ReminderSetting.next_due_at).limit(BATCH))
        if not due:
            return
        accounts = [row.account_id for row in due]
        subscriptions = _subscriptions(accounts)
        moved = _moved_today(due)
        for row in due:
            _one_daily(run, row, subscriptions.get(row.account_id, []), moved)
        if len(due) < BATCH:
            return


def _subscriptions(accounts):
    found = {}
    for sub in PushSubscription.select().where(PushSubscription.account.in_(accounts)):
        found.setdefault(sub.account_id, []).append(sub)
    return found


def _moved_today(settings):
    """(account, local date) pairs of people who already did a session on the day they are due."""
    dates = {(row.account_id, schedule.local_date(row.next_due_at, row.timezone)) for row in settings}
    days = {date for _, date in dates}
    done = WorkoutLog.select(WorkoutLog.account, WorkoutLog.local_date).where(
        WorkoutLog.account.in_([a for a, _ in dates]) & WorkoutLog.local_date.in_(list(days)))
    return {(log.account_id, log.local_date) for log in done} & dates


def _advance(row):
    """Move the setting's next reminder on, unless another worker already has (compare and set)."""
    after = row.next_due_at
    new = schedule.next_due(row.days, row.at_minute, row.timezone, after)
    ReminderSetting.update(next_due_at=new).where((ReminderSetting.id == row.id)
                                                  & (ReminderSetting.next_due_at == after)).execute()


def _claim(account_id, kind, local, due_at, now, status="claimed", reason=None, entry=None):
    """Insert the send's unique row; None when it exists (another worker claimed it, or it was
    sent) unless that claim went stale, in which case it is taken over and returned."""
    try:
        with db.atomic():
            return ReminderSend.create(account=account_id, kind=kind, local_date=local, due_at=due_at, status=status,
                                       reason=reason, entry=entry, claimed_at=now)
    except IntegrityError:
        pass
    old = ReminderSend.get_or_none((ReminderSend.account == account_id) & (ReminderSend.kind == kind)
                                   & (ReminderSend.local_date == local))
    if old is None or old.status != "claimed" or now - old.claimed_at < CLAIM_STALE:
        return None
    taken = ReminderSend.update(claimed_at=now).where((ReminderSend.id == old.id)
                                                      & (ReminderSend.claimed_at == old.claimed_at)).execute()
    return ReminderSend.get_by_id(old.id) if taken else None


def _skip(run, row, kind, reason):
    local = schedule.local_date(row.next_due_at if kind == "daily" else row.next_weekly_at, row.timezone)
    _claim(row.account_id, kind, local, row.next_due_at if kind == "daily" else row.next_weekly_at, run.now,
           status="skipped", reason=reason)
    run.counts["skipped"] += 1


def _one_daily(run, row, subscriptions, moved):
    due_at = row.next_due_at
    local = schedule.local_date(due_at, row.timezone)
    if schedule.late(due_at, run.now):
        _skip(run, row, "daily", "late")
    elif schedule.quiet(row.at_minute, row.quiet_start, row.quiet_end):
        _skip(run, row, "daily", "quiet hours")
    elif (row.account_id, local) in moved:
        _skip(run, row, "daily", "already moved today")
    else:
        entry, more = None, 0
        if row.about == "plan":
            plan, entries = plans.today(row.account_id, local)
            if plan is not None and not entries:
                _skip(run, row, "daily", "nothing planned today")
                _advance(row)
                return
            entry, more = (entries[0], len(entries) - 1) if entries else (None, 0)
        send = _claim(row.account_id, "daily", local, due_at, run.now, entry=entry)
        if send is None:
            run.counts["busy"] += 1
            existing = ReminderSend.get_or_none((ReminderSend.account == row.account_id)
                                                & (ReminderSend.kind == "daily") & (ReminderSend.local_date == local))
            if existing is not None and existing.status == "claimed":
                return  # another worker is sending it right now: it moves the setting on when done
        else:
            _deliver(run, send, row, subscriptions, more)
    _advance(row)


def _deliver(run, send, row, subscriptions, more=0):
    """Every channel of ``send`` not yet delivered; then its status."""
    title, line = words(send.entry, more)
    path = f"/reminders/{send.id}/open"
    done, waiting, reasons = list(send.channels), [], []
    if row.in_app and "in_app" not in done:
        Notification.create(account=send.account_id, title=title, body=line, url=path, created_at=run.now)
        done.append("in_app")
    if row.by_push and run.keys is not None:
        payload = {"title": title, "body": line, "url": path, "tag": f"limber-{send.kind}"}
        for sub in subscriptions:
            if f"push:{sub.id}" in done:
                continue
            outcome = _push(run, sub, payload)
            if outcome.result == "sent":
                done.append(f"push:{sub.id}")
            elif outcome.result == "retry":
                waiting.append(outcome.retry_after or RETRY_DELAY.total_seconds())
                reasons.append(outcome.detail)
            else:  # failed, or gone (the device unsubscribed: the row was deleted)
                reasons.append(f"push {outcome.result}: {outcome.detail}"[:60])
    email = row.account.email if row.by_email and run.mail else None
    if email and "email" not in done:
        result = _email(run, send, email, title, line, path)
        if result is True:
            done.append("email")
        elif result is not None:
            (waiting.append(RETRY_DELAY.total_seconds()) if result.transient else None)
            reasons.append(str(result)[:60])
    for channel in done[len(send.channels):]:  # delivered by this run
        metrics.reminders_sent.labels(channel.split(":")[0]).inc()
    _finish(run, send, done, waiting, reasons)


def _push(run, sub, payload):
    subscription = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
    try:
        outcome = push.send(subscription, payload, run.keys, run.config["PUSH_TIMEOUT"], session=run.http)
    except ValueError as exc:  # a stored subscription today's rules refuse: dropped, the batch goes on
        sub.delete_instance()
        return push.Outcome("gone", None, str(exc)[:100])
    run.counts["pushes"] += 1
    if outcome.result == "gone":
        sub.delete_instance()
    elif outcome.result == "sent":
        PushSubscription.update(failures=0, last_sent_at=run.now).where(PushSubscription.id == sub.id).execute()
    elif sub.failures + 1 >= FAILURES_BEFORE_DROP:  # failed or busy, every time, for days: give up on it
        sub.delete_instance()
    else:
        sub.failures += 1
        PushSubscription.update(failures=PushSubscription.failures + 1).where(PushSubscription.id == sub.id).execute()
    return outcome


def _absolute(run, path):
    return f"{run.config['PUBLIC_URL'] or ''}{path}"


def _email(run, send, to, title, line, path):
    """True when sent; the MailError when not."""
    what = "email" if send.kind == "daily" else "weekly"
    unsubscribe = _absolute(run, f"/unsubscribe/{tokens.make(run.config['SECRET_KEY'], send.account_id, what)}")
    settings_url = _absolute(run, "/reminders")
    if send.kind == "daily":
        kind = (send.entry or {}).get("kind", "stretch")  # a saved routine or no plan: the plain subject
        subject, text, html = emails.daily(kind, line if send.entry else None, _absolute(run, path), settings_url,
                                           unsubscribe)
    else:
        numbers = {**send.entry, "week_of": dt.date.fromisoformat(send.entry["week_of"])}
        subject, text, html = emails.weekly(numbers, _absolute(run, path), settings_url, unsubscribe)
    try:
        mail.send(run.config, to, subject, text, html=html, headers=mail.unsubscribe_headers(unsubscribe))
    except mail.MailError as exc:
        logger.warning("reminder e-mail %s not sent: %s", send.id, exc)
        return exc
    run.counts["emails"] += 1
    return True


def _finish(run, send, done, waiting, reasons):
    late = schedule.late(send.due_at, run.now)
    if waiting and not late:
        status, retry_at = "retry", run.now + dt.timedelta(seconds=max(waiting))
    elif not done and not reasons:
        status, retry_at, reasons = "skipped", None, ["nowhere to send"]
    else:
        status, retry_at = ("sent" if done else "failed"), None
    ReminderSend.update(status=status, channels=done, retry_at=retry_at, reason=("; ".join(reasons)[:120] or None),
                        sent_at=run.now if done else None).where(ReminderSend.id == send.id).execute()
    run.counts[status] += 1


def _retries(run):
    """Sends waiting on a push service or mail server that asked for a retry, while still on time."""
    waiting = list(ReminderSend.select(ReminderSend, ReminderSetting, Account)
                   .join(ReminderSetting, on=(ReminderSetting.account == ReminderSend.account), attr="setting")
                   .switch(ReminderSend).join(Account)
                   .where((ReminderSend.status == "retry") & (ReminderSend.retry_at <= run.now)).limit(BATCH))
    subscriptions = _subscriptions([send.account_id for send in waiting])
    for send in waiting:
        row = send.setting
        row.account = send.account
        if schedule.late(send.due_at, run.now):
            ReminderSend.update(status="sent" if send.channels else "failed", retry_at=None).where(
                ReminderSend.id == send.id).execute()
            continue
        taken = ReminderSend.update(status="claimed", claimed_at=run.now).where(
            (ReminderSend.id == send.id) & (ReminderSend.status == "retry")).execute()
        if taken:
            _deliver(run, send, row, subscriptions.get(send.account_id, []))


# -- the weekly summary ---------------------------------------------------------------------------

def _weekly(run):
    due = list(ReminderSetting.select(ReminderSetting, Account).join(Account)
               .where(ReminderSetting.weekly_summary & (ReminderSetting.next_weekly_at <= run.now)).limit(BATCH))
    for row in due:
        due_at = row.next_weekly_at
        local = schedule.local_date(due_at, row.timezone)
        if schedule.late(due_at, run.now) or not row.account.email or not run.mail:
            _skip(run, row, "weekly", "late" if schedule.late(due_at, run.now) else "no e-mail")
        else:
            send = _claim(row.account_id, "weekly", local, due_at, run.now, entry=_week_numbers(row.account_id, local))
            if send is not None:
                result = _email(run, send, row.account.email, "", "", "/progress")
                done = ["email"] if result is True else []
                waiting = [RETRY_DELAY.total_seconds()] if result is not True and result.transient else []
                _finish(run, send, done, waiting, [] if result is True else [str(result)[:60]])
        minute = row.at_minute if row.enabled and row.days else schedule.WEEKLY_MINUTE
        ReminderSetting.update(next_weekly_at=schedule.next_weekly(minute, row.timezone, due_at)).where(
            (ReminderSetting.id == row.id) & (ReminderSetting.next_weekly_at == due_at)).execute()


def _week_numbers(account_id, local):
    """The week's sessions, minutes and streak up to ``local`` (the person's Sunday)."""
    start = local - dt.timedelta(days=6)
    logs = list(WorkoutLog.select(WorkoutLog.seconds_done).where(
        (WorkoutLog.account == account_id) & (WorkoutLog.local_date >= start) & (WorkoutLog.local_date <= local)))
    return {"sessions": len(logs), "minutes": round(sum(log.seconds_done for log in logs) / 60),
            "streak": history.streak(account_id, local), "week_of": start.isoformat()}


# -- in the app ----------------------------------------------------------------------------------

def opened(account_id, send_id, now=None):
    """The person tapped a reminder: note it (once) and return the send, or None if it isn't theirs."""
    send = ReminderSend.get_or_none((ReminderSend.id == send_id) & (ReminderSend.account == account_id))
    if send is not None and send.opened_at is None:
        ReminderSend.update(opened_at=now or utcnow()).where((ReminderSend.id == send.id)
                                                             & ReminderSend.opened_at.is_null()).execute()
    return send


def unread(account_id):
    return Notification.select().where((Notification.account == account_id) & Notification.read_at.is_null()).count()


def notifications(account_id, limit=30):
    return list(Notification.select().where(Notification.account == account_id)
                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))


def mark_read(account_id, now=None):
    return Notification.update(read_at=now or utcnow()).where(
        (Notification.account == account_id) & Notification.read_at.is_null()).execute()

