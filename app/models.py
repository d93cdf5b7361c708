"""Every table. Times are UTC; JSON columns hold small lists and dicts."""
import datetime as dt
import secrets

from flask_login import UserMixin
from peewee import (
    JOIN, BooleanField, CharField, DateField, DateTimeField, DoubleField, ForeignKeyField, IntegerField, Model,
    TextField,
)

from .db import JSONField, Prepared, db


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Account(BaseModel, UserMixin):
    email = CharField(max_length=254, unique=True, null=True)
    password_hash = CharField(max_length=255, null=True)
    is_admin = BooleanField(default=False)  # set only by `flask user create-admin`
    created_at = DateTimeField(default=utcnow)

    # The login session this request was authenticated with; set by the user loader.
    login_token = None

    def get_id(self):
        return self.login_token

    @property
    def display_name(self):
        return self.email or "Limber athlete"


class OidcIdentity(BaseModel):
    account = ForeignKeyField(Account, backref="identities", on_delete="CASCADE")
    issuer = CharField(max_length=255)
    subject = CharField(max_length=255)
    email = CharField(max_length=254, null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("issuer", "subject"), True),)


class SignIn(BaseModel):
    """A signed-in browser. Logging out deletes the row, so a copied cookie stops working."""

    token = CharField(max_length=64, unique=True, default=lambda: secrets.token_urlsafe(32))
    account = ForeignKeyField(Account, backref="sign_ins", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)

    @classmethod
    def account_for(cls, token):
        """The signed-in account, with its profile attached, in one query (every page needs both)."""
        rows = _signed_in(token, utcnow())
        return rows[0] if rows else None


class Profile(BaseModel):
    account = ForeignKeyField(Account, backref="profiles", unique=True, on_delete="CASCADE")
    screening = JSONField(default=dict)  # {question_code: bool}
    screening_done = BooleanField(default=False)
    age = IntegerField(null=True)
    level = CharField(max_length=16, default="beginner")
    health_consent = BooleanField(default=False)
    health_consent_at = DateTimeField(null=True)
    conditions = JSONField(default=list)
    condition_details = JSONField(default=dict)  # stored under the same consent as the conditions
    equipment = JSONField(default=list)
    activities = JSONField(default=list)
    usual_activity = CharField(max_length=32, default="general")
    usual_minutes = IntegerField(default=8)
    tight_areas = JSONField(default=list)
    space = CharField(max_length=8, default="room")  # where they usually move: room or outdoor
    onboarded = BooleanField(default=False)
    ai_enabled = BooleanField(default=False)  # the person chose to let Limber ask Claude (off by default)
    coach_personality = CharField(max_length=16, default="supportive")
    updated_at = DateTimeField(default=utcnow)

    @property
    def screening_positive(self):
        return any(self.screening.values())

    @property
    def dizziness(self):
        return bool(self.screening.get("dizziness"))

    @property
    def medication(self):
        return bool(self.screening.get("medication"))


class ExerciseRecord(BaseModel):
    """One exercise of the catalog as stored: ``data`` holds the whole exercise, read back as
    app.catalog.data.Exercise (the engine's plain-data exercise)."""

    id = CharField(max_length=64, primary_key=True)
    name = CharField(max_length=120, index=True)
    type = CharField(max_length=16, index=True)
    level = CharField(max_length=16)
    data = JSONField()
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "exercise"


