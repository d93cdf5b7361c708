// Small helpers the page scripts share: who is signed in, localStorage that never throws, a banner
// at the bottom of the screen, and file sizes in words. Offers Limber.signedIn, Limber.store,
// Limber.banner and Limber.formatBytes.
(function (Limber) {
  "use strict";

  // The signed-in account and CSRF token of the page shown now (boosted navigation swaps <main>).
  function signedIn() {
    const main = document.getElementById("main");
    if (!main || !main.dataset.account) return null;
    try {
      return { account: main.dataset.account, token: JSON.parse(main.getAttribute("hx-headers"))["X-CSRFToken"] };
    } catch (e) { return null; }
  }

  // Keys are Limber.facts.storage's. Private mode or a full disk: reads give null, writes do nothing.
  const store = {
    get: (key) => { try { return localStorage.getItem(key); } catch (e) { return null; } },
    set: (key, value) => { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } },
  };

  // A status banner with buttons: [label, handler or link URL, extra class]. A button closes it.
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

  function formatBytes(bytes) {
    if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  Object.assign(Limber, { signedIn, store, banner, formatBytes });
})(window.Limber);
