"""axe-core on every kind of page, in Chromium at phone and desktop size: no violations at all, and none
of the "needs review" items the journey review found real (a duplicate id, a field with two labels,
an aria-label where it isn't allowed).

axe comes from npm (package.json's devDependencies, installed by `make test`). The page's CSP allows
only its own scripts, so axe is evaluated through the DevTools protocol, not added as a script tag.
"""
import re
from pathlib import Path

import pytest

from app.db import db
from app.models import Account, Plan
from tests.conftest import sign_up_and_skip_to_dashboard

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
REVIEWED = {"duplicate-id-aria", "duplicate-id", "form-field-multiple-labels", "aria-prohibited-attr"}


def audit(page):
    """(violations, the reviewed "needs review" items) of the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ["violations", "incomplete"] });
        const brief = (items) => items.map((v) => ({ id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
        return { violations: brief(r.violations), incomplete: brief(r.incomplete) };
    }""")
    return result["violations"], [item for item in result["incomplete"] if item["id"] in REVIEWED]


def person_pages(app, live_server, page):
    """A signed-up person with a routine, a plan and an admin role; every page type's URL."""
    sign_up_and_skip_to_dashboard(live_server, page, "axe@example.com")
    page.get_by_role("button", name="Make my starter plan").click()
    page.wait_for_url(re.compile(r".*/plans/\d+$"))
    page.goto(live_server + "/")
    page.get_by_role("button", name="Preview", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/routines/\d+$"))
    routine = page.url.removeprefix(live_server)
    with app.app_context(), db.connection_context():
        Account.update(is_admin=True).where(Account.email == "axe@example.com").execute()
        plan = Plan.get().id
    return ["/", routine, routine + "/play", "/exercises", "/exercises/ankle-circles", "/progress", "/progress/tests",
            "/progress/tests/knee_to_wall", f"/plans/{plan}", "/plans", f"/plans/{plan}/history", "/coach", "/profile",
            "/settings", "/reminders", "/notifications", "/saved", "/routines/new", "/onboarding/health",
            "/admin/insights", "/admin/media"]


@pytest.mark.parametrize("size", SIZES)
def test_every_page_type_has_no_axe_violations(app, live_server, browser, size):
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm ci` (make test does)")
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    found = {}
    try:
        for path in ["/", "/login", "/signup"]:
            page.goto(live_server + path)
            found[f"{path} (signed out)"] = audit(page)
        for path in person_pages(app, live_server, page):
            page.goto(live_server + path)
            page.wait_for_load_state("networkidle", timeout=15000)
            found[path] = audit(page)
        page.goto(live_server + "/offline")
        found["/offline"] = audit(page)
    finally:
        context.close()
    problems = {path: result for path, result in found.items() if result[0] or result[1]}
    assert not problems, problems
