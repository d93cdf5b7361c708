"""The exercise library's search box and filters."""
from wtforms import SearchField

from .. import vocabulary as v
from ..forms import QueryForm, SelectField, labelled
from . import search


class LibraryFilters(QueryForm):
    """The library's search box and filters. A value it doesn't know (an old link) is ignored by
    search.find, so nothing here is ever an error."""
    q = SearchField("Search by name", render_kw={"placeholder": "Search by name", "maxlength": search.TEXT_MAX})
    region = SelectField("Body area", choices=[("", "Any area"), *labelled(v.REGIONS, v.region_label)],
                         validate_choice=False)
    type = SelectField("Type", choices=[("", "Any type"), *labelled(v.TYPES)], validate_choice=False)
    equipment = SelectField("Equipment", choices=[("", "Any equipment"), ("none", "No equipment"),
                                                  *labelled(v.EQUIPMENT)], validate_choice=False)
