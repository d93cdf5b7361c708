"""Load the key pages of Limber and a bare Flask hello-world, both served by gunicorn the same
way (gthread, 2 workers x 4 threads), with wrk, in the same run.

Last line: http dashboard_ratio=… routine_ratio=… hello_rps=…  (ratio = page rps / hello rps)
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DURATION = os.environ.get("BENCH_SECONDS", "4")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TICK = os.sysconf("SC_CLK_TCK")
AGENT = "Mozilla/5.0 (limber-bench)"
HELLO = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef hello():\n    return 'Hello, World!'\n"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(module, cwd, env):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), module, "--worker-class", "gthread", "--workers", "2",
                             "--threads", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                            cwd=cwd, env=env, start_new_session=True)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz" if module == "wsgi:app" else f"http://127.0.0.1:{port}/",
                         timeout=1)
            return proc, f"http://127.0.0.1:{port}"
        except (requests.ConnectionError, requests.Timeout):  # still booting
            time.sleep(0.1)
    raise SystemExit(f"{module} did not start")


def cpu_seconds(group):
    """CPU time used so far by every process of a gunicorn (its process group)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def wrk(url, cookie=None, group=None):
    cmd = ["wrk", "-t2", "-c16", f"-d{DURATION}s", "--latency", "-H", f"User-Agent: {AGENT}", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    before = cpu_seconds(group)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    requests_done = int(re.search(r"(\d+) requests in", out).group(1))
    cpu_ms = (cpu_seconds(group) - before) * 1000 / requests_done
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses")
    return rps, float(p50.group(1)) * scale, cpu_ms


def sign_in(base):
    session = requests.Session()
    session.headers["User-Agent"] = AGENT  # a browser keeps its agent; Flask-Login checks it
    token = re.search(r'name="csrf-token" content="([^"]+)"', session.get(base + "/signup").text).group(1)
    session.post(base + "/signup", data={"email": "bench@example.com", "password": "benchmark pass", "csrf_token": token})
    token = re.search(r'name="csrf-token" content="([^"]+)"', session.get(base + "/onboarding/screening").text).group(1)
    answers = {code: "no" for code in ("heart", "chest_pain", "dizziness", "chronic", "medication", "joint", "supervision")}
    session.post(base + "/onboarding/screening", data={**answers, "csrf_token": token})
    page = session.post(base + "/routines/quick", data={"kind": "warmup", "activity": "running", "minutes": "8",
                                                        "csrf_token": token})
    routine = page.url
    assert "/routines/" in routine, routine
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return cookie, routine


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="limber-bench-"))
    env = {**os.environ, "LIMBER_ENV": "production", "SECRET_KEY": "bench-" + "x" * 40, "COOKIE_SECURE": "0",
           "LIMBER_INSTANCE": str(workdir)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    for command in (["db", "upgrade"], ["catalog", "load"]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    (workdir / "hello.py").write_text(HELLO)
    procs = []
    try:
        hello, hello_url = serve("hello:app", workdir, env)
        procs.append(hello)
        limber, base = serve("wsgi:app", ROOT, env)
        procs.append(limber)
        cookie, routine_url = sign_in(base)
        # Short alternating rounds: this machine's speed drifts, so each page is compared with
        # the hello-world measured right next to it, and the median round is reported.
        rounds = []
        for _ in range(ROUNDS):
            hello_rps, _, hello_cpu = wrk(hello_url + "/", group=hello.pid)
            dash_rps, dash_p50, dash_cpu = wrk(base + "/", cookie, group=limber.pid)
            routine_rps, routine_p50, routine_cpu = wrk(routine_url, cookie, group=limber.pid)
            rounds.append((hello_rps, dash_rps, routine_rps, dash_p50, routine_p50, hello_cpu, dash_cpu, routine_cpu))
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    for i, (hello_rps, dash_rps, routine_rps, dash_p50, routine_p50, hello_cpu, dash_cpu, routine_cpu) \
            in enumerate(rounds, 1):
        print(f"round {i}: hello {hello_rps:.0f} req/s ({hello_cpu:.2f} ms CPU) · dashboard {dash_rps:.0f} req/s "
              f"(p50 {dash_p50:.1f} ms, {dash_cpu:.2f} ms CPU) · routine {routine_rps:.0f} req/s "
              f"(p50 {routine_p50:.1f} ms, {routine_cpu:.2f} ms CPU)")
    median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    dash_ratio = median([r[1] / r[0] for r in rounds])
    routine_ratio = median([r[2] / r[0] for r in rounds])
    print(f"http dashboard_ratio={dash_ratio:.2f} routine_ratio={routine_ratio:.2f} "
          f"hello_rps={median([r[0] for r in rounds]):.0f} dashboard_p50_ms={median([r[3] for r in rounds]):.1f} "
          f"routine_p50_ms={median([r[4] for r in rounds]):.1f} "
          f"dashboard_cpu_ratio={median([r[5] / r[6] for r in rounds]):.2f} "
          f"routine_cpu_ratio={median([r[5] / r[7] for r in rounds]):.2f}")


if __name__ == "__main__":
    main()
