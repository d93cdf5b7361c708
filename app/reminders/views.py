"""Reminder settings, push subscriptions and the in-app notifications list."""
from flask import Blueprint

bp = Blueprint("reminders", __name__)
