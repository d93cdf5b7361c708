"""Shuffle says what it changed, keeps what was swapped out, and can be undone (journey review 10);
a routine's "Left out N exercises" can be opened to see which."""
import re

from app.models import RoutineRecord
from tests.conftest import Auth, quick


def _ids(routine_id):
    return [step["exercise_id"] for step in RoutineRecord.get_by_id(routine_id).data["steps"]]


def test_shuffle_marks_what_is_new_keeps_swaps_out_and_undoes(person, client):
    routine_id = quick(person)
    swapped_out = _ids(routine_id)[0]
    swap = client.post(f"/routines/{routine_id}/steps/0/swap", headers={"X-CSRFToken": person.token("/")})
    assert swap.status_code == 303
    before = RoutineRecord.get_by_id(routine_id)
    before_data, before_ids = before.data, _ids(routine_id)
    for _ in range(4):  # each shuffle is random: a swapped-out exercise never comes back while others fit
        response = client.post(f"/routines/{routine_id}/shuffle", data={"csrf_token": person.token("/")})
        assert response.status_code == 303
        assert swapped_out not in _ids(routine_id)
    now = set(_ids(routine_id))
    page = client.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert "Shuffled:" in page and "Undo shuffle" in page and "What you swapped out stays out." in page
    shown = re.findall(r'class="step step-new"', page)
    previous = RoutineRecord.get_by_id(routine_id).data["before_shuffle"]["data"]
    new = now - {step["exercise_id"] for step in previous["steps"]}
    marked = sum(1 for step in RoutineRecord.get_by_id(routine_id).data["steps"] if step["exercise_id"] in new)
    assert len(shown) == marked
    if new:
        assert f"{len(new)} new exercise" in page
    # Once: the banner and the marks are for straight after the shuffle, not every later visit.
    again = client.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert "Shuffled:" not in again and "step-new" not in again

    response = client.post(f"/routines/{routine_id}/shuffle/undo", data={"csrf_token": person.token("/")})
    assert response.status_code == 303
    restored = RoutineRecord.get_by_id(routine_id)
    assert restored.data["steps"] == previous["steps"]
    assert "Back to the routine you had before the shuffle." in client.get(f"/routines/{routine_id}").get_data(as_text=True)
    # One level: undoing again says there's nothing to undo, and changes nothing.
    response = client.post(f"/routines/{routine_id}/shuffle/undo", data={"csrf_token": person.token("/")},
                           follow_redirects=True)
    assert "no shuffle to undo" in response.get_data(as_text=True)
    assert RoutineRecord.get_by_id(routine_id).data["steps"] == previous["steps"]
    assert before_ids and before_data["steps"]


def test_undo_shuffle_is_the_owners_only(app, person, client):
    routine_id = quick(person)
    client.post(f"/routines/{routine_id}/shuffle", data={"csrf_token": person.token("/")})
    other = app.test_client()
    stranger = Auth(other)
    stranger.signup(email="eve@example.com")
    stranger.onboard()
    response = other.post(f"/routines/{routine_id}/shuffle/undo", data={"csrf_token": stranger.token("/")})
    assert response.status_code == 404
    assert "before_shuffle" in RoutineRecord.get_by_id(routine_id).data


def test_left_out_exercises_can_be_seen(app, client):
    auth = Auth(client)
    auth.signup(email="knee@example.com")
    auth.onboard(conditions=["knee"])
    routine_id = quick(auth)
    page = client.get(f"/routines/{routine_id}").get_data(as_text=True)
    count = int(re.search(r"Left out (\d+) exercises", page).group(1))
    listed = re.search(r'<ul class="left-out-list">(.*?)</ul>', page, re.S).group(1)
    assert listed.count("<li>") == count > 0
    assert 'href="/exercises/' in listed
