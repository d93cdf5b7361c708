"""Manifest, service worker script, offline shell pages, what a saved routine stores, logout wipes."""
import json
import re
import shutil
import struct

import pytest

from app.media import service as media
from app.db import db
from app.models import RoutineRecord
from app.pwa.views import static_version
from app.tasks import fetch_media
from tests.conftest import Auth, quick


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_makes_limber_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["name"] and manifest["short_name"] == "Limber" and manifest["description"]
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        width, height = png_size(image.data)
        assert f"{width}x{height}" == icon["sizes"]
        sizes.setdefault(icon["purpose"], set()).add(width)
    assert sizes == {"any": {192, 512}, "maskable": {512}}
    shortcuts = {s["name"]: s["url"] for s in manifest["shortcuts"]}
    assert shortcuts == {"Quick warm-up": "/?start=warmup", "Desk break": "/?start=mobility"}
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="manifest"' in page and 'rel="apple-touch-icon"' in page
    assert 'name="apple-mobile-web-app-capable"' in page


def test_the_service_worker_is_served_at_the_root_never_cached_with_its_precache_list(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    text = response.get_data(as_text=True)
    version = static_version(app.static_folder)
    assert text.startswith(f'const VERSION = "{version}";')
    precache = json.loads(text.split("const PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert {"/offline", "/saved", "/manifest.webmanifest"} <= set(precache)
    assert any(url.startswith("/static/js/player.js?v=") for url in precache)
    for url in precache:
        assert client.get(url).status_code == 200, url


def test_the_cache_version_follows_the_static_files(app, tmp_path):
    copy = tmp_path / "static"
    shutil.copytree(app.static_folder, copy)
    before = static_version(copy)
    assert static_version(copy) == before
    (copy / "css" / "app.css").write_text((copy / "css" / "app.css").read_text() + "\n/* deploy */\n")
    assert static_version(copy) != before


def test_the_offline_shell_is_the_same_for_everybody_and_touches_no_session(client, person):
    for path in ("/offline", "/saved"):
        response = client.get(path)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "csrf-token" not in page and "data-account" not in page and "ana@example.com" not in page
        assert "Set-Cookie" not in response.headers


def test_saving_a_routine_lists_its_pages_and_media_for_its_owner_only(app, client, person, media_host, no_media):
    routine_id = quick(person)
    first = RoutineRecord.get_by_id(routine_id).data["steps"][0]["exercise_id"]
    with app.app_context(), db.connection_context():
        row, _ = media.add(first, f"{media_host.url}/clip.webm")
        fetch_media(row.id)
    row = row.get_by_id(row.id)
    saved = client.get(f"/routines/{routine_id}/offline")
    assert saved.status_code == 200 and "no-store" in saved.headers["Cache-Control"]
    media_url = f"/media/{row.id}/{media.public_name(row)}"
    pages_and_media, figures = saved.json["urls"][:3], saved.json["urls"][3:]
    assert pages_and_media == [f"/routines/{routine_id}", f"/routines/{routine_id}/play", media_url]
    assert all(re.match(r"^/exercises/[\w-]+/figure\.svg\?v=\w{12}(&side=left)?$", url) for url in figures)
    assert saved.json["media_bytes"] == row.size
    player = client.get(f"/routines/{routine_id}/play").get_data(as_text=True)
    assert media_url in player and '"kind": "video"' in player
    other = app.test_client()
    Auth(other).signup("eve@example.com")
    assert other.get(f"/routines/{routine_id}/offline").status_code == 404
    person.logout()
    assert client.get(f"/routines/{routine_id}/offline", headers={"Accept": "application/json"}).status_code == 401


def test_youtube_is_embedded_from_the_privacy_domain_only(app, client, person, no_media):
    routine_id = quick(person)
    first = RoutineRecord.get_by_id(routine_id).data["steps"][0]["exercise_id"]
    with app.app_context(), db.connection_context():
        media.add(first, "https://youtu.be/dQw4w9WgXcQ")
    player = client.get(f"/routines/{routine_id}/play")
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in player.get_data(as_text=True)
    assert "frame-src https://www.youtube-nocookie.com" in player.headers["Content-Security-Policy"]
    saved = client.get(f"/routines/{routine_id}/offline").json["urls"]
    assert saved[:2] == [f"/routines/{routine_id}", f"/routines/{routine_id}/play"]
    assert not any(url.startswith("/media/") for url in saved)  # a YouTube link is never saved
    exercise = client.get(f"/exercises/{first}").get_data(as_text=True)
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' in exercise


@pytest.mark.parametrize("how", ["logout", "delete"])
def test_logging_out_or_deleting_the_account_clears_the_phone(client, person, how):
    if how == "logout":
        response = person.logout()
    else:
        response = person.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"})
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_dashboard_shortcut_points_at_its_quick_start(client, person):
    page = client.get("/?start=mobility").get_data(as_text=True)
    assert 'quick-card quick-mobility quick-chosen"' in page
    assert re.search(r'quick-mobility quick-chosen".*?value="play"[^>]* autofocus', page, re.S)
    assert "quick-chosen" not in client.get("/").get_data(as_text=True)
