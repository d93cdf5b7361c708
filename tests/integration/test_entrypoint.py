"""The container image's entrypoint (docker/run.py), run on this machine rather than in a container: the
venv's bin on PATH, an instance folder of its own, SQLite + SqliteHuey, a free port. ``release`` migrates
and exits 0; ``web`` and ``worker`` run alone and stop on SIGTERM; the default runs the release step and
then both, and SIGTERM stops both with status 0. With a Procfile of the test's own, the supervisor's
rules: one process ending stops the other, a failed release starts nothing, SIGKILL after STOP_TIMEOUT.
.ci/image-smoke runs the same commands inside the built image."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENTRYPOINT = ROOT / "docker" / "run.py"
# Settings the test session put in os.environ that the image's processes must not inherit.
DROP = ("DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "HUEY_IMMEDIATE", "HUEY_FILE", "MEDIA_DIR",
        "PROMETHEUS_MULTIPROC_DIR", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME",
        "LIMBER_PROCFILE")


# huey_consumer logs this last before it sets its signal handlers; a signal before them would be a
# KeyboardInterrupt, so the tests stop a worker only a moment after it.
HUEY_READY = r"The following commands are available"


class Entrypoint:
    """docker/run.py with ``args`` in its own session; its log; stopped with SIGKILL if a test leaves it."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.port = int(env["PORT"])
        self.proc = subprocess.Popen([sys.executable, str(ENTRYPOINT), *args], cwd=ROOT, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def text(self):
        return self.log_path.read_text(errors="replace")

    def started(self):
        """The process groups it started, by name (each child leads its own group)."""
        return {name: int(pid) for name, pid in re.findall(r"limber-run: (\w+) started \(pid (\d+)\)", self.text())}

    def fail(self, message):
        pytest.fail(f"{message}\n--- entrypoint log ---\n{self.text()[-4000:]}")

    def wait_log(self, pattern, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if re.search(pattern, self.text()):
                return
            if self.proc.poll() is not None:
                self.fail(f"the entrypoint exited with {self.proc.returncode} while waiting for {what}")
            time.sleep(0.1)
        self.fail(f"timed out after {seconds} s waiting for {what}")

    def wait_healthz(self, seconds, what):
        url = f"http://127.0.0.1:{self.port}/healthz"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.fail(f"the entrypoint exited with {self.proc.returncode} while waiting for {what} at {url}")
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting
                pass
            time.sleep(0.1)
        self.fail(f"timed out after {seconds} s waiting for {what} at {url}")

    def wait_exit(self, seconds, what):
        try:
            return self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.fail(f"timed out after {seconds} s waiting for {what}")

    def terminate(self, seconds=30):
        """SIGTERM; the exit status, after checking that every process it started has gone."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.wait_exit(seconds, "the entrypoint to exit after SIGTERM")
        self.assert_nothing_left()
        return code

    def assert_nothing_left(self):
        for name, pgid in self.started().items():
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                continue
            self.fail(f"{name}'s processes (group {pgid}) are still running after the entrypoint exited")

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for pgid in self.started().values():
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


@pytest.fixture
def environment(tmp_path):
    """Production settings, as the image has them, on the embedded defaults in a folder of the test's own."""
    env = {key: value for key, value in os.environ.items() if key not in DROP}
    env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", LIMBER_ENV="production",
               SECRET_KEY="entrypoint-test-" + "x" * 48, COOKIE_SECURE="0", LIMBER_INSTANCE=str(tmp_path / "instance"),
               PORT=str(free_port()), HOST="127.0.0.1", WEB_CONCURRENCY="1", STOP_TIMEOUT="20",
               PYTHONUNBUFFERED="1")
    return env


@pytest.fixture
def entrypoint(tmp_path):
    started = []

    def start(*args, env):
        run = Entrypoint(args, env, tmp_path / f"entrypoint-{len(started)}.log")
        started.append(run)
        return run

    yield start
    for run in started:
        run.close()


def test_release_migrates_and_exits_0(entrypoint, environment):
    release = entrypoint("release", env=environment)
    assert release.wait_exit(60, "the release step (migrations, catalog) to finish") == 0, release.text()
    assert re.search(r"catalog: \d+ exercises", release.text()), release.text()
    release.assert_nothing_left()

    status = entrypoint("flask", "--app", "wsgi", "db", "status", env=environment)  # any other command: as given
    assert status.wait_exit(30, "flask db status through the entrypoint") == 0, status.text()
    migrations = re.findall(r"^\S+: (.+)$", status.text(), re.M)
    assert migrations and "pending" not in migrations, status.text()


def test_web_alone_answers_healthz_and_stops_on_sigterm(entrypoint, environment):
    web = entrypoint("web", env=environment)
    web.wait_healthz(30, "GET /healthz from the web server alone")
    assert set(web.started()) == {"web"}
    check = subprocess.run([sys.executable, str(ROOT / "docker" / "healthcheck.py")], env=environment,
                           capture_output=True, text=True, timeout=15)  # the image's HEALTHCHECK command
    assert check.returncode == 0, check.stderr
    assert web.terminate() == 0, web.text()
    assert "limber-run: web exited with status 0" in web.text()


def test_worker_alone_starts_and_stops_gracefully_on_sigterm(entrypoint, environment):
    worker = entrypoint("worker", env=environment)
    worker.wait_log(HUEY_READY, 30, "huey_consumer to start")
    time.sleep(0.5)
    assert set(worker.started()) == {"worker"}
    assert worker.terminate() == 0, worker.text()
    # SIGTERM to the entrypoint is huey's graceful signal (SIGINT) to the consumer: running tasks finish.
    assert "Shutting down gracefully" in worker.text(), worker.text()


def test_the_default_runs_release_then_web_and_worker_and_sigterm_stops_both(entrypoint, environment):
    everything = entrypoint(env=environment)
    everything.wait_healthz(60, "GET /healthz after the release step")
    everything.wait_log(HUEY_READY, 30, "huey_consumer to start")
    time.sleep(0.5)
    log = everything.text()
    assert log.index("limber-run: release exited with status 0") < log.index("limber-run: web started") \
        and log.index("limber-run: release exited with status 0") < log.index("limber-run: worker started"), log
    assert everything.terminate() == 0, everything.text()
    for name in ("web", "worker"):
        assert f"limber-run: {name} exited with status 0" in everything.text(), everything.text()


# -- the supervisor's rules, with a Procfile of the test's own ----------------------------------------------

def procfile(tmp_path, environment, **entries):
    path = tmp_path / "Procfile.test"
    path.write_text("".join(f"{name}: {command}\n" for name, command in entries.items()))
    return {**environment, "LIMBER_PROCFILE": str(path)}


def test_one_process_failing_stops_the_other_and_the_container_exits_non_zero(entrypoint, environment, tmp_path):
    env = procfile(tmp_path, environment, release="true", web="sleep 60", worker="sleep 0.5; exit 3")
    run = entrypoint(env=env)
    assert run.wait_exit(15, "the entrypoint to stop web after worker failed") == 3, run.text()
    run.assert_nothing_left()
    assert "worker exited with status 3" in run.text() and "stopping the others" in run.text(), run.text()


def test_a_failed_release_starts_neither_server(entrypoint, environment, tmp_path):
    env = procfile(tmp_path, environment, release="exit 4", web="sleep 60", worker="sleep 60")
    run = entrypoint(env=env)
    assert run.wait_exit(15, "the entrypoint to give up after the release step failed") == 4, run.text()
    assert "web started" not in run.text() and "worker started" not in run.text(), run.text()


def test_a_process_that_ignores_sigterm_is_killed_after_stop_timeout(entrypoint, environment, tmp_path):
    env = procfile(tmp_path, {**environment, "STOP_TIMEOUT": "1"}, release="true",
                   web="trap '' TERM; while :; do sleep 0.1; done", worker="sleep 60")
    run = entrypoint("serve", env=env)
    run.wait_log(r"worker started", 10, "both processes to start")
    time.sleep(0.3)  # the web shell has set its trap
    started = time.monotonic()
    assert run.terminate(seconds=15) == 137, run.text()  # 128 + SIGKILL: not a clean stop
    assert time.monotonic() - started < 10
    assert "sending SIGKILL" in run.text() and "worker exited with status 143" in run.text(), run.text()
