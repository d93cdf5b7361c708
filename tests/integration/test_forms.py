"""The forms of the plan pages, the routine form and the library's filters: WTForms classes rendered
with the shared macros. What was sent comes back with the error beside its field, and the
messages say what to do."""
import re
from html import unescape

from app.models import Plan
from app.plans import service
from tests.conftest import starter


def test_a_bad_entry_comes_back_with_what_was_sent_and_the_error_beside_it(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    page = client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": "sun",
                                                          "kind": "flexibility", "activity": "general",
                                                          "minutes": "99", "focus": ["hips"]})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert re.search(r'<input aria-describedby="entry-minutes-error" aria-invalid="true" id="entry-minutes"[^>]*'
                     r'value="99"', html)
    assert '<p class="field-error" id="entry-minutes-error">Choose 3 to 30 minutes.</p>' in html
    assert '<option selected value="sun">Sunday</option>' in html
    assert '<option selected value="flexibility">Stretching</option>' in html
    assert 'value="hips" checked' in html and "<details open>" in html
    assert Plan.get_by_id(plan_id).version == 1


def test_plan_forms_name_their_problems(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    details = client.post(f"/plans/{plan_id}/details", data={"csrf_token": token, "base": "1", "name": " ",
                                                             "start_date": "2026-02-30"})
    html = details.get_data(as_text=True)
    assert details.status_code == 422
    assert "Give the plan a name of 1 to 60 characters." in html and "Enter a date like 2026-11-23." in html
    missing = client.post(f"/plans/{plan_id}/details", data={"csrf_token": token, "base": "1", "name": "Week"})
    assert missing.status_code == 422 and "Pick the day the plan starts." in missing.get_data(as_text=True)
    kind = client.post(f"/plans/{plan_id}/entries", data={"csrf_token": token, "base": "1", "day": "funday",
                                                          "kind": "nap", "activity": "general", "minutes": "8"})
    assert kind.status_code == 422 and "Please pick from the list." in kind.get_data(as_text=True)
    gone = client.post(f"/plans/{plan_id}/entries/remove", data={"csrf_token": token, "base": "1", "day": "sun",
                                                                "index": "9"})
    assert gone.status_code == 422 and "That entry isn't in the plan any more." in unescape(gone.get_data(as_text=True))
    assert Plan.get_by_id(plan_id).version == 1


def test_a_rule_of_the_week_names_its_day(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    entry = {"csrf_token": token, "day": "sun", "kind": "mobility", "activity": "general", "minutes": "5"}
    version = Plan.get_by_id(plan_id).version
    while len(service.current(Plan.get_by_id(plan_id)).snapshot["days"].get("sun", [])) < 4:
        assert client.post(f"/plans/{plan_id}/entries", data={**entry, "base": str(version)}).status_code == 303
        version += 1
    full = client.post(f"/plans/{plan_id}/entries", data={**entry, "base": str(version)})
    assert full.status_code == 422 and "Sunday: at most 4 entries a day" in full.get_data(as_text=True)


def test_a_change_needs_the_version_it_was_made_on(client, person):
    plan_id = starter(person)
    token = person.token(f"/plans/{plan_id}")
    for base in ("", "0", "x", "9" * 11, "2147483648"):
        for path, data in (("entries", {"day": "sun", "kind": "mobility", "activity": "general", "minutes": "5"}),
                           ("entries/remove", {"day": "mon", "index": "0"}),
                           ("details", {"name": "Week", "start_date": "2026-11-23"}),
                           ("versions/1/restore", {})):
            answer = client.post(f"/plans/{plan_id}/{path}", data={"csrf_token": token, "base": base, **data})
            assert answer.status_code == 400, (path, base)
    assert Plan.get_by_id(plan_id).version == 1


def test_the_plan_page_has_one_set_of_ids(client, person):
    plan_id = starter(person)
    for path in (f"/plans/{plan_id}", f"/plans/{plan_id}/history", "/plans"):
        html = client.get(path).get_data(as_text=True)
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (path, sorted(i for i in ids if ids.count(i) > 1))


def test_compare_reads_its_form_from_the_query_string(client, person):
    plan_id = starter(person)
    history = client.get(f"/plans/{plan_id}/history").get_data(as_text=True)
    assert 'id="cmp-a"' not in history  # one version: nothing to compare
    assert client.get(f"/plans/{plan_id}/compare?a=1&b=1").status_code == 200
    assert client.get(f"/plans/{plan_id}/compare?a=1").status_code == 400
    assert client.get(f"/plans/{plan_id}/compare?a=1&b=" + "9" * 400).status_code == 404
    assert client.get(f"/plans/{plan_id}/compare?a=1&b=1.5").status_code == 400


def test_the_routine_form_comes_back_with_what_was_sent(client, person):
    page = person.post("/routines", {"kind": "cooldown", "activity": "cycling", "minutes": "2", "space": "outdoor",
                                     "focus": ["hips"]}, token_from="/")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'value="cooldown" checked' in html and 'value="outdoor" checked' in html and 'value="hips" checked' in html
    assert '<option selected value="cycling">Cycling</option>' in html
    assert re.search(r'<input aria-describedby="minutes-error" aria-invalid="true" id="minutes"[^>]*value="2"', html)
    odd = person.post("/routines", {"kind": "warmup", "activity": "running", "minutes": "8", "space": "moon"},
                      token_from="/")
    assert odd.status_code == 422 and 'value="room" checked' in odd.get_data(as_text=True)


def test_the_library_filters_keep_what_was_chosen(client, person):
    html = client.get("/exercises?q=calf&region=calves&type=static&equipment=none").get_data(as_text=True)
    assert '<input aria-label="Search by name" maxlength="60" name="q" placeholder="Search by name" type="search" ' \
           'value="calf">' in html
    assert '<option selected value="calves">Calves</option>' in html
    assert '<option selected value="none">No equipment</option>' in html
    assert "Split-stance calf stretch" in html and "Glute bridge" not in html
    unknown = client.get("/exercises?region=elbows&type=nope").get_data(as_text=True)
    assert "Glute bridge" in unknown  # a filter Limber doesn't know is ignored, not an error
