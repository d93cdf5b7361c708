// After a failed submit the first error is where the eyes are: scrolled into view and its control
// focused (a screen reader then reads the error, named by aria-describedby). On a page load with
// errors (a plain post) and after htmx swaps in the answer to a submit (boosted pages come back
// scrolled to the top). A page without errors keeps its focus.
(function (Limber) {
  "use strict";

  // The macros in templates/_partials/_forms.html mark an invalid control, or the field around it.
  const ERRORS = '[aria-invalid="true"], .has-error';

  function shown(element) {
    return element.getClientRects().length > 0 && !element.closest("[hidden], [inert]");
  }

  function control(error) {
    if (error.matches("input, select, textarea")) return error;
    const controls = Array.from(error.querySelectorAll("input:not([type=hidden]), select, textarea"))
      .filter((one) => !one.disabled && shown(one));
    return controls.find((one) => one.checked) || controls[0] || null;
  }

  function firstError(root) {
    for (const error of root.querySelectorAll(ERRORS)) {
      if (!shown(error)) continue;
      const target = control(error);
      if (target) return target;
    }
    return null;
  }

  function bringIntoView(target) {
    // The whole field: its label, the control and the message under it.
    const field = target.closest(".field, fieldset, .check") || target;
    const error = field.querySelector(".field-error") || document.getElementById(
      (target.getAttribute("aria-describedby") || "").split(" ")[0]);
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const top = field.getBoundingClientRect().top;
    const bottom = Math.max(field.getBoundingClientRect().bottom, error ? error.getBoundingClientRect().bottom : 0);
    target.focus({ preventScroll: true });
    const fits = bottom - top <= window.innerHeight;
    const where = fits ? top - (window.innerHeight - (bottom - top)) / 2 : top - 16;
    window.scrollTo({ top: window.scrollY + where, behavior: reduce ? "auto" : "smooth" });
  }

  function showFirstError(root) {
    const target = firstError(root || document);
    if (target) bringIntoView(target);
  }

  let pending = false;

  // htmx fires afterSettle once for each swapped element and scrolls a boosted page to the top just
  // after: look once, on the next frame.
  document.addEventListener("htmx:afterSettle", (event) => {
    const config = event.detail.requestConfig;
    const submitted = config && (config.verb !== "get" || (config.elt && config.elt.tagName === "FORM"));
    if (!submitted || pending) return;
    pending = true;
    const target = event.detail.target;
    requestAnimationFrame(() => {
      pending = false;
      showFirstError(target && target.isConnected ? target : document);
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => showFirstError(document));
  } else {
    showFirstError(document);
  }

  // A signed-in page restored by Back (the back/forward cache: pages are "private, no-cache", not
  // "no-store") after that person logged out on this phone, or while someone else is signed in: ask
  // the server again. Logging out clears localStorage (logout.js); this remembers who was signed in.
  // (The key belongs with Limber.facts.storage in shared.js.)
  const ACCOUNT = "limber.account";
  function remember() {
    const who = Limber.signedIn();
    if (who) Limber.store.set(ACCOUNT, who.account);
  }
  remember();
  document.addEventListener("htmx:afterSettle", remember);
  window.addEventListener("pageshow", (event) => {
    const who = Limber.signedIn();
    if (event.persisted && who && Limber.store.get(ACCOUNT) !== who.account) window.location.reload();
  });
})(window.Limber);
