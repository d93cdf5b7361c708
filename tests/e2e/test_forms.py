"""After a failed submit on a phone, the first error is on screen and its control has focus; a label
focuses its own control (issue 13)."""
from playwright.sync_api import expect

from tests.conftest import answer_screening, sign_up_and_skip_to_dashboard


def focused_tag(page):
    return page.evaluate("document.activeElement && document.activeElement.tagName")


def test_delete_without_typing_puts_the_delete_box_and_its_error_in_view(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "forms-delete@example.com")
    page.goto(live_server + "/settings")
    assert focused_tag(page) == "BODY"  # a page without errors keeps its focus
    page.get_by_role("button", name="Delete everything").click()
    box = page.locator("#delete-confirm")
    expect(box).to_be_focused()
    expect(box).to_be_in_viewport(ratio=1)
    expect(page.locator("#delete-confirm-error")).to_have_text("Type DELETE to confirm.")
    expect(page.locator("#delete-confirm-error")).to_be_in_viewport(ratio=1)
    expect(box).to_have_attribute("aria-describedby", "delete-confirm-error")


def test_a_boosted_form_with_errors_comes_back_at_its_first_error(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "forms-password@example.com")
    page.goto(live_server + "/settings")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_role("button", name="Change password").click()
    new = page.locator("#new")
    expect(new).to_be_focused()
    expect(new).to_be_in_viewport(ratio=1)
    expect(page.locator("#new-error")).to_be_in_viewport(ratio=1)
    assert page.url == live_server + "/settings"  # the page it was on, not the form's address


def test_the_delete_label_focuses_the_delete_box(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "forms-label@example.com")
    page.goto(live_server + "/settings")
    page.get_by_text("Type DELETE to confirm", exact=True).click()
    expect(page.locator("#delete-confirm")).to_be_focused()
    expect(page.get_by_label("Type DELETE to confirm")).to_have_attribute("id", "delete-confirm")


def test_a_condition_without_consent_shows_the_consent_error_focused(live_server, page):
    page.goto(live_server + "/signup")
    page.get_by_label("E-mail").fill("forms-consent@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    answer_screening(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Skip for now").click()
    page.wait_for_url(live_server + "/onboarding/health")
    page.get_by_text("Knee problems", exact=True).click()
    page.get_by_role("button", name="Continue").click()
    consent = page.locator("#consent")
    expect(consent).to_be_focused()
    expect(consent).to_be_in_viewport(ratio=1)
    error = page.locator("#consent-error")
    expect(error).to_contain_text("Please tick the box")
    expect(error).to_be_in_viewport(ratio=1)


def test_back_after_logging_out_never_shows_the_signed_in_page_again(live_server, browser_type,
                                                                    browser_type_launch_args, browser_context_args):
    # Playwright turns the back/forward cache off; Chrome for people has it on, and pages may enter it now.
    browser = browser_type.launch(**browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"])
    try:
        page = browser.new_context(**browser_context_args).new_page()
        sign_up_and_skip_to_dashboard(live_server, page, "forms-back@example.com")
        page.goto(live_server + "/exercises")
        page.get_by_role("link", name="You", exact=True).click()
        page.locator('a[href="/settings"]').first.click()
        page.wait_for_url(live_server + "/settings")
        expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
        page.go_back(wait_until="commit")  # a page restored from the cache fires no load event
        expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
        expect(page.get_by_role("heading", name="Account", exact=True)).to_have_count(0)
    finally:
        browser.close()
