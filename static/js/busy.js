// Feedback on every tap: the tapped button shows it's working (aria-busy, disabled against double taps),
// a thin bar runs along the top when a request takes more than a moment, and every failure is said in
// words beside the button and in a polite live region. Controls marked data-needs-network are shown as
// unavailable while the phone is offline, and come back with the connection.
//
// data-needs-network="<id>"  the element with that id explains why while offline; empty: a hint is added
// data-action-name="Shuffle" what the words call the action (else the button's text)
(function () {
  "use strict";
  const BAR_DELAY_MS = 150; // fast requests finish before the bar shows: no flash
  // Boosted navigation replaces the body's children: the bar and the live region are made again when gone.
  function ensure(id, make) {
    let node = document.getElementById(id);
    if (!node) { node = make(); node.id = id; document.body.append(node); }
    return node;
  }
  const bar = () => ensure("busy-bar", () => {
    const node = document.createElement("div");
    node.className = "busy-bar";
    node.setAttribute("aria-hidden", "true");
    return node;
  });
  const live = () => ensure("feedback-live", () => {
    const node = document.createElement("div");
    node.className = "visually-hidden";
    node.setAttribute("aria-live", "polite");
    return node;
  });

  // data-action-name, else the words on the button (not its icons: aria-hidden parts are left out).
  function actionName(control) {
    if (!control) return "That";
    const named = control.closest("[data-action-name]");
    if (named) return named.dataset.actionName;
    const words = control.cloneNode(true);
    words.querySelectorAll("[aria-hidden=true]").forEach((part) => part.remove());
    return (words.textContent || control.value || "").replace(/\s+/g, " ").trim() || "That";
  }

  // -- the words: beside what was tapped, and announced once

  const said = new WeakMap(); // control → its message element

  function clear(control) {
    said.get(control)?.remove();
    said.delete(control);
  }

  function say(control, text) {
    const region = live();
    region.textContent = "";
    setTimeout(() => { region.textContent = text; }, 50); // a change screen readers notice, even for the same words
    if (!control || !control.isConnected) return;
    clear(control);
    const message = document.createElement("p");
    message.className = "tap-error";
    message.textContent = text;
    // Inside a step's row or after the control's form, so it sits under what was tapped.
    const host = control.closest("[data-feedback-host]");
    if (host && host.tagName === "LI") host.append(message);
    else (host || control.closest("form") || control).after(message);
    said.set(control, message);
  }

  const offlineWords = (control) => `You're offline — ${actionName(control)} needs a connection`;
  const SERVER_WORDS = "Something went wrong on our side — try again";
  const slowWords = (control) => `${actionName(control)} is taking too long — check your connection and try again`;

  // -- busy state

  function busy(control) {
    if (!control) return;
    control.setAttribute("aria-busy", "true");
    if ("disabled" in control && !control.disabled) {
      control.disabled = true;
      control.dataset.busyDisabled = "";
    }
  }

  function idle(control) {
    if (!control) return;
    control.removeAttribute("aria-busy");
    if (control.dataset.busyDisabled !== undefined) {
      control.disabled = false;
      delete control.dataset.busyDisabled;
    }
  }

  let barTimer = null;
  const inFlight = new Map(); // xhr → the control that started it

  function showBar() {
    clearTimeout(barTimer);
    barTimer = setTimeout(() => { if (inFlight.size) bar().classList.add("is-on"); }, BAR_DELAY_MS);
  }

  function hideBar() {
    if (inFlight.size) return;
    clearTimeout(barTimer);
    document.getElementById("busy-bar")?.classList.remove("is-on");
  }

  // The button a request belongs to: the button itself, a form's submit button, or the link followed.
  // A form sent as someone types (a live search) is busy as a whole: its button isn't what they touched.
  function controlOf(detail) {
    const elt = detail.elt;
    if (!elt || !elt.matches) return null;
    const trigger = detail.requestConfig?.triggeringEvent;
    if (elt.matches("form") && trigger?.type === "submit") {
      return trigger.submitter || elt.querySelector("button:not([type=button]), input[type=submit]");
    }
    return elt;
  }

  // Only what a person did: a fragment polling itself ("load delay:1s") runs quietly.
  const tapped = (detail) => Boolean(detail.requestConfig?.triggeringEvent?.isTrusted);

  // beforeSend, not beforeRequest: it comes only once nothing cancelled the request, so afterRequest follows.
  document.addEventListener("htmx:beforeSend", (event) => {
    if (!tapped(event.detail)) return;
    const control = controlOf(event.detail);
    inFlight.set(event.detail.xhr, control);
    document.querySelectorAll(".tap-error").forEach((old) => old.remove()); // a new tap: earlier words are out of date
    busy(control);
    showBar();
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (!inFlight.has(xhr)) return;
    const control = inFlight.get(xhr);
    inFlight.delete(xhr);
    idle(control);
    hideBar();
    if (xhr.status >= 500 && !isPageVisit(event.detail)) say(control, SERVER_WORDS);
  });

  // A page visited by a boosted link shows its own error page; anything else keeps the page and says so.
  const isPageVisit = (detail) => detail.boosted && detail.requestConfig?.verb === "get";

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (tapped(event.detail) && event.detail.xhr.status >= 500 && !isPageVisit(event.detail)) event.detail.shouldSwap = false;
  });

  // A boosted link with no network becomes a real navigation (offline.js): nothing to say.
  document.addEventListener("htmx:sendError", (event) => {
    if (!tapped(event.detail) || isPageVisit(event.detail)) return;
    const control = controlOf(event.detail);
    say(control, offlineWords(control));
  });

  document.addEventListener("htmx:timeout", (event) => {
    if (!tapped(event.detail)) return;
    const control = controlOf(event.detail);
    say(control, slowWords(control));
  });

  // -- plain form posts (not htmx): the submit button shows busy until the next page comes

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const submitter = event.submitter || form.querySelector("button:not([type=button]), input[type=submit]");
    if (event.defaultPrevented) return; // htmx's boosted forms, and scripts that submit their own way
    if (navigator.onLine === false && (form.method || "").toLowerCase() === "post") {
      event.preventDefault(); // the browser's own "no internet" page would lose what was typed
      say(submitter, offlineWords(submitter));
      return;
    }
    // After the submit event: a disabled submitter's name and value would be left out of the form.
    setTimeout(() => { if (!event.defaultPrevented) busy(submitter); }, 0);
  });

  // Back to a page kept by the browser (back button): its buttons were left busy.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) document.querySelectorAll("[aria-busy=true]").forEach(idle);
  });

  // -- controls that need the network

  let hints = 0;
  function hintFor(control) {
    const id = control.dataset.needsNetwork;
    if (id && document.getElementById(id)) return document.getElementById(id);
    if (!control.dataset.hint) {
      const hint = document.createElement("span");
      hint.className = "needs-network-hint";
      hint.id = control.dataset.hint = `needs-network-${++hints}`;
      hint.textContent = "Needs a connection";
      hint.hidden = true;
      control.after(hint);
    }
    return document.getElementById(control.dataset.hint);
  }

  // Offline when the browser says so: never wrongly true. When it wrongly says online, a tap is tried
  // and fails with words (htmx:sendError above).
  function showNetwork() {
    const offline = navigator.onLine === false;
    document.querySelectorAll("[data-needs-network]").forEach((control) => {
      const hint = hintFor(control);
      if (hint) hint.hidden = !offline;
      if (offline) {
        control.setAttribute("aria-disabled", "true");
        if (hint) control.setAttribute("aria-describedby", hint.id);
      } else {
        control.removeAttribute("aria-disabled");
        control.removeAttribute("aria-describedby");
        clear(control);
      }
    });
  }

  // aria-disabled, not disabled: a tap still gets an answer in words instead of nothing.
  function refuse(event, control) {
    event.preventDefault();
    event.stopImmediatePropagation();
    say(control, offlineWords(control));
  }
  // Capturing, so neither htmx nor the form hears the tap (Enter in a form "clicks" its button too).
  document.addEventListener("click", (event) => {
    const control = event.target.closest?.("[data-needs-network][aria-disabled=true]");
    if (control) refuse(event, control);
  }, true);

  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  document.addEventListener("htmx:afterSettle", () => { live(); showNetwork(); });
  live(); // deferred: the page is parsed; made early, so screen readers already watch it when words come
  showNetwork();
})();
