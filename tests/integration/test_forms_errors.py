"""Form errors a person can find, controls their labels reach, a sign-up that doesn't say who has an
account, compressed pages and the cache headers of one person's pages (issue 13)."""
import collections
import gzip
import re
from html.parser import HTMLParser

from app.auth import accounts
from app.models import Account
from tests.conftest import Auth, answer, quick, say, starter


class Ids(HTMLParser):
    """Every id on a page, and where each <label for> points."""

    def __init__(self, html):
        super().__init__()
        self.ids, self.label_for = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_for.append(attrs["for"])


def assert_ids_are_unique_and_labels_reach_them(path, html):
    page = Ids(html)
    twice = sorted(name for name, count in collections.Counter(page.ids).items() if count > 1)
    assert twice == [], f"{path}: the same id more than once: {twice}"
    lost = [target for target in page.label_for if target not in page.ids]
    assert lost == [], f"{path}: labels for no element: {lost}"


def test_every_page_of_a_signed_in_person_has_unique_ids_and_labels_that_reach_their_control(app, client, auth):
    for path in ("/signup", "/login"):
        assert_ids_are_unique_and_labels_reach_them(path, app.test_client().get(path).get_data(as_text=True))
    auth.signup()
    auth.onboard(conditions=["knee"])
    routine_id = quick(auth)
    plan_id = starter(auth)
    pages = ["/", "/settings", "/profile", "/plans", f"/plans/{plan_id}", "/progress", "/exercises",
             f"/routines/{routine_id}", "/routines/new", "/reminders", "/coach", "/notifications", "/saved"]
    pages += [f"/{where}/{step}" for where in ("onboarding", "profile")
              for step in ("screening", "about", "health", "activity")]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_ids_are_unique_and_labels_reach_them(path, response.get_data(as_text=True))
    # Pages that come back with errors, too.
    failed = {"/settings/delete": auth.post("/settings/delete", {"confirm": ""}),
              "/settings/password": auth.post("/settings/password", {"current": "x", "new": "short", "confirm": "no"}),
              "/profile/health": auth.post("/profile/health", {"conditions": ["knee"]}, token_from="/profile/health"),
              "/onboarding/screening": auth.post("/onboarding/screening", {}, token_from="/onboarding/screening")}
    for path, response in failed.items():
        assert response.status_code == 422, path
        assert_ids_are_unique_and_labels_reach_them(path, response.get_data(as_text=True))


def test_the_delete_box_has_its_own_label_and_its_error_is_tied_to_it(client, person):
    html = client.get("/settings").get_data(as_text=True)
    assert '<label for="delete-confirm">Type DELETE to confirm</label>' in html
    assert html.count('id="delete-confirm"') == 1 and html.count('id="confirm"') == 1
    failed = person.post("/settings/delete", {"confirm": "", "password": ""}).get_data(as_text=True)
    assert re.search(r'<input aria-describedby="delete-confirm-error" aria-invalid="true"[^>]*id="delete-confirm"',
                     failed)
    assert '<p class="field-error" id="delete-confirm-error">Type DELETE to confirm.</p>' in failed


def test_errors_of_choices_yes_no_and_consent_are_named_by_their_controls(client, auth):
    auth.signup()
    screening = auth.post("/onboarding/screening", {}, token_from="/onboarding/screening").get_data(as_text=True)
    radios = re.findall(r'<input type="radio" name="chest_pain"[^>]*>', screening)
    assert len(radios) == 2
    assert all('aria-invalid="true" aria-describedby="chest_pain-error"' in radio for radio in radios)
    assert '<p class="field-error" id="chest_pain-error">Please answer yes or no.</p>' in screening
    health = auth.post("/onboarding/health", {"conditions": ["knee"]},
                       token_from="/onboarding/health").get_data(as_text=True)
    assert re.search(r'<input aria-describedby="consent-error" aria-invalid="true"[^>]*id="consent"', health)
    assert 'id="consent-error">Please tick the box' in health
    chips = auth.post("/onboarding/activity", {"activities": ["not-a-sport"]},
                      token_from="/onboarding/activity").get_data(as_text=True)
    assert re.search(r'<input type="checkbox" name="activities" value="running" '
                     r'aria-invalid="true" aria-describedby="activities-error">', chips)


