"""The plan pages' forms: a new plan, the changes to one, and comparing two of its versions.

Each change names the version of the plan it was made on (``base``), so a change made on a
page that has gone stale is refused (app.plans.service.Conflict). What a form can check alone
(days, kinds, activities, areas, minutes, a name, a date) it checks here; what needs the plan
itself (at most week.MAX_PER_DAY entries a day, an entry being there to remove) is
app.plans.week's, checked when the change is applied. ``operations()`` is the change, as
week.apply takes it.
"""
import datetime as dt

from wtforms import DateField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from ..forms import ChoiceList, Form, QueryForm, SelectField, WholeNumber
from ..routines.forms import ACTIVITY_CHOICES, FOCUS_CHOICES, KIND_CHOICES, PICK, minutes_field
from .week import DAY_NAMES, DAYS, MAX_PER_DAY, NAME_MAX

ID_MAX = 2**31 - 1  # versions and routine ids: the database's integers
DAY_CHOICES = [(day, DAY_NAMES[day]) for day in DAYS]
NAME_MESSAGE = f"Give the plan a name of 1 to {NAME_MAX} characters."
DATE_MESSAGE = "Enter a date like 2026-11-23."
START_MESSAGE = "Pick the day the plan starts."


def _stripped(text):
    return text.strip() if isinstance(text, str) else text


def _name(**kwargs):
    return StringField("Name", id="plan-name", filters=[_stripped], validators=[
        DataRequired(message=NAME_MESSAGE), Length(max=NAME_MAX, message=NAME_MESSAGE)], **kwargs)


def _id_field():
    """A version or a routine id, in a hidden input."""
    return WholeNumber(widget=HiddenInput(), digits=len(str(ID_MAX)),
                       validators=[InputRequired(), NumberRange(1, ID_MAX)])


class StarterPlanForm(Form):
    """The "Make my starter plan" button: a week from the person's activities and usual minutes."""
    starter = HiddenField(default="1", validators=[InputRequired()])


class NewPlanForm(Form):
    """An empty plan, starting today."""
    name = _name()

    def snapshot(self, today):
        return {"name": self.name.data, "start_date": today.isoformat(), "days": {}}


class PlanChange(Form):
    """A change to a plan, made on version ``base`` of it. Without a version it is a bad request (400)."""
    base = _id_field()


class AddEntryForm(PlanChange):
    """Add a routine to build on a day."""
    day = SelectField("Day", id="entry-day", choices=DAY_CHOICES, invalid_choice_message=PICK)
    kind = SelectField("What", id="entry-kind", choices=KIND_CHOICES, invalid_choice_message=PICK)
    activity = SelectField("Activity", id="entry-activity", choices=ACTIVITY_CHOICES, invalid_choice_message=PICK)
    minutes = minutes_field(id="entry-minutes")
    focus = ChoiceList("Focus on (optional)", choices=FOCUS_CHOICES)

    def operations(self):
        entry = {"kind": self.kind.data, "activity": self.activity.data, "minutes": self.minutes.data,
                 "focus": self.focus.data or []}
        return [{"op": "add", "day": self.day.data, "entry": entry}]


class PinRoutineForm(PlanChange):
    """Keep a saved routine on a day (from the routine's page)."""
    day = SelectField("Day", id="pin-day", choices=DAY_CHOICES, invalid_choice_message=PICK)
    routine_id = _id_field()

    def operations(self, routine):
        return [{"op": "add", "day": self.day.data, "entry": {"routine_id": routine.id, "title": routine.title}}]


class RemoveEntryForm(PlanChange):
    """Take one entry off a day: the page has a Remove button for each."""
    day = HiddenField(validators=[AnyOf(DAYS, message=PICK)])
    index = WholeNumber(widget=HiddenInput(), validators=[
        InputRequired(), NumberRange(0, MAX_PER_DAY - 1, message="That entry isn't in the plan any more.")])

    def operations(self):
        return [{"op": "remove", "day": self.day.data, "index": self.index.data}]