class ExerciseMedia(BaseModel):
    """A video, image or YouTube link for an exercise. A YouTube link is ``ready`` at once; for a file
    this row is also the download job: queued -> downloading -> cached | failed (``transient``
    failures are retried with backoff)."""

    exercise = ForeignKeyField(ExerciseRecord, backref="media", on_delete="CASCADE")
    source_url = CharField(max_length=2000)
    youtube_id = CharField(max_length=16, null=True)
    status = CharField(max_length=12, index=True, default="queued")
    reason = CharField(max_length=300, null=True)
    transient = BooleanField(default=False)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True)
    started_at = DateTimeField(null=True)
    size = IntegerField(null=True)
    checksum = CharField(max_length=64, null=True)
    content_type = CharField(max_length=40, null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    @property
    def kind(self):
        if self.youtube_id:
            return "youtube"
        return (self.content_type or "").split("/")[0] or "file"  # video | image


class RoutineRecord(BaseModel):
    """A routine built for a person, as stored: ``data`` is app.routines.data.Routine.to_dict() plus
    what the AI added (cues, rationale) or why it didn't build it (fallback_reason)."""

    account = ForeignKeyField(Account, backref="routines", on_delete="CASCADE")
    kind = CharField(max_length=16)
    activity = CharField(max_length=32)
    minutes = IntegerField()
    seed = IntegerField()
    title = CharField(max_length=120)
    request = JSONField()
    data = JSONField()  # {"total_seconds", "steps", "notes", "why"}
    built_by = CharField(max_length=16, default="rules")
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "routine"


class WorkoutLog(BaseModel):
    account = ForeignKeyField(Account, backref="workout_logs", on_delete="CASCADE")
    routine = ForeignKeyField(RoutineRecord, backref="workout_logs", null=True, on_delete="SET NULL")
    client_id = CharField(max_length=36, unique=True)
    kind = CharField(max_length=16)
    activity = CharField(max_length=32)
    title = CharField(max_length=120)
    started_at = DateTimeField()
    finished_at = DateTimeField(index=True)
    local_date = DateField()  # the day it was done in the person's own time zone (streaks)
    planned_seconds = IntegerField()
    seconds_done = IntegerField()
    steps_done = IntegerField()
    steps_total = IntegerField()
    ended_early = BooleanField(default=False)
    stopped_for_safety = BooleanField(default=False)
    rating = CharField(max_length=16, null=True)
    pain = CharField(max_length=16, default="none")
    pain_area = CharField(max_length=32, null=True)
    note = TextField(default="")
    exercise_ids = JSONField(default=list)
    skipped_ids = JSONField(default=list)  # exercises whose step the person skipped (the Insights page counts them)
    created_at = DateTimeField(default=utcnow)


class AiJob(BaseModel):
    """A routine being built by Claude in the background: queued -> running -> done (Claude built it) |
    fallback (Limber's rules built it, and ``reason`` says why) | failed (its worker died
    app.ai.jobs.MAX_ATTEMPTS times; nothing was built)."""

    account = ForeignKeyField(Account, backref="ai_jobs", on_delete="CASCADE")
    status = CharField(max_length=10, index=True, default="queued")
    progress = CharField(max_length=80, default="Waiting for a free worker…")
    params = JSONField()  # {"kind", "minutes", "activity", "focus"}
    request_key = CharField(max_length=64, null=True, index=True)
    routine = ForeignKeyField(RoutineRecord, null=True, on_delete="SET NULL")
    reason = CharField(max_length=400, null=True)
    called_ai = BooleanField(default=False)  # the model was asked (else its daily place was given back)
    attempts = IntegerField(default=0)
    started_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)


class AiUsage(BaseModel):
    """How many AI requests were taken on one UTC day: one row per person and kind, one for everyone."""

    key = CharField(max_length=64, unique=True)  # "routine:<account>:<day>", "chat:<account>:<day>", "all:<day>"
    account = ForeignKeyField(Account, null=True, backref="ai_usage", on_delete="CASCADE")  # None: everyone
    day = DateField(index=True)
    used = IntegerField(default=0)


class RateLimit(BaseModel):
    """One rate-limit window: attempts counted under ``key`` until ``expires_at`` (Unix time)."""

    key = CharField(max_length=255, unique=True)
    hits = IntegerField(default=0)
    expires_at = DoubleField(index=True)  # Unix time: 8 bytes (PostgreSQL REAL would round it to minutes)


class ChatMessage(BaseModel):
    """One line of the coach conversation. ``role``: user | assistant | safety (Limber's fixed answer) |
    notice (why the AI didn't answer: switched off, not set up, today's limit).

    An assistant message may carry a proposal: plan operations the person can apply or dismiss.
    """

    account = ForeignKeyField(Account, backref="chat_messages", on_delete="CASCADE")
    role = CharField(max_length=10)
    content = TextField(default="")
    state = CharField(max_length=10, default="done")  # pending | streaming | done | error
    proposal = JSONField(null=True)  # {"plan_id", "base", "operations", "description", "diff"}
    proposal_status = CharField(max_length=10, null=True)  # pending | applied | dismissed | stale
    created_at = DateTimeField(default=utcnow, index=True)


class Plan(BaseModel):
    """A weekly plan. Its content lives in immutable versions; ``version`` is the newest number."""

    account = ForeignKeyField(Account, backref="plans", on_delete="CASCADE")
    name = CharField(max_length=60)
    active = BooleanField(default=False)
    version = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class PlanVersion(BaseModel):
    """One state of a plan, never changed once written. Restoring writes a new version."""

    plan = ForeignKeyField(Plan, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    snapshot = JSONField()
    author = CharField(max_length=8)  # user | ai
    description = CharField(max_length=200)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("plan", "number"), True),)


class MobilityResult(BaseModel):
    """One self-test measurement (app/selftests/tests.py says what each test measures and how).

    ``side`` is left or right for a test done on each side, else "both". ``value`` is in cm: past the
    toes, an overlap or a knee's distance from the wall is positive, short of the toes or a gap
    negative; the hip-flexor test stores 1 for "thigh flat" and 0 for "thigh raised".
    """

    account = ForeignKeyField(Account, backref="mobility_results", on_delete="CASCADE")
    test = CharField(max_length=24)
    side = CharField(max_length=5, default="both")
    value = DoubleField()
    tested_on = DateField()  # the person's own local date
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("account", "test", "tested_on"), False),)


