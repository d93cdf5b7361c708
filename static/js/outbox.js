// The outbox: session logs finished on this phone wait here (IndexedDB) until the server has them.
// A log leaves only when a 2xx answer echoes its UUID. Loaded by pages and by the service worker
// (after shared.js); offers Limber.outbox.
(function (scope) {
  "use strict";
  const Limber = scope.Limber;
  const { name: DB_NAME, version: DB_VERSION, store: STORE } = Limber.facts.outboxDb;
  const SYNC_URL = Limber.facts.urls.sync;
  const BATCH = 50;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "client_id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, work) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  // Free-text notes are health data: they are never written to the phone's storage.
  function add(log, account) {
    const item = Object.assign({}, log, { account: account || null, queued_at: new Date().toISOString() });
    delete item.note;
    return run("readwrite", (store) => store.put(item));
  }

  const all = () => run("readonly", (store) => store.getAll());
  const remove = (ids) => run("readwrite", (store) => ids.forEach((id) => store.delete(id)));
  const clear = () => run("readwrite", (store) => store.clear());

  async function pending(account) {
    const items = await all();
    return items.filter((item) => !account || !item.account || String(item.account) === String(account));
  }

  async function freshToken() {
    const response = await fetch(SYNC_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return null;
    return response.json();
  }

  function payload(item) {
    const log = Object.assign({}, item);
    delete log.account; delete log.queued_at; delete log.rejected;
    return log;
  }

  // Send what is queued. Returns {sent, left, signIn, offline}. Never throws.
  async function flush(options) {
    const opts = options || {};
    let token = opts.token || null;
    let account = opts.account || null;
    const result = { sent: 0, left: 0, signIn: false, offline: false };
    try {
      let items = (await pending(account)).filter((item) => !item.rejected);
      if (!items.length) { result.left = (await pending(account)).length; return result; }
      if (!token) {
        const fresh = await freshToken();
        if (!fresh) { result.signIn = true; result.left = items.length; return result; }
        token = fresh.csrf_token; account = fresh.account;
        items = (await pending(account)).filter((item) => !item.rejected);
      }
      for (let start = 0; start < items.length; start += BATCH) {
        const batch = items.slice(start, start + BATCH);
        let response = await post(batch, token, opts.extra);
        if (response.status === 400 && !(await peek(response)).results) {
          // An expired CSRF token: get a new one once, then try again.
          const fresh = await freshToken();
          if (!fresh) { result.signIn = true; break; }
          token = fresh.csrf_token;
          response = await post(batch, token, opts.extra);
        }
        if (response.status === 401 || response.status === 403) { result.signIn = true; break; }
        const body = await peek(response);
        if (!body.results) { result.signIn = response.status === 400; break; }
        const done = [];
        const rejected = [];
        body.results.forEach((r) => {
          if (r.status >= 200 && r.status < 300 && r.client_id) done.push(r.client_id);
          else if (r.client_id) rejected.push(r);
        });
        const sentIds = new Set(batch.map((item) => item.client_id));
        await remove(done.filter((id) => sentIds.has(id)));
        await markRejected(rejected.filter((r) => sentIds.has(r.client_id)));
        result.sent += done.length;
      }
    } catch (error) {
      result.offline = true;
    }
    try { result.left = (await pending(account)).length; } catch (error) { /* storage gone */ }
    return result;
  }

  async function peek(response) {
    if (!response._body) response._body = await response.clone().json().catch(() => ({}));
    return response._body;
  }

  function post(batch, token, extra) {
    // `extra` lets the player add the note to its own log when it is online; it is never stored.
    const logs = batch.map((item) => Object.assign(payload(item), (extra && extra[item.client_id]) || {}));
    return fetch(SYNC_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ logs }),
    });
  }

  async function markRejected(results) {
    if (!results.length) return;
    const items = await all();
    const byId = new Map(results.map((r) => [r.client_id, r]));
    await run("readwrite", (store) => items.forEach((item) => {
      const r = byId.get(item.client_id);
      if (r) store.put(Object.assign(item, { rejected: { status: r.status, errors: r.errors || {} } }));
    }));
  }

  Limber.outbox = { add, all, pending, remove, clear, flush };
})(self);
