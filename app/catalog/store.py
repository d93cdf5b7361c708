"""The catalog in the database: load the data file into rows, read it back for the engine."""
from ..db import db
from ..models import ExerciseRecord, utcnow
from . import data

_cache = {}


def sync(catalog):
    """Insert new exercises and update changed ones; returns (added, updated, removed).

    Exercises no longer in the file are removed, so the table mirrors the file exactly.
    """
    added = updated = 0
    with db.atomic():
        existing = {row.id: row for row in ExerciseRecord.select()}
        for ex in catalog:
            record = data.export_record(ex)
            fields = dict(name=ex.name, type=ex.type, level=ex.level, data=record)
            row = existing.pop(ex.id, None)
            if row is None:
                ExerciseRecord.create(id=ex.id, **fields)
                added += 1
            elif row.data != record or row.name != ex.name:
                ExerciseRecord.update(updated_at=utcnow(), **fields).where(ExerciseRecord.id == ex.id).execute()
                updated += 1
        removed = 0
        if existing:
            removed = ExerciseRecord.delete().where(ExerciseRecord.id.in_(list(existing))).execute()
    invalidate()
    return added, updated, removed


def invalidate():
    _cache.clear()


def current():
    """Every exercise as engine data, read once per process (the catalog changes only on deploy)."""
    if "catalog" not in _cache:
        rows = ExerciseRecord.select(ExerciseRecord.data).order_by(ExerciseRecord.id)
        catalog = tuple(data.from_record(row.data) for row in rows)
        _cache["catalog"] = catalog
        # A renamed exercise answers to its old ids too, so old routines and logs still find it.
        _cache["by_id"] = {**{old: ex for ex in catalog for old in ex.former_ids}, **{ex.id: ex for ex in catalog}}
    return _cache["catalog"]


def by_id():
    current()
    return _cache["by_id"]
