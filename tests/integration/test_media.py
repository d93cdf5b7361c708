"""Exercise media: the Huey download task against a fake media host, the sweeper, Range serving."""
import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.catalog import media
from app.db import db
from app.models import ExerciseMedia, utcnow
from app.tasks import fetch_media, sweep_media

pytestmark = pytest.mark.usefixtures("no_media")
EXERCISE = "march-in-place"


def add(app, url):
    """`flask media add` in-process: create the row, run the task (Huey is eager in tests)."""
    with app.app_context(), db.connection_context():
        row, download = media.add(EXERCISE, url)
    if download:
        with app.app_context():
            fetch_media(row.id)
    return reload(row.id)


def reload(media_id):
    with db.connection_context():
        return ExerciseMedia.get_by_id(media_id)


def leftovers(app):
    folder = Path(app.config["MEDIA_DIR"])
    return [p.name for p in folder.glob(".part-*")] if folder.exists() else []


@pytest.mark.parametrize("name, ctype", [("clip.webm", "video/webm"), ("clip.mp4", "video/mp4"),
                                         ("pose.png", "image/png")])
def test_a_real_file_is_cached_with_size_checksum_and_type(app, media_host, media_files, name, ctype):
    row = add(app, f"{media_host.url}/{name}")
    assert (row.status, row.reason, row.content_type) == ("cached", None, ctype)
    assert row.size == len(media_files[name])
    assert row.checksum == hashlib.sha256(media_files[name]).hexdigest()
    assert media.file_path(app.config["MEDIA_DIR"], row).read_bytes() == media_files[name]
    assert row.kind == ctype.split("/")[0]


def test_running_the_task_twice_downloads_once(app, media_host):
    row = add(app, f"{media_host.url}/redirect-ok")
    before = media_host.hits["/clip.webm"]
    with app.app_context():
        fetch_media(row.id)
        fetch_media(row.id)
    after = reload(row.id)
    assert after.status == "cached" and after.attempts == 1
    assert media_host.hits["/clip.webm"] == before


@pytest.mark.parametrize("path, reason", [
    ("/redirect-private", "10.0.0.7 is not a public address"),
    ("/redirect-metadata", "169.254.169.254 is not a public address"),
    ("/redirect-broken", "the URL is malformed"),
    ("/huge.mp4", "too large"),
    ("/huge-chunked.mp4", "too large"),
    ("/page.html", "content type text/html is not a video or image"),
    ("/lying.mp4", "contents are not video/mp4"),
    ("/nowhere.webm", "answered 404"),
])
def test_refused_downloads_fail_for_good_with_a_reason(app, media_host, path, reason):
    row = add(app, media_host.url + path)
    assert row.status == "failed" and not row.transient, row.reason
    assert reason in row.reason
    assert row.size is None and row.checksum is None
    assert leftovers(app) == []


def test_loopback_is_refused_unless_the_setting_allows_it(app, media_host, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_ALLOW_LOOPBACK", False)
    before = media_host.hits["/clip.webm"]
    row = add(app, f"{media_host.url}/clip.webm")
    assert row.status == "failed" and "127.0.0.1 is not a public address" in row.reason
    assert media_host.hits["/clip.webm"] == before  # refused before connecting


def test_only_http_urls_are_accepted(app):
    with app.app_context(), db.connection_context():
        for url in ("file:///etc/passwd", "ftp://example.com/a.mp4", "gopher://x/", "http://user:pw@example.com/a.mp4",
                    "http://[::1", "https://youtube.com:99999/watch?v=dQw4w9WgXcQ", "not a url", ""):
            with pytest.raises(media.MediaError):
                media.add(EXERCISE, url)
        with pytest.raises(media.MediaError, match="no exercise"):
            media.add("no-such-exercise", "https://example.com/a.mp4")
        assert ExerciseMedia.select().count() == 0


def test_a_slow_host_is_a_transient_failure_retried_later(app, media_host):
    media_host.slow_seconds = 8
    row = add(app, f"{media_host.url}/slow.webm")  # MEDIA_TIMEOUT is 3 s in tests
    assert row.status == "failed" and row.transient and "too slow" in row.reason
    assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=50)
    assert leftovers(app) == []


def test_the_sweeper_retries_a_transient_failure_when_it_is_due(app, media_host):
    row = add(app, f"{media_host.url}/flaky.webm")
    assert row.status == "failed" and row.transient and "503" in row.reason
    with app.app_context():
        assert sweep_media.call_local() == []  # not due yet: the backoff holds
    with db.connection_context():
        ExerciseMedia.update(next_attempt_at=utcnow() - dt.timedelta(seconds=1)).execute()
    with app.app_context():
        assert sweep_media.call_local() == [row.id]
    again = reload(row.id)
    assert (again.status, again.attempts, again.reason) == ("cached", 2, None)


def test_a_youtube_link_is_embedded_not_downloaded(app):
    with app.app_context(), db.connection_context():
        row, download = media.add(EXERCISE, "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10")
        assert not download and row.status == "ready" and row.youtube_id == "dQw4w9WgXcQ"
        assert media.add(EXERCISE, "https://youtu.be/dQw4w9WgXcQ")[0].youtube_id == "dQw4w9WgXcQ"
        with pytest.raises(media.MediaError):
            media.add(EXERCISE, "https://www.youtube.com/watch?v=<script>")


