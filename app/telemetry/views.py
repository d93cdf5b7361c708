"""GET /metrics: the Prometheus text of every process's metrics added up, plus what is read from the
database and the queue at the moment of asking (job rows by status, the queue's backlog).

Reachable only with "Authorization: Bearer <METRICS_TOKEN>"; without a token set, or with a wrong one,
it is a 404 like any unknown address.
"""
import hmac

from flask import Blueprint, Response, abort, current_app, request
from peewee import fn

from ..db import connected
from ..models import AiJob, ExerciseMedia
from . import metrics  # noqa: F401  (chooses the multi-process directory before prometheus_client loads)
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess  # noqa: E402
from prometheus_client.core import GaugeMetricFamily  # noqa: E402

bp = Blueprint("telemetry", __name__)
JOB_TABLES = {"media": ExerciseMedia, "ai": AiJob}


class Snapshot:
    """What is counted when asked, not as it happens: job rows by status, and the queue."""

    def __init__(self, queue):
        self.queue = queue

    def collect(self):
        jobs = GaugeMetricFamily("limber_job_rows", "Job rows by kind (media, ai) and status", labels=["kind", "status"])
        with connected():
            for kind, model in JOB_TABLES.items():
                for status, count in model.select(model.status, fn.COUNT(model.id)).group_by(model.status).tuples():
                    jobs.add_metric([kind, status], count)
        yield jobs
        backlog = GaugeMetricFamily("limber_queue_backlog", "Tasks waiting in the Huey queue (-1: unreachable)")
        backlog.add_metric([], queue_backlog(self.queue))
        yield backlog


def queue_backlog(queue):
    """The number of tasks waiting, or -1 when the queue can't be reached."""
    try:
        return queue.pending_count()
    except Exception:  # noqa: BLE001  (Redis down, the SQLite file unreadable: both mean "unreachable")
        return -1


def _allowed():
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@bp.get("/metrics")
def scrape():
    if not _allowed():
        abort(404)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=metrics.DIR)
    registry.register(Snapshot(current_app.extensions["huey"]))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})
