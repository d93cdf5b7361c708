"""The reminder settings form."""
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..forms import ChoiceList, Form
from . import schedule

DAY_CHOICES = [("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"), ("sat", "Sat"),
               ("sun", "Sun")]


class Clock(StringField):
    """A 24-hour time, HH:MM (what <input type=time> sends), as minutes after midnight."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = schedule.minute_of(self.raw) if self.raw else None
        if self.raw and self.data is None:
            raise ValueError("Enter a time like 07:30.")

    def _value(self):
        return schedule.clock(self.data) if isinstance(self.data, int) else getattr(self, "raw", "") or ""


class ReminderForm(Form):
    enabled = BooleanField("Remind me")
    days = ChoiceList("On these days", choices=DAY_CHOICES)
    at = Clock("At", description="Your own time, where you are.")
    timezone = StringField("Time zone", validators=[InputRequired(message="Choose your time zone."), Length(max=64)],
                           description="Found by your browser. Change it if you travel.")
    about = RadioField("Remind me about", default="plan", choices=[
        ("plan", "Today's plan — e.g. “8-minute warm-up before your run”"), ("stretch", "Just “Time to stretch”")])
    quiet_start = Clock("Quiet from")
    quiet_end = Clock("Until")
    by_push = BooleanField("Notifications on my devices")
    in_app = BooleanField("In Limber (the bell at the top)")
    by_email = BooleanField("E-mail")
    weekly_summary = BooleanField("A weekly summary by e-mail, on Sundays")

    def validate_timezone(self, field):
        if schedule.zone(field.data) is None:
            raise ValidationError("That isn't a time zone Limber knows. Try one like Europe/London.")

    def validate_days(self, field):
        if self.enabled.data and not field.data:
            raise ValidationError("Pick at least one day, or untick “Remind me”.")

    def validate_at(self, field):
        if self.enabled.data and field.data is None:
            raise ValidationError("Enter the time to be reminded.")

    def validate_quiet_end(self, field):
        start, end = self.quiet_start.data, field.data
        if (start is None) != (end is None):
            raise ValidationError("Give both ends of your quiet hours, or neither.")
        if self.enabled.data and self.at.data is not None and schedule.quiet(self.at.data, start, end):
            raise ValidationError("Your reminder time is inside your quiet hours: move one of them.")

    def validate_by_email(self, field):
        if field.data and not getattr(self, "email_possible", True):
            raise ValidationError("Your account has no e-mail address to send to.")

    def values(self):
        """What the settings row stores."""
        return {"enabled": bool(self.enabled.data), "days": [d for d, _ in DAY_CHOICES if d in (self.days.data or [])],
                "at_minute": self.at.data if self.at.data is not None else 18 * 60,
                "timezone": self.timezone.data, "about": self.about.data, "quiet_start": self.quiet_start.data,
                "quiet_end": self.quiet_end.data, "by_push": bool(self.by_push.data), "in_app": bool(self.in_app.data),
                "by_email": bool(self.by_email.data), "weekly_summary": bool(self.weekly_summary.data)}

    def fill(self, row):
        """The form showing a stored (or default) settings row."""
        for name in ("enabled", "days", "timezone", "about", "quiet_start", "quiet_end", "by_push", "in_app",
                     "by_email", "weekly_summary"):
            getattr(self, name).data = getattr(row, name)
        self.at.data = row.at_minute
        return self
