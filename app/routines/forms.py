"""The routine form (Home and "Build a routine") and the one-tap starts.

The choices and the minutes field are also the plan editor's (app/plans/forms.py): a routine to
build is asked for the same way everywhere.
"""
from wtforms import ButtonField, RadioField, StringField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from .. import vocabulary as v
from ..forms import ChoiceList, Form, SelectField, WholeNumber, labelled
from .data import MINUTES, REQUEST_SPACES

KIND_CHOICES = labelled(v.KINDS)
ACTIVITY_CHOICES = [(a, v.label(a).capitalize()) for a in v.ACTIVITIES]
FOCUS_CHOICES = labelled(v.REGIONS, v.region_label)
PICK = "Please pick from the list."


def minutes_field(**kwargs):
    """How long the routine is, in whole minutes."""
    return WholeNumber("Minutes", default=8, render_kw={"inputmode": "numeric"}, validators=[
        InputRequired(message="How many minutes do you have?"),
        NumberRange(*MINUTES, message=f"Choose {MINUTES[0]} to {MINUTES[1]} minutes.")], **kwargs)


class RoutineForm(Form):
    kind = RadioField("What for?", default="warmup", validators=[InputRequired()], choices=KIND_CHOICES,
                      invalid_choice_message=PICK)
    activity = SelectField("Activity", choices=ACTIVITY_CHOICES, invalid_choice_message=PICK)
    minutes = minutes_field()
    focus = ChoiceList("Focus on (optional)", choices=FOCUS_CHOICES)
    # Left out (a one-tap start, an older page), it is where the person moved last time.
    space = RadioField("Where?", choices=labelled(REQUEST_SPACES), validators=[Optional()],
                       invalid_choice_message=PICK)
    # The second submit button: "Build it with AI" (shown when the AI coach is on).
    with_ai = ButtonField("Build it with AI")
    # What happens once it is built: "play" opens the player (a one-tap start), anything else the routine page.
    # Sent by the submit button pressed (name="then"), never rendered as a field of its own.
    then = StringField(validators=[Optional(), AnyOf(("read", "play"), message=PICK)])


class QuickStartForm(Form):
    """The one-tap buttons on Home post this: the routine form's first three answers, and whether to
    start at once (the card itself) or read the routine first (its "Preview")."""
    kind = RoutineForm.kind
    activity = RoutineForm.activity
    minutes = RoutineForm.minutes
    then = RoutineForm.then
