"""AI routines through the real anthropic SDK against a fake Messages API on loopback."""
import datetime as dt
import json
import time

from app.ai import jobs, quota
from app.models import AiJob, utcnow
from app.tasks import build_ai_routine, sweep_ai_jobs
from tests.conftest import Auth, ai_person, build_with_ai, catalog, request_from, valid


def answer(fake, exercises, rationale="Because."):
    return fake.tool({"exercises": [{"exercise_id": e, "phase": p, "cue": "Go"} for e, p in exercises],
                      "rationale": rationale})


def test_claude_builds_a_routine_inside_the_rails_and_sees_only_codes(client, auth, claude):
    ai_person(client, auth, conditions=["knee"])
    claude.script = [valid(claude)]
    routine = build_with_ai(client, auth)
    assert routine.built_by == "ai" and routine.data["fallback_reason"] is None
    assert all(cue == "Keep it smooth <b>and</b> easy" for cue in routine.data["cues"])
    page = client.get(f"/routines/{routine.id}").get_data(as_text=True)
    assert "Built by Claude" in page and "Keep it smooth &lt;b&gt;and&lt;/b&gt; easy" in page
    assert "<b>and</b>" not in page
    sent = claude.requests[0]["body"]
    assert sent["tool_choice"] == {"type": "tool", "name": "emit_routine"}
    enum = sent["tools"][0]["input_schema"]["properties"]["exercises"]["items"]["properties"]["exercise_id"]["enum"]
    person, _ = request_from(sent)
    assert person["person"]["condition_codes"] == ["knee"] and person["person"]["age_band"] == "30-39"
    assert {c["id"] for c in person["candidates"]} == set(enum)
    text = json.dumps(sent)
    assert "ana@example.com" not in text and "felt good" not in text
    # every exercise in the routine is one the narrowed list offered
    assert {s["exercise_id"] for s in routine.data["steps"]} <= set(enum)


def test_an_unknown_or_contraindicated_choice_is_asked_again_then_falls_back(client, auth, claude):
    ai_person(client, auth, conditions=["knee"])
    forbidden = next(ex.id for ex in catalog() if "deep_knee_flexion" in ex.contra_tags or "kneeling" in ex.contra_tags)
    claude.script = [answer(claude, [("made-up-stretch", "raise"), (forbidden, "mobilise")]),
                     answer(claude, [(forbidden, "raise")])]
    routine = build_with_ai(client, auth)
    assert routine.built_by == "rules"
    assert "not in the candidate list" in routine.data["fallback_reason"]
    assert len(claude.requests) == 2
    retry = claude.requests[1]["body"]["messages"][-1]["content"]
    assert "made-up-stretch" in retry and "rejected by the safety checks" in retry
    assert "Built by Limber's rules" in client.get(f"/routines/{routine.id}").get_data(as_text=True)


def test_a_second_try_that_follows_the_rules_is_used(client, auth, claude):
    ai_person(client, auth)
    claude.script = [answer(claude, [("made-up-stretch", "raise")]), valid(claude)]
    routine = build_with_ai(client, auth)
    assert routine.built_by == "ai" and len(claude.requests) == 2


def test_a_total_far_off_the_minutes_or_malformed_input_falls_back(client, auth, claude):
    ai_person(client, auth)
    short = answer(claude, [("march-in-place", "raise")])
    claude.script = [short, short]
    routine = build_with_ai(client, auth, minutes="20")
    assert routine.built_by == "rules" and "broke Limber's rules" in routine.data["fallback_reason"]
    claude.script = [claude.tool({"exercises": "all of them"}), claude.tool({"rationale": 5})]
    routine = build_with_ai(client, auth, minutes="12")
    assert routine.built_by == "rules" and "list of exercises" in routine.data["fallback_reason"]


