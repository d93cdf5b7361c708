"""What a phone downloads and stores: measured in Chromium against Limber served by gunicorn.

- first_load_kb: bytes transferred (headers + encoded bodies) for the start page of a signed-in
  person on a cold cache, everything the page itself asks for; js_kb: the scripts among them.
- precache_kb: what the service worker stores for the app shell at install.
- saved_routine_kb: what "Save for offline" stores for one 8-minute routine, without a video,
  and saved_routine_video_kb with a real 2-second WebM (made by ffmpeg, served by the fake media
  host, downloaded by the real Huey task) on its first exercise.

Last line: pwa first_load_kb=… js_kb=… precache_kb=… saved_routine_kb=… saved_routine_video_kb=…
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench import people  # noqa: E402
from tests.fakes.media_host import MediaHost, make_media  # noqa: E402

BIN = Path(sys.executable).parent
BUDGET_FIRST_LOAD_KB = 100
BUDGET_JS_KB = 30
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(env):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "wsgi:app", "--worker-class", "gthread", "--workers", "2",
                             "--threads", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                            cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base + "/healthz", timeout=1)
            return proc, base
        except (requests.ConnectionError, requests.Timeout):  # still booting
            time.sleep(0.1)
    raise SystemExit("Limber did not start")


def sign_in(base):
    """A new, onboarded person with one quick-start routine; returns (cookies, routine id)."""
    session, csrf = people.sign_up(base)
    page = session.post(base + "/routines/quick", data={"kind": "warmup", "activity": "running", "minutes": "8",
                                                        "csrf_token": csrf})
    return people.cookies(session, base), int(page.url.rstrip("/").rsplit("/", 1)[1])


def first_exercise(base, cookies, routine_id):
    jar = {c["name"]: c["value"] for c in cookies}
    page = requests.get(f"{base}/routines/{routine_id}/play", cookies=jar).text
    return re.search(r'"exercise_id": "([a-z0-9-]+)"', page).group(1)


def save(page, base, routine_id):
    page.goto(f"{base}/routines/{routine_id}")
    page.get_by_role("button", name="Save for offline").click()
    page.locator(".save-status", has_text="Saved for offline").wait_for()
    return page.evaluate(f"""caches.open('limber-saved').then((c) => c.match('/__saved__/{routine_id}'))
                             .then((r) => r.json()).then((entry) => entry.bytes)""")


def main():
    workdir = Path(tempfile.mkdtemp(prefix="limber-pwa-bench-"))
    env = {**os.environ, "LIMBER_ENV": "production", "SECRET_KEY": "bench-" + "x" * 40, "COOKIE_SECURE": "0",
           "LIMBER_INSTANCE": str(workdir), "MEDIA_ALLOW_LOOPBACK": "1", "HUEY_IMMEDIATE": "1"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    for command in (["db", "upgrade"], ["catalog", "load"]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    host = MediaHost(make_media(workdir / "fake-media")).start()
    proc, base = serve(env)
    try:
        cookies, routine_id = sign_in(base)
        with sync_playwright() as p:
            chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            context.add_cookies(cookies)
            page = context.new_page()
            loaded = []
            page.on("requestfinished", lambda request: loaded.append(request))
            page.goto(base + "/", wait_until="load")
            page.evaluate("navigator.serviceWorker.ready")
            page.wait_for_function("navigator.serviceWorker.controller !== null")
            own = [r for r in loaded if r.frame == page.main_frame]  # the page's own requests, not the worker's
            sizes = [(r, r.sizes()) for r in own]
            first_load = sum(s["responseBodySize"] + s["responseHeadersSize"] for _, s in sizes)
            js = sum(s["responseBodySize"] + s["responseHeadersSize"] for r, s in sizes if r.resource_type == "script")
            for r, s in sizes:
                print(f"  {r.resource_type:10} {(s['responseBodySize'] + s['responseHeadersSize']) / 1024:6.1f} KB  "
                      f"{r.url.replace(base, '')}")
            precache = page.evaluate("""caches.keys().then((names) => caches.open(names.find((n) => n.startsWith('limber-shell-'))))
                .then(async (cache) => { let total = 0; for (const r of await cache.keys()) total += (await (await cache.match(r)).blob()).size; return total; })""")
            without_video = save(page, base, routine_id)
            exercise = first_exercise(base, cookies, routine_id)
            subprocess.run([str(BIN / "flask"), "--app", "wsgi", "media", "add", exercise, f"{host.url}/clip.webm"],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            with_video = save(page, base, routine_id)
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        host.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    kb = lambda n: n / 1024  # noqa: E731
    print(f"budget: first load {kb(first_load):.1f} of {BUDGET_FIRST_LOAD_KB} KB "
          f"({100 * kb(first_load) / BUDGET_FIRST_LOAD_KB:.0f}%), JS {kb(js):.1f} of {BUDGET_JS_KB} KB "
          f"({100 * kb(js) / BUDGET_JS_KB:.0f}%)")
    print(f"pwa first_load_kb={kb(first_load):.1f} js_kb={kb(js):.1f} precache_kb={kb(precache):.1f} "
          f"saved_routine_kb={kb(without_video):.1f} saved_routine_video_kb={kb(with_video):.1f}")


if __name__ == "__main__":
    main()
