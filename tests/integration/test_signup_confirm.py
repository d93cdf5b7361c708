"""Sign-up with e-mail on: a new address and a taken one get the same answer, and a new one becomes an
account only when the link e-mailed to it is followed (app/auth/pending.py). Through a real SMTP server."""
import datetime as dt
import hashlib
import re
import threading
import time
from urllib.parse import urlsplit

import pytest

from app.auth import accounts
from app.cli import runner
from app.db import db
from app.models import Account, PendingSignup, Profile, SignIn
from tests.conftest import Auth, csrf_from

PUBLIC = "https://limber.example"
LINK = re.compile(re.escape(PUBLIC) + r"/signup/confirm/([A-Za-z0-9_-]+)")
GONE = "This link has expired or was already used. Sign up again, or log in if you already confirmed."
TAKEN = "This e-mail already has an account — log in"


@pytest.fixture
def outbox(app, smtp_server, monkeypatch):
    """E-mail on, through the SMTP server process; its mailbox and the pending sign-ups start empty.
    (tests/conftest.py's cleaning doesn't know pending sign-ups: they are nobody's rows.)"""
    monkeypatch.setitem(app.config, "SMTP_URL", smtp_server.url)
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    monkeypatch.setitem(app.config, "MAIL_FROM", "Limber <hello@limber.example>")
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5.0)
    smtp_server.clear()
    PendingSignup.delete().execute()
    yield smtp_server
    PendingSignup.delete().execute()


def make_account(app, email, password="the owner's password"):
    with app.app_context():
        return accounts.create_account(email, password)


def confirmations(outbox, count):
    """The tokens of the first ``count`` confirmation e-mails, once they have arrived, oldest first."""
    found = [m for m in outbox.wait_for(count) if m["Subject"] == "Confirm your e-mail for Limber"]
    assert len(found) >= count
    return [LINK.search(m.get_content()).group(1) for m in found]


def signed_in(client):
    return client.get("/settings").status_code == 200


def confirm(client, token):
    """Open the link and press the button, as a person would."""
    page = client.get(f"/signup/confirm/{token}")
    return client.post(f"/signup/confirm/{token}", data={"csrf_token": csrf_from(page.get_data(as_text=True))})


def neutral(html, address):
    return re.sub(r'(csrf-token" content="|X-CSRFToken": "|name="csrf_token" value=")[^"]+', r"\1",
                  html.replace(address, "ADDRESS"))


def test_a_new_and_a_taken_address_get_the_same_answer_and_different_e_mails(app, outbox, monkeypatch):
    make_account(app, "taken@example.com")
    hashed = []
    original = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda password: hashed.append(1) or original(password))
    new, taken = Auth(app.test_client()), Auth(app.test_client())

    answers = {}
    for who, address in ((new, "new@example.com"), (taken, "Taken@Example.com")):
        before = len(hashed)
        response = who.signup(address, "a new password here")
        assert len(hashed) - before == 1  # hashed once either way: as costly
        with who.client.session_transaction() as session:
            keys = sorted(session.keys())
        page = who.client.get(response.location)
        answers[who] = (response.status_code, response.location, keys, page.status_code,
                        neutral(page.get_data(as_text=True), address.lower()))
        assert not signed_in(who.client)
    assert answers[new] == answers[taken]
    status, location, keys, page_status, text = answers[new]
    assert status == 303 and location.endswith("/signup/sent") and page_status == 200
    assert "Check your e-mail" in text and "We've sent <strong>ADDRESS</strong> a message" in text
    assert "already" not in text

    messages = {m["To"]: m for m in outbox.wait_for(2)}
    assert set(messages) == {"new@example.com", "taken@example.com"}
    assert "tried to sign up" in messages["taken@example.com"]["Subject"]
    confirmation = messages["new@example.com"]
    assert confirmation["Subject"] == "Confirm your e-mail for Limber"
    body = confirmation.get_content()
    token = LINK.search(body).group(1)
    assert "expires in 24 hours" in body and "ignore" in body and "a new password here" not in body
    # Nothing was made for either; the pending sign-up keeps a digest of the token, never the token.
    assert [a.email for a in Account.select()] == ["taken@example.com"]
    [row] = PendingSignup.select()
    assert row.email == "new@example.com" and row.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(row.__data__)
    assert dt.timedelta(hours=23, minutes=59) < row.expires_at - row.created_at <= dt.timedelta(hours=24)


