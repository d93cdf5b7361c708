from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..forms import Form

PASSWORD_MIN, PASSWORD_MAX = 8, 256
PASSWORD = [DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                   message=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.")]
EMAIL = [DataRequired(), Length(max=254),
         Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="That doesn't look like an e-mail address.")]


class SignupForm(Form):
    email = EmailField("E-mail", validators=EMAIL)
    password = PasswordField("Password", validators=PASSWORD,
                             description=f"At least {PASSWORD_MIN} characters. A short sentence is easy to remember.")


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me signed in on this device", default=True)


class PasswordForm(Form):
    current = PasswordField("Current password", validators=[Length(max=PASSWORD_MAX)])
    new = PasswordField("New password", validators=PASSWORD)
    confirm = PasswordField("New password again", validators=[EqualTo("new", message="The passwords don't match.")])


class DeleteForm(Form):
    # Own ids: the password form on the same page has a "confirm" too, and a label must find its input.
    confirm = StringField("Type DELETE to confirm", validators=[DataRequired(message="Type DELETE to confirm.")],
                          id="delete-confirm")
    # Asked when the account has a password: an unlocked phone or a stolen session can't erase it.
    password = PasswordField("Your password", validators=[Length(max=PASSWORD_MAX)], id="delete-password")


class ConfirmSignupForm(Form):
    """The button on a sign-up confirmation link's page: nothing to fill in, only the CSRF token."""
