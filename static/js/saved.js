// The "Saved for offline" and offline pages: what this phone keeps, read straight from Cache
// Storage and the outbox, so it works with no connection at all.
(function (Limber) {
  "use strict";
  const { urls } = Limber.facts;
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...children) => {
    const node = Object.assign(document.createElement(tag), props || {});
    node.append(...children);
    return node;
  };
  const size = Limber.formatBytes;
  // Dates as the server writes them ("Mon 23 Nov 2026, 10:10"), in the phone's time zone.
  const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n) => String(n).padStart(2, "0");
  const when = (ms) => { const d = new Date(ms); return `${d.getDate()} ${MONTHS[d.getMonth()]}`; };
  const dateTime = (value) => {
    const d = new Date(value);
    return `${DAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${two(d.getHours())}:${two(d.getMinutes())}`;
  };

  // Newest first. Only reads: the saved cache isn't created here if nothing was ever saved.
  async function savedEntries() {
    if (!("caches" in window) || !(await caches.has(Limber.facts.caches.saved))) return [];
    return (await Limber.savedIndex.entries()).sort((a, b) => b.opened_at - a.opened_at);
  }

  async function renderSaved() {
    const list = $("saved-list");
    if (!list) return;
    const entries = await savedEntries();
    const empty = $("saved-empty");
    if (empty) empty.hidden = entries.length > 0;
    list.replaceChildren(...entries.map((entry) => {
      const play = el("a", { className: "button small", href: urls.play(entry.id), textContent: "▶ Start" });
      play.setAttribute("hx-boost", "false");
      const item = el("li", { className: "saved-item" },
        el("div", { className: "saved-main" },
          el("a", { className: "saved-title", href: urls.routine(entry.id), textContent: entry.title }),
          el("p", { className: "muted", textContent:
            `${size(entry.bytes)} · ${entry.auto ? "opened recently" : "saved"} ${when(entry.auto ? entry.opened_at : entry.saved_at)}` })),
        el("div", { className: "saved-actions" }, play));
      if (list.dataset.removable !== undefined) {
        const remove = el("button", { type: "button", className: "button small ghost", textContent: "Remove" });
        remove.setAttribute("aria-label", `Remove ${entry.title} from this phone`);
        remove.addEventListener("click", async () => {
          remove.disabled = true;
          try { await Limber.worker.ask({ type: "remove", id: entry.id }); } catch (e) { await Limber.savedIndex.remove(entry.id); }
          await render();
        });
        item.querySelector(".saved-actions").append(remove);
      }
      return item;
    }));
  }

  // Free space as a person reads it: MB below 1 GB, one decimal under 10 GB, whole GB above.
  const free = (bytes) => {
    const gb = bytes / 1024 ** 3;
    if (gb < 1) return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`;
    return gb < 10 ? `${gb.toFixed(1).replace(/\.0$/, "")} GB` : `${Math.round(gb)} GB`;
  };

  async function renderStorage() {
    const box = $("storage-use");
    if (!box || !navigator.storage?.estimate) return;
    const { usage, quota } = await navigator.storage.estimate();
    const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
    box.textContent = `Limber uses ${size(usage || 0)} of this phone's storage` +
      (quota ? `, with room for about ${free(Math.max(0, quota - (usage || 0)))} more` : "") +
      (persisted ? ". The browser won't clear it to make room." : ".");
  }

  async function renderOutbox() {
    const list = $("outbox-list");
    if (!list || !Limber.outbox || !window.indexedDB) return;
    const items = await Limber.outbox.all();
    $("outbox-section").hidden = items.length === 0;
    list.replaceChildren(...items.map((item) => {
      const li = el("li", { className: "saved-item" },
        el("div", { className: "saved-main" },
          el("strong", { textContent: item.title }),
          el("p", { className: "muted", textContent: `Finished ${dateTime(item.finished_at)}` })));
      if (item.rejected) {
        const reasons = Object.entries(item.rejected.errors || {}).map(([field, text]) => `${field}: ${text}`).join("; ");
        li.querySelector(".saved-main").append(el("p", { className: "field-error",
          textContent: `The server couldn't accept this session (${reasons || item.rejected.status}).` }));
        const discard = el("button", { type: "button", className: "button small ghost", textContent: "Discard" });
        discard.addEventListener("click", async () => { await Limber.outbox.remove([item.client_id]); await render(); });
        li.append(el("div", { className: "saved-actions" }, discard));
      }
      return li;
    }));
  }

  async function render() {
    await Promise.all([renderSaved(), renderStorage(), renderOutbox()].map((p) => p.catch(() => {})));
  }

  document.addEventListener("click", async (event) => {
    if (event.target.closest("[data-sync-now]")) {
      const result = await Limber.sync.flush();
      const note = $("sync-note");
      if (note && result) note.textContent = result.offline ? "Still offline — they'll sync when you're back."
        : result.signIn ? "Sign in again to sync." : `${result.sent} synced.`;
      await render();
    }
    if (event.target.closest("[data-reload]")) location.reload();
  });
  document.addEventListener("limber:synced", render);
  render();
})(window.Limber);
