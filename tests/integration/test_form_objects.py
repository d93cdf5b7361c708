"""The AI settings, the coach's forms, Home's one-tap buttons, the routine page's forms and the media
page's buttons: WTForms classes rendered with the shared macros. Each button posts what its page
shows (its hidden fields and CSRF token come from a form object), and bad input gets a 4xx with a
clear message and nothing written."""
import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from app.media import service as media
from app.models import ChatMessage, ExerciseMedia, Plan, Profile, RoutineRecord
from app.plans import service as plans
from app.plans.week import DAYS
from tests.conftest import ai_person, quick, starter

MESSAGE_ERROR = '<p class="field-error" id="chat-message-error">Write 1 to 1000 characters.</p>'


class _Forms(HTMLParser):
    """Each <form> of a page: its action, its hidden fields in order, and its text (the button's)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {"action": a.get("action"), "hidden": [], "ids": [], "text": ""}
            self.forms.append(self.current)
        elif tag == "input" and a.get("type") == "hidden" and self.current is not None:
            self.current["hidden"].append((a["name"], a.get("value", "")))
            self.current["ids"] += [a["id"]] if "id" in a else []

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms(html, button="", action=None):
    """The page's forms whose button says ``button`` (and that post to ``action``)."""
    parser = _Forms()
    parser.feed(html)
    return [form for form in parser.forms if button in form["text"] and action in (None, form["action"])]


def post(client, form, **more):
    """Post a form as the page has it, with ``more`` fields (a list: one value each)."""
    data = MultiDict(form["hidden"])
    for name, value in more.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return client.post(form["action"], data=data)


def names(form):
    """The names of a form's hidden fields, which carry no ids (the hidden() macro: one form object
    fills many <form>s)."""
    assert form["ids"] == [], form["ids"]
    return sorted(name for name, _ in form["hidden"])


def duplicate_ids(html):
    ids = re.findall(r'\bid="([^"]+)"', html)
    return sorted({i for i in ids if ids.count(i) > 1})


# -- the AI settings

def test_the_ai_settings_form_shows_what_the_profile_has_and_saves_it(client, person):
    page = client.get("/settings").get_data(as_text=True)
    assert '<input id="ai_enabled" name="ai_enabled" type="checkbox" value="y">' in page
    assert '<label for="coach-personality">Coach personality</label>' in page
    assert '<option selected value="supportive">Supportive</option>' in page
    [form] = forms(page, "Let Limber ask Claude")
    assert names(form) == ["csrf_token"]
    saved = post(client, form, ai_enabled="y", coach_personality="calm")
    assert saved.status_code == 303 and saved.location.endswith("/settings#ai")
    page = client.get("/settings").get_data(as_text=True)
    assert '<input checked id="ai_enabled" name="ai_enabled" type="checkbox" value="y">' in page
    assert '<option selected value="calm">Calm</option>' in page
    profile = Profile.get()
    assert (profile.ai_enabled, profile.coach_personality) == (True, "calm")


def test_the_ai_settings_refuse_an_unknown_personality_and_only_a_y_switches_the_ai_on(client, person):
    [form] = forms(client.get("/settings").get_data(as_text=True), "Let Limber ask Claude")
    assert post(client, form, ai_enabled="y", coach_personality="calm").status_code == 303
    for personality in ("sarcastic", "", "CALM", "calm\x00"):
        refused = post(client, form, ai_enabled="n", coach_personality=personality)
        assert refused.status_code == 400, personality
        if "\x00" not in personality:  # (a NUL is refused before any view, with its own message)
            assert "Something in that request didn't look right" in unescape(refused.get_data(as_text=True))
    profile = Profile.get()
    assert (profile.ai_enabled, profile.coach_personality) == (True, "calm")  # nothing written
    assert post(client, form, coach_personality="tough_love").status_code == 303  # the box left unticked: off
    assert (Profile.get().ai_enabled, Profile.get().coach_personality) == (False, "tough_love")
    for value in ("n", "0", "on", "Y"):
        assert post(client, form, ai_enabled=value).status_code == 303
        assert Profile.get().ai_enabled is False, value
    assert post(client, form, ai_enabled="y").status_code == 303  # no personality sent: it stays as it is
    assert (Profile.get().ai_enabled, Profile.get().coach_personality) == (True, "tough_love")


# -- the coach

def test_a_message_the_coach_cant_take_gets_a_clear_422_and_nothing_is_written(client, auth, claude):
    ai_person(client, auth)  # the message box is there only while the coach is on
    page = client.get("/coach").get_data(as_text=True)
    assert '<label class="visually-hidden" for="chat-message">Your message</label>' in page
    assert re.search(r'<textarea id="chat-message" maxlength="1000" [^>]*name="message"', page)
    [form] = forms(page, "Send")
    assert names(form) == ["csrf_token"]
    for text in ("", "   \n\t ", "x" * 1001, None):
        extra = {} if text is None else {"message": text}
        refused = client.post(form["action"], data={**dict(form["hidden"]), **extra}, headers={"HX-Request": "true"})
        assert refused.status_code == 422, text
        assert refused.headers["HX-Retarget"] == "#chat-error" and refused.headers["HX-Reswap"] == "innerHTML"
        assert refused.get_data(as_text=True).strip() == MESSAGE_ERROR
    # Without htmx: the coach page again, the error in the form's error box and the message kept.
    again = post(client, form, message="x" * 1001)
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and 'id="chat-log"' in html
    assert re.search(r'<div id="chat-error" role="alert">\s*' + re.escape(MESSAGE_ERROR), html)
    assert re.search(r'<textarea aria-describedby="chat-message-error" aria-invalid="true" id="chat-message"', html)
    assert "x" * 1001 in html
    assert ChatMessage.select().count() == 0


