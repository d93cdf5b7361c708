"""Names that say one thing: a sign-in is ``sign_in`` and a finished workout is ``workout_log``
(both were "session"); the catalog's search columns go, as the library searches the catalog in memory.

Nothing points at these two tables, so renaming them moves no foreign key. SQLite drops a column
natively from 3.35 (Debian 12 ships 3.40).
"""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.rename_table("login_session", "sign_in"),
                     migrator.rename_table("session_log", "workout_log"))
    db.execute_sql("ALTER TABLE exercise DROP COLUMN targets_text")
    db.execute_sql("ALTER TABLE exercise DROP COLUMN equipment_text")


def down(migrator, db):
    db.execute_sql("ALTER TABLE exercise ADD COLUMN targets_text VARCHAR(255) NOT NULL DEFAULT ',,'")
    db.execute_sql("ALTER TABLE exercise ADD COLUMN equipment_text VARCHAR(255) NOT NULL DEFAULT ',,'")
    migrator.migrate(migrator.rename_table("sign_in", "login_session"),
                     migrator.rename_table("workout_log", "session_log"))
