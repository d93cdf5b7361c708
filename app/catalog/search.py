"""Searching the exercise library: the library page and the coach's search_catalog tool both use
``find``. Pure: it filters exercise data (app.catalog.data.Exercise), no database."""
from .. import vocabulary as v

TEXT_MAX = 60


def find(exercises, text=None, region=None, type=None, equipment=None):
    """The exercises matching every filter given, by name. ``text`` is part of the name (any case);
    ``equipment`` is a piece of kit, or "none" for nothing at all. A filter value Limber doesn't
    know (an old link, a model's guess) is ignored rather than emptying the list."""
    text = str(text or "").strip().lower()[:TEXT_MAX]
    found = [ex for ex in exercises
             if (not text or text in ex.name.lower())
             and (region not in v.REGIONS or region in ex.targets)
             and (type not in v.TYPES or ex.type == type)
             and (equipment != "none" or not ex.equipment)
             and (equipment not in v.EQUIPMENT or equipment in ex.equipment)]
    return sorted(found, key=lambda ex: (ex.name.lower(), ex.id))
