"""gunicorn's hooks (the Procfile's web: ``-c python:app.gunicorn_config``).

- Metrics: each gunicorn worker writes its own metric files; when one exits, its live gauges are
  dropped, and at start the files of processes that are gone are deleted (app.telemetry.metrics).
- Garbage collection: once a worker has loaded the app, the catalog and the templates, everything it
  holds is frozen out of the collector's reach (gc.freeze). Otherwise each full collection walks those
  ~100,000 long-lived objects again, about 60 ms during which every request of that worker waits:
  bench/scale.py found these pauses were most of the slowest 1% of requests.
"""
import gc
import logging

from app.telemetry import metrics  # first: it chooses the metrics folder before prometheus_client loads
from prometheus_client import multiprocess  # noqa: E402

from app.catalog import store  # noqa: E402
from app.db import connected  # noqa: E402


def on_starting(_server):
    metrics.forget_dead_processes()


def child_exit(_server, worker):
    multiprocess.mark_process_dead(worker.pid, metrics.DIR)


def post_worker_init(worker):
    """After the worker has imported the app: read what every request uses, then freeze it all."""
    warm(worker.wsgi)
    gc.collect()
    gc.freeze()


def warm(app):
    """The catalog (from the database) and every template, compiled. A worker that can't reach the
    database yet, or finds the catalog not yet loaded, reads it at its first request instead, as
    without this."""
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    try:
        with app.app_context(), connected():
            if not store.current():
                store.invalidate()  # the release step hasn't loaded it yet: the first request reads it again
    except Exception as exc:  # noqa: BLE001 - any database error: the first request will try again
        logging.getLogger("limber.startup").warning("the catalog wasn't read before the first request: %s", exc)
