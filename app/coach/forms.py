"""The coach page's forms: a message to the coach, and deleting the conversation."""
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms import Form
from .chat import MESSAGE_MAX

MESSAGE_MESSAGE = f"Write 1 to {MESSAGE_MAX} characters."


def _stripped(text):
    return text.strip() if isinstance(text, str) else text


class MessageForm(Form):
    """A question for the coach: 1 to chat.MESSAGE_MAX characters once the spaces around it are gone."""
    message = TextAreaField("Your message", id="chat-message", filters=[_stripped], validators=[
        InputRequired(message=MESSAGE_MESSAGE), Length(1, MESSAGE_MAX, message=MESSAGE_MESSAGE)],
        render_kw={"rows": 2, "placeholder": "e.g. My hamstrings are tight after runs — what should I add?"})


class ClearForm(Form):
    """The "Delete conversation" button: nothing but the form's CSRF token."""
