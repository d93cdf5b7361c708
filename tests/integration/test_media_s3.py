"""Exercise media on object storage: the real boto3 client against a real S3 protocol server (moto's
server mode, its own process on loopback), files from the fake media host, Huey eager as in test_media.

With MEDIA_S3_BUCKET set, a finished, checked download goes to the bucket and never to MEDIA_DIR;
``/media/<id>/<name>`` streams it with Range support, or (MEDIA_S3_PRESIGN) redirects to a presigned
URL, except for the service worker's save (a script's fetch, or ?via=limber); a bucket that is down
fails the job transiently, keeps nothing, and a later retry stores the file.
"""
import datetime as dt
import threading
import time
from pathlib import Path

import pytest
import urllib3

from app.db import db
from app.media import jobs, storage
from app.media import service as media
from app.models import ExerciseMedia, utcnow
from app.tasks import media_limits, sweep_media
from tests.conftest import free_port
from tests.fakes.s3_server import CREDENTIALS, FailingS3, S3Server

pytestmark = pytest.mark.usefixtures("no_media")
EXERCISE = "march-in-place"
BUCKET = "limber-media"
PREFIX = "exercise-media/"
ADMIN = ("coach@example.com", "stretch it out")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server in its own process (tests/fakes/s3_server.py)."""
    server = S3Server(tmp_path_factory.mktemp("s3"), free_port()).start()
    yield server
    server.stop()


def make_bucket(server):
    client = server.client()
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)


@pytest.fixture
def s3(app, s3_server, monkeypatch):
    """The app stores media in the bucket (through the proxy, no presigning) for this test."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/limber-test-aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/limber-test-aws-credentials")
    monkeypatch.setattr(storage, "_clients", {})  # a client made for this test's settings only
    for key, value in {"MEDIA_S3_BUCKET": BUCKET, "MEDIA_S3_ENDPOINT_URL": s3_server.url, "MEDIA_S3_PREFIX": PREFIX,
                       "MEDIA_S3_PRESIGN": False, "MEDIA_S3_PRESIGN_SECONDS": 60}.items():
        monkeypatch.setitem(app.config, key, value)
    make_bucket(s3_server)
    yield s3_server
    if s3_server.process is None or s3_server.process.poll() is not None:
        s3_server.start()  # a test left it stopped
    make_bucket(s3_server)
    client = s3_server.client()
    for key in s3_server.keys(BUCKET):
        client.delete_object(Bucket=BUCKET, Key=key)


# -- helpers ----------------------------------------------------------------------------------------

def reload(media_id):
    with db.connection_context():
        return ExerciseMedia.get_by_id(media_id)