class MoveEntryForm(PlanChange):
    """Move a pinned saved routine to another day: it stays pinned, as it is."""
    day = HiddenField(validators=[AnyOf(DAYS, message=PICK)])
    index = RemoveEntryForm.index
    to_day = SelectField("Day", id="edit-day", choices=DAY_CHOICES, invalid_choice_message=PICK)

    @classmethod
    def of(cls, day, index, entry):
        """The form as the edit page first shows it: the entry as it is now."""
        return cls(formdata=None, day=day, index=index, to_day=day)

    def changed(self, entry):
        return dict(entry)

    def operations(self, entry):
        """Replace the entry in place, or take it off its day and put it last on the new one."""
        day, index, new = self.day.data, self.index.data, self.changed(entry)
        if self.to_day.data == day:
            return [{"op": "replace", "day": day, "index": index, "entry": new}]
        return [{"op": "remove", "day": day, "index": index}, {"op": "add", "day": self.to_day.data, "entry": new}]


class EditEntryForm(MoveEntryForm):
    """Change a routine to build: new answers, and perhaps another day."""
    kind = SelectField("What", id="edit-kind", choices=KIND_CHOICES, invalid_choice_message=PICK)
    activity = SelectField("Activity", id="edit-activity", choices=ACTIVITY_CHOICES, invalid_choice_message=PICK)
    minutes = minutes_field(id="edit-minutes")
    focus = ChoiceList("Focus on (optional)", choices=FOCUS_CHOICES)

    @classmethod
    def of(cls, day, index, entry):
        return cls(formdata=None, day=day, index=index, to_day=day, kind=entry["kind"], activity=entry["activity"],
                   minutes=entry["minutes"], focus=entry.get("focus") or [])

    def changed(self, entry):
        return {"kind": self.kind.data, "activity": self.activity.data, "minutes": self.minutes.data,
                "focus": self.focus.data or []}


def edit_form(entry, day, index):
    """The edit page's form, as first shown: answers for a routine to build, only a day for a pinned one."""
    return (MoveEntryForm if "routine_id" in entry else EditEntryForm).of(day, index, entry)


class DetailsForm(PlanChange):
    """Rename the plan and say when it starts."""
    name = _name()
    start_date = DateField("Starts", id="plan-start", validators=[InputRequired(message=START_MESSAGE)],
                           invalid_value_message=DATE_MESSAGE)

    @classmethod
    def of(cls, snapshot):
        """The form as the page first shows it: the plan's name and start now."""
        return cls(formdata=None, name=snapshot["name"], start_date=dt.date.fromisoformat(snapshot["start_date"]))

    def operations(self):
        return [{"op": "rename", "name": self.name.data},
                {"op": "start", "start_date": self.start_date.data.isoformat()}]


class RestoreForm(PlanChange):
    """Make an old version the newest one (a new version: nothing is lost)."""


class CompareForm(QueryForm):
    """Two version numbers, from the query string. Not whole numbers: a bad request (400); the
    versions page shows the form with the plan's versions to pick from."""
    a = SelectField("Compare", id="cmp-a", coerce=int, validate_choice=False, validators=[InputRequired()])
    b = SelectField("with", id="cmp-b", coerce=int, validate_choice=False, validators=[InputRequired()])

    @classmethod
    def of(cls, numbers):
        """The form on the versions page: ``numbers`` newest first; the last change is preselected."""
        form = cls(formdata=None, a=numbers[1] if len(numbers) > 1 else None, b=numbers[0] if numbers else None)
        form.a.choices = form.b.choices = [(number, f"Version {number}") for number in numbers]
        return form

    def within(self, last):
        """Whether both are version numbers a plan at version ``last`` has."""
        return 1 <= self.a.data <= last and 1 <= self.b.data <= last


def page_forms(snapshot, today, posted=None):
    """The plan page's forms as the page first shows them (a routine to add on ``today``); a form
    ``posted`` with an error is shown again in its place, with what was sent."""
    forms = {"add": AddEntryForm(formdata=None, day=today), "details": DetailsForm.of(snapshot),
             "remove": RemoveEntryForm(formdata=None)}
    for name, form in forms.items():
        if type(posted) is type(form):
            forms[name] = posted
    return forms


def entry_form():
    """The add-entry form that was posted: a saved routine pinned from its page, or a routine to build
    from the plan page."""
    pinned = PinRoutineForm()
    return pinned if pinned.routine_id.raw_data else AddEntryForm()
