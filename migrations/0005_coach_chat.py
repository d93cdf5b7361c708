"""The coach conversation."""
from peewee import *


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class ChatMessage(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        role = CharField(max_length=10)
        content = TextField()
        state = CharField(max_length=10)
        proposal = TextField(null=True)
        proposal_status = CharField(max_length=10, null=True)
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "chat_message"

    db.create_tables([ChatMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("chat_message"))
