// The reminder settings page: the browser's time zone for a first setting, and this device's Web Push subscription. "Allow notifications" asks the
// browser, subscribes with the server's VAPID key and sends the subscription to Limber; "Stop" does
// the reverse. Loaded on every page (boosted navigation never runs a page's own scripts twice); it
// does something only where #push-device is.
(function () {
  "use strict";
  const READY_TIMEOUT_MS = 10000;

  function bytes(base64url) {
    const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  function token() {
    try { return JSON.parse(document.getElementById("main").getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token() },
    });
    if (!response.ok && response.status !== 204) {
      let message = `Limber answered ${response.status}.`;
      try { message = (await response.json()).message || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
  }

  function ready() {
    return Promise.race([navigator.serviceWorker.ready, new Promise((_, fail) => setTimeout(
      () => fail(new Error("Limber's offline helper didn't start within 10 seconds. Reload the page and try again.")),
      READY_TIMEOUT_MS))]);
  }

  function sameKey(subscription, key) {
    const had = subscription.options && subscription.options.applicationServerKey;
    if (!had) return true;
    const a = new Uint8Array(had), b = bytes(key);
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  async function setup(root) {
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    const key = root.dataset.key;
    const state = root.querySelector("#push-state"), on = root.querySelector("#push-on"), off = root.querySelector("#push-off");
    if (!key || !state) return;
    const say = (text, showOn, showOff) => { state.textContent = text; on.hidden = !showOn; off.hidden = !showOff; };
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      say("This browser can't show Limber's notifications. The bell and e-mail still work.", false, false);
      return;
    }
    let registration;
    try { registration = await ready(); } catch (e) { say(e.message, false, false); return; }
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, key)) { await subscription.unsubscribe(); subscription = null; }
    const show = () => {
      if (subscription) say("This device shows Limber's reminders ✓", false, true);
      else if (Notification.permission === "denied") say("Notifications are blocked for Limber in this browser's settings. Allow them there to get reminders on this device.", false, false);
      else say("This device doesn't show Limber's notifications yet.", true, false);
    };
    if (subscription) {
      try { await post(root.dataset.subscribe, subscription.toJSON()); } catch (e) { /* shown as subscribed; retried next visit */ }
    }
    show();
    on.addEventListener("click", async () => {
      on.disabled = true;
      try {
        if (await Notification.requestPermission() !== "granted") { subscription = null; show(); return; }
        subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(key) });
        await post(root.dataset.subscribe, subscription.toJSON());
        const box = document.getElementById("by_push");
        if (box) box.checked = true;
        show();
      } catch (e) {
        say(`Notifications couldn't be turned on: ${e.message}`, true, false);
      } finally { on.disabled = false; }
    });
    off.addEventListener("click", async () => {
      off.disabled = true;
      try {
        const endpoint = subscription && subscription.endpoint;
        if (subscription) await subscription.unsubscribe();
        subscription = null;
        if (endpoint) await post(root.dataset.remove, { endpoint });
        show();
      } catch (e) {
        say(`Couldn't stop notifications: ${e.message}`, false, true);
      } finally { off.disabled = false; }
    });
  }

  // A person's first reminder settings start in the time zone their browser is in.
  function detectZone() {
    const input = document.querySelector("input[data-detect]");
    if (!input || input.dataset.detected) return;
    input.dataset.detected = "1";
    try {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) input.value = zone;
    } catch (e) { /* keep what the server suggested */ }
  }

  const scan = () => { detectZone(); setup(document.getElementById("push-device")); };
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSettle", scan);
})();