def test_provider_errors_and_timeouts_fall_back_with_a_visible_reason(app, client, auth, claude, monkeypatch):
    ai_person(client, auth)
    monkeypatch.setitem(app.config, "AI_BREAKER_FAILURES", 99)
    for status in (500, 529, 429):
        claude.script = [claude.error(status), claude.error(status)]  # the SDK retries once
        routine = build_with_ai(client, auth)
        assert routine.built_by == "rules" and f"answered {status}" in routine.data["fallback_reason"]
    monkeypatch.setitem(app.config, "AI_TIMEOUT", 0.3)
    claude.script = [claude.slow(1.5), claude.slow(1.5)]
    started = time.monotonic()
    routine = build_with_ai(client, auth)
    assert routine.built_by == "rules" and "took too long" in routine.data["fallback_reason"]
    assert time.monotonic() - started < 5
    assert AiJob.select().where(AiJob.status == "fallback").count() == 4


def test_the_breaker_opens_after_repeated_failures_and_closes_again(app, client, auth, claude, monkeypatch):
    ai_person(client, auth)
    monkeypatch.setitem(app.config, "AI_BREAKER_SECONDS", 0.5)
    claude.fallback = claude.error(500)
    for _ in range(3):
        build_with_ai(client, auth)
    calls = len(claude.requests)
    routine = build_with_ai(client, auth)
    assert len(claude.requests) == calls  # open: the provider is not called at all
    assert "giving it a rest" in routine.data["fallback_reason"]
    time.sleep(0.6)
    claude.script = [valid(claude)]
    assert build_with_ai(client, auth).built_by == "ai"  # half-open, one good call closes it
    claude.script = [valid(claude)]
    assert build_with_ai(client, auth, minutes="9").built_by == "ai"


def test_without_a_key_or_with_the_ai_off_the_rules_build_it_and_say_so(app, client, auth, claude, monkeypatch):
    auth.signup()
    auth.onboard()
    assert "Build it with AI" not in client.get("/routines/new").get_data(as_text=True)
    routine = build_with_ai(client, auth)
    assert routine.built_by == "rules" and "switched off in your settings" in routine.data["fallback_reason"]
    auth.post("/settings/ai", {"ai_enabled": "y", "coach_personality": "supportive"})
    assert "Build it with AI" in client.get("/routines/new").get_data(as_text=True)
    monkeypatch.setitem(app.config, "ANTHROPIC_API_KEY", None)
    routine = build_with_ai(client, auth)
    assert "isn't available on this Limber" in routine.data["fallback_reason"]
    assert claude.requests == [] and AiJob.select().count() == 0
    assert auth.post("/settings/ai", {"coach_personality": "sarcastic"}).status_code == 400


def test_the_daily_limit_and_reuse_of_an_identical_request(app, client, auth, claude, monkeypatch):
    ai_person(client, auth)
    claude.script = [valid(claude)]
    first = build_with_ai(client, auth)
    again = build_with_ai(client, auth)  # the very same request a moment later: no second call
    assert again.id == first.id and len(claude.requests) == 1
    monkeypatch.setitem(app.config, "AI_DAILY_LIMIT", 1)
    limited = build_with_ai(client, auth, minutes="11")
    assert limited.built_by == "rules" and "today's 1 AI builds" in limited.data["fallback_reason"]
    assert quota.used(first.account_id, "routine") == 1


def test_the_task_is_safe_to_run_twice_and_the_sweeper_recovers_a_lost_job(app, client, auth, claude):
    ai_person(client, auth)
    with app.app_context():
        job = AiJob.create(account=auth_account_id(), params={"kind": "cooldown", "minutes": 6,
                                                              "activity": "running", "focus": []})
        queued_at = utcnow() - dt.timedelta(minutes=5)  # queued five minutes ago, its message lost
        AiJob.update(created_at=queued_at, updated_at=queued_at).where(AiJob.id == job.id).execute()
        claude.script = [valid(claude)]
        assert sweep_ai_jobs.call_local() == [job.id]
        build_ai_routine.call_local(job.id)  # a duplicate delivery: nothing to do
    done = AiJob.get_by_id(job.id)
    assert done.status == "done" and done.attempts == 1 and len(claude.requests) == 1


