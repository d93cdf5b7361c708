"""Exercise media: the Huey download task against a fake media host, the sweeper, Range serving."""
import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import urllib3

from app.db import db
from app.media import fetch, jobs
from app.media import service as media
from app.models import ExerciseMedia, utcnow
from app.tasks import fetch_media, media_limits, sweep_media

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
    return sorted(p.name for p in folder.glob(".part-*")) if folder.exists() else []


def wait_for(condition, what, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def queued(app, url):
    """A media row whose download hasn't run."""
    with app.app_context(), db.connection_context():
        return media.add(EXERCISE, url)[0].id


def left_by_a_dead_worker(app, url, heartbeat_age, started_age=dt.timedelta(minutes=20)):
    """A row as a killed worker leaves it: 'downloading', its last heartbeat ``heartbeat_age`` ago.
    It started long ago (older than any stale window): only the heartbeat may decide."""
    media_id = queued(app, url)
    now = utcnow()
    with db.connection_context():
        ExerciseMedia.update(status="downloading", attempts=1, started_at=now - started_age,
                             updated_at=now - heartbeat_age).where(ExerciseMedia.id == media_id).execute()
    return media_id


def media_file(app, name, age, body=b"\x1a\x45\xdf\xa3 half a video"):
    """A file in MEDIA_DIR last written ``age`` ago."""
    folder = Path(app.config["MEDIA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(body)
    when = time.time() - age.total_seconds()
    os.utime(path, (when, when))
    return path


def run_in_background(app, media_id):
    """jobs.run in a thread, as a worker would; returns (thread, result dict)."""
    result = {}

    def work():
        result["status"] = jobs.run(media_id, app.config["MEDIA_DIR"], media_limits(app.config))

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, result


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
        wait_for(lambda: reload(media_id).status == "downloading" and leftovers(app),
                 "the consumer to start writing the download", seconds=30)
    finally:
        os.killpg(consumer.pid, signal.SIGKILL)
        consumer.wait(timeout=10)
    stuck = reload(media_id)
    assert stuck.status == "downloading" and stuck.attempts == 1
    parts = leftovers(app)
    assert len(parts) == 1 and parts[0].startswith(f".part-{media_id}-")  # the dead attempt's half file
    beat = stuck.updated_at  # its last heartbeat
    assert jobs.due_for_retry(now=beat + dt.timedelta(seconds=45)) == []  # a heartbeat 45 s old: alive
    assert jobs.due_for_retry(now=beat + jobs.STALE_AFTER + dt.timedelta(seconds=1)) == [media_id]  # ~1 min: dead
    with app.app_context():
        assert sweep_media.call_local() == []  # a download with a fresh heartbeat is left alone…
    assert leftovers(app) == parts
    # …until a minute has gone by without a heartbeat (and without a write to its file).
    a_minute_ago = utcnow() - jobs.STALE_AFTER - dt.timedelta(seconds=1)
    with db.connection_context():
        ExerciseMedia.update(updated_at=a_minute_ago).execute()
    old = time.time() - jobs.STALE_AFTER.total_seconds() - 1
    os.utime(Path(app.config["MEDIA_DIR"]) / parts[0], (old, old))
    media_host.slow_seconds = 0.5
    with app.app_context():
        assert sweep_media.call_local() == [media_id]
    done = reload(media_id)
    assert (done.status, done.attempts, done.reason) == ("cached", 2, None)
    assert leftovers(app) == []


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


# -- F5: an IPv6 address that carries a private IPv4 one --------------------------------------
@pytest.mark.parametrize("path", ["/redirect-nat64", "/redirect-6to4"])
def test_a_redirect_to_an_ipv6_address_embedding_the_metadata_service_is_refused(app, media_host, monkeypatch,
                                                                                 path):
    """64:ff9b::a9fe:a9fe (NAT64) and 2002:a9fe:a9fe:: (6to4) both lead to 169.254.169.254."""
    connections = []
    real = urllib3.util.connection.create_connection

    def spy(address, *args, **kwargs):
        connections.append(address[0])
        if address[0] != "127.0.0.1":  # never really connect anywhere else, even if the filter fails
            raise ConnectionRefusedError(f"the test refused a connection to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", spy)
    row = add(app, media_host.url + path)
    assert row.status == "failed" and not row.transient, row.reason
    assert "169.254.169.254 is not a public address" in row.reason
    assert connections == ["127.0.0.1"]  # the fake host only: the redirect's target was never tried
    assert leftovers(app) == []


# -- F4: heartbeats, dead workers and their partial files --------------------------------------
def test_the_stale_window_is_about_a_minute_and_well_above_the_fetchers_timeouts():
    limits = fetch.Limits()
    longest_silence = jobs.HEARTBEAT_EVERY.total_seconds() + limits.connect_timeout + limits.read_timeout
    assert dt.timedelta(seconds=45) <= jobs.STALE_AFTER <= dt.timedelta(seconds=90)
    assert jobs.STALE_AFTER.total_seconds() >= 2 * longest_silence
    assert dt.timedelta(seconds=1) <= jobs.HEARTBEAT_EVERY <= dt.timedelta(seconds=10)


def test_fetch_reports_progress_and_names_its_part_file_after_the_tag(media_host, media_files, tmp_path):
    media_host.slow_seconds = 0.4  # the body trickles in, in 40 pieces: each is reported as it arrives
    seen = []
    got = fetch.download(f"{media_host.url}/slow.webm", tmp_path, fetch.Limits(allow_loopback=True), tag=42,
                         progress=seen.append)
    assert Path(got.path).name.startswith(".part-42-") and Path(got.path).parent == tmp_path
    assert seen[0] == 0 and seen[-1] == got.size == len(media_files["clip.webm"])
    assert seen == sorted(seen) and len(seen) > 2


def test_whatever_the_progress_callback_raises_stops_the_download_and_removes_the_part_file(media_host,
                                                                                          tmp_path):
    class Stop(Exception):
        pass

    def progress(size):
        if size > 0:
            assert list(tmp_path.glob(".part-7-*"))  # the body is being written…
            raise Stop

    with pytest.raises(Stop):
        fetch.download(f"{media_host.url}/clip.webm", tmp_path, fetch.Limits(allow_loopback=True), tag=7,
                       progress=progress)
    assert list(tmp_path.iterdir()) == []  # …and is gone


def test_a_dead_download_is_due_once_its_heartbeat_is_a_minute_old_not_ten(app, media_host):
    media_id = left_by_a_dead_worker(app, f"{media_host.url}/clip.webm", heartbeat_age=dt.timedelta(seconds=30))
    now = utcnow()
    assert jobs.due_for_retry(now=now) == []
    assert jobs.due_for_retry(now=now + dt.timedelta(seconds=25)) == []  # heartbeat 55 s old
    assert jobs.due_for_retry(now=now + dt.timedelta(seconds=31)) == [media_id]  # 61 s old


def test_a_download_whose_worker_keeps_dying_is_given_up_not_retried_for_ever(app, media_host):
    media_id = left_by_a_dead_worker(app, f"{media_host.url}/clip.webm", heartbeat_age=dt.timedelta(minutes=5))
    with db.connection_context():
        ExerciseMedia.update(attempts=jobs.MAX_ATTEMPTS).where(ExerciseMedia.id == media_id).execute()
    before = media_host.hits["/clip.webm"]
    with app.app_context():
        assert sweep_media.call_local() == []
        fetch_media(media_id)  # a late queue message: the claim refuses it as well
    row = reload(media_id)
    assert (row.status, row.transient) == ("failed", False) and "kept stopping its worker" in row.reason
    assert media_host.hits["/clip.webm"] == before


def test_a_live_download_with_a_fresh_heartbeat_is_not_reclaimed(app, media_host):
    """Started 20 minutes ago (a long download), but its heartbeat is 30 s old: it is alive."""
    media_id = left_by_a_dead_worker(app, f"{media_host.url}/clip.webm", heartbeat_age=dt.timedelta(seconds=30))
    live_part = media_file(app, f".part-{media_id}-live", age=dt.timedelta(seconds=10))
    before = media_host.hits["/clip.webm"]
    with app.app_context():
        assert sweep_media.call_local() == []
        fetch_media(media_id)  # a duplicate queue message: the claim must refuse it
    row = reload(media_id)
    assert (row.status, row.attempts) == ("downloading", 1)
    assert media_host.hits["/clip.webm"] == before
    assert live_part.exists()


def test_reclaiming_a_dead_download_removes_its_own_part_files_first(app, media_host, media_files):
    media_id = left_by_a_dead_worker(app, f"{media_host.url}/clip.webm", heartbeat_age=dt.timedelta(seconds=61))
    # Its file was written seconds before the worker died, so the age rule alone would keep it for now.
    dead_part = media_file(app, f".part-{media_id}-dead1", age=dt.timedelta(seconds=5))
    someone_elses = media_file(app, f".part-{media_id + 1000}-live", age=dt.timedelta(seconds=5))
    finished = media_file(app, "ab" * 32 + ".png", age=dt.timedelta(days=2), body=media_files["pose.png"])
    with app.app_context():
        assert sweep_media.call_local() == [media_id]
    done = reload(media_id)
    assert (done.status, done.attempts, done.reason) == ("cached", 2, None)
    assert media.file_path(app.config["MEDIA_DIR"], done).read_bytes() == media_files["clip.webm"]
    assert not dead_part.exists()
    assert someone_elses.exists() and finished.exists()


def test_the_sweeper_deletes_part_files_nobody_has_written_to_for_a_minute(app, media_files):
    old = media_file(app, ".part-5-abc123", age=dt.timedelta(seconds=61))
    untagged = media_file(app, ".part-k3j4h5g6", age=dt.timedelta(hours=2))  # named before tags existed
    fresh = media_file(app, ".part-6-def456", age=dt.timedelta(seconds=30))
    finished = [media_file(app, "cd" * 32 + ".webm", age=dt.timedelta(days=2), body=media_files["clip.webm"]),
                media_file(app, "ef" * 32 + ".png", age=dt.timedelta(days=400), body=media_files["pose.png"])]
    assert jobs.sweep_parts(app.config["MEDIA_DIR"]) == sorted([old.name, untagged.name])
    assert fresh.exists() and all(path.exists() for path in finished)
    later = utcnow() + dt.timedelta(seconds=31)  # the fresh one has now gone a minute without a write, too
    assert jobs.sweep_parts(app.config["MEDIA_DIR"], now=later) == [fresh.name]
    assert all(path.exists() for path in finished)
    again = media_file(app, ".part-8-ghi789", age=dt.timedelta(minutes=5))
    with app.app_context():
        assert sweep_media.call_local() == []  # the periodic task sweeps part files as well
    assert not again.exists() and all(path.exists() for path in finished)
    assert jobs.sweep_parts(Path(app.config["MEDIA_DIR"]) / "missing") == []


def test_a_download_beats_its_heartbeat_while_it_runs(app, media_host, monkeypatch):
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", dt.timedelta(seconds=0.2))
    media_host.slow_seconds = 2  # within MEDIA_TIMEOUT (3 s in tests)
    media_id = queued(app, f"{media_host.url}/slow.webm")
    thread, result = run_in_background(app, media_id)
    try:
        wait_for(lambda: any(name.startswith(f".part-{media_id}-") for name in leftovers(app)),
                 "the download to start writing")
        claimed = reload(media_id)
        assert claimed.status == "downloading"
        wait_for(lambda: reload(media_id).updated_at > claimed.updated_at, "a heartbeat")
        assert reload(media_id).status == "downloading"  # a heartbeat, not the end of the download
    finally:
        thread.join(timeout=10)
    assert not thread.is_alive() and result["status"] == "cached"
    assert leftovers(app) == []


def test_a_worker_whose_job_was_taken_over_stops_and_leaves_the_row_alone(app, media_host, monkeypatch):
    """It only looked dead (say the database was out of reach): its next heartbeat finds the
    claim gone, so it stops, removes its part file and writes nothing."""
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", dt.timedelta(seconds=0.2))
    media_host.slow_seconds = 2
    media_id = queued(app, f"{media_host.url}/slow.webm")
    thread, result = run_in_background(app, media_id)
    try:
        wait_for(lambda: leftovers(app), "the download to start writing")
        with db.connection_context():  # another worker's claim
            ExerciseMedia.update(attempts=2, updated_at=utcnow()).where(ExerciseMedia.id == media_id).execute()
    finally:
        thread.join(timeout=10)
    assert not thread.is_alive() and result["status"] is None
    row = reload(media_id)
    assert (row.status, row.attempts, row.reason, row.checksum) == ("downloading", 2, None, None)
    assert leftovers(app) == []