def test_a_form_that_comes_back_with_errors_keeps_the_address_of_its_page(client, person):
    response = person.post("/settings/delete", {"confirm": ""}, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 422 and response.headers["HX-Push-Url"] == "false"


def test_signing_up_with_a_taken_address_says_nothing_of_the_account_and_tells_its_owner(
        app, client, smtp_server, monkeypatch):
    auth = Auth(client)
    auth.signup("ana@example.com", "warm up well")  # e-mail off: an account at once
    auth.logout()
    monkeypatch.setitem(app.config, "SMTP_URL", smtp_server.url)
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://limber.example")
    smtp_server.clear()
    hashed = []
    original = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda password: hashed.append(1) or original(password))

    someone = Auth(app.test_client())
    taken = someone.signup("ANA@example.com", "a different password")
    assert taken.status_code == 303 and taken.location.endswith("/signup/sent")
    assert len(hashed) == 1  # as costly as a new address (tests/integration/test_signup_confirm.py)
    page = someone.client.get(taken.location)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Check your e-mail" in text and "ana@example.com" in text
    assert "already" not in text and "csrf-token" in text
    assert someone.client.get("/").get_data(as_text=True).count("Create your account") == 0  # not signed in
    assert "Sign up" in someone.client.get("/").get_data(as_text=True)
    assert Account.select().count() == 1

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "ana@example.com" and "tried to sign up" in message["Subject"]
    body = message.get_content()
    assert "https://limber.example/login" in body and "a different password" not in body
    # The owner's password is the one that still works.
    assert auth.login("ana@example.com", "a different password").status_code == 422
    assert auth.login("ana@example.com", "warm up well").status_code == 303


def test_without_e_mail_a_taken_address_is_told_to_log_in(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", None)
    auth = Auth(client)
    auth.signup()
    auth.logout()
    taken = auth.signup(password="another password")
    assert taken.status_code == 303
    text = client.get(taken.location).get_data(as_text=True)
    assert "log in instead" in text and "Check your e-mail" not in text
    assert Account.select().count() == 1


def strip_tokens(html):
    return re.sub(r'(csrf-token" content="|X-CSRFToken": "|name="csrf_token" value=")[^"]+', r"\1", html)


def test_pages_are_gzipped_for_browsers_that_take_it_and_decode_to_the_same_page(client, person):
    client.get("/")  # the welcome message, shown once
    plain = client.get("/exercises")
    zipped = client.get("/exercises", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data) / 3
    assert strip_tokens(gzip.decompress(zipped.data).decode()) == strip_tokens(plain.get_data(as_text=True))
    refused = client.get("/exercises", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    data = client.get("/sessions/sync", headers={"Accept-Encoding": "gzip"})
    assert data.is_json and "Content-Encoding" not in data.headers  # too small to be worth it


def test_the_coachs_stream_is_never_compressed(app, client, auth, claude):
    auth.signup()
    auth.onboard()
    auth.post("/settings/ai", {"ai_enabled": "y", "coach_personality": "calm"})
    claude.script = [claude.streamed(["Keep ", "it ", "short."])]
    say(client, auth, "How long should I warm up?")
    message_id = int(re.search(r"/coach/messages/(\d+)/reply",
                               client.get("/coach").get_data(as_text=True)).group(1))
    stream = client.post(f"/coach/messages/{message_id}/reply",
                         headers={"X-CSRFToken": auth.token("/coach"), "Accept-Encoding": "gzip"})
    assert stream.mimetype == "text/event-stream" and stream.is_streamed
    assert "Content-Encoding" not in stream.headers and stream.headers["Cache-Control"] == "no-store"
    assert "event: token" in stream.get_data(as_text=True)
    assert answer(client, auth, message_id).status_code == 409


def test_pages_may_be_kept_for_back_but_only_by_the_browser_and_data_never(client, person):
    for path in ("/", "/exercises", "/progress", "/plans", "/profile"):
        assert client.get(path).headers["Cache-Control"] == "private, no-cache", path
    for path in ("/settings", "/settings/export.json", "/sessions/sync"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    failed = person.post("/settings/delete", {"confirm": ""})
    assert failed.status_code == 422 and failed.headers["Cache-Control"] == "no-store"
    logout = person.logout()
    assert logout.status_code == 303 and logout.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/login").headers["Cache-Control"] == "private, no-cache"
