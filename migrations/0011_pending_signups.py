"""Sign-ups waiting for their e-mail address to be confirmed (the link in the confirmation e-mail)."""
from peewee import *


def up(migrator, db):
    class PendingSignup(Model):
        email = CharField(max_length=254, unique=True)
        password_hash = CharField(max_length=255)
        token_digest = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        expires_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "pending_signup"

    db.create_tables([PendingSignup])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("pending_signup"))
