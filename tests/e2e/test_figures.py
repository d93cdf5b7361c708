"""The figures in Chromium at phone size: the player shows each step's figure, mirrored on the left
side; a figure holds still for people who ask for reduced motion."""
import re

from playwright.sync_api import expect

from tests.conftest import preview, sign_up_and_skip_to_dashboard


def figures_through_the_routine(page):
    """(side shown on the stage, figure URL) for every stage of the routine, skipping through it."""
    seen = []
    for _ in range(80):
        if page.locator("#feedback-panel").is_visible():  # the end: the routine is done
            break
        figure = page.locator("#stage-media img.stage-figure")
        if figure.count():
            seen.append((page.locator("#stage-side").inner_text().lower(), figure.get_attribute("src")))
        page.locator("#btn-skip").click()
    return seen


def test_the_player_shows_each_steps_figure_mirrored_on_the_left_side(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "figures@example.com")
    preview(page, "Cool-down")
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    expect(page.locator(".steps-list img.figure-thumb").first).to_be_visible()
    page.goto(page.url + "/play")
    page.locator("#btn-pause").click()
    seen = figures_through_the_routine(page)
    assert seen, "no step of the routine showed a figure"
    for side, url in seen:
        assert ("side=left" in url) == ("left" in side), (side, url)
    assert page.evaluate("[...document.querySelectorAll('#stage-media img')].every(i => !i.complete || i.naturalWidth > 0)")


def test_a_figure_moves_and_holds_still_under_reduced_motion(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "still@example.com")
    url = f"{live_server}/exercises/brisk-walk-arm-swings/figure.svg"
    shots = {}
    for motion in ("no-preference", "reduce"):
        page.emulate_media(reduced_motion=motion)
        page.goto(url)
        first = page.screenshot()
        page.wait_for_timeout(350)
        shots[motion] = first != page.screenshot()
    assert shots == {"no-preference": True, "reduce": False}


def within(box, viewport):
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5 \
        and box["y"] + box["height"] <= viewport["height"] + 0.5


def test_the_figure_is_the_largest_thing_on_the_stage_upright_and_sideways(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "stage@example.com")
    preview(page, "Cool-down")
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    page.goto(page.url + "/play")
    figure = page.locator("#stage-media img.stage-figure")
    expect(figure).to_be_visible()
    for viewport in ({"width": 390, "height": 844}, {"width": 844, "height": 390}):
        page.set_viewport_size(viewport)
        shown = {name: page.locator(selector).bounding_box() for name, selector in (
            ("figure", "#stage-media"), ("clock", "#stage-clock"), ("start", "#btn-pause"), ("stop", "#btn-stop"))}
        assert all(within(box, viewport) for box in shown.values()), (viewport, shown)  # nothing to scroll for
        area = {name: box["width"] * box["height"] for name, box in shown.items()}
        assert area["figure"] == max(area.values()), (viewport, area)
        if viewport["height"] > viewport["width"]:  # upright: the figure above the clock
            assert shown["figure"]["y"] + shown["figure"]["height"] <= shown["clock"]["y"] + 1
        else:  # sideways: the figure on the left, the clock and controls on the right
            assert shown["figure"]["x"] + shown["figure"]["width"] <= shown["clock"]["x"]
            assert shown["figure"]["x"] + shown["figure"]["width"] <= shown["start"]["x"]
