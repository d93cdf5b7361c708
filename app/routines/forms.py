from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from .. import vocabulary as v
from ..forms import Form
from ..profile.forms import ChoiceList, WholeNumber
from .data import MINUTES, REQUEST_SPACES


class RoutineForm(Form):
    kind = RadioField("What for?", default="warmup", validators=[InputRequired()],
                      choices=[(k, v.label(k)) for k in v.KINDS])
    activity = SelectField("Activity", choices=[(a, v.label(a).capitalize()) for a in v.ACTIVITIES])
    minutes = WholeNumber("Minutes", default=8, validators=[
        InputRequired(message="How many minutes do you have?"),
        NumberRange(*MINUTES, message=f"Choose {MINUTES[0]} to {MINUTES[1]} minutes.")])
    focus = ChoiceList("Focus on (optional)", choices=[(r, v.region_label(r)) for r in v.REGIONS])
    # Left out (a one-tap start, an older page), it is where the person moved last time.
    space = RadioField("Where?", choices=[(s, v.label(s)) for s in REQUEST_SPACES], validators=[Optional()])


class QuickStartForm(Form):
    """The one-tap buttons on the dashboard post this."""
    kind = SelectField(choices=[(k, k) for k in v.KINDS])
    activity = SelectField(choices=[(a, a) for a in v.ACTIVITIES])
    minutes = WholeNumber(validators=[InputRequired(), NumberRange(*MINUTES)])
