"""Web Push over real HTTP to a fake push service that verifies the VAPID token and decrypts."""
import email.utils
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest
from py_vapid import Vapid
from pywebpush import WebPusher

from app.reminders import push, vapid
from tests.conftest import free_port
from tests.fakes.push_service import b64url, unb64url

SUBJECT = "mailto:ops@limber.example"


def settings(instance_dir, env="test", private=None, public=None, subject=SUBJECT):
    return {"VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": public, "VAPID_SUBJECT": subject,
            "LIMBER_ENV": env, "INSTANCE_DIR": str(instance_dir)}


@pytest.fixture
def service(push_service):
    push_service.reset()
    return push_service


@pytest.fixture
def keys(tmp_path):
    return vapid.keys(settings(tmp_path))


# -- delivery ------------------------------------------------------------------------------------

def test_a_push_arrives_decrypted_with_valid_vapid_claims(service, keys):
    service.expect_key(keys.public_key)
    browser = service.subscription("phone")
    payload = {"title": "Time for your warm-up", "body": "Ten minutes, café-friendly ☕", "url": "/reminders/7/open"}
    before = time.time()

    outcome = push.send(browser.json, payload, keys, timeout=5)

    assert outcome == push.Outcome("sent", 201, "the push service answered 201")
    [delivery] = service.wait_for(1)
    assert delivery["id"] == browser.id
    assert delivery["payload"] == payload
    assert delivery["ttl"] == 1800
    assert delivery["urgency"] == "normal"
    claims = delivery["claims"]
    assert claims["aud"] == service.url
    assert claims["sub"] == SUBJECT
    assert before < claims["exp"] <= time.time() + 12 * 60 * 60
    assert service.rejected == []


def test_many_pushes_over_one_session_all_arrive(service, keys):
    browsers = [service.subscription() for _ in range(3)]
    with push.session() as http:
        outcomes = [push.send(browsers[n % 3].json, {"n": n}, keys, timeout=5, session=http, ttl=60)
                    for n in range(60)]
    assert {outcome.result for outcome in outcomes} == {"sent"}
    deliveries = service.wait_for(60)
    assert sorted(d["payload"]["n"] for d in deliveries) == list(range(60))
    assert {d["ttl"] for d in deliveries} == {60}


def test_a_push_signed_with_another_key_is_refused(service, tmp_path, keys):
    service.expect_key(keys.public_key)
    other = vapid.keys(settings(tmp_path / "elsewhere"))
    assert other.public_key != keys.public_key

    outcome = push.send(service.subscription().json, {"title": "hi"}, other, timeout=5)

    assert (outcome.result, outcome.status) == ("failed", 403)
    assert service.received == []
    assert [r["status"] for r in service.rejected] == [403]
    assert "VAPID key" in service.rejected[0]["reason"]


def _hand_signed(service, claims, signer=None, key_of=None):
    """Push with hand-made VAPID claims (bypassing push.send), to show the fake checks each one."""
    signer = signer or Vapid.from_raw(vapid.make_pair()[0].encode())
    signer.conf = {"no-strict": True}  # let py_vapid sign a bad "sub" so the fake can refuse it
    authorization = signer.sign(claims)["Authorization"]
    if key_of is not None:  # swap in another key's k=: the signature no longer verifies
        authorization = authorization.split("k=")[0] + "k=" + key_of
    response = WebPusher(service.subscription().json).send(
        b'{"title":"hi"}', {"Authorization": authorization}, ttl=60, content_encoding="aes128gcm", timeout=5)
    return response.status_code, service.rejected[-1]["reason"] if service.rejected else None


@pytest.mark.parametrize("change, words", [
    ({"aud": "https://fcm.googleapis.com"}, "aud must be"),
    ({"exp": int(time.time()) - 60}, "exp must be"),
    ({"exp": int(time.time()) + 25 * 60 * 60}, "exp must be"),
    ({"sub": "ops@limber.example"}, "sub must be"),
])
def test_the_fake_refuses_bad_vapid_claims(service, change, words):
    claims = {"aud": service.url, "exp": int(time.time()) + 3600, "sub": SUBJECT, **change}
    status, reason = _hand_signed(service, claims)
    assert status == 401
    assert words in reason
    assert service.received == []


def test_the_fake_refuses_a_signature_made_with_another_key(service):
    claims = {"aud": service.url, "exp": int(time.time()) + 3600, "sub": SUBJECT}
    status, reason = _hand_signed(service, claims, key_of=vapid.make_pair()[1])
    assert status == 401
    assert "signature does not verify" in reason


def test_the_fake_accepts_what_it_should(service):
    claims = {"aud": service.url, "exp": int(time.time()) + 3600, "sub": SUBJECT}
    assert _hand_signed(service, claims) == (201, None)
    assert service.wait_for(1)[0]["payload"] == {"title": "hi"}


# -- what the push service answers ---------------------------------------------------------------

