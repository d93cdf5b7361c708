"""Weekly plans and their immutable versions."""
from peewee import *


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class Plan(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        name = CharField(max_length=60)
        active = BooleanField()
        version = IntegerField()
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "plan"

    class PlanVersion(Model):
        plan = ForeignKeyField(Plan, on_delete="CASCADE")
        number = IntegerField()
        snapshot = TextField()
        author = CharField(max_length=8)
        description = CharField(max_length=200)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "plan_version"
            indexes = ((("plan", "number"), True),)

    db.create_tables([Plan, PlanVersion])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("plan_version"), migrator.drop_table("plan"))
