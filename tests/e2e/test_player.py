"""The player at phone size: nothing ends a session by accident, a session left part-way resumes,
the stop panel has a way back, the log says what was really done, and a screen reader hears each
step once, not the clock."""
import re

from playwright.sync_api import expect

from app.models import WorkoutLog
from tests.conftest import sign_up_and_skip_to_dashboard


def open_player(live_server, page, email, quick_start="Desk break", query="?speed=20"):
    sign_up_and_skip_to_dashboard(live_server, page, email)
    page.get_by_role("button", name=re.compile(quick_start)).first.click()  # the card: to the routine or the player
    page.wait_for_url(re.compile(r"/routines/\d+(/play\?go=1)?$"), wait_until="domcontentloaded")
    page.goto(re.match(r".*/routines/\d+", page.url).group(0) + "/play" + query)
    expect(page.locator("#btn-pause")).to_be_focused()  # the main control, ready for Space


def end_dialog(page):
    return page.get_by_role("dialog", name="End now?")


def save(page):
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    return WorkoutLog.get()


def test_end_asks_first_and_keep_going_keeps_the_session(live_server, page):
    open_player(live_server, page, "keep@example.com")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="End session").click()
    expect(end_dialog(page)).to_be_visible()
    expect(page.get_by_role("button", name="Keep going")).to_be_focused()
    page.get_by_role("button", name="Keep going").click()
    expect(end_dialog(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()  # still running
    expect(page.locator("#btn-end")).to_be_focused()  # focus back where it was
    expect(page.locator("#feedback-panel")).to_be_hidden()


def test_esc_the_cross_and_the_back_gesture_ask_first(live_server, page):
    open_player(live_server, page, "ask@example.com", query="")
    page.get_by_role("button", name="Start").click()
    play_url = page.url
    page.keyboard.press("Escape")
    expect(end_dialog(page)).to_be_visible()
    page.keyboard.press("Escape")  # Esc on the dialog is "Keep going"
    expect(end_dialog(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()

    page.get_by_role("link", name="Leave the player").click()
    expect(end_dialog(page)).to_be_visible()
    assert page.url == play_url
    page.get_by_role("button", name="Keep going").click()

    page.go_back()
    expect(end_dialog(page)).to_be_visible()
    assert page.url == play_url
    page.get_by_role("button", name="Keep going").click()
    expect(page.locator("#feedback-panel")).to_be_hidden()
    expect(end_dialog(page)).to_be_hidden()


def test_end_and_save_logs_the_session_as_ended_early(live_server, page):
    open_player(live_server, page, "ender@example.com")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#player-status")).to_contain_text("Step 2 of", timeout=15_000)
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="End and save").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    expect(page.locator("#summary-steps")).to_contain_text(re.compile(r"^\d+ of \d+$"))
    log = save(page)
    assert log.ended_early and not log.stopped_for_safety and log.seconds_done > 0


def test_a_session_left_part_way_resumes_from_the_dashboard(live_server, page):
    open_player(live_server, page, "resumer@example.com")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#player-status")).to_contain_text("Step 3 of", timeout=20_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#stage-paused")).to_be_visible()
    where = re.search(r"Step (\d+) of (\d+)", page.locator("#player-status").inner_text())
    step, total = where.groups()
    client_id = page.evaluate("JSON.parse(localStorage.getItem('limber.resume')).client_id")

    page.goto(live_server + "/")
    card = page.locator("#resume-slot")
    expect(card.get_by_role("heading")).to_have_text(re.compile(rf"Resume your .+ — step {step} of {total}"))
    card.get_by_role("link", name="Resume").click()
    page.wait_for_url(re.compile(r"/play\?resume=1$"))
    expect(page.locator("#stage-paused")).to_be_visible()  # picked up, paused
    expect(page.locator("#player-status")).to_contain_text(f"Step {step} of {total}")
    expect(page.get_by_role("button", name="Resume")).to_be_focused()
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#stage-paused")).to_be_hidden()
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="End and save").click()
    log = save(page)
    assert str(log.client_id) == client_id  # one session, not two

    page.goto(live_server + "/")  # finished: nothing left to resume
    expect(page.get_by_role("heading", name="Ready when you are")).to_be_visible()
    expect(page.locator("#resume-slot")).to_be_hidden()


def test_the_resume_card_can_be_discarded_and_a_stale_session_is_dropped(live_server, page):
    open_player(live_server, page, "discard@example.com")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Pause").click()
    page.goto(live_server + "/")
    expect(page.locator("#resume-slot")).to_be_visible()
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("#resume-slot")).to_be_hidden()
    assert page.evaluate("localStorage.getItem('limber.resume')") is None

    page.evaluate("""localStorage.setItem('limber.resume', JSON.stringify({ routine_id: 1, title: 'Old', kind: 'warmup',
        step: 2, steps_total: 5, saved_at: Date.now() - 13 * 3600 * 1000 }))""")
    page.reload()
    expect(page.get_by_role("heading", name="Ready when you are")).to_be_visible()
    expect(page.locator("#resume-slot")).to_be_hidden()
    assert page.evaluate("localStorage.getItem('limber.resume')") is None


def test_im_ok_on_the_stop_panel_goes_back_to_the_routine(live_server, page):
    open_player(live_server, page, "okay@example.com", query="")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Stop — I feel pain or dizziness").click()
    expect(page.get_by_role("heading", name="Stop now")).to_be_visible()
    page.get_by_role("button", name="I'm OK — back to the routine").click()
    expect(page.get_by_role("heading", name="Stop now")).to_be_hidden()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()  # paused, not ended
    expect(page.locator("#stage-paused")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="End and save").click()
    expect(page.locator('input[name="rating"][value="about_right"]')).to_be_checked()
    log = save(page)
    assert not log.stopped_for_safety


def test_after_a_safety_stop_no_rating_is_chosen_for_you(live_server, page):
    open_player(live_server, page, "unrated@example.com")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Stop — I feel pain or dizziness").click()
    page.get_by_role("button", name="Pain somewhere else").click()
    page.get_by_role("button", name="I'm safe — record this session").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    assert page.locator('input[name="rating"]:checked').count() == 0
    log = save(page)
    assert log.stopped_for_safety and log.rating is None


def test_skipping_through_every_step_is_logged_as_ended_early(live_server, page):
    open_player(live_server, page, "skipper@example.com", query="")
    page.get_by_role("button", name="Start").click()
    for _ in range(40):
        if page.locator("#feedback-panel").is_visible():
            break
        page.locator("#btn-skip").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    expect(page.locator("#summary-steps")).to_have_text(re.compile(r"^0 of \d+$"))
    log = save(page)
    assert log.ended_early and log.steps_done == 0 and log.exercise_ids == []


def test_the_live_region_names_each_step_and_never_the_clock(live_server, page):
    open_player(live_server, page, "reader@example.com", query="")
    assert page.evaluate("document.getElementById('stage-clock').closest('[aria-live]') === null")
    assert page.locator("#stage-clock").get_attribute("aria-label") is None
    expect(page.locator("#stage[aria-live], #stage [aria-live]")).to_have_count(0)
    live = page.locator("#announcer[aria-live=polite]")
    page.get_by_role("button", name="Start").click()
    expect(live).to_contain_text("Get ready")
    page.locator("#btn-skip").click()
    expect(live).to_have_text(re.compile(r"^Step 1 of \d+: "))
    first = live.inner_text()
    page.wait_for_timeout(2200)  # the clock ticks on; the message stays
    assert live.inner_text() == first
    assert page.locator("#stage-clock").inner_text() not in first
    page.locator("#btn-skip").click()
    expect(live).to_have_text(re.compile(r"^Step 2 of \d+: "))


def test_sideways_the_clock_and_the_main_control_are_on_screen_together(live_server, page):
    page.set_viewport_size({"width": 844, "height": 390})
    open_player(live_server, page, "sideways@example.com", query="")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Pause").click()  # the tallest state: the "Paused" label shows too
    for selector in ("#stage-clock", "#btn-pause", "#player-status", "#stage-paused"):
        box = page.locator(selector).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 390 and box["x"] + box["width"] <= 844, (selector, box)


def test_one_tap_on_home_starts_the_player(live_server, page):
    """The warm-up card on Home: one tap, and the get-ready countdown is already running."""
    sign_up_and_skip_to_dashboard(live_server, page, "onetap@example.com")
    page.locator("form.quick-card.quick-warmup").get_by_role("button", name=re.compile("warm-up")).click()
    page.wait_for_url(re.compile(r"/routines/\d+/play$"))  # ?go=1 is dropped once used
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    # Chromium carries Home's tap over to the player, so voice and beeps work without asking for another.
    assert page.evaluate("navigator.userActivation.hasBeenActive")
    expect(page.locator("#voice-hint")).to_be_hidden()


def test_a_one_tap_start_without_a_tap_asks_for_one_to_hear_the_voice(live_server, page):
    """A browser that doesn't carry the tap over (Safari), or the player opened from a link: the
    countdown runs, the player asks for one tap, and that tap says the step aloud."""
    page.add_init_script("""window.__said = [];
      speechSynthesis.speak = (u) => window.__said.push(u.text);""")
    sign_up_and_skip_to_dashboard(live_server, page, "coldstart@example.com")
    page.locator("form.quick-card.quick-mobility").get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    page.goto(page.url + "/play?go=1")  # a navigation the page didn't tap for
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    hint = page.locator("#voice-hint")
    expect(hint).to_be_visible()
    expect(hint).to_have_text("Tap the screen once to hear the voice and beeps.")
    page.locator("#stage").click()
    expect(hint).to_be_hidden()
    name = page.locator("#stage-name").text_content()
    assert name in page.evaluate("window.__said"), page.evaluate("window.__said")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()  # the tap didn't pause or skip


def test_offline_the_note_box_says_before_typing_that_notes_wait_for_a_connection(live_server, page, context):
    sign_up_and_skip_to_dashboard(live_server, page, "offline-note@example.com")
    page.locator("form.quick-card.quick-mobility").get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    page.goto(page.url + "/play?speed=20")
    page.get_by_role("button", name="Start").click()
    context.set_offline(True)
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="End and save").click()
    expect(page.get_by_label("Note (optional)")).to_be_disabled()
    expect(page.locator("#note-offline")).to_be_visible()
    context.set_offline(False)
    expect(page.get_by_label("Note (optional)")).to_be_enabled()
    expect(page.locator("#note-offline")).to_be_hidden()
