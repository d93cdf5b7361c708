// Logging out or deleting the account (forms with data-wipe-on-submit) wipes this phone's copies:
// the worker's caches, the outbox and localStorage. Sessions not yet synced are tried once more,
// and the person is asked before any are lost.
(function (Limber) {
  "use strict";

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("[data-wipe-on-submit]") || form.dataset.wiped) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const result = await Limber.sync.flush();
    if (result && result.left && !window.confirm(
      `${result.left} finished session${result.left === 1 ? " hasn't" : "s haven't"} reached the server yet. ` +
      "Log out anyway and delete them from this phone?")) return;
    try { await Limber.worker.ask({ type: "wipe" }); } catch (e) { /* the server's Clear-Site-Data does it too */ }
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* ignore */ }
    form.dataset.wiped = "1";
    form.setAttribute("hx-boost", "false");
    form.submit();
  }, true);
})(window.Limber);