class ReminderSetting(BaseModel):
    """When and how one person is reminded. Times are the person's own (``timezone``, an IANA name);
    ``next_due_at`` and ``next_weekly_at`` are the next reminder and weekly summary in UTC, kept
    by app/reminders so that finding who is due is one indexed query."""

    account = ForeignKeyField(Account, backref="reminder_settings", unique=True, on_delete="CASCADE")
    enabled = BooleanField(default=False)
    days = JSONField(default=list)  # "mon".."sun"
    at_minute = IntegerField(default=18 * 60)  # minutes after the person's local midnight
    timezone = CharField(max_length=64, default="UTC")
    about = CharField(max_length=8, default="plan")  # plan (today's plan entry) | stretch (a plain nudge)
    quiet_start = IntegerField(null=True)  # minutes after local midnight; quiet_end may be earlier (overnight)
    quiet_end = IntegerField(null=True)
    by_push = BooleanField(default=True)
    by_email = BooleanField(default=False)
    in_app = BooleanField(default=True)
    weekly_summary = BooleanField(default=False)  # an e-mail each week (off by default)
    next_due_at = DateTimeField(null=True, index=True)
    next_weekly_at = DateTimeField(null=True, index=True)
    updated_at = DateTimeField(default=utcnow)


class ReminderSend(BaseModel):
    """One reminder (``kind`` daily or weekly) for one person and local date. The row is claimed,
    by inserting it, before anything is sent; the unique key is what makes it go out at most once
    whatever the number of workers, retries or restarts. ``channels`` lists what was delivered."""

    account = ForeignKeyField(Account, backref="reminder_sends", on_delete="CASCADE")
    kind = CharField(max_length=8)
    local_date = DateField()
    due_at = DateTimeField()
    status = CharField(max_length=8, default="claimed")  # claimed | sent | retry | skipped | failed
    reason = CharField(max_length=120, null=True)
    channels = JSONField(default=list)  # delivered: "in_app", "email", "push:<subscription id>"
    retry_at = DateTimeField(null=True)  # status retry: not before this (a push service's Retry-After)
    entry = JSONField(null=True)  # the plan entry it reminded of; the routine is built from it on the first tap
    routine = ForeignKeyField(RoutineRecord, null=True, on_delete="SET NULL")
    claimed_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    opened_at = DateTimeField(null=True, index=True)

    class Meta:
        indexes = ((("account", "kind", "local_date"), True),)


class PushSubscription(BaseModel):
    """A browser's Web Push subscription (its ``PushSubscription.toJSON()``). Signing out on that
    browser deletes it; the push service answering 404 or 410 deletes it too."""

    account = ForeignKeyField(Account, backref="push_subscriptions", on_delete="CASCADE")
    sign_in = ForeignKeyField(SignIn, null=True, on_delete="SET NULL")  # the browser it was made on
    endpoint = CharField(max_length=1000, unique=True)
    p256dh = CharField(max_length=200)
    auth = CharField(max_length=64)
    failures = IntegerField(default=0)  # in a row; reset by a delivery
    created_at = DateTimeField(default=utcnow)
    last_sent_at = DateTimeField(null=True)


class Notification(BaseModel):
    """A reminder shown inside Limber (the bell in the header), read or not."""

    account = ForeignKeyField(Account, backref="notifications", on_delete="CASCADE")
    title = CharField(max_length=120)
    body = CharField(max_length=300)
    url = CharField(max_length=300)
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("account", "read_at"), False),)


_signed_in = Prepared("signed_in", lambda token, now: (
    Account.select(Account, Profile)
    .join(SignIn, on=(SignIn.account == Account.id))
    .switch(Account).join(Profile, JOIN.LEFT_OUTER, on=(Profile.account == Account.id), attr="loaded_profile")
    .where((SignIn.token == token) & (SignIn.expires_at > now)).limit(1)))

USER_MODELS = [Notification, PushSubscription, ReminderSend, ReminderSetting, MobilityResult, AiUsage, ChatMessage, AiJob,
               Plan, WorkoutLog, RoutineRecord, Profile, SignIn, OidcIdentity, Account]


class PendingSignup(BaseModel):
    """A sign-up waiting for its address to be confirmed (app/auth/pending.py). Not an account and not in
    USER_MODELS: nobody's data until the link is followed, and gone within a day if it never is. Holds
    only a digest of the link's token, so a copy of the table can't confirm anything."""

    email = CharField(max_length=254, unique=True)  # normalised; a new sign-up replaces the row
    password_hash = CharField(max_length=255)
    token_digest = CharField(max_length=64, unique=True)  # SHA-256 of the token, in hex
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)
