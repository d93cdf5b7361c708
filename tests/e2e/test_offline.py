"""Installable and offline, in Chromium at phone size, with the real service worker.

Save a routine with a cached video → lose the network → open it from the start URL → play,
watch the video, finish and rate → back online → exactly one log and an empty outbox.
"""
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.media import service as media
from app.db import db
from app.models import SignIn, RoutineRecord, WorkoutLog
from app.tasks import fetch_media
from tests.conftest import preview, sign_up_and_skip_to_dashboard

pytestmark = pytest.mark.usefixtures("no_media")


def worker_ready(page):
    """Wait until the service worker controls the page (it claims clients when it activates)."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def eventually(page, script, timeout=15):
    """Poll an async page expression until it is truthy (wait_for_function doesn't await promises)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        page.wait_for_timeout(200)


def outbox(page):
    return page.evaluate("Limber.outbox.all()")


def cache_names(page):
    return page.evaluate("caches.keys()")


def routine_with_video(app, page, media_host):
    """Quick-start a warm-up and give its first exercise a real video, cached by the Huey task."""
    preview(page, "warm-up")
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    routine_id = int(page.url.rsplit("/", 1)[1])
    with app.app_context(), db.connection_context():
        first = RoutineRecord.get_by_id(routine_id).data["steps"][0]["exercise_id"]
        row, _ = media.add(first, f"{media_host.url}/clip.webm")
        fetch_media(row.id)
        assert media.for_exercises([first])
    return routine_id


def save_for_offline(page, routine_id, live_server):
    page.goto(f"{live_server}/routines/{routine_id}")
    worker_ready(page)
    page.get_by_role("button", name="Save for offline").click()
    expect(page.locator(".save-status")).to_contain_text("Saved for offline")


def saved_quick_start(page, live_server, email, quick_start):
    """A new person's quick-start routine, saved for offline; its id."""
    sign_up_and_skip_to_dashboard(live_server, page, email)
    preview(page, quick_start)
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    routine_id = int(page.url.rsplit("/", 1)[1])
    save_for_offline(page, routine_id, live_server)
    return routine_id


def play_to_the_end_offline(page, live_server, routine_id):
    """From the start URL, offline: Home → Saved for offline → Start; then play it fast and rate it."""
    page.goto(live_server + "/")
    page.get_by_role("link", name="Saved for offline").first.click()
    expect(page.get_by_role("heading", name="Saved for offline")).to_be_visible()
    page.locator(f'a[href="/routines/{routine_id}/play"]').click()
    page.wait_for_url(re.compile(rf"/routines/{routine_id}/play$"))
    expect(page.locator("#stage-name")).to_be_visible()
    video = page.locator("#stage-media video")
    expect(video).to_be_attached()
    # The video plays from the cache, and seeks (a Range request the worker answers from the cache).
    page.wait_for_function("""() => { const v = document.querySelector('#stage-media video');
        return v && v.readyState >= 2 && !v.paused && v.currentTime > 0.2; }""", timeout=15000)
    page.evaluate("""() => new Promise((resolve) => { const v = document.querySelector('#stage-media video');
        v.addEventListener('seeked', resolve, { once: true }); v.currentTime = 1.5; })""")
    ranged = page.evaluate("""async () => { const src = document.querySelector('#stage-media video').src;
        const whole = await (await fetch(src)).blob();
        const part = await fetch(src, { headers: { Range: 'bytes=100-199' } });
        return { status: part.status, range: part.headers.get('Content-Range'), size: (await part.blob()).size,
                 total: whole.size }; }""")
    assert ranged == {"status": 206, "range": f"bytes 100-199/{ranged['total']}", "size": 100,
                      "total": ranged["total"]}
    page.goto(f"{live_server}/routines/{routine_id}/play?speed=100")  # the same saved page, a faster clock
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Nice work!")).to_be_visible(timeout=30000)
    page.get_by_text("Too easy").click()
    # Notes never go to the phone's storage: offline, the box is closed and says so before anything is typed.
    expect(page.get_by_label("Note (optional)")).to_be_disabled()
    expect(page.locator("#note-offline")).to_be_visible()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Saved on this phone — will sync")).to_be_visible()


def logs_for(email):
    with db.connection_context():
        return list(WorkoutLog.select().join(WorkoutLog.account.rel_model)
                    .where(WorkoutLog.account.rel_model.email == email))


def test_the_start_page_is_installable(live_server, browser_type, browser_type_launch_args, tmp_path):
    # A real profile, not an incognito context: Chromium never offers to install from incognito.
    context = browser_type.launch_persistent_context(tmp_path / "profile", **browser_type_launch_args,
                                                     viewport={"width": 390, "height": 844})
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_up_and_skip_to_dashboard(live_server, page, "install@example.com")
        worker_ready(page)
        errors = context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
        manifest = page.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")
        assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
        assert {s["name"] for s in manifest["shortcuts"]} == {"Quick warm-up", "Desk break"}
    finally:
        context.close()


def test_a_saved_routine_plays_offline_with_its_video_and_its_log_syncs_once(app, live_server, page, context,
                                                                            media_host):
    sign_up_and_skip_to_dashboard(live_server, page, "basement@example.com")
    routine_id = routine_with_video(app, page, media_host)
    save_for_offline(page, routine_id, live_server)
    page.goto(live_server + "/")  # the start page, visited once online

    context.set_offline(True)
    play_to_the_end_offline(page, live_server, routine_id)
    queued = outbox(page)
    assert len(queued) == 1 and "note" not in queued[0]  # free-text notes never go to the phone's storage
    assert page.evaluate("localStorage.getItem('limber.sessions')") == "1"  # the install offer may show now
    assert logs_for("basement@example.com") == []
    page.goto(live_server + "/")
    expect(page.get_by_text("1 session waiting to sync")).to_be_visible()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    eventually(page, "Limber.outbox.all().then((items) => items.length === 0)")
    expect(page.get_by_text("1 session waiting to sync")).to_be_hidden()
    logs = logs_for("basement@example.com")
    assert len(logs) == 1 and logs[0].rating == "too_easy" and logs[0].routine_id == routine_id
    assert logs[0].client_id == queued[0]["client_id"]
    page.goto(live_server + "/history")
    expect(page.locator(".history").get_by_text("Too easy")).to_be_visible()
    page.reload()
    assert len(logs_for("basement@example.com")) == 1


def test_a_log_kept_while_the_session_expired_syncs_after_signing_in(app, live_server, page, context, media_host):
    sign_up_and_skip_to_dashboard(live_server, page, "expired@example.com")
    routine_id = routine_with_video(app, page, media_host)
    save_for_offline(page, routine_id, live_server)
    page.goto(live_server + "/")
    context.set_offline(True)
    play_to_the_end_offline(page, live_server, routine_id)
    with db.connection_context():
        SignIn.delete().execute()  # the sign-in ran out while the phone was offline

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("Sign in again to sync it")).to_be_visible(timeout=15000)
    assert len(outbox(page)) == 1 and logs_for("expired@example.com") == []

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail").fill("expired@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Saved for offline")).to_be_visible()
    eventually(page, "Limber.outbox.all().then((items) => items.length === 0)")
    assert len(logs_for("expired@example.com")) == 1