def test_the_cli_adds_media_and_reports_bad_urls(app, media_host):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["media", "add", EXERCISE, f"{media_host.url}/pose.png"])
    assert result.exit_code == 0 and "queued for download" in result.output
    listed = runner.invoke(args=["media", "list"])
    assert "cached" in listed.output and "image/png" in listed.output
    bad = runner.invoke(args=["media", "add", EXERCISE, "file:///etc/passwd"])
    assert bad.exit_code != 0 and "only http and https" in bad.output


def test_media_is_served_with_ranges_to_signed_in_people(app, client, person, media_host, media_files):
    row = add(app, f"{media_host.url}/clip.webm")
    url = f"/media/{row.id}/{media.public_name(row)}"
    full = client.get(url)
    assert full.status_code == 200 and full.data == media_files["clip.webm"]
    assert full.headers["Content-Type"] == "video/webm"
    assert full.headers["Accept-Ranges"] == "bytes"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in full.headers["Cache-Control"] and "private" in full.headers["Cache-Control"]
    assert "max-age=31536000" in full.headers["Cache-Control"]
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == media_files["clip.webm"][100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(media_files['clip.webm'])}"
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == media_files["clip.webm"][-50:]
    assert client.get(url, headers={"Range": "bytes=999999999-"}).status_code == 416
    assert client.get(f"/media/{row.id}/0000000000000000.webm").status_code == 404
    assert client.get(f"/media/{row.id + 1}/{media.public_name(row)}").status_code == 404
    assert client.get("/media/99999999999/x.webm").status_code == 404
    person.logout()
    assert client.get(url).status_code == 401


def test_the_sweeper_recovers_a_download_whose_worker_was_killed(app, media_host):
    """A real Huey consumer starts the download; SIGKILL loses it; the sweeper finishes it."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "MEDIA_DIR": app.config["MEDIA_DIR"],
           "MEDIA_ALLOW_LOOPBACK": "1", "MEDIA_TIMEOUT": "120",
           "HUEY_FILE": str(Path(app.config["INSTANCE_DIR"]) / "huey-consumer.db")}
    env.pop("HUEY_IMMEDIATE", None)
    media_host.slow_seconds = 30
    consumer = subprocess.Popen([str(bin_dir / "huey_consumer"), "wsgi.huey", "-w", "1", "-q"], env=env,
                                cwd=Path(__file__).parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        added = subprocess.run([str(bin_dir / "flask"), "--app", "wsgi", "media", "add", EXERCISE,
                                f"{media_host.url}/slow.webm"], env=env, cwd=Path(__file__).parents[2],
                               capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr
        media_id = int(added.stdout.split()[1].rstrip(":"))
        deadline = time.monotonic() + 30
        while reload(media_id).status != "downloading":
            assert time.monotonic() < deadline, "the consumer never started the download"
            time.sleep(0.1)
    finally:
        os.killpg(consumer.pid, signal.SIGKILL)
        consumer.wait()
    stuck = reload(media_id)
    assert stuck.status == "downloading" and stuck.attempts == 1
    with app.app_context():
        assert sweep_media.call_local() == []  # a download in progress is left alone…
    with db.connection_context():  # …until it has made no progress for longer than STALE_AFTER
        ExerciseMedia.update(started_at=utcnow() - media.STALE_AFTER - dt.timedelta(seconds=1)).execute()
    media_host.slow_seconds = 0.5
    with app.app_context():
        assert sweep_media.call_local() == [media_id]
    done = reload(media_id)
    assert (done.status, done.attempts) == ("cached", 2)


def test_admins_manage_media_and_nobody_else_sees_the_page(app, client, auth, media_host):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["user", "create-admin", "coach@example.com"],
                         env={"LIMBER_ADMIN_PASSWORD": "stretch it out"})
    assert made.exit_code == 0 and "admin coach@example.com created" in made.output
    assert runner.invoke(args=["user", "create-admin", "x@example.com"],
                         env={"LIMBER_ADMIN_PASSWORD": "short"}).exit_code != 0
    auth.signup("someone@example.com")
    assert client.get("/admin/media").status_code == 404
    assert auth.post("/admin/media", {"exercise": EXERCISE, "url": "https://example.com/a.mp4"},
                     token_from="/settings").status_code == 404
    auth.logout()
    auth.login("coach@example.com", "stretch it out")
    assert "Exercise media" in client.get("/settings").get_data(as_text=True)
    page = client.get("/admin/media")
    assert page.status_code == 200 and "No media yet" in page.get_data(as_text=True)
    bad = auth.post("/admin/media", {"exercise": EXERCISE, "url": "ftp://example.com/a.mp4"}, token_from="/admin/media")
    assert bad.status_code == 422 and "only http and https" in bad.get_data(as_text=True)
    unknown = auth.post("/admin/media", {"exercise": "nope", "url": "https://example.com/a.mp4"},
                        token_from="/admin/media")
    assert unknown.status_code == 422 and ExerciseMedia.select().count() == 0
    added = auth.post("/admin/media", {"exercise": EXERCISE, "url": f"{media_host.url}/page.html"},
                      token_from="/admin/media", follow_redirects=True)
    text = added.get_data(as_text=True)
    assert "failed" in text and "content type text/html" in text and "Retry" in text
    row = ExerciseMedia.get()
    assert auth.post(f"/admin/media/{row.id}/retry", {}, token_from="/admin/media").status_code == 302
    assert reload(row.id).attempts == 1  # tried again from scratch (and failed again, for good)
    assert auth.post(f"/admin/media/{row.id}/delete", {}, token_from="/admin/media").status_code == 302
    assert ExerciseMedia.select().count() == 0
    assert auth.post("/admin/media/424242/delete", {}, token_from="/admin/media").status_code == 404
