"""app.forms writes HTML attributes for WTForms faster than WTForms does; the text must be the same."""
import itertools

from markupsafe import Markup

from app import forms

VALUES = ["plain", "", 'a "quoted" <tag> & more', "naïve — ünïcode", 0, 3, 2.5, None, True, False,
          Markup('<b class="x">safe</b>'), Markup("&amp; already"), ["a", "b"]]
KEYS = ["name", "id", "class_", "for_", "data_hx_target", "aria_describedby", "hx_post", "value", "z", "a"]


def test_attributes_are_written_exactly_as_wtforms_writes_them():
    checked = 0
    for count in (1, 2, 3):
        for keys in itertools.combinations(KEYS, count):
            for values in itertools.product(VALUES, repeat=count) if count < 3 else [VALUES[:3], VALUES[5:8]]:
                kwargs = dict(zip(keys, values))
                ours, theirs = forms.html_params(**kwargs), forms._wtforms_html_params(**kwargs)
                assert ours == theirs and type(ours) is type(theirs), kwargs
                checked += 1
    assert checked > 1000


def test_every_widget_uses_it():
    import wtforms.widgets.core

    assert wtforms.widgets.core.html_params is forms.html_params
    classes = [wtforms.widgets.core.Input, *wtforms.widgets.core.Input.__subclasses__(), wtforms.widgets.core.Button]
    for widget in classes + [sub for cls in classes for sub in cls.__subclasses__()]:
        if "html_params" in vars(widget) or hasattr(widget, "html_params"):
            assert widget.html_params is forms.html_params, widget


def test_a_select_is_written_exactly_as_wtforms_writes_it():
    from wtforms import Form
    from wtforms.validators import InputRequired
    from wtforms.widgets import Select

    from app import vocabulary as v

    class Probe(Form):
        plain = forms.SelectField("Plain", choices=[("a", "A"), ("b", 'B "quoted" <b>'), ("", "Empty"), ("3", "")])
        required = forms.SelectField("Required", choices=forms.labelled(v.ACTIVITIES), validators=[InputRequired()])
        numbers = forms.SelectField("Numbers", choices=[(1, "one"), (2, "two")], coerce=int)  # falls back
        objects = forms.SelectField("Dicts", choices={"Group": [("g", "G")]})  # groups: falls back

    seen = 0
    for data in (None, "a", "b", "", "3", "running", "nope", 2):
        probe = Probe(data={name: data for name in ("plain", "required", "numbers", "objects")})
        for field in probe:
            for extra in ({}, {"class_": "wide", "aria_describedby": "x-error"}, {"disabled": True}):
                assert str(field(**extra)) == str(Select()(field, **extra)), (field.name, data, extra)
                seen += 1
    assert seen == 8 * 4 * 3
