"""The player's layout at the sizes people use it: a narrow phone (320 px), and a desktop. Nothing is cut
off, nothing covers anything else, and the safety screen's button sits in its column."""
import re

from playwright.sync_api import expect

from tests.e2e.test_player import open_player


def box(page, selector):
    found = page.locator(selector).bounding_box()
    assert found, selector
    return found


def overlap(a, b):
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_at_320_the_status_reads_in_full_the_toggles_are_icons_and_paused_covers_nothing(live_server, page):
    page.set_viewport_size({"width": 320, "height": 640})
    open_player(live_server, page, "narrow@example.com")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#player-status")).to_contain_text(" left")
    status = page.locator("#player-status").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert status[0] <= status[1], status
    for name, id_ in (("Voice", "#toggle-voice"), ("Beeps", "#toggle-beep")):
        toggle = page.get_by_role("button", name=name, exact=True)
        expect(toggle).to_have_attribute("id", id_[1:])
        expect(toggle).to_have_attribute("aria-pressed", "true")
        size = toggle.bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44, (name, size)
    page.keyboard.press("v")  # the shortcut still works
    expect(page.locator("#toggle-voice")).to_have_attribute("aria-pressed", "false")

    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#stage-paused")).to_be_visible()
    pill, clock = box(page, "#stage-paused span"), box(page, "#stage-clock")
    assert not overlap(pill, clock), (pill, clock)
    if page.locator("#stage-media").is_visible():
        assert not overlap(pill, box(page, "#stage-media")), "the pill covers the figure"


def test_at_320_the_summary_tiles_lie_within_the_screen(live_server, page):
    page.set_viewport_size({"width": 320, "height": 640})
    open_player(live_server, page, "tiles@example.com", query="?speed=200")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#feedback-panel")).to_be_visible(timeout=90_000)
    tiles = page.locator(".summary-stats > div")
    expect(tiles).to_have_count(3)
    for i in range(3):
        tile = tiles.nth(i).bounding_box()
        assert tile["x"] >= 0 and tile["x"] + tile["width"] <= 320, (i, tile)
        value = tiles.nth(i).locator("dd")
        fits = value.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert fits[0] <= fits[1], (i, value.inner_text(), fits)
    expect(page.locator("#summary-steps")).to_have_text(re.compile(r"^\d+ of \d+$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_on_a_desktop_the_stop_advice_button_is_centred_in_its_column(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_player(live_server, page, "centred@example.com")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Stop — I feel pain or dizziness").click()
    page.get_by_role("button", name="Pain somewhere else").click()
    expect(page.get_by_role("heading", name="Stop and rest")).to_be_visible()
    panel, button = box(page, "#stop-advice"), box(page, "#btn-stop-done")
    text = box(page, "#advice-general")
    assert abs((button["x"] + button["width"] / 2) - (panel["x"] + panel["width"] / 2)) <= 3, (panel, button)
    assert abs(button["x"] - text["x"]) <= 2 and abs(button["width"] - text["width"]) <= 2, (text, button)  # the column's width


def test_on_a_desktop_the_figure_sits_beside_the_clock_and_controls_within_the_screen(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_player(live_server, page, "wide@example.com")
    expect(page.locator("#stage-media")).to_be_visible()
    figure, clock = box(page, "#stage-media"), box(page, "#stage-clock")
    assert figure["x"] + figure["width"] <= clock["x"], (figure, clock)
    for selector in ("#stage-media", "#stage-clock", "#btn-pause", "#btn-stop", "#player-status"):
        found = box(page, selector)
        assert found["y"] >= 0 and found["y"] + found["height"] <= 800, (selector, found)