@pytest.mark.parametrize("status, result", [
    (201, "sent"), (202, "sent"), (404, "gone"), (410, "gone"), (429, "retry"), (500, "retry"), (503, "retry"),
    (400, "failed"), (403, "failed"), (413, "failed"),
])
def test_each_answer_has_its_outcome(service, keys, status, result):
    service.answer(status)
    outcome = push.send(service.subscription().json, {"title": "hi"}, keys, timeout=5)
    assert (outcome.result, outcome.status, outcome.retry_after) == (result, status, None)
    assert str(status) in outcome.detail


def test_retry_after_in_seconds_and_as_a_date(service, keys):
    browser = service.subscription()
    service.answer(429, times=1, retry_after=30)
    assert push.send(browser.json, {}, keys, timeout=5) == push.Outcome(
        "retry", 429, "the push service answered 429: scripted 429", 30)

    service.answer(503, times=1, retry_after=email.utils.formatdate(time.time() + 120, usegmt=True))
    assert 110 <= push.send(browser.json, {}, keys, timeout=5).retry_after <= 120

    assert push.send(browser.json, {}, keys, timeout=5).result == "sent"  # both scripts are used up


def test_an_answer_for_one_subscription_leaves_the_others_alone(service, keys):
    gone, kept = service.subscription("old laptop"), service.subscription("phone")
    service.answer(410, endpoint_id=gone.id)
    assert push.send(gone.json, {"n": 1}, keys, timeout=5).result == "gone"
    assert push.send(kept.json, {"n": 2}, keys, timeout=5).result == "sent"
    assert push.send(gone.json, {"n": 3}, keys, timeout=5).result == "gone"
    assert [d["id"] for d in service.received] == [kept.id]


def test_a_redirect_is_not_followed(service, keys):
    service.answer(307, times=1)
    outcome = push.send(service.subscription().json, {"title": "hi"}, keys, timeout=5)
    assert (outcome.result, outcome.status) == ("failed", 307)
    assert service.received == []


def test_a_closed_port_is_retried_later(service, keys):
    subscription = {**service.subscription().json, "endpoint": f"http://127.0.0.1:{free_port()}/push/abc"}
    outcome = push.send(subscription, {"title": "hi"}, keys, timeout=2)
    assert (outcome.result, outcome.status) == ("retry", None)
    assert "could not reach" in outcome.detail


def test_a_push_service_that_never_answers_is_retried_later(service, keys):
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        subscription = {**service.subscription().json,
                        "endpoint": f"http://127.0.0.1:{silent.getsockname()[1]}/push/abc"}
        started = time.monotonic()
        outcome = push.send(subscription, {"title": "hi"}, keys, timeout=0.3)
    assert (outcome.result, outcome.status) == ("retry", None)
    assert "within 0.3 s" in outcome.detail
    assert time.monotonic() - started < 5


# -- subscriptions as the browser sends them -----------------------------------------------------

def test_a_good_subscription_is_cleaned(service):
    browser = service.subscription().json
    padded = {**browser, "keys": {"p256dh": browser["keys"]["p256dh"] + "=", "auth": browser["keys"]["auth"] + "=="},
              "expirationTime": None}
    assert push.check_subscription(padded) == {"endpoint": browser["endpoint"], "keys": browser["keys"]}
    https = {**browser, "endpoint": "https://fcm.googleapis.com/fcm/send/abc:APA91b"}
    assert push.check_subscription(https)["endpoint"] == https["endpoint"]


def _with(endpoint="https://push.example.com/x", **keys):
    return {"endpoint": endpoint, "keys": keys}


