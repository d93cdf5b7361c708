// Every page: the service worker (and "Reload to update"), the sync badge and outbox flushing,
// auto-saving routines for offline, the install prompt, and a clean phone after logging out.
/* global LimberOutbox, htmx */
(function () {
  "use strict";
  // The signed-in account and CSRF token of the page shown now (boosted navigation swaps <main>).
  function signedIn() {
    const main = document.getElementById("main");
    if (!main || !main.dataset.account) return null;
    try {
      return { account: main.dataset.account, token: JSON.parse(main.getAttribute("hx-headers"))["X-CSRFToken"] };
    } catch (e) { return null; }
  }
  const store = {
    get: (key) => { try { return localStorage.getItem(`limber.${key}`); } catch (e) { return null; } },
    set: (key, value) => { try { localStorage.setItem(`limber.${key}`, value); } catch (e) { /* private mode */ } },
  };

  // --- a small banner at the bottom of the screen ---------------------------------------------
  function banner(id, text, actions) {
    document.getElementById(id)?.remove();
    const box = document.createElement("div");
    box.className = "app-banner";
    box.id = id;
    box.setAttribute("role", "status");
    const p = document.createElement("p");
    p.textContent = text;
    box.append(p);
    const row = document.createElement("div");
    row.className = "app-banner-actions";
    actions.forEach(([label, handler, style]) => {
      const button = document.createElement(typeof handler === "string" ? "a" : "button");
      button.className = `button small ${style || ""}`;
      button.textContent = label;
      if (typeof handler === "string") button.href = handler;
      else { button.type = "button"; button.addEventListener("click", () => { box.remove(); handler && handler(); }); }
      row.append(button);
    });
    box.append(row);
    document.body.append(box);
    return box;
  }

  // --- the service worker ---------------------------------------------------------------------
  const sw = "serviceWorker" in navigator ? navigator.serviceWorker : null;

  function ask(message) {
    // A message to the active worker, answered through a MessageChannel.
    return new Promise((resolve, reject) => {
      if (!sw || !sw.controller) { reject(new Error("Offline saving needs a moment to set up — try again.")); return; }
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => (event.data.ok ? resolve(event.data.value) : reject(new Error(event.data.error)));
      sw.controller.postMessage(message, [channel.port2]);
    });
  }
  window.LimberSW = { ask };

  if (sw) {
    let updating = false;
    const offerUpdate = (worker) => banner("update-banner", "A new version of Limber is ready.", [
      ["Reload to update", () => { updating = true; worker.postMessage({ type: "skip-waiting" }); }],
      ["Later", null, "ghost"],
    ]);
    sw.addEventListener("controllerchange", () => { if (updating) location.reload(); });
    sw.register("/sw.js", { scope: "/" }).then((registration) => {
      if (registration.waiting && sw.controller) offerUpdate(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        worker?.addEventListener("statechange", () => {
          if (worker.state === "installed" && sw.controller) offerUpdate(worker);
        });
      });
      sw.ready.then(autoSave);
    }).catch(() => { /* no worker (private mode, old browser): everything still works online */ });
    sw.addEventListener("message", (event) => { if (event.data?.type === "outbox") showBadge(event.data.left); });
  }

  // --- the outbox: logs finished offline ----------------------------------------------------------
  function showBadge(count) {
    const badge = document.getElementById("sync-badge");
    if (!badge) return;
    badge.hidden = !count;
    badge.textContent = `${count} session${count === 1 ? "" : "s"} waiting to sync`;
    badge.title = `${count} session${count === 1 ? "" : "s"} saved on this phone, waiting to sync`;
  }

  let flushing = null;
  async function flush() {
    if (!window.LimberOutbox || !window.indexedDB) return null;
    if (flushing) return flushing;
    flushing = (async () => {
      const result = await LimberOutbox.flush(signedIn() || {});
      showBadge(result.left);
      if (result.signIn && result.left) {
        banner("sync-banner", `${result.left} session${result.left === 1 ? " is" : "s are"} saved on this phone. Sign in again to sync ${result.left === 1 ? "it" : "them"}.`,
          [["Sign in", "/login?next=/saved"], ["Later", null, "ghost"]]);
      } else if (result.sent) {
        document.getElementById("sync-banner")?.remove();
        document.dispatchEvent(new CustomEvent("limber:synced", { detail: result }));
      }
      return result;
    })().finally(() => { flushing = null; });
    return flushing;
  }
  window.LimberSync = { flush, signedIn };
  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", flush);

  // --- routines opened here are kept for offline (the last five) ---------------------------------
  function autoSave() {
    document.querySelectorAll("[data-offline-auto]").forEach((el) => {
      ask({ type: "save", id: el.dataset.offlineAuto, auto: true }).then(keepStorage, () => {});
    });
  }

  // Once something is saved, ask the browser not to evict it under storage pressure (asked once).
  function keepStorage() {
    if (!navigator.storage?.persist || store.get("persist-asked")) return;
    store.set("persist-asked", "1");
    navigator.storage.persist().catch(() => {});
  }
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target !== document.body) return; // a boosted page, not a fragment
    if (sw?.controller) autoSave();
    flush();
  });

  // "Save for offline" buttons.
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-save-offline]");
    if (!button) return;
    const status = button.parentElement.querySelector(".save-status");
    button.disabled = true;
    if (status) status.textContent = "Saving…";
    try {
      const entry = await ask({ type: "save", id: button.dataset.saveOffline, auto: false });
      if (status) status.textContent = `Saved for offline · ${formatBytes(entry.bytes)}`;
      button.textContent = "Saved ✓";
      keepStorage();
    } catch (error) {
      if (status) status.textContent = error.message;
      button.disabled = false;
    }
  });

  function formatBytes(bytes) {
    if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }
  window.LimberFormat = { bytes: formatBytes };

  // --- boosted links when the network is gone: fall back to a real navigation, which the
  //     service worker answers from the cache or with the offline page.
  document.addEventListener("htmx:sendError", (event) => {
    const config = event.detail.requestConfig;
    if (config && config.verb === "get" && event.detail.boosted) location.assign(config.path);
  });

  // --- logging out or deleting the account wipes this phone's copies -----------------------------
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("[data-wipe-on-submit]") || form.dataset.wiped) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const result = await flush();
    if (result && result.left && !window.confirm(
      `${result.left} finished session${result.left === 1 ? " hasn't" : "s haven't"} reached the server yet. ` +
      "Log out anyway and delete them from this phone?")) return;
    try { await ask({ type: "wipe" }); } catch (e) { /* the server's Clear-Site-Data does it too */ }
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* ignore */ }
    form.dataset.wiped = "1";
    form.setAttribute("hx-boost", "false");
    form.submit();
  }, true);

  // --- install prompt: after the first finished session, never on a first visit -----------------
  let deferredPrompt = null;
  const standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  const iOS = /iphone|ipad|ipod/i.test(navigator.userAgent) && !window.MSStream;
  function offerInstall() {
    if (standalone || store.get("install") || !store.get("sessions")) return;
    if (!deferredPrompt && !iOS) return;
    if (document.querySelector(".player-shell")) return; // not in the middle of a routine
    const text = deferredPrompt
      ? "Put Limber on your home screen: one tap to start, and saved routines work with no signal."
      : "Put Limber on your home screen: tap Share, then “Add to Home Screen”.";
    banner("install-banner", text, [
      ...(deferredPrompt ? [["Install", async () => {
        deferredPrompt.prompt();
        const choice = await deferredPrompt.userChoice.catch(() => ({}));
        store.set("install", choice.outcome === "accepted" ? "installed" : "dismissed");
        deferredPrompt = null;
      }]] : []),
      ["Not now", () => store.set("install", "dismissed"), "ghost"],
    ]);
  }
  window.addEventListener("beforeinstallprompt", (event) => { event.preventDefault(); deferredPrompt = event; offerInstall(); });
  window.addEventListener("appinstalled", () => { store.set("install", "installed"); document.getElementById("install-banner")?.remove(); });
  document.addEventListener("DOMContentLoaded", offerInstall);
})();