# The scripts of a page rendered by the last release, before the front end was split up: no shared.js,
# outbox.js and app.js on every page, and the player as an ES module (git show HEAD:templates/base.html).
NEW_SCRIPT_TAG = re.compile(r'\s*<script src="/static/js/[^"]+" defer></script>')
HTMX_TAG = re.compile(r'<script src="/static/vendor/htmx\.min\.js\?v=\w+" defer></script>')
LAST_RELEASE_SCRIPTS = ('\n  <script src="/static/js/outbox.js?v=old" defer></script>'
                        '\n  <script src="/static/js/app.js?v=old" defer></script>')
LAST_RELEASE_PLAYER = '\n  <script type="module" src="/static/js/player.js?v=old"></script>'


def make_saved_page_old(page, path, player=False):
    """Rewrite a page in the worker's saved cache as the last release rendered it: what a phone
    keeps when refreshing saved routines after a deploy failed (offline, or signed out)."""
    saved = page.evaluate("""async (path) => {
        const response = await (await caches.open('limber-saved')).match(path);
        return { html: await response.text(), headers: [...response.headers] };
    }""", path)
    html, removed = NEW_SCRIPT_TAG.subn("", saved["html"])
    assert removed >= 7 and "/static/js/" not in html  # shared.js, outbox.js, page.js … all gone
    html, added = HTMX_TAG.subn(lambda m: m.group(0) + LAST_RELEASE_SCRIPTS + (LAST_RELEASE_PLAYER if player else ""),
                                html)
    assert added == 1
    headers = [[k, v] for k, v in saved["headers"] if k.lower() not in ("content-length", "content-encoding")]
    page.evaluate("""async ({ path, html, headers }) => {
        await (await caches.open('limber-saved')).put(path, new Response(html, { headers }));
    }""", {"path": path, "html": html, "headers": headers})


def script_sources(page):
    """[type, path?query] of every script the page loads, in order."""
    return page.evaluate("""[...document.scripts].filter((s) => s.src)
        .map((s) => [s.type, new URL(s.src).pathname + new URL(s.src).search])""")


