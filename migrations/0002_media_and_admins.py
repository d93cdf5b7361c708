"""Exercise media (also the download job) and the admin flag on accounts."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("account", "is_admin", BooleanField(default=False)))

    class Exercise(Model):
        id = CharField(primary_key=True, max_length=64)

        class Meta:
            database = db
            table_name = "exercise"

    class ExerciseMedia(Model):
        exercise = ForeignKeyField(Exercise, on_delete="CASCADE")
        source_url = CharField(max_length=2000)
        youtube_id = CharField(max_length=16, null=True)
        status = CharField(max_length=12, index=True)
        reason = CharField(max_length=300, null=True)
        transient = BooleanField()
        attempts = IntegerField()
        next_attempt_at = DateTimeField(null=True)
        started_at = DateTimeField(null=True)
        size = IntegerField(null=True)
        checksum = CharField(max_length=64, null=True)
        content_type = CharField(max_length=40, null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "exercise_media"

    db.create_tables([ExerciseMedia])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("exercise_media"), migrator.drop_column("account", "is_admin"))
