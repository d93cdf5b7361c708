// Sessions finished offline: the "waiting to sync" badge, and sending the outbox when the page
// loads, when the connection comes back and after each boosted page. Offers Limber.sync.flush(),
// which resolves to the outbox's result (see outbox.js), or null where there's no outbox.
(function (Limber) {
  "use strict";
  const sw = "serviceWorker" in navigator ? navigator.serviceWorker : null;

  function showBadge(count) {
    const badge = document.getElementById("sync-badge");
    if (!badge) return;
    badge.hidden = !count;
    badge.textContent = `${count} session${count === 1 ? "" : "s"} waiting to sync`;
    badge.title = `${count} session${count === 1 ? "" : "s"} saved on this phone, waiting to sync`;
  }

  function askToSignIn(left) {
    Limber.banner("sync-banner", `${left} session${left === 1 ? " is" : "s are"} saved on this phone. Sign in again to sync ${left === 1 ? "it" : "them"}.`,
      [["Sign in", Limber.facts.urls.signInToSync], ["Later", null, "ghost"]]);
  }

  // One flush at a time: a second call while one runs gets the same promise.
  let flushing = null;
  async function flush() {
    if (!Limber.outbox || !window.indexedDB) return null;
    if (flushing) return flushing;
    flushing = (async () => {
      const result = await Limber.outbox.flush(Limber.signedIn() || {});
      showBadge(result.left);
      if (result.signIn && result.left) {
        askToSignIn(result.left);
      } else if (result.sent) {
        document.getElementById("sync-banner")?.remove();
        document.dispatchEvent(new CustomEvent("limber:synced", { detail: result }));
      }
      return result;
    })().finally(() => { flushing = null; });
    return flushing;
  }

  // The worker flushes on a Background Sync event and tells every page what is left.
  sw?.addEventListener("message", (event) => { if (event.data?.type === "outbox") showBadge(event.data.left); });
  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", flush);
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target === document.body) flush(); // a boosted page, not a fragment
  });

  Limber.sync = { flush };
})(window.Limber);
