"""The AI coach's settings (the "AI coach" card on the Account page)."""
from wtforms import BooleanField

from .. import vocabulary as v
from ..forms import Form, SelectField


class Consent(BooleanField):
    """A check box that is on only when it sends its own value ("y"), as the box on the page does:
    sending anything else (an "n", a "0") leaves the AI off, so nothing goes to Anthropic by mistake."""

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0] == "y"


class AISettingsForm(Form):
    """Whether Limber may ask Claude for this person, and the coach's personality. Both start as the
    person's profile has them; a personality left out of the post stays as it is."""
    ai_enabled = Consent("Let Limber ask Claude to build routines for me")
    coach_personality = SelectField("Coach personality", id="coach-personality",
                                    choices=list(v.PERSONALITIES.items()),
                                    invalid_choice_message="Please pick a personality from the list.")

    @classmethod
    def of(cls, profile, **kwargs):
        return cls(ai_enabled=bool(profile and profile.ai_enabled),
                   coach_personality=profile.coach_personality if profile else None, **kwargs)
