"""Mobility self-test results, reminders (settings, the claimed row of each send, push subscriptions, the
in-app list) and the exercises a person skipped in a session (counted, anonymously, on the Insights page)."""
from peewee import *


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class SignIn(Model):
        class Meta:
            database = db
            table_name = "sign_in"

    class Routine(Model):
        class Meta:
            database = db
            table_name = "routine"

    class MobilityResult(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        test = CharField(max_length=24)
        side = CharField(max_length=5)
        value = DoubleField()
        tested_on = DateField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "mobility_result"
            indexes = ((("account", "test", "tested_on"), False),)

    class ReminderSetting(Model):
        account = ForeignKeyField(Account, unique=True, on_delete="CASCADE")
        enabled = BooleanField()
        days = TextField()
        at_minute = IntegerField()
        timezone = CharField(max_length=64)
        about = CharField(max_length=8)
        quiet_start = IntegerField(null=True)
        quiet_end = IntegerField(null=True)
        by_push = BooleanField()
        by_email = BooleanField()
        in_app = BooleanField()
        weekly_summary = BooleanField()
        next_due_at = DateTimeField(null=True, index=True)
        next_weekly_at = DateTimeField(null=True, index=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "reminder_setting"

    class ReminderSend(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        kind = CharField(max_length=8)
        local_date = DateField()
        due_at = DateTimeField()
        status = CharField(max_length=8)
        reason = CharField(max_length=120, null=True)
        channels = TextField()
        retry_at = DateTimeField(null=True)
        entry = TextField(null=True)
        routine = ForeignKeyField(Routine, null=True, on_delete="SET NULL")
        claimed_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        opened_at = DateTimeField(null=True, index=True)

        class Meta:
            database = db
            table_name = "reminder_send"
            indexes = ((("account", "kind", "local_date"), True),)

    class PushSubscription(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        sign_in = ForeignKeyField(SignIn, null=True, on_delete="SET NULL")
        endpoint = CharField(max_length=1000, unique=True)
        p256dh = CharField(max_length=200)
        auth = CharField(max_length=64)
        failures = IntegerField()
        created_at = DateTimeField()
        last_sent_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "push_subscription"

    class Notification(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        title = CharField(max_length=120)
        body = CharField(max_length=300)
        url = CharField(max_length=300)
        created_at = DateTimeField()
        read_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "notification"
            indexes = ((("account", "read_at"), False),)

    db.create_tables([MobilityResult, ReminderSetting, ReminderSend, PushSubscription, Notification])
    migrator.migrate(migrator.add_column("workout_log", "skipped_ids", TextField(default="[]")))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("workout_log", "skipped_ids"),
                     migrator.drop_table("notification"), migrator.drop_table("push_subscription"),
                     migrator.drop_table("reminder_send"), migrator.drop_table("reminder_setting"),
                     migrator.drop_table("mobility_result"))
