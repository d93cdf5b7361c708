"""Every metric Limber keeps, in Prometheus's multi-process mode so that every gunicorn worker and the
Huey consumer count into one set of files, and GET /metrics adds them up (app.telemetry.views).

prometheus_client chooses multi-process mode when it is first imported, from PROMETHEUS_MULTIPROC_DIR:
this module sets it (to ``<instance>/metrics`` unless the environment says otherwise) before importing it,
and the rest of Limber imports prometheus_client only through here. Plain prometheus_client, no Flask.
"""
import os
from pathlib import Path

from .. import config as config_module

DIR = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(config_module.INSTANCE / "metrics"))
Path(DIR).mkdir(parents=True, exist_ok=True)

from prometheus_client import Counter, Gauge, Histogram, values  # noqa: E402  (after the directory is chosen)

# Something may have imported prometheus_client before the directory was set (a test's parser): the
# metrics below are made with the value class the directory asks for, whatever was chosen then.
values.ValueClass = values.get_value_class()

# Page and API latency: the buckets straddle the 100 ms target.
LATENCY = (.005, .01, .025, .05, .075, .1, .15, .25, .5, 1, 2.5, 5, 10)

requests = Counter("limber_http_requests_total", "HTTP requests by route, method and status",
                   ["route", "method", "status"])
request_seconds = Histogram("limber_http_request_duration_seconds", "HTTP request latency by route and method",
                            ["route", "method"], buckets=LATENCY)

tasks = Counter("limber_tasks_total", "Huey tasks by task and outcome (complete, error, retrying)",
                ["task", "outcome"])
task_seconds = Histogram("limber_task_duration_seconds", "Huey task run time by task", ["task"],
                         buckets=(.01, .05, .1, .5, 1, 5, 10, 30, 60, 120, 300))

ai_calls = Counter("limber_ai_calls_total", "Calls to Claude by outcome (ok, timeout, error, refused)", ["outcome"])
ai_fallbacks = Counter("limber_ai_fallbacks_total", "AI routine builds that ended on Limber's own rules")
ai_breaker_open = Gauge("limber_ai_breaker_open", "1 while a process's AI circuit breaker is open",
                        multiprocess_mode="livemax")

sync_batches = Counter("limber_sync_batches_total", "Batches of offline session logs received")
sync_logs = Counter("limber_sync_logs_total", "Offline session logs by result (stored, replayed, rejected)",
                    ["result"])

reminders_sent = Counter("limber_reminders_sent_total", "Reminders delivered, by channel (in_app, push, email)",
                         ["channel"])


def forget_dead_processes(directory=DIR):
    """Delete the metric files of processes that are gone (a restart starts their counts again, as
    Prometheus expects); a live process's files, the web server's or the worker's, are left alone."""
    for path in Path(directory).glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:  # alive, someone else's
            pass
