"""The self-test pages (under Progress)."""
from flask import Blueprint

bp = Blueprint("selftests", __name__, url_prefix="/progress/tests")
