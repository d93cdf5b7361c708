"""Plans through the web: starter plan, today on the dashboard, edits as versions, diff, restore,
stale edits refused, other people's plans invisible."""
from app.models import Plan, PlanVersion, RoutineRecord
from app.plans import service
from tests.conftest import Auth, quick, starter


def test_the_starter_plan_is_version_one_and_home_shows_today(client, person):
    assert "Make my starter plan" in client.get("/").get_data(as_text=True)
    plan_id = starter(person)
    plan = Plan.get_by_id(plan_id)
    assert plan.active and plan.version == 1
    first = PlanVersion.get(PlanVersion.plan == plan_id)
    assert first.author == "user" and first.description.startswith("Starter plan")
    home = client.get("/").get_data(as_text=True)
    assert "Today in" in home and "My running week" in home
    assert ('name="then" value="play"' in home and "Preview" in home) or ("Nothing planned today" in home)


def test_every_edit_is_a_version_that_can_be_compared_and_restored(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    add = client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": "sun",
                                                         "kind": "flexibility", "activity": "general", "minutes": "20",
                                                         "focus": ["hips", "hamstrings"]})
    assert add.status_code == 303
    assert "focus on hamstrings, hips" in client.get(f"/plans/{plan_id}").get_data(as_text=True)
    remove = client.post(f"/plans/{plan_id}/entries/remove", data={"csrf_token": token, "base": "2", "day": "mon",
                                                                   "index": "0"})
    assert remove.status_code == 303
    assert Plan.get_by_id(plan_id).version == 3
    history = client.get(f"/plans/{plan_id}/history").get_data(as_text=True)
    assert "Added Sunday: Stretching, focus on hamstrings, hips · 20\u00a0min" in history and "Removed Monday" in history
    diff = client.get(f"/plans/{plan_id}/compare?a=1&b=3").get_data(as_text=True)
    assert "Stretching, focus on hamstrings, hips · 20\u00a0min" in diff and "Running warm-up · 8\u00a0min" in diff
    restored = client.post(f"/plans/{plan_id}/versions/1/restore", data={"csrf_token": token, "base": "3"})
    assert restored.status_code == 303
    plan = Plan.get_by_id(plan_id)
    assert plan.version == 4 and service.current(plan).snapshot == service.version(plan, 1).snapshot
    assert PlanVersion.select().where(PlanVersion.plan == plan_id).count() == 4  # history never rewritten
    assert "Restored version 1" in client.get(f"/plans/{plan_id}/history").get_data(as_text=True)


def test_a_change_based_on_an_old_version_is_refused_and_nothing_is_overwritten(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    form = {"csrf_token": token, "base": "1", "day": "sun", "kind": "mobility", "activity": "general", "minutes": "10"}
    assert client.post(f"/plans/{plan_id}/entries", data=form).status_code == 303  # the other tab saved first
    stale = client.post(f"/plans/{plan_id}/entries", data={**form, "minutes": "25"}, follow_redirects=True)
    assert stale.request.path == f"/plans/{plan_id}" and "changed while you were looking" in stale.get_data(as_text=True)
    stale_restore = client.post(f"/plans/{plan_id}/versions/1/restore", data={"csrf_token": token, "base": "1"})
    assert stale_restore.status_code == 303 and stale_restore.location.endswith(f"/plans/{plan_id}")
    plan = Plan.get_by_id(plan_id)
    assert plan.version == 2 and [e["minutes"] for e in service.current(plan).snapshot["days"]["sun"]] == [10]


def test_bad_plan_input_is_a_clear_4xx(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    bad = client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": "sun",
                                                         "kind": "nap", "activity": "general", "minutes": "99"})
    assert bad.status_code == 422 and "minutes" in bad.get_data(as_text=True)
    assert client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "x", "day": "sun"}).status_code == 400
    assert client.post(f"/plans/{plan_id}/entries/remove", data={"csrf_token": token, "base": "1", "day": "sun",
                                                                 "index": "7"}).status_code == 422
    assert client.post(f"/plans/{plan_id}/details", data={"csrf_token": token, "base": "1", "name": "",
                                                          "start_date": "someday"}).status_code == 422
    assert client.post("/plans", data={"csrf_token": token, "name": ""}).status_code == 422
    assert client.get(f"/plans/{plan_id}/compare?a=1&b=99").status_code == 404
    assert client.get(f"/plans/{plan_id}/compare?a=one&b=1").status_code == 400
    assert client.post(f"/plans/{plan_id}/versions/99/restore", data={"csrf_token": token, "base": "1"}).status_code == 404
    assert Plan.get_by_id(plan_id).version == 1


def test_a_routine_can_be_pinned_to_a_day(client, person):
    plan_id = starter(person)
    routine_id = quick(person)
    page = client.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert "Add to plan" in page
    token = person.token(f"/routines/{routine_id}")
    pinned = client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": "sun",
                                                            "routine_id": str(routine_id)})
    assert pinned.status_code == 303
    sunday = service.current(Plan.get_by_id(plan_id)).snapshot["days"]["sun"]
    assert sunday == [{"routine_id": routine_id, "title": RoutineRecord.get_by_id(routine_id).title}]


def test_other_peoples_plans_and_routines_are_404(app, client, person):
    plan_id = starter(person)
    routine_id = quick(person)
    other = app.test_client()
    eve = Auth(other)
    eve.signup("eve@example.com")
    eve.onboard()
    token = eve.token("/plans")
    for path in (f"/plans/{plan_id}", f"/plans/{plan_id}/history", f"/plans/{plan_id}/compare?a=1&b=1"):
        assert other.get(path).status_code == 404
    for path, data in ((f"/plans/{plan_id}/entries", {"day": "sun", "kind": "mobility", "activity": "general",
                                                      "minutes": "5"}),
                       (f"/plans/{plan_id}/versions/1/restore", {}), (f"/plans/{plan_id}/activate", {})):
        assert other.post(path, data={"csrf_token": token, "base": "1", **data}).status_code == 404
    own = int(eve.post("/plans", {"starter": "1"}, token_from="/plans").headers["Location"].rsplit("/", 1)[1])
    assert other.post(f"/plans/{own}/entries", data={"csrf_token": token, "base": "1", "day": "sun",
                                                     "routine_id": str(routine_id)}).status_code == 404
    assert Plan.get_by_id(plan_id).version == 1


def test_export_has_every_plan_version_and_delete_removes_them(client, person):
    import json

    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": "sun",
                                                   "kind": "mobility", "activity": "general", "minutes": "10"})
    exported = json.loads(client.get("/settings/export.json").get_data(as_text=True))
    assert [v["number"] for v in exported["plans"][0]["versions"]] == [1, 2]
    person.post("/settings/delete", {"confirm": "DELETE", "password": "warm up well"})
    assert Plan.select().count() == 0 and PlanVersion.select().count() == 0
