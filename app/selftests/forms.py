"""The form that records a self-test's result: a date and a value for each side (or one for the test)."""
import datetime as dt
import functools
import re

from wtforms import DateField, RadioField, StringField
from wtforms.validators import InputRequired, ValidationError

from ..forms import Form
from . import tests

EARLIEST = dt.date(2000, 1, 1)
DATE_MESSAGE = "Enter a date like 2026-11-23."
# Up to three digits and one decimal place, with a plus or minus (a typographic minus or a comma as the
# decimal mark are read too): nothing a person would type for centimetres is refused, nothing else accepted.
CM = re.compile(r"^([+-]?)(\d{1,3})(?:[.,](\d))?$")
SIDE_LABELS = {"left": "Left", "right": "Right", "both": "Your result"}
THOMAS_CHOICES = [("flat", "Flat"), ("raised", "Raised")]
NOT_TESTED = ("", "Not tested")


class Centimetres(StringField):
    """A number of centimetres, optional; ``self.number`` is the float, None when left empty."""

    number = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.number = None
        text = (self.data or "").strip().replace("\u2212", "-").replace(" ", "")
        self.data = text
        if not text:
            return
        match = CM.match(text)
        if match is None:
            raise ValueError("Enter a number of centimetres, like 6 or −4.5.")
        sign, whole, tenth = match.groups()
        number = int(whole) + int(tenth or 0) / 10
        self.number = -number if sign == "-" and number else number


class ThighPosition(RadioField):
    """Flat or raised, optional; ``self.number`` is the stored value (1 flat, 0 raised), None when not given."""

    number = None

    def pre_validate(self, form):
        self.number = None
        if self.data in (None, ""):
            self.data = None
            return
        if self.data not in dict(THOMAS_CHOICES):
            raise ValidationError("Pick flat or raised.")
        self.number = tests.FLAT if self.data == "flat" else tests.RAISED


class ResultForm(Form):
    """A result of one test, made for it by form_class(); ``values()`` is {side: value}, the sides given."""

    test = None  # the tests.SelfTest this form records
    tested_on = DateField("Date you did the test", validators=[InputRequired(message=DATE_MESSAGE)],
                          invalid_value_message=DATE_MESSAGE)

    def validate_tested_on(self, field):
        if field.data is None:
            return  # not a date: its own message says so
        # The person's own date: it can run a day ahead of the server's (UTC), never more.
        if field.data > dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1):
            raise ValidationError("That date is in the future: pick the day you did the test.")
        if field.data < EARLIEST:
            raise ValidationError("Pick a date from the year 2000 on.")

    def side_fields(self):
        return [self[side] for side in self.test.sides]

    def values(self):
        return {side: self[side].number for side in self.test.sides if self[side].number is not None}

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not ok:
            return False
        for field in self.side_fields():
            if field.number is not None:
                try:
                    tests.check(self.test.id, {field.name: field.number})  # the range, as storing checks it
                except ValueError as exc:
                    field.errors.append(str(exc))
                    ok = False
        if ok and not self.values():
            self.form_errors.append("Enter a result for at least one side: either is fine."
                                    if self.test.sided else "Enter your result.")
            ok = False
        return ok


@functools.cache
def form_class(test_id):
    """The form class for one test: a field per side (left and right, or one for the whole test)."""
    test = tests.TESTS[test_id]
    fields = {"test": test}
    for side in test.sides:
        label = SIDE_LABELS[side] if test.sided else "Your result"
        if test.yes_no:
            fields[side] = ThighPosition(f"{label} thigh" if test.sided else label, default="",
                                         choices=[NOT_TESTED, *THOMAS_CHOICES], validate_choice=False)
        else:
            fields[side] = Centimetres(f"{label} (cm)" if test.sided else "Your result (cm)")
    return type(f"{test_id.title().replace('_', '')}Form", (ResultForm,), fields)

