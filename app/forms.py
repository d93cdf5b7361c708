"""The base of every Limber form: fields come from the posted form, and only from there.

Flask-WTF's FlaskForm also fills a form from a JSON body, where a field can arrive as a number,
a list or an object, and reads that body without a bound on its depth. Every form here is
posted as a form, so a JSON body leaves the form empty and it fails validation with its usual
messages.
"""
from flask import request
from flask_wtf import FlaskForm


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if request.is_json:
                return None  # a JSON body is never form data here (and is never parsed for a form)
            return super().wrap_formdata(form, formdata)
