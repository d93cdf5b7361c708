// The offer to put Limber on the home screen: after the first finished session, never on a first
// visit, never in the middle of a routine, and not again once installed or dismissed.
(function (Limber) {
  "use strict";
  const { install: INSTALL, sessions: SESSIONS } = Limber.facts.storage;
  const store = Limber.store;
  let deferredPrompt = null;
  const standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  const iOS = /iphone|ipad|ipod/i.test(navigator.userAgent) && !window.MSStream;

  function offerInstall() {
    if (standalone || store.get(INSTALL) || !store.get(SESSIONS)) return;
    if (!deferredPrompt && !iOS) return;
    if (document.querySelector(".player-shell")) return; // not in the middle of a routine
    const text = deferredPrompt
      ? "Put Limber on your home screen: one tap to start, and saved routines work with no signal."
      : "Put Limber on your home screen: tap Share, then “Add to Home Screen”.";
    Limber.banner("install-banner", text, [
      ...(deferredPrompt ? [["Install", async () => {
        deferredPrompt.prompt();
        const choice = await deferredPrompt.userChoice.catch(() => ({}));
        store.set(INSTALL, choice.outcome === "accepted" ? "installed" : "dismissed");
        deferredPrompt = null;
      }]] : []),
      ["Not now", () => store.set(INSTALL, "dismissed"), "ghost"],
    ]);
  }

  window.addEventListener("beforeinstallprompt", (event) => { event.preventDefault(); deferredPrompt = event; offerInstall(); });
  window.addEventListener("appinstalled", () => { store.set(INSTALL, "installed"); document.getElementById("install-banner")?.remove(); });
  document.addEventListener("DOMContentLoaded", offerInstall);
})(window.Limber);
