"""The base of every Limber form, and the field types they share.

Every HTML form is a class here or in a blueprint's ``forms.py``, rendered with the macros in
templates/_partials/_forms.html. A form posts (``Form``) or, for searches and filters, reads the
query string (``QueryForm``).

Flask-WTF's FlaskForm also fills a form from a JSON body, where a field can arrive as a number,
a list or an object, and reads that body without a bound on its depth. Every form here that
posts is posted as a form, so a JSON body leaves the form empty and it fails validation with its
usual messages.
"""
import functools

import wtforms
from flask import request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import IntegerField, SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

from . import vocabulary as v

# WTForms writes every attribute of every field through markupsafe's string formatter, which costs
# more than the rest of a page like Home (bench/pages.py: the dashboard's form took 0.5 ms of 2). This
# writes the very same text directly. tests/unit/test_forms_html.py pins it against WTForms' own on
# a corpus of attributes, so an upgrade that changes WTForms' output fails there, by name.
_wtforms_html_params = wtforms.widgets.core.html_params


def html_params(**kwargs):
    """WTForms' html_params (sorted keys, class_/for_ and data_/aria_ names, True/False), faster."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(wtforms.widgets.core.clean_key(key))
        if value is True:
            params.append(str(key))
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    # Safe markup: every key and value was escaped just above.
    return Markup(" ".join(params))  # nosec B704


wtforms.widgets.core.html_params = html_params  # what most widgets call
wtforms.widgets.core.Input.html_params = staticmethod(html_params)  # inputs and buttons keep their own
wtforms.widgets.core.SubmitInput.html_params = staticmethod(html_params)
wtforms.widgets.core.Button.html_params = staticmethod(html_params)


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if request.is_json:
                return None  # a JSON body is never form data here (and is never parsed for a form)
            return super().wrap_formdata(form, formdata)


_QUERY = object()  # QueryForm's default: the request's query string


class QueryForm(Form):
    """A GET form (a search, filters, a comparison): filled from the query string, never from a
    body, and without a CSRF token, since it changes nothing. ``formdata=None`` gives an empty one."""

    class Meta(Form.Meta):
        csrf = False

        def wrap_formdata(self, form, formdata):
            return DefaultMeta.wrap_formdata(self, form, formdata)  # the query string, whatever the body

    def __init__(self, formdata=_QUERY, **kwargs):
        super().__init__(request.args if formdata is _QUERY else formdata, **kwargs)


def labelled(words, labeller=v.label):
    """Choices for a field: each word with its label (app.vocabulary), in sentence case (a label may be
    lower case for use mid-sentence, "made for running"; a choice starts one)."""
    return [(word, _sentence(labeller(word))) for word in words]


def _sentence(text):
    return text[:1].upper() + text[1:]


class WholeNumber(IntegerField):
    """A whole number; input longer than ``digits`` characters is refused before it is converted
    (a number 400 digits long is never worth converting, and would not fit the database)."""

    def __init__(self, label=None, validators=None, digits=4, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.digits = digits

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip()) > self.digits:
            self.data = None
            raise ValueError("Enter a smaller whole number.")
        super().process_formdata(valuelist)


class ChoiceList(SelectMultipleField):
    """Check boxes; an unknown value is a clear error, not a crash."""

    def pre_validate(self, form):
        allowed = {str(value) for value, _ in self.choices}
        unknown = [value for value in self.data or [] if value not in allowed]
        if unknown:
            raise ValidationError("Please pick from the list.")


class SetAnswer(HiddenInput):
    """A field's answer in hidden inputs, one for each value of a list (a plan entry's focus areas)."""

    def __call__(self, field, **kwargs):
        value = kwargs.pop("value", field.data)
        values = value if isinstance(value, (list, tuple)) else [] if value is None else [value]
        inputs = "".join(HiddenInput.__call__(self, field, value=one, **kwargs) for one in values)
        # Safe markup: WTForms' own hidden inputs, each already safe markup.
        return Markup(inputs)  # nosec B704


def buttons(form_class, *names):
    """One form for many buttons that each post set answers (a quick start, a plan's "Build it"):
    its fields ``names`` are hidden inputs, which the hidden() macro fills in for each button. It
    holds nothing of a request (no CSRF token: the page adds its own), so a view may keep one."""
    form = form_class(formdata=None, meta={"csrf": False})
    for name in names:
        form[name].widget, form[name].render_kw = SetAnswer(), None  # none of the visible field's attributes
    return form


class QuickSelect(wtforms.widgets.Select):
    """WTForms' <select>, the very same HTML, with the options of a plain list of (value, label) pairs
    written once per list and choice, not once per page (the routine form's long selects are on Home,
    the page people open most; see bench/pages.py). tests/unit/test_forms_html.py pins it."""

    def __call__(self, field, **kwargs):
        choices = field.choices
        plain = (not self.multiple and field.coerce is str and isinstance(choices, (list, tuple))
                 and all(type(choice) is tuple and len(choice) == 2 for choice in choices))
        if not plain:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for key in self.validation_attrs:
            if key not in kwargs and getattr(flags, key, False):
                kwargs[key] = getattr(flags, key)
        selected = field.data if isinstance(field.data, str) else None
        params, options = html_params(name=field.name, **kwargs), _options(tuple(choices), selected)
        # Safe markup: both parts escaped by html_params.
        return Markup(f"<select {params}>{options}</select>")  # nosec B704


@functools.lru_cache(maxsize=256)
def _options(choices, selected):
    return "".join(f"<option {html_params(value=str(value), selected=str(value) == selected)}>"
                   f"{escape(label or value)}</option>" for value, label in choices)


class SelectField(wtforms.SelectField):
    """The select every Limber form uses (QuickSelect)."""

    widget = QuickSelect()
