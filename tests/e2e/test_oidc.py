"""Sign in with an OpenID Connect provider: a real provider process on loopback."""
from playwright.sync_api import expect

from app.models import OidcIdentity


def test_sign_in_with_oidc_creates_an_account_keyed_by_issuer_and_subject(live_server, oidc_provider, page):
    page.goto(live_server + "/login")
    page.get_by_role("button", name="Sign in with Test ID").click()
    page.locator("input[name=sub]").fill("alice-123")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="A few health questions")).to_be_visible()
    identity = OidcIdentity.get()
    assert (identity.issuer, identity.subject) == (oidc_provider, "alice-123")

    page.goto(live_server + "/settings")
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Sign in with Test ID").click()
    page.locator("input[name=sub]").fill("alice-123")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="A few health questions")).to_be_visible()
    assert OidcIdentity.select().count() == 1