def test_a_routine_saved_before_a_deploy_still_plays_offline_and_its_log_syncs_once(live_server, page, context):
    routine_id = saved_quick_start(page, live_server, "olddeploy@example.com", "warm-up")
    page.goto(live_server + "/")

    # A deploy happened and the worker couldn't fetch the saved pages again: they name old script URLs
    # (old ?v= hashes, app.js that no longer exists, the player as a module) and no shared.js.
    context.set_offline(True)
    make_saved_page_old(page, f"/routines/{routine_id}")
    make_saved_page_old(page, f"/routines/{routine_id}/play", player=True)

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/routines/{routine_id}")
    assert [src for _, src in script_sources(page)][1:] == ["/static/js/outbox.js?v=old", "/static/js/app.js?v=old"]
    assert errors == []  # deferred scripts have run by the load event
    assert page.evaluate("() => Boolean(window.Limber && Limber.sync && Limber.worker && Limber.outbox)")
    expect(page.get_by_role("link", name="▶ Start")).to_be_visible()

    page.goto(f"{live_server}/routines/{routine_id}/play?speed=100")
    assert script_sources(page)[1:] == [["", "/static/js/outbox.js?v=old"], ["", "/static/js/app.js?v=old"],
                                        ["module", "/static/js/player.js?v=old"]]
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Nice work!")).to_be_visible(timeout=30000)
    page.get_by_text("Too easy").click()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Saved on this phone — will sync")).to_be_visible()
    assert errors == []
    queued = outbox(page)
    assert len(queued) == 1 and queued[0]["routine_id"] == routine_id
    assert logs_for("olddeploy@example.com") == []

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # the old page's own sync sends it
    eventually(page, "Limber.outbox.all().then((items) => items.length === 0)")
    logs = logs_for("olddeploy@example.com")
    assert len(logs) == 1 and logs[0].rating == "too_easy" and logs[0].client_id == queued[0]["client_id"]
    page.goto(live_server + "/history")
    expect(page.locator(".history").get_by_text("Too easy")).to_be_visible()
    page.reload()
    assert len(logs_for("olddeploy@example.com")) == 1


def test_an_unsaved_page_offline_shows_the_offline_page(live_server, page, context):
    sign_up_and_skip_to_dashboard(live_server, page, "nosignal@example.com")
    worker_ready(page)
    page.goto(live_server + "/")  # visited with the worker in charge, so it keeps a copy
    context.set_offline(True)
    page.goto(live_server + "/exercises/worlds-greatest-stretch")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    page.goto(live_server + "/")  # a page visited before: its last copy
    expect(page.get_by_role("heading", name="Ready when you are")).to_be_visible()
    page.get_by_role("link", name="Library").click()  # a boosted link with no network: the offline page
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()


def test_logging_out_leaves_nothing_of_the_person_on_the_phone(app, live_server, page, media_host):
    sign_up_and_skip_to_dashboard(live_server, page, "shared@example.com")
    routine_id = routine_with_video(app, page, media_host)
    save_for_offline(page, routine_id, live_server)
    assert "limber-saved" in cache_names(page)
    page.goto(live_server + "/settings")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    names = cache_names(page)
    assert "limber-saved" not in names and "limber-pages" not in names
    assert outbox(page) == [] and page.evaluate("localStorage.length") == 0


