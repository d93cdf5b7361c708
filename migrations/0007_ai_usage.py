"""Daily AI allowances as counters taken atomically (the security review's F1)."""
from peewee import *


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class AiUsage(Model):
        key = CharField(max_length=64, unique=True)
        account = ForeignKeyField(Account, null=True, on_delete="CASCADE")
        day = DateField(index=True)
        used = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "ai_usage"

    db.create_tables([AiUsage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("ai_usage"))
