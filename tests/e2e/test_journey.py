"""A person on a phone: sign up → onboarding → 8-minute running warm-up → play → rate → history."""
import re

from playwright.sync_api import expect

from app.models import WorkoutLog
from tests.conftest import answer_screening, preview, sign_up_and_skip_to_dashboard


def open_player(page, quick_start):
    preview(page, quick_start)
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    page.goto(page.url + "/play")


def test_core_loop_on_a_phone(live_server, page):
    page.goto(live_server + "/")
    page.get_by_role("link", name="Get started").click()
    page.get_by_label("E-mail").fill("runner@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="A few health questions")).to_be_visible()
    answer_screening(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.get_by_label("Age").fill("36")
    page.get_by_text("Active most weeks").click()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Anything to work around?")).to_be_visible()
    page.get_by_text("Knee problems").click()
    page.get_by_text("I agree that Limber stores these").click()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="What do you do?")).to_be_visible()
    page.locator("fieldset", has_text="Activities").get_by_text("Running").click()
    page.get_by_label("Most often").select_option("running")
    page.get_by_label("Minutes you usually have").select_option("8")
    page.get_by_role("button", name="Finish").click()

    expect(page.get_by_text("You're all set")).to_be_visible()
    preview(page, "Running warm-up")
    expect(page.get_by_role("heading", name="Running warm-up · 8 min")).to_be_visible()
    expect(page.get_by_text("Potentiate").first).to_be_visible()
    expect(page.get_by_text(re.compile("Left out \\d+ exercises that don't suit you today"))).to_be_visible()
    expect(page.get_by_text(re.compile("Knee: squats stay shallow and slow"))).to_be_visible()

    first_step = page.locator(".step-name").first.inner_text()
    page.locator(".step").first.get_by_role("button", name=re.compile("^Swap")).click()
    expect(page.locator(".step-name").first).not_to_have_text(first_step)

    routine_url = page.url
    page.goto(routine_url + "/play?speed=100")
    expect(page.locator("#stage-name")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    expect(page.locator("#feedback-panel")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Nice work!")).to_be_visible()
    expect(page.locator("#summary-streak")).to_have_text("1 day")  # the first session starts a streak
    page.get_by_text("Too easy").click()
    page.get_by_label("Note (optional)").fill("Knee felt fine")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()

    page.get_by_role("link", name="See your progress").click()
    expect(page.get_by_text("Running warm-up · 8 min")).to_be_visible()
    expect(page.locator(".history").get_by_text("Too easy")).to_be_visible()
    expect(page.locator(".stat", has_text="Streak")).to_contain_text("1 day")
    log = WorkoutLog.get()
    assert log.rating == "too_easy" and log.steps_done == log.steps_total and not log.ended_early


def test_player_stop_for_pain_shows_emergency_advice_and_logs_it(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "stopper@example.com")
    open_player(page, "Desk break")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Stop — I feel pain or dizziness").click()
    page.get_by_role("button", name="Chest pain, pressure or tightness").click()
    expect(page.get_by_text("Call your emergency number now")).to_be_visible()
    page.get_by_role("button", name="I'm safe — record this session").click()
    expect(page.get_by_label("Where?")).to_be_visible()
    page.get_by_label("Where?").select_option("chest")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    log = WorkoutLog.get()
    assert log.stopped_for_safety and log.ended_early and log.pain == "stopped" and log.pain_area == "chest"


def test_player_keyboard_pause_and_skip(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_up_and_skip_to_dashboard(live_server, page, "keys@example.com")
    open_player(page, "Cool-down")
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#stage-phase")).to_have_text("Pulse down")
    page.keyboard.press("Escape")  # asks first
    page.get_by_role("button", name="End and save").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()


def test_form_errors_show_and_library_search_filters_live(live_server, page):
    page.goto(live_server + "/signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("E-mail").fill("searcher@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Use 8 to 256 characters.")).to_be_visible()
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    answer_screening(page)
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server + "/exercises")  # onboarding has no navigation: the library by its address
    page.get_by_label("Search by name").press_sequentially("calf", delay=30)  # typed, as a person does
    expect(page.get_by_text("Wall calf stretch")).to_be_visible()
    expect(page.get_by_text("Glute bridge")).to_have_count(0)
    page.get_by_role("link", name="Wall calf stretch").click()
    expect(page.get_by_text("Common mistake:")).to_be_visible()