def test_following_the_link_makes_the_account_once(app, outbox):
    auth = Auth(app.test_client())
    auth.signup("ana@example.com", "warm up well")
    [token] = confirmations(outbox, 1)

    for _ in range(2):  # a mail scanner opening the link first changes nothing
        page = auth.client.get(f"/signup/confirm/{token}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Confirm your e-mail" in text and "ana@example.com" in text
        assert "Confirm and continue" in text and 'name="csrf_token"' in text
    assert PendingSignup.select().count() == 1 and Account.select().count() == 0

    done = auth.client.post(f"/signup/confirm/{token}", data={"csrf_token": csrf_from(text)})
    assert done.status_code == 303 and done.location.endswith("/onboarding/screening")
    assert signed_in(auth.client)
    [account] = Account.select()
    assert account.email == "ana@example.com" and Profile.select().where(Profile.account == account).count() == 1
    assert PendingSignup.select().count() == 0
    home = auth.client.get(f"/signup/confirm/{token}")  # opened again, signed in: home
    assert home.status_code == 303 and urlsplit(home.location).path == "/" and signed_in(auth.client)

    other = app.test_client()
    again = confirm(other, token)
    assert again.status_code == 410 and GONE in again.get_data(as_text=True) and not signed_in(other)
    assert Account.select().count() == 1

    auth.logout()
    assert auth.login("ana@example.com", "warm up well").status_code == 303  # the password from sign-up


def test_the_confirm_button_needs_its_csrf_token(app, outbox):
    client = app.test_client()
    Auth(client).signup("ana@example.com")
    [token] = confirmations(outbox, 1)
    assert client.post(f"/signup/confirm/{token}").status_code == 400
    assert Account.select().count() == 0 and PendingSignup.select().count() == 1


def test_an_expired_or_tampered_link_is_a_clear_4xx(app, outbox):
    client = app.test_client()
    Auth(client).signup("ana@example.com")
    [token] = confirmations(outbox, 1)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "x", "x" * 5000, "..%2F..%2Fetc"):
        page = client.get(f"/signup/confirm/{bad}")
        assert page.status_code in (404, 410)
        if page.status_code == 410:
            assert GONE in page.get_data(as_text=True)
    assert confirm(client, tampered).status_code == 410

    PendingSignup.update(expires_at=dt.datetime(2020, 1, 1)).execute()
    page = client.get(f"/signup/confirm/{token}")
    assert page.status_code == 410 and GONE in page.get_data(as_text=True)
    assert confirm(client, token).status_code == 410
    assert Account.select().count() == 0 and not signed_in(client)

    Auth(app.test_client()).signup("bo@example.com")  # the next sign-up clears expired ones away
    assert [row.email for row in PendingSignup.select()] == ["bo@example.com"]
    confirmations(outbox, 2)  # bo's e-mail, here before the next test empties the mailbox


def test_signing_up_again_replaces_the_first_link(app, outbox):
    client = app.test_client()
    Auth(client).signup("ana@example.com", "first password")
    [first] = confirmations(outbox, 1)
    Auth(app.test_client()).signup("ANA@example.com", "second password")
    [_, second] = confirmations(outbox, 2)
    assert first != second and PendingSignup.select().count() == 1

    assert client.get(f"/signup/confirm/{first}").status_code == 410
    assert confirm(client, second).status_code == 303
    auth = Auth(client)
    auth.logout()
    assert auth.login("ana@example.com", "first password").status_code == 422
    assert auth.login("ana@example.com", "second password").status_code == 303


def test_an_address_taken_before_the_link_is_followed_is_told_to_log_in(app, outbox):
    client = app.test_client()
    Auth(client).signup("ana@example.com", "warm up well")
    [token] = confirmations(outbox, 1)
    with app.app_context():
        sso, _ = accounts.oidc_account("https://id.example", "ana-subject", "ana@example.com")  # meanwhile

    page = client.get(f"/signup/confirm/{token}")
    taken = client.post(f"/signup/confirm/{token}", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert taken.status_code == 409 and TAKEN in taken.get_data(as_text=True)
    assert not signed_in(client)
    assert [a.id for a in Account.select()] == [sso.id] and Account.get().password_hash is None
    assert PendingSignup.select().count() == 0 and SignIn.select().count() == 0
    assert client.get(f"/signup/confirm/{token}").status_code == 410


def test_two_presses_at_once_make_one_account(app, outbox):
    Auth(app.test_client()).signup("ana@example.com")
    [token] = confirmations(outbox, 1)
    browsers = []
    for _ in range(2):
        client = app.test_client()
        browsers.append((client, csrf_from(client.get(f"/signup/confirm/{token}").get_data(as_text=True))))
    statuses, start = [], threading.Barrier(2, timeout=30)

    def press(client, csrf):
        start.wait()  # each request opens and closes its own connection (all_at_once's would be closed twice)
        statuses.append(client.post(f"/signup/confirm/{token}", data={"csrf_token": csrf}).status_code)

    threads = [threading.Thread(target=press, args=browser) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a confirm POST did not return within 60 s"
    assert sorted(statuses)[0] == 303 and sorted(statuses)[1] in (409, 410), statuses
    assert Account.select().count() == 1 and Profile.select().count() == 1 and SignIn.select().count() == 1
    assert PendingSignup.select().count() == 0


def test_at_most_three_confirmation_e_mails_a_day_per_address(app, outbox):
    answers = []
    for _ in range(4):
        response = Auth(app.test_client()).signup("ana@example.com")
        answers.append((response.status_code, response.location))
        outbox.wait_for(len(answers) if len(answers) <= 3 else 3)
    assert len(set(answers)) == 1 and answers[0][1].endswith("/signup/sent")
    time.sleep(1)  # time enough for a fourth e-mail to arrive, were one sent
    tokens = confirmations(outbox, 3)
    assert len(outbox.messages()) == 3
    # The fourth stored nothing either: the third link, the last one sent, still works.
    client = app.test_client()
    assert confirm(client, tokens[2]).status_code == 303 and signed_in(client)


def test_without_e_mail_a_sign_up_is_an_account_at_once(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", None)
    response = Auth(client).signup("ana@example.com")
    assert response.status_code == 303 and response.location.endswith("/onboarding/screening")
    assert signed_in(client) and PendingSignup.select().count() == 0
    assert app.test_client().get("/signup/confirm/anything").status_code == 410


def test_the_pending_signups_migration_goes_down_and_up(app, outbox):
    Auth(app.test_client()).signup("ana@example.com")
    confirmations(outbox, 1)
    with app.app_context(), db.connection_context():
        assert runner().down("0011_pending_signups") == ["0011_pending_signups"]
        assert "pending_signup" not in db.get_tables()
        assert runner().up() == ["0011_pending_signups"]
        assert "pending_signup" in db.get_tables() and PendingSignup.select().count() == 0
