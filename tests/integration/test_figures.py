"""Every exercise is drawn; every figure a page shows is served, safe as an image, cached by its URL and
mirrored for the left side."""
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from app.catalog import store
from app.models import RoutineRecord
from tests.conftest import quick

IMG = re.compile(r'<img class="(figure|figure-thumb)" src="([^"]+)" alt="([^"]*)"')


def posed():
    return [ex for ex in store.current() if ex.pose]


def assert_safe_figure(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml", url
    body = response.get_data(as_text=True)
    assert body.startswith("<svg") and "<script" not in body and not re.search(r"\son\w+=", body)
    assert re.findall(r"https?://[^\"']+", body) == ["http://www.w3.org/2000/svg"]
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    return response, body


def test_every_exercise_page_shows_its_own_figure_served_safe_as_an_image(app, client, person):
    with app.app_context():
        catalog = store.current()
    assert catalog and all(ex.pose for ex in catalog)
    for ex in catalog:
        page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
        kind, url, alt = IMG.search(page).groups()
        assert kind == "figure" and f"/exercises/{ex.id}/figure.svg" in url and ex.name in unescape(alt), ex.id
        assert_safe_figure(client, unescape(url))


def test_an_exercise_page_shows_its_figure_served_for_a_year_with_words_for_it(app, client, person):
    with app.app_context():
        ex = posed()[0]
    page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
    kind, url, alt = IMG.search(page).groups()
    assert kind == "figure" and ex.name in alt
    response, _ = assert_safe_figure(client, unescape(url))
    assert response.cache_control.max_age == 31536000 and response.cache_control.immutable
    stale = client.get(url.split("?")[0] + "?v=000000000000")
    assert stale.status_code == 200 and stale.cache_control.no_cache  # an old link still draws, uncached


def test_the_left_side_is_its_own_mirrored_drawing_and_nonsense_is_a_404(app, client, person):
    with app.app_context():
        ex = posed()[0]
    right = client.get(f"/exercises/{ex.id}/figure.svg").get_data(as_text=True)
    left = client.get(f"/exercises/{ex.id}/figure.svg?side=left").get_data(as_text=True)
    assert 'scale(-1 1)' in left and 'scale(-1 1)' not in right
    assert client.get(f"/exercises/{ex.id}/figure.svg?side=up").status_code == 404
    assert client.get("/exercises/no-such-move/figure.svg").status_code == 404


def test_the_library_shows_a_thumbnail_on_every_drawn_card(app, client, person):
    page = client.get("/exercises").get_data(as_text=True)
    with app.app_context():
        drawn = len(posed())
    thumbs = [url for kind, url, _ in IMG.findall(page) if kind == "figure-thumb"]
    assert len(thumbs) == drawn
    for url in thumbs[:5]:
        assert_safe_figure(client, unescape(url))


def test_a_routine_its_player_and_its_offline_copy_carry_each_steps_figure(app, client, person):
    routine_id = quick(person, kind="cooldown", minutes="10")
    page = client.get(f"/routines/{routine_id}").get_data(as_text=True)
    with app.app_context():
        steps = RoutineRecord.get_by_id(routine_id).data["steps"]
        drawn_ids = {ex.id for ex in posed()}
    shown = [unescape(url) for kind, url, _ in IMG.findall(page) if kind == "figure-thumb"]
    assert len(shown) == sum(1 for s in steps if s["exercise_id"] in drawn_ids)
    for url, step in zip(shown, [s for s in steps if s["exercise_id"] in drawn_ids]):
        side = parse_qs(urlsplit(url).query).get("side", ["right"])[0]
        assert side == ("left" if step["side"] == "left" else "right") and step["exercise_id"] in url
    player = client.get(f"/routines/{routine_id}/play").get_data(as_text=True)
    for url in set(shown):
        assert url in player.replace("\\u0026", "&"), url
    offline = client.get(f"/routines/{routine_id}/offline").get_json()
    assert set(shown) <= set(offline["urls"])
