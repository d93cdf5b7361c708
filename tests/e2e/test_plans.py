"""A week plan on a phone: starter plan → Today on Home → change it → compare → restore."""
import re

from playwright.sync_api import expect

from tests.conftest import sign_up_and_skip_to_dashboard


def test_a_plan_changes_are_versions_to_compare_and_restore(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "planner@example.com")
    page.get_by_role("button", name="Make my starter plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    expect(page.get_by_role("heading", name="Saturday")).to_be_visible()
    page.locator("#entry-day").select_option("sun")
    page.locator("#entry-kind").select_option("flexibility")
    page.locator("#entry-minutes").fill("20")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("section", has=page.get_by_role("heading", name="Sunday"))).to_contain_text("Stretching · 20 min")

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("Today in")).to_be_visible()

    page.get_by_role("link", name="My week").click()
    page.locator("a.button", has_text="History · v2").click()
    expect(page.get_by_text("Added Sunday: Stretching · 20 min")).to_be_visible()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".diff")).to_contain_text("Stretching · 20 min")
    expect(page.locator(".diff .diff-badge")).to_have_text("added")
    page.go_back()
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_text("Restored version 1 as version 3")).to_be_visible()
    page.get_by_role("link", name="← My week").click()
    expect(page.locator("section", has=page.get_by_role("heading", name="Sunday"))).to_contain_text("Rest day")