def test_a_message_is_sent_without_the_spaces_around_it_and_the_conversation_can_be_deleted(client, auth, claude):
    ai_person(client, auth)
    [form] = forms(client.get("/coach").get_data(as_text=True), "Send")
    sent = post(client, form, message="  How long should I warm up?\n")
    assert sent.status_code == 303 and sent.location.endswith("/coach")
    mine = ChatMessage.select().where(ChatMessage.role == "user").get()
    assert mine.content == "How long should I warm up?"
    page = client.get("/coach").get_data(as_text=True)
    assert duplicate_ids(page) == []
    [delete] = forms(page, "Delete conversation")
    assert names(delete) == ["csrf_token"]
    assert post(client, delete).status_code == 303
    assert ChatMessage.select().count() == 0


def test_without_the_coach_its_page_offers_the_library_and_build_instead(client, person):
    page = client.get("/coach").get_data(as_text=True)
    assert "The coach isn't available here" in page and forms(page, "Send") == []
    assert 'href="/routines/new"' in page and 'href="/exercises' in page


# -- Home's buttons and the routine page

def test_homes_buttons_post_what_they_show(client, person):
    home = client.get("/").get_data(as_text=True)
    assert duplicate_ids(home) == []
    starts = forms(home, action="/routines/quick")
    assert [names(f) for f in starts] == [["activity", "csrf_token", "kind", "minutes"]] * 3
    assert [dict(f["hidden"])["kind"] for f in starts] == ["warmup", "cooldown", "mobility"]
    # Two buttons each: the card starts the player, "Preview" shows the routine first.
    assert all(form["text"].count("Preview") == 1 for form in starts)
    made = post(client, starts[2], then="play")
    assert made.status_code == 303 and made.location.endswith("/play?go=1")
    assert RoutineRecord.get_by_id(int(made.location.split("/")[2])).kind == "mobility"
    [offer] = forms(home, "Make my starter plan")
    assert names(offer) == ["csrf_token", "starter"] and dict(offer["hidden"])["starter"] == "1"
    made = post(client, offer)
    assert made.status_code == 303
    plan_id = int(made.location.rsplit("/", 1)[1])
    today = DAYS[dt.date.today().weekday()]
    token = person.token(f"/plans/{plan_id}")
    added = client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": today,
                                                           "kind": "mobility", "activity": "general", "minutes": "6",
                                                           "focus": ["hips", "ankles"]})
    assert added.status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "Make my starter plan" not in home and duplicate_ids(home) == []
    builds = forms(home, "Start", action="/routines")
    [focused] = [f for f in builds if ("focus", "hips") in f["hidden"]]
    assert focused["action"] == "/routines"
    assert sorted(focused["hidden"]) == sorted([("kind", "mobility"), ("activity", "general"), ("minutes", "6"),
                                                ("focus", "ankles"), ("focus", "hips"),
                                                ("csrf_token", dict(focused["hidden"])["csrf_token"])])
    built = post(client, focused)
    assert built.status_code == 303
    row = RoutineRecord.get_by_id(int(built.location.rsplit("/", 1)[1]))
    assert (row.kind, row.minutes) == ("mobility", 6) and {"hips", "ankles"} <= set(row.request["tight_areas"])
    # A tampered button: a clear 4xx, and no routine.
    count = RoutineRecord.select().count()
    assert post(client, starts[0], kind="nap").status_code == 400
    assert post(client, starts[0], minutes="9" * 400).status_code == 400
    refused = post(client, focused, focus=["hips", "elbows"])
    assert refused.status_code == 422 and "Please pick from the list." in refused.get_data(as_text=True)
    assert RoutineRecord.select().count() == count


def test_the_routine_pages_forms_post_what_they_show(client, person):
    plan_id = starter(person)
    routine_id = quick(person)
    page = client.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert duplicate_ids(page) == []
    assert '<label for="pin-day">Keep this exact routine in “My running week” on</label>' in page
    assert '<select id="pin-day" name="day"><option value="mon">Monday</option>' in page
    [pin] = forms(page, "Add to plan")
    assert names(pin) == ["base", "csrf_token", "routine_id"]
    assert (dict(pin["hidden"])["base"], dict(pin["hidden"])["routine_id"]) == ("1", str(routine_id))
    refused = post(client, pin, day="funday")
    assert refused.status_code == 422 and "Please pick from the list." in refused.get_data(as_text=True)
    assert Plan.get_by_id(plan_id).version == 1
    assert post(client, pin, day="sun").status_code == 303
    plan = Plan.get_by_id(plan_id)
    assert plan.version == 2 and plans.current(plan).snapshot["days"]["sun"][-1]["routine_id"] == routine_id
    [shuffle] = forms(page, "Shuffle")
    assert names(shuffle) == ["csrf_token"]
    assert post(client, shuffle).status_code == 303


# -- the media page

def test_the_media_pages_row_buttons_carry_a_token_from_a_form(app, client, auth, no_media):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "create-admin", "coach@example.com"],
                         env={"LIMBER_ADMIN_PASSWORD": "stretch it out"}).exit_code == 0
    auth.login("coach@example.com", "stretch it out")
    media.add("march-in-place", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    page = client.get("/admin/media").get_data(as_text=True)
    assert duplicate_ids(page) == []
    [remove] = forms(page, "Remove")
    assert names(remove) == ["csrf_token"]
    assert post(client, remove).status_code == 302 and ExerciseMedia.select().count() == 0
