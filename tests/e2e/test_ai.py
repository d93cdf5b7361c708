"""Build a routine with AI on a phone: a real Huey consumer runs the job, the fake Claude answers
after a delay, and the progress fragment turns into the routine."""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.tasks import huey
from tests.conftest import ADD_SUNDAY, sign_up_and_skip_to_dashboard, valid


@pytest.fixture
def worker(app, claude):
    """Queue tasks for real (not eagerly) and run a real consumer process on the same database."""
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "ANTHROPIC_API_KEY": "sk-test",
           "ANTHROPIC_BASE_URL": claude.url, "HUEY_FILE": app.config["HUEY_FILE"]}
    env.pop("HUEY_IMMEDIATE", None)
    consumer = subprocess.Popen([str(Path(sys.executable).with_name("huey_consumer")), "wsgi.huey", "-w", "1",
                                 "-k", "thread", "-q"], env=env, cwd=Path(__file__).parents[2],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    huey.immediate = False
    yield consumer
    huey.immediate = True
    os.killpg(consumer.pid, signal.SIGTERM)
    consumer.wait(timeout=10)


def test_build_with_ai_shows_progress_then_the_routine(live_server, page, claude, worker):
    claude.script = [valid(claude, cue="Breathe out as you reach", delay=2.0)]
    sign_up_and_skip_to_dashboard(live_server, page, "ai@example.com")
    page.goto(live_server + "/settings")
    page.get_by_label("Let Limber ask Claude to build routines for me").check()
    page.locator("#ai").get_by_role("button", name="Save").click()
    expect(page.get_by_text("AI coach switched on.")).to_be_visible()
    page.goto(live_server + "/routines/new")
    page.get_by_role("button", name="Build it with AI").click()
    expect(page.get_by_role("heading", name="Building your routine with AI")).to_be_visible()
    expect(page.get_by_text("Choosing exercises…")).to_be_visible(timeout=15000)
    page.wait_for_url(re.compile(r"/routines/\d+$"), timeout=20000)
    expect(page.get_by_text("Built by Claude")).to_be_visible()
    expect(page.get_by_text("“Breathe out as you reach”").first).to_be_visible()
    assert len(claude.requests) == 1


def test_coach_streams_a_proposal_which_is_applied_compared_and_restored(live_server, page, claude):
    sign_up_and_skip_to_dashboard(live_server, page, "chat@example.com")
    page.get_by_role("button", name="Make my starter plan").click()
    page.goto(live_server + "/settings")
    page.get_by_label("Let Limber ask Claude to build routines for me").check()
    page.locator("#ai").get_by_role("button", name="Save").click()
    expect(page.get_by_text("AI coach switched on.")).to_be_visible()

    claude.script = [claude.streamed(["Tight ", "hips ", "love ", "a ", "weekend ", "stretch."], delay=0.15,
                                     tool=("propose_plan_change", ADD_SUNDAY))]
    page.get_by_role("link", name="You").click()  # reached the way people do: boosted links, no page load
    page.wait_for_url(live_server + "/profile")  # the boosted swap is done before the next tap (a busy machine)
    page.get_by_role("link", name="Coach", exact=True).click()  # the top bar's coach, there while it is on
    page.wait_for_url(live_server + "/coach")
    page.get_by_label("Your message").fill("   ")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Write 1 to 1000 characters.")).to_be_visible()  # a refused message says why
    page.get_by_label("Your message").fill("My hips are tight. Can you add something on Sunday?")
    page.get_by_role("button", name="Send").click()
    bubble = page.locator(".bubble-assistant").last
    expect(bubble).to_contain_text("Tight hips")  # the first words show while the rest still streams
    expect(bubble).to_contain_text("Tight hips love a weekend stretch.")
    expect(page.get_by_text("Suggested change to “My week”")).to_be_visible()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Applied as a new version.")).to_be_visible()

    page.get_by_role("link", name="See the plan's versions").click()
    expect(page.locator(".version").first).to_contain_text("Coach (AI)")
    expect(page.locator(".version").first).to_contain_text("Add a Sunday stretch")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".diff")).to_contain_text("Stretching, focus on hips · 10 min")
    page.go_back()
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_text("Restored version 1 as version 3")).to_be_visible()
