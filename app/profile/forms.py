"""The onboarding steps. Each step is one short form; settings reuse them."""
from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from .. import vocabulary as v
from ..forms import ChoiceList, Form, SelectField, WholeNumber, labelled

MINUTE_CHOICES = [(m, f"{m} min") for m in (5, 8, 10, 12, 15, 20, 30)]
YES_NO = [("no", "No"), ("yes", "Yes")]


class ScreeningForm(Form):
    title = "A few health questions"
    intro = ("Seven quick yes-or-no questions, the same ones a trainer would ask. "
             "A “yes” doesn't stop you: Limber switches to gentle mode and suggests you check with your doctor.")


for _code, _question in v.SCREENING_QUESTIONS:
    setattr(ScreeningForm, _code, RadioField(_question, choices=YES_NO,
                                             validators=[InputRequired(message="Please answer yes or no.")]))


class AboutForm(Form):
    title = "About you"
    intro = "This sets how long each hold lasts and how hard the moves are."
    skippable = True
    age = WholeNumber("Age", validators=[Optional(), NumberRange(13, 110, message="Enter an age from 13 to 110.")],
                       description="Optional. From 65, stretches are held longer.")
    level = RadioField("How active are you?", default="beginner", validators=[InputRequired()], choices=[
        ("beginner", "Getting started"), ("intermediate", "Active most weeks"), ("advanced", "Training hard")])


NOT_SURE = ("", "Not sure")


class HealthForm(Form):
    title = "Anything to work around?"
    intro = ("Tell us about injuries or conditions and Limber will never pick an exercise that doesn't suit them. "
             "This is health information: we only keep it with your permission, and you can delete it any time.")
    skippable = True
    conditions = ChoiceList("Conditions", choices=labelled(v.CONDITIONS))
    # Details, shown only with their condition; an unknown answer keeps the cautious rules.
    weeks_since_surgery = WholeNumber(
        "Weeks since your hip operation", validators=[Optional(), NumberRange(0, 520, message="Enter 0 to 520 weeks.")])
    surgeon_cleared = RadioField("Has your surgeon lifted your hip precautions?", default="",
                                 choices=[NOT_SURE, ("no", "No"), ("yes", "Yes")], validators=[Optional()])
    pregnancy_weeks = WholeNumber(
        "How many weeks pregnant are you?", validators=[Optional(), NumberRange(0, 42, message="Enter 0 to 42 weeks.")])
    spine_fracture = RadioField("Has osteoporosis caused a fracture in your spine?", default="",
                                choices=[NOT_SURE, ("no", "No"), ("yes", "Yes")], validators=[Optional()])
    back_worse = RadioField("What makes your back worse?", default="", validators=[Optional()],
                            choices=[("", "Not sure, or both"), ("flexion", "Bending forward"),
                                     ("extension", "Arching backwards")])
    consent = BooleanField("I agree that Limber stores these to keep my routines safe.")

    def details(self):
        """The details of the chosen conditions only, as the engine reads them."""
        chosen = set(self.conditions.data or [])
        out = {}
        if chosen & {"hip_replacement_posterior", "hip_replacement_anterior"}:
            out["weeks_since_surgery"] = self.weeks_since_surgery.data
            out["surgeon_cleared"] = self.surgeon_cleared.data == "yes"
        if "pregnancy" in chosen:
            out["pregnancy_weeks"] = self.pregnancy_weeks.data
        if "osteoporosis" in chosen:
            out["spine_fracture"] = self.spine_fracture.data or None
        if "lower_back" in chosen:
            out["back_worse"] = self.back_worse.data or None
        return {key: value for key, value in out.items() if value not in (None, False)}

    def validate_consent(self, field):
        if self.conditions.data and not field.data:
            raise ValidationError("Please tick the box so we may store these, or untick the conditions.")


class ActivityForm(Form):
    title = "What do you do?"
    intro = "We'll tailor your one-tap warm-up to it."
    skippable = True
    activities = ChoiceList("Activities", choices=labelled(v.ACTIVITIES))
    usual_activity = SelectField("Most often", choices=labelled(v.ACTIVITIES), default="general")
    usual_minutes = SelectField("Minutes you usually have", choices=MINUTE_CHOICES, coerce=int, default=8)
    equipment = ChoiceList("Equipment you have", choices=labelled(v.EQUIPMENT),
                           description="Leave empty if you have nothing: plenty needs no kit.")
    tight_areas = ChoiceList("Areas that feel tight", choices=labelled(v.REGIONS, v.region_label))


STEPS = {"screening": ScreeningForm, "about": AboutForm, "health": HealthForm, "activity": ActivityForm}
ORDER = list(STEPS)
