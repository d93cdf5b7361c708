// The service worker, from the page's side: register it, offer "Reload to update" when a new one
// is waiting, and ask it things (save, remove, wipe, version). Offers Limber.worker:
//   ask(message)  a promise of the active worker's answer
//   registered    a promise: true once registration succeeded, false if there's no worker here
(function (Limber) {
  "use strict";
  const sw = "serviceWorker" in navigator ? navigator.serviceWorker : null;

  // A message to the active worker, answered through a MessageChannel.
  function ask(message) {
    return new Promise((resolve, reject) => {
      if (!sw || !sw.controller) { reject(new Error("Offline saving needs a moment to set up — try again.")); return; }
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => (event.data.ok ? resolve(event.data.value) : reject(new Error(event.data.error)));
      sw.controller.postMessage(message, [channel.port2]);
    });
  }

  let updating = false;
  const offerUpdate = (worker) => Limber.banner("update-banner", "A new version of Limber is ready.", [
    ["Reload to update", () => { updating = true; worker.postMessage({ type: "skip-waiting" }); }],
    ["Later", null, "ghost"],
  ]);

  function watchForUpdates(registration) {
    if (registration.waiting && sw.controller) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed" && sw.controller) offerUpdate(worker);
      });
    });
  }

  let registered = Promise.resolve(false);
  if (sw) {
    sw.addEventListener("controllerchange", () => { if (updating) location.reload(); });
    registered = sw.register(Limber.facts.urls.worker, { scope: "/" })
      .then((registration) => { watchForUpdates(registration); return true; })
      .catch(() => false); // no worker (private mode, old browser): everything still works online
  }

  Limber.worker = { ask, registered };
})(window.Limber);
