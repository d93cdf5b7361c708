"""Friendly error pages: 4xx for bad input, never a stack trace."""
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from peewee import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from .security import UNREADABLE

MESSAGES = {
    400: "Something in that request didn't look right. Please go back and try again.",
    403: "That isn't yours to open.",
    404: "We couldn't find that page.",
    405: "That action isn't available here.",
    413: "That was more than we can take in one go.",
    429: "Too many tries in a short time. Take a breather and try again in a minute.",
}


def _wants_json():
    return request.is_json or request.accept_mimetypes.best == "application/json"


def init_app(app):
    @app.errorhandler(CSRFError)
    def _csrf(error):
        message = "Your form expired. Please go back, refresh the page and try again."
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(error):
        app.logger.error("database unavailable: %s", error)
        message = "Limber can't reach its database right now. Please try again in a minute."
        if _wants_json() or request.path == "/healthz":
            return jsonify(status="unavailable", message=message), 503
        return render_template("error.html", code=503, message=message), 503

    @app.errorhandler(HTTPException)
    def _http(error):
        message = error.description if error.description.startswith(UNREADABLE) else \
            MESSAGES.get(error.code, error.description)
        if _wants_json():
            return jsonify(error=error.name, message=message), error.code
        return render_template("error.html", code=error.code, message=message), error.code