def on_disk(app):
    """Every file in MEDIA_DIR, partial downloads included."""
    folder = Path(app.config["MEDIA_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def object_bytes(server, row):
    return server.client().get_object(Bucket=BUCKET, Key=PREFIX + media.stored_name(row))["Body"].read()


def sign_in_as_admin(app, auth):
    made = app.test_cli_runner().invoke(args=["user", "create-admin", ADMIN[0]],
                                        env={"LIMBER_ADMIN_PASSWORD": ADMIN[1]})
    assert made.exit_code == 0, made.output
    assert auth.login(*ADMIN).status_code in (302, 303)


def attach(auth, url):
    """What an admin does on /admin/media; the task runs at once (Huey is eager in tests). The new row."""
    added = auth.post("/admin/media", {"exercise": EXERCISE, "url": url}, token_from="/admin/media")
    assert added.status_code in (302, 303), added.get_data(as_text=True)
    with db.connection_context():
        return ExerciseMedia.select().order_by(ExerciseMedia.id.desc()).get()


def queued(app, url):
    with app.app_context(), db.connection_context():
        return media.add(EXERCISE, url)[0].id


def wait_for(condition, what, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {seconds} s waiting for {what}"
        time.sleep(0.02)


def due_now(media_id):
    with db.connection_context():
        ExerciseMedia.update(next_attempt_at=utcnow() - dt.timedelta(seconds=1)).where(
            ExerciseMedia.id == media_id).execute()


def plain_get(url, headers=None):
    """A GET without Limber's cookies, as the browser makes after a cross-origin redirect."""
    return urllib3.PoolManager().request("GET", url, headers=headers or {}, redirect=False, timeout=10, retries=False)


# -- the tests ----------------------------------------------------------------------------------------

def test_without_a_bucket_media_stays_in_media_dir(app):
    assert app.config["MEDIA_S3_BUCKET"] is None  # the default: everything in test_media.py runs on disk
    local = storage.for_settings(app.config)
    assert isinstance(local, storage.LocalStorage) and local.folder == Path(app.config["MEDIA_DIR"])


def test_an_attached_file_goes_to_the_bucket_and_is_served_with_ranges(app, client, auth, s3, media_host,
                                                                      media_files):
    sign_in_as_admin(app, auth)
    row = attach(auth, f"{media_host.url}/clip.webm")
    body = media_files["clip.webm"]
    assert (row.status, row.reason, row.size, row.content_type) == ("cached", None, len(body), "video/webm")
    key = PREFIX + media.stored_name(row)
    assert key == f"{PREFIX}{row.checksum}.webm"
    assert s3.keys(BUCKET) == [key]
    head = s3.client().head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == len(body) and head["ContentType"] == "video/webm"
    assert object_bytes(s3, row) == body
    assert on_disk(app) == []  # not in MEDIA_DIR, and no partial file left behind
    assert "cached" in client.get("/admin/media").get_data(as_text=True)

    url = f"/media/{row.id}/{media.public_name(row)}"
    full = client.get(url)
    assert full.status_code == 200 and full.data == body
    assert full.headers["Content-Type"] == "video/webm" and full.headers["Content-Length"] == str(len(body))
    assert full.headers["Accept-Ranges"] == "bytes" and full.headers["ETag"] == f'"{row.checksum}"'
    assert full.headers["Last-Modified"]
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    cache = full.headers["Cache-Control"]
    assert "private" in cache and "immutable" in cache and "max-age=31536000" in cache
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == body[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(body)}" and part.headers["Content-Length"] == "100"
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == body[-50:]
    assert tail.headers["Content-Range"] == f"bytes {len(body) - 50}-{len(body) - 1}/{len(body)}"
    rest = client.get(url, headers={"Range": f"bytes={len(body) - 10}-"})
    assert rest.status_code == 206 and rest.data == body[-10:]
    past = client.get(url, headers={"Range": "bytes=999999999-"})
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{len(body)}"
    assert client.get(url, headers={"If-None-Match": f'"{row.checksum}"'}).status_code == 304
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"another-version"'})
    assert stale.status_code == 200 and stale.data == body  # If-Range doesn't match: the whole file
    assert client.get(f"/media/{row.id}/0000000000000000.webm").status_code == 404

    removed = auth.post(f"/admin/media/{row.id}/delete", {}, token_from="/admin/media")
    assert removed.status_code == 302
    assert s3.keys(BUCKET) == [] and ExerciseMedia.select().count() == 0
    assert client.get(url).status_code == 404


def test_an_object_shared_by_two_rows_stays_until_the_last_is_removed(app, auth, s3, media_host):
    sign_in_as_admin(app, auth)
    first = attach(auth, f"{media_host.url}/pose.png")
    second = attach(auth, f"{media_host.url}/pose.png")
    assert first.checksum == second.checksum and s3.keys(BUCKET) == [PREFIX + media.stored_name(first)]
    auth.post(f"/admin/media/{first.id}/delete", {}, token_from="/admin/media")
    assert s3.keys(BUCKET) == [PREFIX + media.stored_name(first)]
    auth.post(f"/admin/media/{second.id}/delete", {}, token_from="/admin/media")
    assert s3.keys(BUCKET) == []


def test_presign_mode_redirects_to_the_bucket_but_the_service_worker_gets_the_bytes(app, client, auth, s3,
                                                                                   media_host, media_files,
                                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_S3_PRESIGN", True)
    sign_in_as_admin(app, auth)
    row = attach(auth, f"{media_host.url}/clip.mp4")
    body = media_files["clip.mp4"]
    url = f"/media/{row.id}/{media.public_name(row)}"

    moved = client.get(url)  # a <video>, an <img>, a tab, curl: to the bucket
    assert moved.status_code == 302 and moved.headers["Cache-Control"] == "no-store"
    location = moved.headers["Location"]
    assert location.startswith(f"{s3.url}/{BUCKET}/{PREFIX}{row.checksum}.mp4?")
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    # What Chromium sends for a <video>, itself or passed on by the service worker (whose fetch(event.request)
    # says Sec-Fetch-Dest: empty but keeps the no-cors mode), and for a tab: all go to the bucket.
    for headers in ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "video"},
                    {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty", "Range": "bytes=0-"},
                    {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}):
        assert client.get(url, headers=headers).status_code == 302, headers
    whole = plain_get(location)
    assert whole.status == 200 and whole.data == body and whole.headers["Content-Type"] == "video/mp4"
    ranged = plain_get(location, {"Range": "bytes=100-199"})
    assert ranged.status == 206 and ranged.data == body[100:200]

    # The service worker's "Save for offline" fetch() (a cors-mode fetch), or ?via=limber: the bytes.
    sw_save = {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "same-origin"}
    for through in (client.get(url, headers=sw_save), client.get(url + "?via=limber")):
        assert through.status_code == 200 and through.data == body
        assert "Sec-Fetch-Mode" in through.headers["Vary"]
    ranged_through = client.get(url + "?via=limber", headers={"Range": "bytes=0-15"})
    assert ranged_through.status_code == 206 and ranged_through.data == body[:16]
    assert storage.presigned_origin(app.config) == s3.url  # for the Content-Security-Policy (see the report)
    assert on_disk(app) == []

    auth.post(f"/admin/media/{row.id}/delete", {}, token_from="/admin/media")
    assert s3.keys(BUCKET) == []
    assert plain_get(location).status == 404  # the presigned URL of a deleted object leads nowhere


def test_the_bucket_going_down_mid_download_fails_the_job_transiently_and_a_retry_stores_it(app, s3, media_host,
                                                                                          media_files):
    """moto is stopped while the file is still downloading: the upload finds nothing listening."""
    media_host.slow_seconds = 2  # within MEDIA_TIMEOUT (3 s in tests)
    media_id = queued(app, f"{media_host.url}/slow.webm")
    result = {}

    def work():
        with app.app_context():  # the app's settings, as the eager task has: the bucket
            result["status"] = jobs.run(media_id, app.config["MEDIA_DIR"], media_limits(app.config), store=storage.for_settings(app.config))

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        wait_for(lambda: any(name.startswith(f".part-{media_id}-") for name in on_disk(app)),
                 "the download to start writing its part file")
        assert reload(media_id).status == "downloading"
        s3.stop()
    finally:
        thread.join(timeout=30)
    assert not thread.is_alive(), "the job didn't finish within 30 s of the bucket going down"
    assert result["status"] == "failed"
    row = reload(media_id)
    assert (row.status, row.transient, row.checksum, row.size) == ("failed", True, None, None)
    assert row.reason.startswith("couldn't store the file:") and "EndpointConnectionError" in row.reason
    assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=50)  # the usual backoff
    assert on_disk(app) == []  # neither the part file nor a finished one

    s3.start()  # back (empty: moto keeps nothing across a restart)
    make_bucket(s3)
    assert s3.keys(BUCKET) == []
    media_host.slow_seconds = 0.2
    with app.app_context():
        assert sweep_media.call_local() == []  # the backoff holds
    due_now(media_id)
    with app.app_context():
        assert sweep_media.call_local() == [media_id]
    done = reload(media_id)
    assert (done.status, done.attempts, done.reason) == ("cached", 2, None)
    assert s3.keys(BUCKET) == [PREFIX + media.stored_name(done)]
    assert object_bytes(s3, done) == media_files["clip.webm"]
    assert on_disk(app) == []


def test_a_bucket_answering_503_fails_the_job_transiently_and_keeps_nothing(app, client, auth, s3, media_host,
                                                                           media_files, monkeypatch):
    failing = FailingS3().start()
    try:
        sign_in_as_admin(app, auth)
        good = attach(auth, f"{media_host.url}/pose.png")  # stored while the bucket was up
        monkeypatch.setitem(app.config, "MEDIA_S3_ENDPOINT_URL", failing.url)
        row = attach(auth, f"{media_host.url}/clip.webm")
        assert (row.status, row.transient, row.checksum) == ("failed", True, None)
        assert "couldn't store the file" in row.reason and "503" in row.reason
        assert [method for method, _ in failing.requests] == ["PUT", "PUT"]  # boto tried twice, no more
        assert "retrying automatically" in client.get("/admin/media").get_data(as_text=True)
        assert on_disk(app) == []

        # Serving and removing while the store is down: a 503 to try later; the row and its object stay.
        url = f"/media/{good.id}/{media.public_name(good)}"
        down = client.get(url)
        assert down.status_code == 503 and down.headers["Retry-After"] == "30"
        kept = auth.post(f"/admin/media/{good.id}/delete", {}, token_from="/admin/media", follow_redirects=True)
        assert "be deleted from storage just now" in kept.get_data(as_text=True)
        assert reload(good.id).status == "cached"
    finally:
        failing.stop()

    monkeypatch.setitem(app.config, "MEDIA_S3_ENDPOINT_URL", s3.url)
    assert s3.keys(BUCKET) == [PREFIX + media.stored_name(good)]  # nothing of the failed upload
    due_now(row.id)
    with app.app_context():
        assert sweep_media.call_local() == [row.id]
    done = reload(row.id)
    assert done.status == "cached" and object_bytes(s3, done) == media_files["clip.webm"]
    assert client.get(url).data == media_files["pose.png"]
    assert auth.post(f"/admin/media/{good.id}/delete", {}, token_from="/admin/media").status_code == 302
    assert s3.keys(BUCKET) == [PREFIX + media.stored_name(done)]


def test_a_bucket_that_is_not_there_at_all_fails_fast(app, s3, media_host, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    media_id = queued(app, f"{media_host.url}/pose.png")
    with app.app_context():
        assert jobs.run(media_id, app.config["MEDIA_DIR"], media_limits(app.config), store=storage.for_settings(app.config)) == "failed"
    assert time.monotonic() - started < 15  # two attempts with short timeouts: the worker is free again
    row = reload(media_id)
    assert row.transient and "couldn't store the file" in row.reason
    assert on_disk(app) == [] and s3.keys(BUCKET) == []


# -- presign mode in Chromium, with the real service worker --------------------------------------------

@pytest.fixture
def bucket_in_csp(app, s3, monkeypatch):
    """Presign mode, and the Content-Security-Policy with the bucket's origin in img-src, media-src and
    connect-src, as presign mode needs (Chromium judges the service worker's pass-through fetch() of a
    <video> by connect-src). app/security.py does this when the app is made with presign on; the suite's
    app was made without it, so its policy gets what content_security_policy(…, media_origin) adds."""
    monkeypatch.setitem(app.config, "MEDIA_S3_PRESIGN", True)
    origin = storage.presigned_origin(app.config)
    assert origin == s3.url

    from app.security import content_security_policy

    app_policy = content_security_policy(app.config["OIDC_ISSUER"] if app.config["OIDC_CLIENT_ID"] else None)

    def allow_the_bucket(response):
        policy = response.headers.get("Content-Security-Policy") or app_policy
        if origin not in policy:
            for directive in ("img-src", "media-src", "connect-src"):
                policy = policy.replace(f"{directive} 'self'", f"{directive} 'self' {origin}")
        response.headers["Content-Security-Policy"] = policy
        return response

    hooks = app.after_request_funcs.setdefault(None, [])
    hooks.append(allow_the_bucket)  # the last registered runs first: security's setdefault then keeps this
    yield origin
    hooks.remove(allow_the_bucket)


def test_presign_mode_in_a_browser_plays_from_the_bucket_and_saves_through_limber(app, live_server, page, context,
                                                                                 s3, bucket_in_csp, media_host):
    import re

    from flask import request
    from playwright.sync_api import expect

    from app.models import RoutineRecord
    from app.tasks import fetch_media
    from tests.conftest import preview, sign_up_and_skip_to_dashboard
    from tests.e2e.test_offline import eventually, save_for_offline, worker_ready

    modes = []  # Sec-Fetch-Mode of each request for the media file that reaches Limber
    sign_up_and_skip_to_dashboard(live_server, page, "bucket@example.com")
    preview(page, "warm-up")
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    routine_id = int(page.url.rsplit("/", 1)[1])
    # Opening a routine saves it for offline on its own ("opened recently"). Let that finish before the
    # media exists: if it ran after, the worker would hold the file and the <video> below never reach Limber.
    worker_ready(page)
    eventually(page, f"Limber.savedIndex.entries().then((all) => all.some((e) => String(e.id) === '{routine_id}'))")
    with app.app_context(), db.connection_context():
        first = RoutineRecord.get_by_id(routine_id).data["steps"][0]["exercise_id"]
        row, _ = media.add(first, f"{media_host.url}/clip.webm")
    with app.app_context():
        fetch_media(row.id)
    row = reload(row.id)
    assert row.status == "cached" and s3.keys(BUCKET) == [PREFIX + media.stored_name(row)]
    src = f"/media/{row.id}/{media.public_name(row)}"

    def note_mode():
        if request.path == src:
            modes.append(request.headers.get("Sec-Fetch-Mode"))

    app.before_request_funcs.setdefault(None, []).append(note_mode)
    try:
        page.goto(live_server + "/")
        worker_ready(page)
        # Online, not saved yet: the worker passes the <video>'s request on, Limber redirects it to the bucket.
        state = page.evaluate("""(src) => new Promise((resolve) => { const v = document.createElement('video');
            v.muted = true; v.preload = 'auto';
            v.addEventListener('loadeddata', () => resolve('loaded'));
            v.addEventListener('error', () => resolve('error ' + (v.error && v.error.code)));
            setTimeout(() => resolve('timed out'), 10000);
            v.src = src; document.body.appendChild(v); })""", src)
        assert state == "loaded"
        assert modes and set(modes) == {"no-cors"}  # each answered with the redirect (see the presign test above)
        # "Save for offline": the worker's cors fetch() gets the bytes through Limber, and the video plays offline.
        save_for_offline(page, routine_id, live_server)
        assert "cors" in modes
        context.set_offline(True)
        page.goto(f"{live_server}/routines/{routine_id}/play")
        expect(page.locator("#stage-media video")).to_be_attached()
        page.wait_for_function("""() => { const v = document.querySelector('#stage-media video');
            return v && v.readyState >= 2; }""", timeout=15000)
    finally:
        context.set_offline(False)
        app.before_request_funcs[None].remove(note_mode)


def test_presign_mode_allows_the_bucket_and_nothing_else_in_the_policy():
    from app.security import content_security_policy

    plain = content_security_policy(None)
    policy = content_security_policy(None, "https://media.example.net")
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    for name in ("img-src", "media-src", "connect-src"):
        assert directives[name].endswith(" https://media.example.net")
    assert "media.example.net" not in directives["script-src"] + directives["default-src"] + directives["frame-src"]
    assert "media.example.net" not in plain
