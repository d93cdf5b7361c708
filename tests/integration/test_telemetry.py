"""/metrics (Prometheus text, behind a token), the request id and the JSON log lines, and /healthz's
queue: issue 14's "Metrics and logs"."""
import json
import logging
import re

import pytest
from huey import RedisHuey
from prometheus_client.parser import text_string_to_metric_families

from app import tasks
from app.telemetry.requestlog import JsonFormatter
from tests.conftest import ai_person, build_with_ai, free_port, quick, valid

TOKEN = "t0ken-for-the-scraper"


@pytest.fixture
def scraper(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    def scrape():
        response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200 and response.mimetype == "text/plain"
        samples = {}
        for family in text_string_to_metric_families(response.get_data(as_text=True)):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples
    return scrape


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def test_metrics_is_a_404_without_the_token(app, client, monkeypatch):
    assert client.get("/metrics").status_code == 404  # no token set: nothing there
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_request_counts_and_latency_move_by_route_and_status(client, scraper):
    before = scraper()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    after = scraper()
    labels = {"route": "/healthz", "method": "GET", "status": "200"}
    assert value(after, "limber_http_requests_total", **labels) - value(before, "limber_http_requests_total", **labels) == 3
    missing = {"route": "unmatched", "method": "GET", "status": "404"}  # never the path itself
    assert value(after, "limber_http_requests_total", **missing) - value(before, "limber_http_requests_total", **missing) == 1
    count = {"route": "/healthz", "method": "GET"}
    assert (value(after, "limber_http_request_duration_seconds_count", **count)
            - value(before, "limber_http_request_duration_seconds_count", **count)) == 3


def test_tasks_ai_calls_and_job_rows_are_counted(client, auth, claude, scraper):
    before = scraper()
    ai_person(client, auth)
    claude.script = [valid(claude)]
    assert build_with_ai(client, auth).built_by == "ai"
    after = scraper()
    done = {"task": "build_ai_routine", "outcome": "complete"}
    assert value(after, "limber_tasks_total", **done) - value(before, "limber_tasks_total", **done) == 1
    assert value(after, "limber_task_duration_seconds_count", task="build_ai_routine") \
        - value(before, "limber_task_duration_seconds_count", task="build_ai_routine") == 1
    assert value(after, "limber_ai_calls_total", outcome="ok") - value(before, "limber_ai_calls_total", outcome="ok") == 1
    assert value(after, "limber_job_rows", kind="ai", status="done") >= 1
    assert ("limber_queue_backlog", ()) in after


def test_sync_and_reminders_are_counted(person, client, scraper):
    from tests.conftest import log_body, sync_one

    before = scraper()
    routine_id = quick(person)
    body = log_body(routine_id)
    assert sync_one(client, body, person.token("/"))[0] == 201
    assert sync_one(client, body, person.token("/"))[0] == 200  # the phone sent it again: a replay
    after = scraper()
    assert value(after, "limber_sync_batches_total") - value(before, "limber_sync_batches_total") == 2
    for result in ("stored", "replayed"):
        assert value(after, "limber_sync_logs_total", result=result) - value(before, "limber_sync_logs_total",
                                                                             result=result) == 1


def test_every_response_carries_a_request_id(client):
    given = client.get("/healthz", headers={"X-Request-ID": "lb-4f2a9c81d3"})
    assert given.headers["X-Request-ID"] == "lb-4f2a9c81d3"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    refused = client.get("/healthz", headers={"X-Request-ID": "no spaces <or> tags"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", refused)  # not an id: a new one is made


def test_one_json_line_per_request_without_an_email_or_health_data(person, client, caplog):
    caplog.set_level(logging.INFO, logger="limber.request")
    client.get("/profile", headers={"X-Request-ID": "req-profile-1"})
    [record] = [r for r in caplog.records if r.name == "limber.request" and r.fields["request_id"] == "req-profile-1"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-profile-1" and line["method"] == "GET" and line["route"] == "/profile"
    assert line["status"] == 200 and line["duration_ms"] >= 0 and re.fullmatch(r"[0-9a-f]{16}", line["account"])
    assert {"time", "level", "logger"} <= set(line)
    text = JsonFormatter().format(record)
    assert "ana@example.com" not in text and "@" not in line["account"]


def test_a_task_queued_by_a_request_logs_that_requests_id(app, caplog):
    """Through the queue, as a consumer takes it: the message keeps the id, the task never sees it."""
    caplog.set_level(logging.INFO, logger="limber.task")
    eager = tasks.huey.immediate
    tasks.huey.immediate = False
    try:
        tasks.huey.flush()
        with app.test_request_context("/", headers={"X-Request-ID": "req-queued-42"}):
            app.preprocess_request()
            tasks.purge_expired_logins()  # a real task, queued from inside the request
        message = tasks.huey.dequeue()
        assert message.kwargs[tasks.REQUEST_ID_KEY] == "req-queued-42"
        tasks.huey.execute(message)  # what the consumer does, outside any request
    finally:
        tasks.huey.flush()
        tasks.huey.immediate = eager
    finished = [r for r in caplog.records if r.name == "limber.task" and r.getMessage() == "task finished"]
    assert finished and finished[-1].fields["outcome"] == "complete"
    assert json.loads(JsonFormatter().format(finished[-1]))["request_id"] == "req-queued-42"


def test_healthz_reports_the_queue_and_is_a_503_when_it_is_down(app, client, monkeypatch):
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["queue"]["reachable"] is True and health.json["queue"]["backlog"] >= 0
    closed = RedisHuey("limber-down", url=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    monkeypatch.setitem(app.extensions, "huey", closed)
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json == {"status": "unavailable", "database": "ok", "queue": {"reachable": False, "backlog": 0}}


def test_counts_from_another_process_are_added_up(scraper):
    """Multi-process mode: what a Huey consumer or another gunicorn worker counts shows in this /metrics."""
    import subprocess
    import sys
    from pathlib import Path

    before = scraper()
    subprocess.run([sys.executable, "-c", "from app.telemetry import metrics; metrics.reminders_sent.labels('push').inc(5)"],
                   cwd=Path(__file__).resolve().parents[2], check=True, timeout=60)
    after = scraper()
    assert value(after, "limber_reminders_sent_total", channel="push") \
        - value(before, "limber_reminders_sent_total", channel="push") == 5


def test_gunicorn_workers_count_into_one_metrics_page(tmp_path):
    """Served as the Procfile serves it (two workers, its hooks): every request is counted once."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import requests

    from tests.integration.test_limits_across_processes import wait_for

    root, bin_dir = Path(__file__).resolve().parents[2], Path(sys.executable).parent
    env = {key: val for key, val in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE",
                                                                        "RATELIMIT_STORAGE_URI")}
    env.update(LIMBER_ENV="development", LIMBER_INSTANCE=str(tmp_path), METRICS_TOKEN=TOKEN,
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    subprocess.run([str(bin_dir / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=root, env=env, check=True,
                   timeout=120, capture_output=True)
    port = free_port()
    with open(tmp_path / "gunicorn.log", "wb") as log:
        proc = subprocess.Popen([str(bin_dir / "gunicorn"), "wsgi:app", "-c", "python:app.gunicorn_config",
                                 "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}"],
                                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url + "/healthz", 60, "gunicorn with two workers")
            for _ in range(30):
                assert requests.get(url + "/login", timeout=10, headers={"Connection": "close"}).status_code == 200
            text = requests.get(url + "/metrics", timeout=10, headers={"Authorization": f"Bearer {TOKEN}"}).text
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    logins = [s.value for f in text_string_to_metric_families(text) for s in f.samples
              if s.name == "limber_http_requests_total" and s.labels == {"route": "/login", "method": "GET",
                                                                        "status": "200"}]
    assert logins == [30]
    assert {path.stem.rsplit("_", 1)[-1] for path in (tmp_path / "metrics").glob("counter_*.db")}  # files per process
