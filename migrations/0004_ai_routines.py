"""AI routines: the job table, and the person's AI switch and coach personality."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("profile", "ai_enabled", BooleanField(default=False)),
        migrator.add_column("profile", "coach_personality", CharField(max_length=16, default="supportive")),
    )

    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class Routine(Model):
        class Meta:
            database = db
            table_name = "routine"

    class AiJob(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        status = CharField(max_length=10, index=True)
        progress = CharField(max_length=80)
        params = TextField()
        request_key = CharField(max_length=64, null=True, index=True)
        routine = ForeignKeyField(Routine, null=True, on_delete="SET NULL")
        reason = CharField(max_length=400, null=True)
        called_ai = BooleanField()
        attempts = IntegerField()
        started_at = DateTimeField(null=True)
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "ai_job"

    db.create_tables([AiJob])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("ai_job"), migrator.drop_column("profile", "ai_enabled"),
                     migrator.drop_column("profile", "coach_personality"))
