// Routines kept for offline: the ones opened here are saved automatically (the worker keeps the
// last five), "Save for offline" buttons keep one for good (and say "Saved ✓" once it is), and a
// boosted link followed with no network falls back to a real navigation, which the worker answers
// from its cache.
(function (Limber) {
  "use strict";
  const sw = "serviceWorker" in navigator ? navigator.serviceWorker : null;
  const { ask } = Limber.worker;

  // Elements with data-offline-auto="<routine id>": the routine page and the player.
  function autoSave() {
    document.querySelectorAll("[data-offline-auto]").forEach((el) => {
      ask({ type: "save", id: el.dataset.offlineAuto, auto: true }).then(keepStorage, () => {});
    });
  }

  // Once something is saved, ask the browser not to evict it under storage pressure (asked once).
  function keepStorage() {
    const asked = Limber.facts.storage.persistAsked;
    if (!navigator.storage?.persist || Limber.store.get(asked)) return;
    Limber.store.set(asked, "1");
    navigator.storage.persist().catch(() => {});
  }

  Limber.worker.registered.then((ok) => { if (ok) sw.ready.then(autoSave); });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target !== document.body) return; // a boosted page, not a fragment
    if (sw?.controller) autoSave();
  });

  // "Save for offline" buttons: data-save-offline="<routine id>", with a .save-status beside them.
  const statusOf = (button) => button.parentElement.querySelector(".save-status");

  function showSaved(button, entry) {
    const status = statusOf(button);
    if (status) status.textContent = `Saved for offline · ${Limber.formatBytes(entry.bytes)}`;
    button.textContent = "Saved ✓";
    button.disabled = true;
    // Nothing left here that needs the network (busy.js shows such controls as unavailable offline).
    delete button.dataset.needsNetwork;
    const hint = document.getElementById(button.getAttribute("aria-describedby"));
    if (hint && hint.classList.contains("needs-network-hint")) hint.hidden = true; // its own "Needs a connection"
    button.removeAttribute("aria-disabled");
    button.removeAttribute("aria-describedby");
  }

  // A routine saved by hand says so whenever its page shows, also when that page came from the cache.
  async function markSaved() {
    const buttons = document.querySelectorAll("[data-save-offline]:not(:disabled)");
    if (!buttons.length || !("caches" in window) || !(await caches.has(Limber.facts.caches.saved))) return;
    const kept = new Map((await Limber.savedIndex.entries()).filter((e) => !e.auto).map((e) => [String(e.id), e]));
    buttons.forEach((button) => {
      if (kept.has(button.dataset.saveOffline)) showSaved(button, kept.get(button.dataset.saveOffline));
    });
  }

  markSaved().catch(() => {});
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target === document.body) markSaved().catch(() => {});
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-save-offline]");
    if (!button) return;
    const status = statusOf(button);
    button.disabled = true;
    if (status) status.textContent = "Saving…";
    try {
      showSaved(button, await ask({ type: "save", id: button.dataset.saveOffline, auto: false }));
      keepStorage();
    } catch (error) {
      if (status) status.textContent = error.message;
      button.disabled = false;
    }
  });

  // Boosted links when the network is gone: fall back to a real navigation, which the service
  // worker answers from the cache or with the offline page.
  document.addEventListener("htmx:sendError", (event) => {
    const config = event.detail.requestConfig;
    if (config && config.verb === "get" && event.detail.boosted) location.assign(config.path);
  });
})(window.Limber);
