"""Plans say what a change did and keep it in view; entries are edited and started from the plan;
dates read as people read them; the coach without an AI is an honest page with somewhere to go."""
import datetime as dt

import pytest

from app.models import Plan, RoutineRecord
from app.plans import service, week
from tests.conftest import ai_person, quick, starter


def _plan(client, plan_id):
    return client.get(f"/plans/{plan_id}").get_data(as_text=True)


def _day_card(html, day):
    """The HTML of one day's card on the plan page."""
    start = html.rindex("<section", 0, html.index(f'id="day-{day}"'))
    return html[start:html.index("</section>", start)]


def _post(person, plan_id, path, **data):
    token = person.token(f"/plans/{plan_id}")
    return person.client.post(f"/plans/{plan_id}{path}", data={"csrf_token": token, **data})


def test_adding_says_what_was_added_in_that_days_card_and_lands_there(client, person):
    plan_id = starter(person)
    added = _post(person, plan_id, "/entries", base="1", day="sun", kind="mobility", activity="general", minutes="10")
    assert added.status_code == 303 and added.location.endswith(f"/plans/{plan_id}#day-sun")
    page = _plan(client, plan_id)
    sunday = _day_card(page, "sun")
    assert 'role="status"' in sunday and "Added to Sunday: Mobility · 10\u00a0min" in sunday
    assert "day-changed" in sunday
    assert "Added to Sunday" not in _plan(client, plan_id)  # said once, not on every visit