def test_a_build_whose_worker_keeps_dying_is_given_up_and_its_place_given_back(app, client, auth, claude):
    ai_person(client, auth)
    with app.app_context():
        account_id = auth_account_id()
        quota.take(account_id, "routine", app.config)  # the place the job took when it was started
        dead_at = utcnow() - jobs.STALE_AFTER - dt.timedelta(seconds=5)
        jobs_by_attempts = {}
        for attempts in (jobs.MAX_ATTEMPTS - 1, jobs.MAX_ATTEMPTS):
            job = AiJob.create(account=account_id, params={"kind": "cooldown", "minutes": 6, "activity": "running",
                                                           "focus": []})
            AiJob.update(status="running", attempts=attempts, started_at=dead_at, updated_at=dead_at).where(
                AiJob.id == job.id).execute()
            jobs_by_attempts[attempts] = job.id
        claude.script = [valid(claude)]
        assert sweep_ai_jobs.call_local() == [jobs_by_attempts[jobs.MAX_ATTEMPTS - 1]]  # one more try for this one
        build_ai_routine.call_local(jobs_by_attempts[jobs.MAX_ATTEMPTS])  # a late queue message: refused too
        assert quota.used(account_id, "routine") == 0
    stopped = AiJob.get_by_id(jobs_by_attempts[jobs.MAX_ATTEMPTS])
    assert (stopped.status, stopped.routine_id, stopped.attempts) == ("failed", None, jobs.MAX_ATTEMPTS)
    page = client.get(f"/ai/jobs/{stopped.id}").get_data(as_text=True)
    assert "Something went wrong building this routine" in page and "Try again" in page
    assert "every 700ms" not in page  # the page stops polling


def auth_account_id():
    from app.models import Account

    return Account.get(Account.email == "ana@example.com").id


def test_the_job_page_polls_until_ready_and_is_private(app, client, auth, claude):
    ai_person(client, auth)
    with app.app_context():
        job = AiJob.create(account=auth_account_id(), params={"kind": "warmup", "minutes": 8,
                                                              "activity": "running", "focus": []})
    page = client.get(f"/ai/jobs/{job.id}").get_data(as_text=True)
    assert "Waiting for a free worker" in page and 'hx-trigger="every 700ms"' in page
    fragment = client.get(f"/ai/jobs/{job.id}", headers={"HX-Request": "true"})
    assert 'id="job-status"' in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    other = app.test_client()
    Auth(other).signup("eve@example.com")
    assert other.get(f"/ai/jobs/{job.id}").status_code == 404
    claude.script = [valid(claude)]
    with app.app_context():
        build_ai_routine.call_local(job.id)
    ready = client.get(f"/ai/jobs/{job.id}", headers={"HX-Request": "true"})
    assert ready.headers["HX-Redirect"].startswith("/routines/")


def test_the_cli_runs_the_same_ai_path(app, claude):
    claude.script = [valid(claude)]
    env = {"ANTHROPIC_API_KEY": "sk-test", "ANTHROPIC_BASE_URL": claude.url}
    result = app.test_cli_runner().invoke(args=["routine", "generate", "--kind", "warmup", "--minutes", "8",
                                                "--activity", "running", "--ai"], env=env)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["built_by"] == "ai" and out["fallback_reason"] is None and len(out["cues"]) == len(out["steps"])
    claude.script = [claude.error(529), claude.error(529)]
    out = json.loads(app.test_cli_runner().invoke(args=["routine", "generate", "--kind", "warmup", "--minutes", "8",
                                                        "--ai"], env=env).output)
    assert out["built_by"] == "rules" and "529" in out["fallback_reason"]