@pytest.fixture
def deployable(app, tmp_path):
    """The app served from a copy of static/ on a fixed port, so a test can 'deploy' new files."""
    from werkzeug.serving import make_server

    from app import create_app, templating
    from app.db import bind
    from tests.conftest import free_port

    working = db.obj
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static, ignore=shutil.ignore_patterns("*.gz", "*.br"))
    port = free_port()
    servers = []

    def deploy():
        if servers:
            servers[-1].shutdown()
            servers[-1].server_close()
        templating._settled.clear()  # a deploy is a new process: static URLs are worked out again
        new = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "RATELIMIT_STORAGE_URI", "MEDIA_DIR")},
                          "STATIC_DIR": str(static)})
        bind(working)  # one database for every app in this process
        server = make_server("127.0.0.1", port, new, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{port}"

    yield static, deploy
    servers[-1].shutdown()
    servers[-1].server_close()
    bind(working)


def test_a_deploy_with_new_static_files_replaces_the_worker_and_its_caches(page, deployable):
    static, deploy = deployable
    url = deploy()
    page.goto(url + "/login")
    worker_ready(page)
    old = [name for name in cache_names(page) if name.startswith("limber-shell-")]
    assert len(old) == 1

    css = Path(static, "css", "app.css")
    css.write_text(css.read_text() + "\n.deployed { color: inherit; }\n")
    script = Path(static, "js", "page.js")
    script.write_text(script.read_text() + "\nwindow.deployedScript = true;\n")
    deploy()
    page.reload()
    # The old worker still answers, but the new page gets the new script it names, from the network.
    eventually(page, "window.deployedScript === true")
    with page.expect_navigation():  # the new worker takes over and the page reloads itself
        page.get_by_role("button", name="Reload to update").click()
    worker_ready(page)
    eventually(page, f"caches.keys().then((names) => !names.includes({old[0]!r}))")
    new = [name for name in cache_names(page) if name.startswith("limber-shell-")]
    assert len(new) == 1 and new != old
    version = page.evaluate("Limber.worker.ask({type: 'version'})")
    assert new == [f"limber-shell-{version}"]


FIRE_INSTALL_PROMPT = """() => {
  const event = new Event('beforeinstallprompt', { cancelable: true });
  event.prompt = () => { window.promptShown = true; };
  event.userChoice = Promise.resolve({ outcome: 'accepted' });
  window.dispatchEvent(event);
}"""


def test_the_install_offer_waits_for_a_finished_session_and_is_remembered(live_server, page):
    # Chromium fires beforeinstallprompt on its own engagement rules; the test fires it directly.
    page.goto(live_server + "/login")
    page.evaluate(FIRE_INSTALL_PROMPT)
    expect(page.locator("#install-banner")).to_have_count(0)  # never on a first visit
    page.evaluate("localStorage.setItem('limber.sessions', '1')")  # the player counts finished sessions
    page.reload()
    page.evaluate(FIRE_INSTALL_PROMPT)
    expect(page.get_by_text("Put Limber on your home screen")).to_be_visible()
    page.get_by_role("button", name="Not now").click()
    page.reload()
    page.evaluate(FIRE_INSTALL_PROMPT)
    expect(page.locator("#install-banner")).to_have_count(0)
    page.evaluate("localStorage.removeItem('limber.install')")
    page.reload()
    page.evaluate(FIRE_INSTALL_PROMPT)
    page.get_by_role("button", name="Install").click()
    assert page.evaluate("window.promptShown") is True
    assert page.evaluate("localStorage.getItem('limber.install')") == "installed"


def test_a_youtube_video_gives_way_to_the_instructions_offline(app, live_server, page, context, no_media):
    sign_up_and_skip_to_dashboard(live_server, page, "tube@example.com")
    preview(page, "warm-up")
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    routine_id = int(page.url.rsplit("/", 1)[1])
    with app.app_context(), db.connection_context():
        first = RoutineRecord.get_by_id(routine_id).data["steps"][0]["exercise_id"]
        media.add(first, "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    page.goto(f"{live_server}/routines/{routine_id}/play")
    frame = page.locator("#stage-media iframe")
    expect(frame).to_have_attribute("src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/dQw4w9WgXcQ"))
    context.set_offline(True)
    expect(page.get_by_text("The video needs a connection — follow the steps below.")).to_be_visible()
    expect(frame).to_have_count(0)
    expect(page.locator("#stage-instructions li").first).to_be_visible()


def test_a_saved_routine_shows_its_figures_offline(live_server, page, context):
    routine_id = saved_quick_start(page, live_server, "drawn@example.com", "Cool-down")
    context.set_offline(True)
    answered = []
    page.on("response", lambda response: answered.append(response) if "/figure.svg" in response.url else None)
    page.goto(f"{live_server}/routines/{routine_id}")
    thumbs = page.locator(".steps-list img.figure-thumb")
    expect(thumbs.first).to_be_visible()
    eventually(page, "[...document.querySelectorAll('.steps-list img.figure-thumb')]"
                     ".every((img) => img.complete && img.naturalWidth > 0)")
    assert answered and all(r.from_service_worker and r.ok for r in answered)  # every figure came from the phone


def test_a_figure_seen_in_the_library_shows_offline_on_its_exercise_page(live_server, page, context):
    sign_up_and_skip_to_dashboard(live_server, page, "seen@example.com")
    worker_ready(page)
    page.goto(f"{live_server}/exercises/standing-quad-stretch")
    figure = page.locator("img.figure")
    expect(figure).to_be_visible()
    eventually(page, "caches.open('limber-figures').then((c) => c.keys()).then((k) => k.length > 0)")
    context.set_offline(True)
    answered = []
    page.on("response", lambda response: answered.append(response) if "/figure.svg" in response.url else None)
    page.reload()
    eventually(page, "(() => { const i = document.querySelector('img.figure'); return i && i.complete && i.naturalWidth > 0; })()")
    assert answered and all(r.from_service_worker and r.ok for r in answered)
