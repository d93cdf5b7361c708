"""Condition details (asked only for the conditions chosen) and where the person usually moves."""
from peewee import CharField, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("profile", "condition_details", TextField(default="{}")),
        migrator.add_column("profile", "space", CharField(max_length=8, default="room")),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("profile", "condition_details"),
        migrator.drop_column("profile", "space"),
    )
