"""Rate-limit counters shared by every process on the embedded default (security review F7)."""
from peewee import *


def up(migrator, db):
    class RateLimit(Model):
        key = CharField(max_length=255, unique=True)
        hits = IntegerField(default=0)
        expires_at = DoubleField(index=True)

        class Meta:
            database = db
            table_name = "rate_limit"

    db.create_tables([RateLimit])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("rate_limit"))
