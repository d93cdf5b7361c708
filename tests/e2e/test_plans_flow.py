"""A week plan on a phone keeps the person where they were: a change is confirmed beside the day it
changed, in view; an entry is edited in place of removing and re-adding it; an entry starts from the plan."""
import re

from playwright.sync_api import expect

from tests.conftest import sign_up_and_skip_to_dashboard


def _in_viewport(page, locator):
    """Whether some of the element is inside the visible part of the page."""
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] < height and box["y"] + box["height"] > 0


def _starter_plan(live_server, page, email):
    sign_up_and_skip_to_dashboard(live_server, page, email)
    page.get_by_role("button", name="Make my starter plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    return page.url


def test_adding_confirms_beside_the_day_and_keeps_it_in_view(live_server, page):
    plan_url = _starter_plan(live_server, page, "flow-add@example.com")
    page.locator("#entry-day").select_option("sun")
    page.locator("#entry-kind").select_option("mobility")
    page.locator("#entry-minutes").fill("10")
    page.get_by_role("button", name="Add", exact=True).click()
    status = page.get_by_role("status").filter(has_text="Added to Sunday: Mobility · 10 min")
    expect(status).to_be_visible()
    sunday = page.locator("#day-sun")
    expect(sunday).to_contain_text("Mobility · 10 min")
    page.wait_for_function("() => window.scrollY > 0")  # moved down to Sunday, not left at the top
    assert _in_viewport(page, status) and _in_viewport(page, sunday.get_by_role("heading", name="Sunday"))
    assert page.url == plan_url  # the address to reload is the plan, never the POST-only one
    page.reload()
    expect(page.get_by_role("heading", name="Sunday")).to_be_attached()
    expect(page.get_by_text("Added to Sunday")).to_have_count(0)  # said once


def test_an_entry_is_edited_and_a_stale_edit_ends_on_the_plan(live_server, page):
    plan_url = _starter_plan(live_server, page, "flow-edit@example.com")
    other_tab = page.context.new_page()
    other_tab.goto(plan_url + "/entries/mon/0/edit")  # left open on version 1

    monday = page.locator("#day-mon")
    before = monday.locator(".plan-entry > span").first.inner_text().replace("\u00a0", " ")
    monday.get_by_role("link", name=re.compile("^Edit ")).first.click()
    page.wait_for_url(re.compile(r"/entries/mon/0/edit$"))
    page.locator("#edit-minutes").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Changed on Monday")).to_be_visible()
    expect(monday).to_contain_text("12 min")
    assert page.url == plan_url
    expect(page.locator("a.button", has_text="History · v2")).to_be_visible()

    other_tab.locator("#edit-minutes").fill("20")
    other_tab.get_by_role("button", name="Save").click()
    expect(other_tab.get_by_text("changed while you were looking")).to_be_visible()
    assert other_tab.url == plan_url  # never the POST-only address
    other_tab.reload()
    expect(other_tab.get_by_role("heading", name="Monday")).to_be_visible()  # not a 405
    text = other_tab.locator("#day-mon").inner_text().replace("\u00a0", " ")
    assert "12 min" in text and "20 min" not in text and before not in text


def test_an_entry_starts_from_the_plan(live_server, page):
    _starter_plan(live_server, page, "flow-start@example.com")
    saturday = page.locator("#day-sat")
    words = saturday.locator(".plan-entry > span").first.inner_text()
    saturday.get_by_role("button", name=re.compile("^Start ")).first.click()
    page.wait_for_url(re.compile(r"/routines/\d+/play\?go=1$"), wait_until="domcontentloaded")  # into the player
    expect(page).to_have_title(re.compile(re.escape(words.split(" · ")[0])))
