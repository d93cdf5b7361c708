// The dashboard's "Resume your warm-up — step 5 of 9" card: the player (player.js) keeps a session
// left part-way under localStorage "limber.resume"; this fills #resume-slot from it. A session older
// than 12 hours is dropped. Loaded on every page (boosted navigation swaps the dashboard in); adds nothing.
(function () {
  "use strict";
  const KEY = "limber.resume";
  const STALE_MS = 12 * 60 * 60 * 1000;
  const KIND_WORDS = { warmup: "warm-up", cooldown: "cool-down", flexibility: "stretch", mobility: "mobility session" };

  function read() {
    try {
      const kept = JSON.parse(localStorage.getItem(KEY) || "null");
      if (!kept || !kept.routine_id || !(Date.now() - kept.saved_at < STALE_MS)) {
        localStorage.removeItem(KEY);
        return null;
      }
      return kept;
    } catch { return null; } // blocked storage or a broken entry: nothing to offer
  }

  function ago(ms) {
    const minutes = Math.round(ms / 60000);
    if (minutes < 1) return "just now";
    if (minutes < 60) return `${minutes} min ago`;
    const hours = Math.round(minutes / 60);
    return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  }

  function fill(slot) {
    const kept = read();
    if (!kept) { slot.hidden = true; slot.replaceChildren(); return; }
    const heading = Object.assign(document.createElement("h2"), {
      textContent: `Resume your ${KIND_WORDS[kept.kind] || "session"} — step ${kept.step} of ${kept.steps_total}` });
    const detail = Object.assign(document.createElement("p"), { className: "muted",
      textContent: `${kept.title} · left ${ago(Date.now() - kept.saved_at)}` });
    const link = Object.assign(document.createElement("a"), { className: "button", textContent: "Resume",
      href: `/routines/${Number(kept.routine_id)}/play?resume=1` });
    link.setAttribute("hx-boost", "false"); // the player's scripts load with its page, never in a swap
    const discard = Object.assign(document.createElement("button"), { type: "button", className: "button secondary",
      textContent: "Discard" });
    discard.addEventListener("click", () => {
      try { localStorage.removeItem(KEY); } catch { /* nothing kept */ }
      slot.hidden = true;
      slot.replaceChildren();
      document.querySelector(".quick-start")?.focus();
    });
    const actions = Object.assign(document.createElement("div"), { className: "saved-actions" });
    actions.append(link, discard);
    slot.classList.add("card");
    slot.replaceChildren(heading, detail, actions);
    slot.hidden = false;
  }

  const scan = () => { const slot = document.getElementById("resume-slot"); if (slot) fill(slot); };
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSettle", scan);
})();
