"""gunicorn's hooks for Limber's metrics (the Procfile's web: ``-c python:app.gunicorn_config``).

Each gunicorn worker writes its own metric files; when one exits, its live gauges are dropped, and at
start the files of processes that are gone are deleted (app.telemetry.metrics).
"""

from app.telemetry import metrics  # first: it chooses the metrics folder before prometheus_client loads
from prometheus_client import multiprocess  # noqa: E402


def on_starting(_server):
    metrics.forget_dead_processes()


def child_exit(_server, worker):
    multiprocess.mark_process_dead(worker.pid, metrics.DIR)
