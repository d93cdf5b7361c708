// Routines kept for offline: the ones opened here are saved automatically (the worker keeps the
// last five), "Save for offline" buttons keep one for good, and a boosted link followed with no
// network falls back to a real navigation, which the worker answers from its cache.
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
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-save-offline]");
    if (!button) return;
    const status = button.parentElement.querySelector(".save-status");
    button.disabled = true;
    if (status) status.textContent = "Saving…";
    try {
      const entry = await ask({ type: "save", id: button.dataset.saveOffline, auto: false });
      if (status) status.textContent = `Saved for offline · ${Limber.formatBytes(entry.bytes)}`;
      button.textContent = "Saved ✓";
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
