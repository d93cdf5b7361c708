"""Entry point for gunicorn (wsgi:app) and the Huey consumer (wsgi.huey)."""
from app import create_app
from app.tasks import huey  # noqa: F401  (huey_consumer wsgi.huey)

app = create_app()
