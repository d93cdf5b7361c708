"""The time Limber adds around Claude, measured against the fake Messages API with a realistic delay.

- job_overhead_ms: one AI routine job end to end (claim, narrowing, payload, SDK call, checks,
  storing) minus the time spent waiting for the model — the median of 20 jobs.
- fallback_ms: a job's time to a finished fallback routine while the breaker is open;
  fallback_down_ms: the same when the provider refuses connections (the SDK retries once).
- first_token_visible_ms: from the fake sending the coach's first token to that text being on
  the page in Chromium (SSE through gunicorn-like threads, EventSource, DOM).

The baseline in the same run is the model's own time: the fake's delay is printed alongside.
Last line: ai job_overhead_ms=… fallback_ms=… first_token_visible_ms=…
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

TMP = Path(tempfile.mkdtemp(prefix="limber-ai-bench-"))
os.environ.update(LIMBER_ENV="test", LIMBER_INSTANCE=str(TMP), HUEY_IMMEDIATE="1")
for name in ("REDIS_URL", "DATABASE_URL"):
    os.environ.pop(name, None)

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from bench import people  # noqa: E402
from app.ai import client, jobs  # noqa: E402
from app.catalog import data, store  # noqa: E402
from app.cli import runner  # noqa: E402
from app.db import db  # noqa: E402
from app.models import Account, AiJob, Profile  # noqa: E402
from tests.fakes.anthropic_api import FakeAnthropic  # noqa: E402
from tests.integration.test_ai_routines import valid  # noqa: E402

MODEL_DELAY = 0.8
JOBS = 20


def sign_up(base):
    session, csrf = people.sign_up(base)
    session.post(base + "/settings/ai", data={"ai_enabled": "y", "coach_personality": "calm", "csrf_token": csrf})
    return people.cookies(session, base)


def timed_job(app, account_id, ask=None, minutes=8):
    with app.app_context(), db.connection_context():
        job = AiJob.create(account=account_id, params={"kind": "warmup", "minutes": minutes, "activity": "running",
                                                       "focus": []})
    waited = []

    def measured(system, messages, tool):
        started = time.perf_counter()
        try:
            return (ask or (lambda s, m, t: client.tool_call(app.config, s, m, t)))(system, messages, tool)
        finally:
            waited.append(time.perf_counter() - started)

    started = time.perf_counter()
    with app.app_context():
        status = jobs.run(job.id, app.config, measured)
    total = time.perf_counter() - started
    return status, total, sum(waited)


FIRST_YIELD = []


def _instrument():
    """Note when the server hands the first token to the SSE response (to split server and browser time)."""
    from app.coach import chat, views

    original = chat.stream_reply

    def stream_reply(*args, **kwargs):
        first = True
        for event in original(*args, **kwargs):
            if first and event[0] == "token":
                FIRST_YIELD.append(time.monotonic())
                first = False
            yield event
    views.chat.stream_reply = stream_reply


def main():
    _instrument()
    fake = FakeAnthropic().start()
    app = create_app({"DATABASE_URL": f"sqlite:///{TMP / 'bench.db'}", "RATELIMIT_ENABLED": False,
                      "ANTHROPIC_API_KEY": "sk-bench", "ANTHROPIC_BASE_URL": fake.url, "AI_CACHE_SECONDS": 0,
                      "AI_DAILY_LIMIT": 10_000})
    with db.connection_context():
        runner().up()
        store.sync(data.load_file())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    cookies = sign_up(base)
    with db.connection_context():
        account_id = Account.get(Account.email == "bench@example.com").id
        Profile.update(ai_enabled=True).where(Profile.account == account_id).execute()

    overheads = []
    for number in range(JOBS):
        fake.script = [valid(fake, delay=MODEL_DELAY)]
        status, total, waited = timed_job(app, account_id, minutes=5 + number % 20)
        assert status == "done", status
        overheads.append((total - waited) * 1000)

    breaker = client.breaker(app.config)
    for _ in range(app.config["AI_BREAKER_FAILURES"]):
        breaker.failure()
    open_times = []
    for _ in range(JOBS):
        status, total, _ = timed_job(app, account_id)
        assert status == "fallback", status
        open_times.append(total * 1000)
    client._breakers.clear()
    app.config["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:9"  # nothing listens there
    app.config["AI_BREAKER_FAILURES"] = 10_000
    down_times = [timed_job(app, account_id)[1] * 1000 for _ in range(3)]
    app.config["ANTHROPIC_BASE_URL"] = fake.url

    visible, server_side = [], []
    with sync_playwright() as p:
        chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(base + "/coach")
        for number in range(8):
            fake.script = [fake.streamed(["First ", "words ", "then ", "more."], delay=0.3, wait=0.2)]
            page.get_by_label("Your message").fill(f"Question {number}: how long should I warm up?")
            page.get_by_role("button", name="Send").click()
            page.wait_for_function("(n) => { const b = document.querySelectorAll('.bubble-assistant .bubble-text');"
                                   " return b.length > n && b[n].textContent.length > 0; }", arg=number,
                                   polling="raf", timeout=15000)
            seen = time.monotonic()
            visible.append((seen - fake.last_stream.first_token_at) * 1000)
            server_side.append((FIRST_YIELD[-1] - fake.last_stream.first_token_at) * 1000)
            page.wait_for_function("() => !document.querySelector('.bubble.streaming')", timeout=15000)
        browser.close()
    server.shutdown()
    fake.stop()

    median = statistics.median
    print(f"model delay (baseline) {MODEL_DELAY * 1000:.0f} ms per routine call; {JOBS} jobs")
    print(f"job overhead ms: median {median(overheads):.1f}, max {max(overheads):.1f}")
    print(f"fallback ms, breaker open: median {median(open_times):.1f}; provider refusing connections: "
          f"median {median(down_times):.1f} (the SDK's one retry with backoff)")
    print(f"first token visible ms: {', '.join(f'{v:.0f}' for v in visible)}; of which in the server "
          f"(fake → SSE): {', '.join(f'{v:.0f}' for v in server_side)}")
    print(f"ai job_overhead_ms={median(overheads):.1f} fallback_ms={median(open_times):.1f} "
          f"first_token_visible_ms={median(visible):.1f} fallback_down_ms={median(down_times):.1f}")


if __name__ == "__main__":
    main()
