"""The AI's daily allowances hold under bursts (security review F1): what is queued counts,
the decision is atomic, and an operator-wide ceiling protects the bill. Real database, real SDK."""
import time

import pytest

from app.ai import client as ai_client
from app.ai import quota
from app.models import Account, AiJob, ChatMessage, RoutineRecord
from tests.conftest import Auth, ai_person, all_at_once, answer, build_with_ai, say, valid


@pytest.fixture
def busy_queue(monkeypatch):
    """The worker is busy: "Build it with AI" queues its job, and nothing runs it yet."""
    import app.tasks

    queued = []
    monkeypatch.setattr(app.tasks, "build_ai_routine", queued.append)
    return queued


def build(auth, minutes):
    response = auth.post("/routines", {"kind": "warmup", "activity": "running", "minutes": str(minutes),
                                       "with_ai": "1"}, token_from="/routines/new")
    assert response.status_code == 303
    return response.headers["Location"]


def test_queued_builds_count_towards_the_daily_limit(app, client, auth, claude, busy_queue, monkeypatch):
    ai_person(client, auth)
    monkeypatch.setitem(app.config, "AI_DAILY_LIMIT", 3)
    places = [build(auth, 6 + i) for i in range(5)]
    assert sum("/ai/jobs/" in p for p in places) == 3 and len(busy_queue) == 3
    assert AiJob.select().count() == 3
    refused = [RoutineRecord.get_by_id(int(p.rsplit("/", 1)[1])) for p in places if "/routines/" in p]
    assert len(refused) == 2
    assert all(r.built_by == "rules" and "today's 3 AI builds" in r.data["fallback_reason"] for r in refused)
    assert claude.requests == []


def test_concurrent_requests_take_exactly_the_limit(app, client, auth):
    auth.signup()
    account_id = Account.get().id
    config = {**app.config, "AI_DAILY_LIMIT": 12, "AI_GLOBAL_DAILY_LIMIT": 1000}
    results = []

    def one():
        try:
            quota.take(account_id, "routine", config)
            results.append("taken")
        except quota.Exhausted as exc:
            results.append(exc.scope)

    all_at_once(one, 24, "a quota.take() call")  # 24: within the pool's 32 connections
    assert results.count("taken") == 12 and results.count("person") == 12
    assert quota.used(account_id, "routine") == 12 and quota.used_by_everyone() == 12


def test_the_global_ceiling_covers_everyone_and_both_kinds(app, client, auth, claude, busy_queue, monkeypatch):
    monkeypatch.setitem(app.config, "AI_GLOBAL_DAILY_LIMIT", 2)
    ai_person(client, auth)
    other = app.test_client()
    bo = Auth(other)
    bo.signup("bo@example.com")
    bo.onboard()
    bo.post("/settings/ai", {"ai_enabled": "y", "coach_personality": "calm"})
    assert "/ai/jobs/" in build(auth, 7) and "/ai/jobs/" in build(bo, 7)
    refused = build(auth, 9)
    routine = RoutineRecord.get_by_id(int(refused.rsplit("/", 1)[1]))
    assert "limit for today across everyone" in routine.data["fallback_reason"]
    ana = Account.get(Account.email == "ana@example.com").id
    assert quota.used(ana, "routine") == 1  # refused by the ceiling: the person's own place was not kept
    note = say(client, auth, "What should I stretch after a run?").get_data(as_text=True)
    assert "across everyone" in note and ChatMessage.select().where(ChatMessage.role == "assistant").count() == 0
    assert "across everyone" in client.get("/coach").get_data(as_text=True)


def test_chat_answers_are_limited_and_an_unasked_answer_gives_its_place_back(app, client, auth, claude, monkeypatch):
    ai_person(client, auth)
    monkeypatch.setitem(app.config, "AI_DAILY_LIMIT", 2)
    ana = Account.get().id
    breaker = ai_client.breaker(app.config)
    breaker.opened_at = time.monotonic()  # the AI failed a moment ago: the answer never reaches the model
    say(client, auth, "Any tips?")
    pending = ChatMessage.select().where(ChatMessage.role == "assistant").get()
    assert quota.used(ana, "chat") == 1
    assert "giving it a rest" in answer(client, auth, pending.id).get_data(as_text=True)
    assert quota.used(ana, "chat") == 0 and claude.requests == []
    breaker.success()
    claude.script = [claude.streamed(["One."]), claude.streamed(["Two."])]
    for text in ("First?", "Second?"):
        say(client, auth, text)
        answer(client, auth, ChatMessage.select().where(ChatMessage.role == "assistant")
               .order_by(ChatMessage.id.desc()).get().id).get_data()
    third = say(client, auth, "Third?").get_data(as_text=True)
    assert "today&#39;s 2 coach answers" in third and len(claude.requests) == 2


def test_a_reused_answer_gives_its_place_back(app, client, auth, claude):
    ai_person(client, auth)
    claude.script = [valid(claude)]
    first = build_with_ai(client, auth)
    assert build_with_ai(client, auth).id == first.id and len(claude.requests) == 1
    assert quota.used(first.account_id, "routine") == 1


def test_the_reply_is_a_post_and_a_get_changes_nothing(app, client, auth, claude):
    """Review finding 2b: the model call starts on a CSRF-checked POST, never on a GET."""
    ai_person(client, auth)
    claude.script = [claude.streamed(["Hi."])]
    say(client, auth, "Hello?")
    pending = ChatMessage.select().where(ChatMessage.role == "assistant").get()
    assert client.get(f"/coach/messages/{pending.id}/reply").status_code == 405
    assert client.get(f"/coach/messages/{pending.id}/stream").status_code == 404
    assert client.post(f"/coach/messages/{pending.id}/reply").status_code == 400  # no CSRF token
    assert ChatMessage.get_by_id(pending.id).state == "pending" and claude.requests == []
    reply = answer(client, auth, pending.id)
    assert reply.status_code == 200 and "Hi." in reply.get_data(as_text=True)
    assert ChatMessage.get_by_id(pending.id).state == "done" and len(claude.requests) == 1


def test_old_counters_are_purged_and_todays_are_kept(app, client, auth):
    import datetime as dt

    from app.models import AiUsage, RateLimit, utcnow
    from app.tasks import purge_counters

    auth.signup()
    account_id = Account.get().id
    quota.take(account_id, "chat", app.config)
    old = utcnow() - dt.timedelta(days=3)
    quota.take(account_id, "chat", app.config, now=old)
    RateLimit.create(key="lapsed", hits=3, expires_at=time.time() - 1)
    RateLimit.create(key="live", hits=3, expires_at=time.time() + 60)
    with app.app_context():
        purge_counters.call_local()
    assert {row.day for row in AiUsage.select()} == {utcnow().date()}
    keys = {row.key for row in RateLimit.select()}
    assert "live" in keys and "lapsed" not in keys
