"""Reminder e-mails: sent through a real SMTP server process, their words, and the one-click
unsubscribe link they carry (a signed token; opening it changes nothing, posting it stops the e-mails)."""
import datetime as dt
import email.utils
import re
import socket
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer

from app import vocabulary as v
from app.db import db
from app.models import Account, ReminderSetting
from app.reminders import emails, mail, tokens, unsubscribe
from tests.conftest import free_port

INVALID = "This unsubscribe link isn't valid. You can change your e-mails in"
STOPPED = "You won't get these e-mails any more"


@pytest.fixture
def outbox(app, smtp_server, monkeypatch):
    """The app sends through the SMTP server process; its mailbox starts empty."""
    monkeypatch.setitem(app.config, "SMTP_URL", smtp_server.url)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5.0)
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def reminded(app, person):
    """Ana, signed up, with daily reminder e-mails and the weekly summary on; her account id."""
    with app.app_context(), db.connection_context():
        account = Account.get(Account.email == "ana@example.com")
        ReminderSetting.create(account=account, by_email=True, weekly_summary=True, enabled=True,
                               next_weekly_at=dt.datetime(2026, 11, 30, 8))
    return account.id


def setting(account_id):
    with db.connection_context():
        return ReminderSetting.get(ReminderSetting.account == account_id)


def a_reminder(app, account_id, line="Today's plan: 8-minute <b>warm-up</b> before your run."):
    """Send Ana's daily reminder the way the worker does; its unsubscribe URL."""
    link = unsubscribe.link(app.config, account_id, "email")
    base = app.config["PUBLIC_URL"]
    subject, text, html = emails.daily("warmup", line, f"{base}/", f"{base}/reminders", link)
    mail.send(app.config, "ana@example.com", subject, text, html, mail.unsubscribe_headers(link))
    return link


# -- sending -------------------------------------------------------------------------------------

