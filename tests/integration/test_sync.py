"""The outbox's sync endpoint: batches, idempotency per UUID (also concurrent), ownership, bad data."""
import re
from concurrent.futures import ThreadPoolExecutor

import requests

from app.models import WorkoutLog
from tests.conftest import Auth, a_log


def sync(client, token, logs):
    return client.post("/sessions/sync", json={"logs": logs}, headers={"X-CSRFToken": token})


def test_a_batch_stores_each_good_log_once_and_reports_the_bad_one(person, client):
    token = client.get("/sessions/sync").json["csrf_token"]
    good = [a_log() for _ in range(3)]
    bad = a_log(rating="amazing", steps_done=99)
    first = sync(client, token, [good[0], bad, *good[1:]])
    assert first.status_code == 207 and first.json["stored"] == 3
    statuses = {r["client_id"]: r["status"] for r in first.json["results"]}
    assert statuses == {good[0]["client_id"]: 201, bad["client_id"]: 400, good[1]["client_id"]: 201,
                        good[2]["client_id"]: 201}
    assert set(first.json["results"][1]["errors"]) == {"rating", "steps_done"}
    for _ in range(50):  # the phone didn't hear the answer and sends it all again, many times
        again = sync(client, token, good)
        assert again.status_code == 200 and {r["status"] for r in again.json["results"]} == {200}
    assert WorkoutLog.select().count() == 3


def test_bad_batches_are_400_and_store_nothing(person, client):
    token = client.get("/sessions/sync").json["csrf_token"]
    for body in ({"logs": []}, {"logs": "x"}, {"nope": 1}, [a_log()], {"logs": [a_log() for _ in range(51)]}):
        response = client.post("/sessions/sync", json=body, headers={"X-CSRFToken": token})
        assert response.status_code == 400 and response.json["error"] == "invalid"
    assert client.post("/sessions/sync", data="{", headers={"X-CSRFToken": token,
                                                            "Content-Type": "application/json"}).status_code == 400
    only_bad = sync(client, token, [a_log(client_id="not-a-uuid"), "just a string", None])
    assert only_bad.status_code == 400 and [r["status"] for r in only_bad.json["results"]] == [400, 400, 400]
    assert WorkoutLog.select().count() == 0


def test_an_expired_token_or_session_keeps_the_log_out_and_says_so(person, client):
    log = a_log()
    no_token = client.post("/sessions/sync", json={"logs": [log]})
    assert no_token.status_code == 400 and no_token.json["error"] == "csrf"
    token = client.get("/sessions/sync").json["csrf_token"]
    person.logout()
    signed_out = sync(client, token, [log])
    assert signed_out.status_code in (400, 401)
    assert client.get("/sessions/sync", headers={"Accept": "application/json"}).status_code == 401
    assert WorkoutLog.select().count() == 0
    person.login()
    fresh = client.get("/sessions/sync").json["csrf_token"]
    assert sync(client, fresh, [log]).status_code == 200
    assert WorkoutLog.select().count() == 1


def test_another_persons_uuid_is_a_conflict_for_that_log_only(app, person, client):
    log = a_log()
    sync(client, client.get("/sessions/sync").json["csrf_token"], [log])
    other = app.test_client()
    stranger = Auth(other)
    stranger.signup("eve@example.com")
    mine = a_log()
    answer = sync(other, other.get("/sessions/sync").json["csrf_token"], [log, mine])
    assert answer.status_code == 207
    assert [r["status"] for r in answer.json["results"]] == [409, 201]
    assert WorkoutLog.select().where(WorkoutLog.client_id == log["client_id"]).get().account.email == "ana@example.com"


def test_fifty_concurrent_replays_over_http_make_one_record(live_server):
    browser = requests.Session()
    page = browser.get(f"{live_server}/signup").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert browser.post(f"{live_server}/signup", data={"email": "ana@example.com", "password": "warm up well",
                                                       "csrf_token": token}).ok
    token = browser.get(f"{live_server}/sessions/sync").json()["csrf_token"]
    log = a_log()

    def send(_):
        reply = browser.post(f"{live_server}/sessions/sync", json={"logs": [log]}, headers={"X-CSRFToken": token})
        return reply.status_code, reply.json()["results"][0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(send, range(50)))
    assert {code for code, _ in answers} == {200}
    assert sorted(r["status"] for _, r in answers).count(201) == 1
    assert {r["log"]["id"] for _, r in answers} == {answers[0][1]["log"]["id"]}
    assert WorkoutLog.select().where(WorkoutLog.client_id == log["client_id"]).count() == 1
