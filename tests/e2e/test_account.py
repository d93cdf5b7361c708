"""Deleting an account in the browser: found by its labels, refused without the password."""
from playwright.sync_api import expect

from app.models import Account
from tests.conftest import sign_up_and_skip_to_dashboard


def test_delete_asks_for_the_password_and_then_deletes_everything(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "leaving@example.com")
    page.goto(live_server + "/settings")
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete everything").click()
    expect(page.get_by_text("That isn't your password.")).to_be_visible()
    assert Account.select().where(Account.email == "leaving@example.com").count() == 1
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_label("Your password").fill("a long enough password")
    page.get_by_role("button", name="Delete everything").click()
    expect(page.get_by_text("Your account and everything in it have been deleted.")).to_be_visible()
    assert Account.select().where(Account.email == "leaving@example.com").count() == 0
