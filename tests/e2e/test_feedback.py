"""Feedback on every tap, in Chromium at phone size: a busy button and a top bar while a request is on its
way, failures said in words beside what was tapped, and a routine page that knows when it is offline."""
import re

from playwright.sync_api import expect

from tests.conftest import sign_up_and_skip_to_dashboard
from tests.e2e.test_offline import save_for_offline, worker_ready

OFFLINE_SHUFFLE = "You're offline — Shuffle needs a connection"


def open_a_routine(page, live_server, email):
    """A new person's quick-start warm-up, its page open; its id."""
    sign_up_and_skip_to_dashboard(live_server, page, email)
    page.get_by_role("button", name=re.compile("warm-up")).first.click()
    page.wait_for_url(re.compile(r"/routines/\d+"))
    routine_id = int(re.search(r"/routines/(\d+)", page.url).group(1))
    page.goto(f"{live_server}/routines/{routine_id}")
    expect(page.get_by_role("button", name="Shuffle", exact=True)).to_be_visible()
    return routine_id


def step_names(page):
    return page.locator(".step-name").all_inner_texts()


def test_offline_a_tap_on_shuffle_says_it_needs_a_connection(live_server, page, context):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_a_routine(page, live_server, "nosignal-shuffle@example.com")
    before = step_names(page)
    shuffle = page.get_by_role("button", name="Shuffle", exact=True)

    context.set_offline(True)
    expect(shuffle).to_be_disabled()  # shown as unavailable, and says why
    expect(page.get_by_text("You're offline — Shuffle and Swap need a connection.")).to_be_visible()
    shuffle.click(force=True)  # a tap on it still gets an answer in words
    expect(page.locator(".tap-error")).to_have_text(OFFLINE_SHUFFLE)
    expect(page.locator("#feedback-live")).to_have_text(OFFLINE_SHUFFLE)
    assert step_names(page) == before
    expect(page.get_by_role("link", name="▶ Start")).to_be_visible()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(shuffle).to_be_enabled()
    expect(page.locator(".tap-error")).to_have_count(0)

    # The browser thinks it's online but the request can't get out: the same words, from htmx:sendError.
    page.route("**/shuffle", lambda route: route.abort("internetdisconnected"))
    shuffle.click()
    expect(page.locator(".tap-error")).to_have_text(OFFLINE_SHUFFLE)
    expect(shuffle).to_be_enabled()
    expect(shuffle).not_to_have_attribute("aria-busy", "true")
    assert step_names(page) == before
    assert errors == []


def test_a_slow_request_shows_a_busy_button_and_the_top_bar_until_it_is_done(live_server, page):
    routine_id = open_a_routine(page, live_server, "slow@example.com")
    held = []
    page.route("**/shuffle", lambda route: held.append(route))
    shuffle = page.get_by_role("button", name="Shuffle", exact=True)
    shuffle.click()
    expect(shuffle).to_have_attribute("aria-busy", "true")
    expect(shuffle).to_be_disabled()  # a second tap can't send it twice
    expect(page.locator("#busy-bar")).to_have_class(re.compile(r"\bis-on\b"))
    page.wait_for_timeout(1000)  # a slow network
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_url(f"{live_server}/routines/{routine_id}")
    expect(page.locator("#busy-bar.is-on")).to_have_count(0)
    expect(page.get_by_role("button", name="Shuffle", exact=True)).to_be_enabled()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    expect(page.locator(".tap-error")).to_have_count(0)


def test_a_fast_request_never_flashes_the_top_bar(live_server, page):
    open_a_routine(page, live_server, "fast@example.com")
    page.evaluate("""() => { window.barSeen = false;
        new MutationObserver(() => { if (document.querySelector('#busy-bar.is-on')) window.barSeen = true; })
          .observe(document.body, { subtree: true, attributes: true, childList: true }); }""")
    with page.expect_response(re.compile(r"/swap$")):
        page.locator(".step").first.get_by_role("button", name=re.compile("^Swap")).click()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    page.wait_for_timeout(300)
    assert page.evaluate("window.barSeen") is False


def test_a_server_error_says_so_beside_the_tap_and_keeps_the_routine(live_server, page):
    open_a_routine(page, live_server, "broken@example.com")
    before = step_names(page)
    page.route("**/swap", lambda route: route.fulfill(status=500, content_type="text/html",
                                                      body="<h1>Internal Server Error</h1>"), times=1)
    first = page.locator(".step").first
    first.get_by_role("button", name=re.compile("^Swap")).click()
    expect(first.locator(".tap-error")).to_have_text("Something went wrong on our side — try again")
    expect(page.locator("#feedback-live")).to_have_text("Something went wrong on our side — try again")
    expect(page.get_by_text("Internal Server Error")).to_have_count(0)  # the error page isn't swapped in
    assert step_names(page) == before

    with page.expect_response(re.compile(r"/swap$")):
        first.get_by_role("button", name=re.compile("^Swap")).click()  # try again: it works
    expect(page.locator(".tap-error")).to_have_count(0)


def test_offline_a_saved_routine_says_saved_and_what_needs_a_connection(live_server, page, context):
    routine_id = open_a_routine(page, live_server, "saved-offline@example.com")
    save_for_offline(page, routine_id, live_server)
    page.goto(f"{live_server}/routines/{routine_id}")  # online, a saved routine says so too
    expect(page.get_by_role("button", name="Saved ✓")).to_be_disabled()

    context.set_offline(True)
    page.goto(f"{live_server}/routines/{routine_id}")  # from the phone's saved copy
    expect(page.get_by_role("button", name="Saved ✓")).to_be_disabled()
    expect(page.locator(".save-status")).to_contain_text("Saved for offline")
    expect(page.get_by_role("button", name="Shuffle", exact=True)).to_be_disabled()
    swaps = page.get_by_role("button", name=re.compile("^Swap"))
    assert swaps.count() > 0
    for swap in swaps.all():
        expect(swap).to_be_disabled()
    hint = page.get_by_text("You're offline — Shuffle and Swap need a connection.")
    expect(hint).to_be_visible()
    expect(page.get_by_role("link", name="▶ Start")).to_be_visible()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_role("button", name="Shuffle", exact=True)).to_be_enabled()
    for swap in swaps.all():
        expect(swap).to_be_enabled()
    expect(hint).to_be_hidden()
    expect(page.get_by_role("button", name="Saved ✓")).to_be_disabled()


def test_sessions_waiting_to_sync_show_the_apps_date_format(live_server, page):
    sign_up_and_skip_to_dashboard(live_server, page, "dates@example.com")
    page.goto(live_server + "/saved")
    worker_ready(page)
    page.evaluate("""() => Limber.outbox.add({ client_id: '8d0c3f5e-2f4b-4c55-9b8e-3a1d6c0f7a21', routine_id: 1,
        title: 'Running warm-up', finished_at: new Date(2026, 10, 23, 10, 10, 39).toISOString() }, null)""")
    page.reload()
    expect(page.locator("#outbox-list")).to_contain_text("Finished Mon 23 Nov 2026, 10:10")
