"""The base of every Limber form: fields come from the posted form, and only from there.

Flask-WTF's FlaskForm also fills a form from a JSON body, where a field can arrive as a number,
a list or an object; every form here is posted as a form (Limber takes no file uploads), so a
JSON body simply leaves the form empty and it fails validation with its usual messages.
"""
from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto:
                return request.form if _is_submitted() and request.form else None
            return formdata