def test_a_boosted_change_is_shown_at_its_day_not_the_top(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    headers = {"HX-Request": "true", "HX-Boosted": "true"}
    added = client.post(f"/plans/{plan_id}/entries", headers=headers, follow_redirects=True, data={
        "csrf_token": token, "base": "1", "day": "sun", "kind": "mobility", "activity": "general", "minutes": "10"})
    assert added.request.path == f"/plans/{plan_id}"
    assert added.headers["HX-Reswap"] == "innerHTML show:#day-sun:top"
    assert "HX-Request" in added.headers["Vary"]
    assert "HX-Reswap" not in client.get(f"/plans/{plan_id}", headers=headers).headers


def test_removing_says_what_was_removed(client, person):
    plan_id = starter(person)
    first = service.current(Plan.get_by_id(plan_id)).snapshot["days"]["mon"][0]
    removed = _post(person, plan_id, "/entries/remove", base="1", day="mon", index="0")
    assert removed.location.endswith("#day-mon")
    monday = _day_card(_plan(client, plan_id), "mon")
    assert f"Removed from Monday: {week.describe(first)}" in monday


def test_an_entry_is_edited_as_a_new_version(client, person):
    plan_id = starter(person)
    page = _plan(client, plan_id)
    assert f'href="/plans/{plan_id}/entries/mon/0/edit"' in page
    form = client.get(f"/plans/{plan_id}/entries/mon/0/edit").get_data(as_text=True)
    assert 'id="edit-kind"' in form and 'id="edit-minutes"' in form and 'value="8"' in form
    edited = _post(person, plan_id, "/entries/edit", base="1", day="mon", index="0", to_day="mon",
                   kind="warmup", activity="running", minutes="12", focus=["calves"])
    assert edited.status_code == 303 and edited.location.endswith("#day-mon")
    plan = Plan.get_by_id(plan_id)
    assert plan.version == 2
    assert service.current(plan).snapshot["days"]["mon"][0] == {"kind": "warmup", "activity": "running",
                                                                  "minutes": 12, "focus": ["calves"]}
    version = service.current(plan)
    assert version.description == ("Changed Monday: Running warm-up · 8\u00a0min → "
                                   "Running warm-up, focus on calves · 12\u00a0min")
    assert "Changed on Monday: Running warm-up, focus on calves · 12\u00a0min" in _day_card(_plan(client, plan_id),
                                                                                            "mon")


def test_an_entry_can_move_to_another_day_and_a_pinned_routine_stays_pinned(client, person):
    plan_id = starter(person)
    routine_id = quick(person)
    _post(person, plan_id, "/entries", base="1", day="sun", routine_id=str(routine_id))
    form = client.get(f"/plans/{plan_id}/entries/sun/0/edit").get_data(as_text=True)
    assert "stays pinned" in form and 'id="edit-kind"' not in form
    moved = _post(person, plan_id, "/entries/edit", base="2", day="sun", index="0", to_day="sat")
    assert moved.location.endswith("#day-sat")
    snapshot = service.current(Plan.get_by_id(plan_id)).snapshot
    assert snapshot["days"]["sun"] == [] and snapshot["days"]["sat"][-1]["routine_id"] == routine_id
    assert service.current(Plan.get_by_id(plan_id)).description.startswith("Moved Sunday: ")
    assert "Moved to Saturday: “" in _day_card(_plan(client, plan_id), "sat")


def test_a_bad_edit_is_a_clear_422_at_the_edit_page(client, person):
    plan_id = starter(person)
    bad = client.post(f"/plans/{plan_id}/entries/edit", headers={"HX-Request": "true", "HX-Boosted": "true"}, data={
        "csrf_token": person.token(f"/plans/{plan_id}"), "base": "1", "day": "mon", "index": "0", "to_day": "mon",
        "kind": "warmup", "activity": "running", "minutes": "99"})
    assert bad.status_code == 422 and "minutes" in bad.get_data(as_text=True)
    assert bad.headers["HX-Replace-Url"] == f"/plans/{plan_id}/entries/mon/0/edit"  # never the POST-only address
    assert client.get(f"/plans/{plan_id}/entries/mon/3/edit").status_code == 404
    assert Plan.get_by_id(plan_id).version == 1


def test_a_stale_edit_is_refused_and_ends_at_the_plan_page(client, person):
    plan_id = starter(person)
    _post(person, plan_id, "/entries/remove", base="1", day="tue", index="0")  # another tab saved first
    for path, data in (("/entries/edit", {"day": "mon", "index": "0", "to_day": "mon", "kind": "cooldown",
                                          "activity": "general", "minutes": "6"}),
                       ("/entries/remove", {"day": "mon", "index": "0"})):
        stale = client.post(f"/plans/{plan_id}{path}", follow_redirects=True,
                            data={"csrf_token": person.token(f"/plans/{plan_id}"), "base": "1", **data})
        assert stale.status_code == 200 and stale.request.path == f"/plans/{plan_id}"
        assert "changed while you were looking" in stale.get_data(as_text=True)
    plan = Plan.get_by_id(plan_id)
    assert plan.version == 2 and service.current(plan).snapshot["days"]["mon"][0]["kind"] == "warmup"


def test_start_on_a_build_entry_builds_that_routine(client, person):
    plan_id = starter(person)
    _post(person, plan_id, "/entries", base="1", day="sun", kind="flexibility", activity="general", minutes="12",
          focus=["hips", "hamstrings"])
    sunday = _day_card(_plan(client, plan_id), "sun")
    assert 'action="/routines"' in sunday and ">▶ Start<" in sunday
    assert 'name="then" value="play"' in sunday  # straight into the player, as Home's Start
    fields = {}
    for chunk in sunday.split('<input type="hidden" ')[1:]:
        name = chunk.split('name="', 1)[1].split('"', 1)[0]
        value = chunk.split('value="', 1)[1].split('"', 1)[0]
        fields.setdefault(name, []).append(value)
    assert fields["kind"] == ["flexibility"] and fields["activity"] == ["general"] and fields["minutes"] == ["12"]
    assert sorted(fields["focus"]) == ["hamstrings", "hips"]
    started = client.post("/routines", data={**fields, "then": "play", "csrf_token": person.token(f"/plans/{plan_id}")})
    assert started.status_code == 303
    routine = RoutineRecord.select().order_by(RoutineRecord.id.desc()).first()
    assert started.location == f"/routines/{routine.id}/play?go=1"
    assert (routine.kind, routine.activity, routine.minutes) == ("flexibility", "general", 12)
    assert {"hamstrings", "hips"} <= set(routine.request["tight_areas"])  # the focus areas go in as tight areas


def test_start_on_a_pinned_routine_opens_it(client, person):
    plan_id = starter(person)
    routine_id = quick(person)
    _post(person, plan_id, "/entries", base="1", day="sun", routine_id=str(routine_id))
    assert f'href="/routines/{routine_id}/play?go=1"' in _day_card(_plan(client, plan_id), "sun")


def test_dates_read_as_people_read_them(client, person):
    plan_id = starter(person)
    today = dt.date.today()
    assert f"From {today:%a} {today.day} {today:%b %Y}." in _plan(client, plan_id)  # no zero before the day
    _post(person, plan_id, "/details", base="1", name="My week", start_date="2026-11-30")
    assert "From Mon 30 Nov 2026." in _plan(client, plan_id)
    compare = client.get(f"/plans/{plan_id}/compare?a=1&b=2").get_data(as_text=True)
    assert f"Starts Mon 30 Nov 2026 instead of {today:%a} {today.day} {today:%b %Y}" in compare
    assert str(today) not in compare


def test_compare_badges_differ_by_colour_not_only_by_mark(client, person):
    plan_id = starter(person)
    _post(person, plan_id, "/entries", base="1", day="sun", kind="mobility", activity="general", minutes="10")
    _post(person, plan_id, "/entries/remove", base="2", day="mon", index="0")
    compare = client.get(f"/plans/{plan_id}/compare?a=1&b=3").get_data(as_text=True)
    assert 'class="badge diff-badge badge-danger">removed<' in compare
    assert 'class="badge diff-badge rating-about_right">added<' in compare


@pytest.mark.parametrize("ai", ["absent", "off"])
def test_the_coach_without_an_ai_offers_the_library_and_build(app, client, auth, monkeypatch, ai):
    auth.signup()
    auth.onboard(tight=["hamstrings"])
    if ai == "off":
        monkeypatch.setitem(app.config, "ANTHROPIC_API_KEY", "sk-test")  # there is an AI; the person keeps it off
    else:
        monkeypatch.setitem(app.config, "ANTHROPIC_API_KEY", None)
    page = client.get("/coach").get_data(as_text=True)
    assert "The coach isn't available here" in page
    assert 'name="message"' not in page and ">Send<" not in page
    assert 'href="/exercises?region=hamstrings"' in page and 'href="/routines/new"' in page
    assert "server" not in page.lower()
    assert ("Switch it on in Settings" in page) == (ai == "off")


def test_the_coach_without_tight_areas_offers_the_stretches(app, client, person, monkeypatch):
    monkeypatch.setitem(app.config, "ANTHROPIC_API_KEY", None)
    assert 'href="/exercises?type=static"' in client.get("/coach").get_data(as_text=True)


def test_with_the_ai_on_the_coach_has_its_message_box(client, auth, claude):
    ai_person(client, auth)
    page = client.get("/coach").get_data(as_text=True)
    assert 'name="message"' in page and ">Send<" in page and "isn't available here" not in page