@pytest.mark.parametrize("data, words", [
    (["https://push.example.com/x"], "JSON object"),
    ({"keys": {}}, "endpoint is missing"),
    ({"endpoint": 7, "keys": {}}, "endpoint is missing"),
    (_with("https://push.example.com/" + "a" * 1000), "longer than 1000"),
    (_with("ftp://push.example.com/x"), "https://"),
    (_with("http://push.example.com/x"), "https://"),
    (_with("http://10.0.0.5/x"), "https://"),
    (_with("https://push.example.com/a b"), "without spaces"),
    (_with("https://push.example.com/x\n"), "without spaces"),
    (_with("https://user:secret@push.example.com/x"), "plain host name"),
    (_with("https://[::1]/x"), "plain host name"),
    (_with("https://push.example.com:70000/x"), "plain host name"),
    (_with("/push/x"), "plain host name"),
    ({"endpoint": "https://push.example.com/x"}, "keys (p256dh and auth) are missing"),
    ({"endpoint": "https://push.example.com/x", "keys": "abc"}, "keys (p256dh and auth) are missing"),
])
def test_a_malformed_subscription_is_refused_with_the_reason(data, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        push.check_subscription(data)


def test_keys_that_are_not_keys_are_refused(service):
    good = service.subscription().json["keys"]
    cases = {
        "p256dh": [None, "", "not base64!", b64url(b"\x04" * 33), b64url(b"\x02" + bytes(64)),
                   b64url(b"\x04" + bytes(range(1, 65)))],  # the last is 65 bytes but not on the curve
        "auth": [None, "", b64url(b"a" * 15), b64url(b"a" * 17), "***"],
    }
    for name, values in cases.items():
        for value in values:
            with pytest.raises(ValueError, match=f"keys.{name} must be"):
                push.check_subscription({"endpoint": "https://push.example.com/x", "keys": {**good, name: value}})


def test_send_refuses_a_malformed_subscription_and_an_oversized_payload(service, keys):
    browser = service.subscription().json
    with pytest.raises(ValueError, match="https://"):
        push.send({**browser, "endpoint": "http://push.example.com/x"}, {}, keys, timeout=5)
    with pytest.raises(ValueError, match="at most 3993"):
        push.send(browser, {"text": "x" * 4000}, keys, timeout=5)
    assert push.send(browser, {"text": "x" * (3993 - len('{"text":""}'))}, keys, timeout=5).result == "sent"


# -- the VAPID key pair --------------------------------------------------------------------------

def test_a_pair_is_made_once_and_kept_in_the_instance_folder(tmp_path):
    first = vapid.keys(settings(tmp_path))
    path = tmp_path / "vapid.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text()) == {"private_key": first.private_key, "public_key": first.public_key}
    assert vapid.keys(settings(tmp_path)) is first  # the process's cache
    vapid._keys.cache_clear()  # as a new process would: read back from the file
    assert vapid.keys(settings(tmp_path)) == first
    point = unb64url(first.public_key)
    assert (len(point), point[0]) == (65, 4)
    assert "=" not in first.public_key + first.private_key
    assert len(unb64url(first.private_key)) == 32
    assert first.subject == SUBJECT
    assert [p.name for p in tmp_path.iterdir()] == ["vapid.json"]  # no temporary file left behind


def test_set_keys_are_used_as_they_are(tmp_path):
    private, public = vapid.make_pair()
    keys = vapid.keys(settings(tmp_path, env="production", private=private, public=public))
    assert keys == vapid.Keys(private, public, SUBJECT)
    assert not (tmp_path / "vapid.json").exists()


def test_production_without_keys_has_no_push(tmp_path):
    assert vapid.keys(settings(tmp_path, env="production")) is None
    assert not (tmp_path / "vapid.json").exists()


def test_wrong_settings_are_refused_by_name(tmp_path):
    private, public = vapid.make_pair()
    other_private, other_public = vapid.make_pair()
    with pytest.raises(vapid.VapidError, match="VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY are not one pair"):
        vapid.keys(settings(tmp_path, private=private, public=other_public))
    with pytest.raises(vapid.VapidError, match="VAPID_PUBLIC_KEY is not set"):
        vapid.keys(settings(tmp_path, env="production", private=private))
    with pytest.raises(vapid.VapidError, match="VAPID_PRIVATE_KEY is not set"):
        vapid.keys(settings(tmp_path, public=public))
    with pytest.raises(vapid.VapidError, match="not a base64url 32-byte"):
        vapid.keys(settings(tmp_path, private=public, public=public))
    with pytest.raises(vapid.VapidError, match="not a base64url 65-byte"):
        vapid.keys(settings(tmp_path, private=private, public=private))
    with pytest.raises(vapid.VapidError, match="VAPID_SUBJECT must be"):
        vapid.keys(settings(tmp_path, private=private, public=public, subject="ops@limber.example"))


def test_a_damaged_key_file_is_named(tmp_path):
    (tmp_path / "vapid.json").write_text("{")
    with pytest.raises(vapid.VapidError, match="vapid.json is unreadable"):
        vapid.keys(settings(tmp_path))


def test_threads_starting_at_once_end_with_one_pair(tmp_path):
    config = settings(tmp_path / "new")
    start, found = threading.Barrier(8), []

    def first_use():
        start.wait(timeout=5)
        found.append(vapid._keys.__wrapped__(*(config[k] for k in (
            "VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT", "LIMBER_ENV", "INSTANCE_DIR"))))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(found) == 8
    assert len(set(found)) == 1
    assert json.loads((tmp_path / "new" / "vapid.json").read_text())["public_key"] == found[0].public_key


def test_a_process_that_loses_the_race_takes_the_winners_pair(tmp_path, monkeypatch):
    """The file appears between the check and the link: the pair already written wins."""
    winner_private, winner_public = vapid.make_pair()
    real_link = os.link

    def another_process_first(source, target):
        with open(target, "w") as out:
            json.dump({"private_key": winner_private, "public_key": winner_public}, out)
        real_link(source, target)

    monkeypatch.setattr(vapid.os, "link", another_process_first)
    keys = vapid.keys(settings(tmp_path))
    assert (keys.private_key, keys.public_key) == (winner_private, winner_public)
    assert [p.name for p in tmp_path.iterdir()] == ["vapid.json"]


def test_processes_starting_at_once_end_with_one_pair(tmp_path):
    code = ("import json, sys; from app.reminders import vapid; "
            "print(vapid.keys(json.loads(sys.argv[1])).public_key)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    config = json.dumps(settings(tmp_path / "shared"))
    processes = [subprocess.Popen([sys.executable, "-c", code, config], cwd=root, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    answers = [process.communicate(timeout=60) for process in processes]
    assert [err for _, err in answers if err] == []
    assert len({out.strip() for out, _ in answers}) == 1
    assert json.loads((tmp_path / "shared" / "vapid.json").read_text())["public_key"] == answers[0][0].strip()