def test_a_reminder_arrives_with_its_headers_both_parts_and_the_unsubscribe_headers(app, outbox, reminded):
    link = a_reminder(app, reminded)
    [message] = outbox.wait_for(1)
    assert message["From"] == "Limber <reminders@limber.invalid>" and message["To"] == "ana@example.com"
    assert message["X-RcptTo"] == "ana@example.com" and message["X-MailFrom"] == "reminders@limber.invalid"
    assert message["Subject"] == "Time for your warm-up"
    sent_at = email.utils.parsedate_to_datetime(message["Date"])
    assert abs(sent_at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
    assert re.fullmatch(r"<[^@<>\s]+@limber\.invalid>", message["Message-ID"])
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    assert "Today's plan: 8-minute <b>warm-up</b> before your run." in text and f"Unsubscribe: {link}" in text
    assert "8-minute &lt;b&gt;warm-up&lt;/b&gt;" in html and "<b>" not in html  # escaped, as given
    assert f'<a href="{link}"' in html and ">Unsubscribe</a>" in html
    # Unfolded and unencoded: the header a mail client's unsubscribe button reads.
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith("http://127.0.0.1:8000/unsubscribe/")


def test_a_second_message_gets_its_own_message_id(app, outbox, reminded):
    a_reminder(app, reminded)
    a_reminder(app, reminded)
    first, second = outbox.wait_for(2)
    assert first["Message-ID"] != second["Message-ID"]


def test_text_only_is_a_single_plain_part(app, outbox):
    mail.send(app.config, "ben@example.com", "Your week with Limber", "Plain words.\n")
    [message] = outbox.wait_for(1)
    assert message.get_content_type() == "text/plain" and message.get_content() == "Plain words.\n"
    assert "List-Unsubscribe" not in message


def test_a_busy_server_is_a_transient_failure(app, outbox):
    with pytest.raises(mail.MailError) as failed:
        mail.send(app.config, "later@example.com", "Time to stretch", "words")
    assert failed.value.transient and "451" in str(failed.value)
    assert "later@example.com" not in str(failed.value)  # the address stays out of anything that may be logged


def test_a_refused_address_is_permanent_and_not_repeated_in_the_error(app, outbox):
    with pytest.raises(mail.MailError) as failed:
        mail.send(app.config, "refused@example.com", "Time to stretch", "words")
    assert not failed.value.transient and "550" in str(failed.value)
    assert "refused@example.com" not in str(failed.value) and "words" not in str(failed.value)
    assert outbox.messages() == []


def test_no_server_listening_is_transient(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    with pytest.raises(mail.MailError) as failed:
        mail.send(app.config, "ana@example.com", "Time to stretch", "words")
    assert failed.value.transient and "Can't reach the SMTP server 127.0.0.1:" in str(failed.value)


def test_a_server_that_never_answers_times_out_as_transient(app, monkeypatch):
    with socket.socket() as silent:  # takes connections (the kernel's backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 0.5)
        with pytest.raises(mail.MailError) as failed:
            mail.send(app.config, "ana@example.com", "Time to stretch", "words")
    assert failed.value.transient and "didn't answer within 0.5 s" in str(failed.value)


def test_a_password_is_never_sent_without_tls(app, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", outbox.url.replace("smtp://", "smtp://limber:s3cr%40t@"))
    with pytest.raises(mail.MailError) as failed:
        mail.send(app.config, "ana@example.com", "Time to stretch", "words")
    assert not failed.value.transient and "doesn't offer STARTTLS" in str(failed.value)
    assert "s3cr" not in str(failed.value) and outbox.messages() == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:25", "smtp://", "smtp://host:port", "smtp://:pw@:99999"])
def test_a_wrong_smtp_url_is_a_permanent_failure_that_says_what_it_should_be(app, monkeypatch, url):
    monkeypatch.setitem(app.config, "SMTP_URL", url)
    with pytest.raises(mail.MailError) as failed:
        mail.send(app.config, "ana@example.com", "Time to stretch", "words")
    assert not failed.value.transient and "SMTP_URL must look like smtp://" in str(failed.value)
    assert "pw" not in str(failed.value)


@pytest.mark.parametrize("to", ["a,b@example.com", "Ana <ana@example.com>", "ana@example.com\nBcc: eve@example.com",
                                '"><svg/onload=alert(2)>…@x.io', "no-at-sign", ""])
def test_only_one_plain_address_is_sent_to(app, outbox, to):
    with pytest.raises(mail.MailError) as failed:
        mail.send(app.config, to, "Time to stretch", "words")
    assert not failed.value.transient and outbox.messages() == []


def test_a_line_break_in_a_header_is_refused(app, outbox):
    with pytest.raises(mail.MailError) as failed:
        mail.send(app.config, "ana@example.com", "Time to stretch\r\nBcc: eve@example.com", "words")
    assert not failed.value.transient and outbox.messages() == []


def test_configured_needs_a_server_and_the_public_url(app):
    assert mail.configured({"SMTP_URL": "smtp://127.0.0.1:25", "PUBLIC_URL": "https://limber.example"})
    assert not mail.configured({"SMTP_URL": None, "PUBLIC_URL": "https://limber.example"})
    assert not mail.configured({"SMTP_URL": "smtp://127.0.0.1:25", "PUBLIC_URL": None})
    assert not mail.configured(app.config)  # the tests' default: no SMTP_URL


# -- the words -----------------------------------------------------------------------------------

# Health words: the body areas and conditions Limber knows, and the words around them.
HEALTH_WORDS = {word for code in (*v.REGIONS, *v.PAIN_AREAS, *v.CONDITIONS) for word in code.split("_")} | {
    "pain", "hurt", "sore", "injur", "health", "doctor", "medical", "pregnan", "blood", "heart", "dizz", "gentle"}


def words_of(subject):
    return {word for word in re.split(r"[^a-z]+", subject.lower()) if word}


@pytest.mark.parametrize("kind", [*v.KINDS, "stretch"])
def test_no_subject_says_anything_about_health(kind):
    line = "Today's plan: a gentle stretch for your sore lower back and knee (pregnancy mode)."
    subject, text, _ = emails.daily(kind, line, "http://x/", "http://x/reminders", "http://x/unsubscribe/t")
    assert subject.startswith("Time ") and line in text
    weekly, _, _ = emails.weekly({"sessions": 2, "minutes": 20, "streak": 3, "week_of": dt.date(2026, 11, 16)},
                                 "http://x/progress", "http://x/reminders", "http://x/unsubscribe/t")
    for said in (subject, weekly):
        found = {word for word in words_of(said) for bad in HEALTH_WORDS if word.startswith(bad)}
        assert not found, f"{said!r} says {found}"


def test_subjects_are_plain_and_kind_is_checked():
    subjects = {kind: emails.daily(kind, None, "u", "s", "x")[0] for kind in [*v.KINDS, "stretch"]}
    assert subjects == {"warmup": "Time for your warm-up", "cooldown": "Time for your cool-down",
                        "flexibility": "Time to stretch", "mobility": "Time to move", "stretch": "Time to stretch"}
    assert emails.NUDGE in emails.daily("stretch", None, "u", "s", "x")[1]
    with pytest.raises(ValueError, match="kind must be one of"):
        emails.daily("knee rehab", None, "u", "s", "x")


def test_the_weekly_summary_is_honest_and_kind():
    week = dt.date(2026, 11, 16)
    subject, text, html = emails.weekly({"sessions": 3, "minutes": 24, "streak": 4, "week_of": week},
                                        "http://x/progress", "http://x/reminders", "http://x/unsubscribe/w")
    assert subject == "Your week with Limber"
    assert "Your week from Monday 16 November." in text and "You did 3 sessions, 24 minutes in all." in text
    assert "4-day streak" in text and "See your progress: http://x/progress" in text
    assert "Unsubscribe: http://x/unsubscribe/w" in text and 'href="http://x/unsubscribe/w"' in html
    _, one, _ = emails.weekly({"sessions": 1, "minutes": 1, "streak": 1, "week_of": week}, "p", "s", "u")
    assert "You did 1 session, 1 minute in all." in one and "streak" not in one
    _, none, none_html = emails.weekly({"sessions": 0, "minutes": 0, "streak": 0, "week_of": week}, "p", "s", "u")
    assert "No sessions this week, and that's fine" in none and "way back in" in none
    assert "0 sessions" not in none and "0 minutes" not in none and "that&#39;s fine" in none_html


def test_the_html_escapes_every_value():
    _, _, html = emails.daily("warmup", '<script>alert(1)</script> & "quotes"', 'http://x/?a=1&b="2"', "s",
                              "http://x/unsubscribe/t")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; &#34;quotes&#34;" in html
    assert 'href="http://x/?a=1&amp;b=&#34;2&#34;"' in html


# -- tokens --------------------------------------------------------------------------------------

KEY = "a-test-secret-key"


def test_a_token_reads_back_as_its_account_and_what():
    for what in tokens.WHAT:
        token = tokens.make(KEY, 42, what)
        assert re.fullmatch(r"[\w.-]+", token)  # URL-safe: a path segment as it is
        assert tokens.read(KEY, token) == (42, what)
    with pytest.raises(ValueError):
        tokens.make(KEY, 42, "push")


def test_forged_altered_and_foreign_tokens_are_refused():
    token = tokens.make(KEY, 42, "email")
    body, _, signature = token.rpartition(".")
    other_body = tokens.make(KEY, 43, "email").rpartition(".")[0]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    bad = [
        tokens.make("another-key", 42, "email"),  # forged: the wrong key
        flipped, token[:-3], f"{other_body}.{signature}", body, "", ".", "x" * 500, "é.é",
        URLSafeSerializer(KEY, salt=tokens.SALT).dumps([42, "push"]),  # signed, but not a what
        URLSafeSerializer(KEY, salt=tokens.SALT).dumps([True, "email"]),
        URLSafeSerializer(KEY, salt=tokens.SALT).dumps([2**40, "email"]),
        URLSafeSerializer(KEY, salt=tokens.SALT).dumps({"id": 42}),
        URLSafeSerializer(KEY).dumps([42, "email"]),  # the same key for something else: another salt
        URLSafeSerializer(KEY, salt="cookie-session").dumps([42, "email"]),
    ]
    for forged in bad:
        with pytest.raises(tokens.BadToken):
            tokens.read(KEY, forged)
    # and the other way round: an unsubscribe token means nothing to anything else signed with the key
    with pytest.raises(Exception, match="does not match"):
        URLSafeSerializer(KEY).loads(token)


# -- the unsubscribe pages -----------------------------------------------------------------------

def test_opening_the_link_changes_nothing_and_offers_the_button(app, reminded):
    token = tokens.make(app.config["SECRET_KEY"], reminded, "email")
    scanner = app.test_client()  # a mail system's link scanner: no cookie
    response = scanner.get(f"/unsubscribe/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Stop daily reminder e-mails?" in page
    assert f'<form method="post" action="/unsubscribe/{token}">' in page and ">Unsubscribe</button>" in page
    assert "Set-Cookie" not in response.headers  # no session made for a passing scanner
    assert setting(reminded).by_email and setting(reminded).weekly_summary
    weekly = scanner.get(f"/unsubscribe/{tokens.make(app.config['SECRET_KEY'], reminded, 'weekly')}")
    assert "Stop the weekly summary?" in weekly.get_data(as_text=True)


def test_posting_the_link_stops_daily_emails_without_a_cookie_or_csrf_token_and_again(app, reminded):
    token = tokens.make(app.config["SECRET_KEY"], reminded, "email")
    for _ in range(2):  # idempotent: the second press answers the same
        response = app.test_client().post(f"/unsubscribe/{token}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and STOPPED in page and "daily reminder e-mails" in page
        assert 'href="/reminders"' in page
        row = setting(reminded)
        assert not row.by_email and row.weekly_summary and row.enabled  # only what the link said


def test_the_weekly_link_stops_only_the_summary(app, reminded):
    token = tokens.make(app.config["SECRET_KEY"], reminded, "weekly")
    response = app.test_client().post(f"/unsubscribe/{token}")
    assert response.status_code == 200 and "the weekly summary" in response.get_data(as_text=True)
    row = setting(reminded)
    assert not row.weekly_summary and row.next_weekly_at is None and row.by_email


def test_the_one_click_post_of_a_mail_client_works(app, reminded):
    token = tokens.make(app.config["SECRET_KEY"], reminded, "email")
    response = app.test_client().post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and not setting(reminded).by_email


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_link_is_a_404_that_says_where_to_go(app, reminded, method):
    good = tokens.make(app.config["SECRET_KEY"], reminded, "email")
    for token in (good[:-2], tokens.make("not-our-key", reminded, "email"), "x" * 3000, "a.b.c"):
        response = getattr(app.test_client(), method)(f"/unsubscribe/{token}")
        page = response.get_data(as_text=True)
        assert response.status_code == 404 and INVALID in page and 'href="/reminders"' in page
    assert setting(reminded).by_email


def test_a_link_for_a_deleted_account_answers_the_same_success(app, reminded):
    token = tokens.make(app.config["SECRET_KEY"], reminded, "email")
    with db.connection_context():
        Account.delete_by_id(reminded)
    response = app.test_client().post(f"/unsubscribe/{token}")
    assert response.status_code == 200 and STOPPED in response.get_data(as_text=True)


def test_the_link_in_a_sent_email_unsubscribes(app, outbox, reminded):
    a_reminder(app, reminded)
    [message] = outbox.wait_for(1)
    url = message["List-Unsubscribe"].strip("<>")
    assert url in message.get_body(("plain",)).get_content() and url in message.get_body(("html",)).get_content()
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == app.config["PUBLIC_URL"]
    page = app.test_client().get(parts.path)
    assert page.status_code == 200 and setting(reminded).by_email  # opening it: nothing yet
    response = app.test_client().post(parts.path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and STOPPED in response.get_data(as_text=True)
    assert not setting(reminded).by_email
