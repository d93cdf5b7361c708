// Limber's service worker. /sw.js puts VERSION, PRECACHE and IMPORTS (the hashed URLs of shared.js
// and outbox.js) in front of this file.
//  - shell (versioned): CSS, JS, htmx, icons, the offline and saved pages — cache first.
//  - pages: the last pages visited — network first (short timeout), then this copy, then /offline.
//  - saved: routines saved for offline (by hand, or the last five opened), with their media and
//    figures, and the saved-routine index (shared.js).
//  - figures: every other exercise figure a page showed, the last MAX_FIGURES of them.
/* global VERSION, PRECACHE, IMPORTS */
importScripts(...IMPORTS);

const { facts, outbox, savedIndex } = self.Limber;
const SHELL = facts.caches.shell(VERSION);
const PAGES = facts.caches.pages;
const SAVED = facts.caches.saved;
const FIGURES = facts.caches.figures;
const MAX_FIGURES = 300; // about a kilobyte or two each
const PAGE_TIMEOUT_MS = 3000;
const MAX_PAGES = 30;
const MAX_AUTO_SAVED = 5;
const STATIC_PREFIX = "/static/";
const MEDIA_PREFIX = "/media/";
// Pages never kept: signing in and out, settings, admin, onboarding, and the worker and sync URLs.
const NOT_CACHED = ["/login", "/signup", "/logout", "/settings", "/admin", "/auth", "/onboarding", "/reminders",
  "/notifications", "/unsubscribe",
  facts.urls.worker, facts.urls.sync];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    // Without cookies: the shell is the same for everybody and must never carry anyone's session.
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "omit" })));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, PAGES, SAVED, FIGURES]);
    for (const name of await caches.keys()) {
      if (name.startsWith(facts.caches.prefix) && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
    refreshSaved(); // saved pages point at the old static files: fetch them again, in the background
  })());
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  const reply = (answer) => event.ports[0] && event.ports[0].postMessage(answer);
  const job = {
    "skip-waiting": () => self.skipWaiting(),
    save: () => saveRoutine(message.id, Boolean(message.auto)),
    remove: () => savedIndex.remove(message.id),
    wipe: () => wipe(),
    version: async () => VERSION,
  }[message.type];
  if (!job) return;
  event.waitUntil(Promise.resolve().then(job).then(
    (value) => reply({ ok: true, value }),
    (error) => reply({ ok: false, error: String(error && error.message || error) }),
  ));
});

self.addEventListener("sync", (event) => {
  if (event.tag === facts.syncTag) event.waitUntil(outbox.flush().then((r) => tell({ type: "outbox", ...r })));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) return event.respondWith(staticFile(request));
  if (url.pathname.startsWith(MEDIA_PREFIX)) return event.respondWith(mediaFile(request));
  if (facts.urls.isFigure(url.pathname)) return event.respondWith(figureFile(request, event));
  if (request.headers.get("HX-Request")) return; // htmx partials: network only, never cached as pages
  if (request.mode === "navigate") return event.respondWith(page(request, event));
});

async function tell(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

// Hashed static files never change: cache first. An old page asking for an older hash gets today's file
// (its scripts get today's shared.js in front of them: see oldPageScript).
async function staticFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  let response = null;
  try { response = await fetch(request); } catch (error) { /* offline: an old page's script, or the fallback */ }
  // The server has only today's files, whatever ?v= says. A page newer than this worker (the deploy is
  // ahead of it) asks for exactly that file: keep and serve it. An older page asks for a hash the server
  // no longer has: its scripts come from this worker's shell (oldPageScript).
  if (response && response.ok && await isVersionAsked(request, response.clone())) {
    if (new URL(request.url).searchParams.has("v")) await (await caches.open(SHELL)).put(request, response.clone());
    return response;
  }
  const script = await oldPageScript(request);
  if (script) return script;
  if (response) return response;
  const fallback = await caches.match(request, { ignoreSearch: true });
  if (fallback) return fallback;
  throw new TypeError(`${request.url} is not cached and the network is unreachable`);
}

// Whether the body is the file its ?v= names: v is the first 12 hex digits of its SHA-256 (static_url).
async function isVersionAsked(request, response) {
  const asked = new URL(request.url).searchParams.get("v");
  if (!asked) return true;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return hex.startsWith(asked);
}

// A page saved before a deploy, and not fetched again since (offline, or signed out), names scripts this
// worker doesn't have: an older ?v= hash, or a file that no longer exists. Today's file alone would break
// it (today's scripts need Limber from shared.js, which an old page never loads) and the network is no
// help (it only has today's files: see staticFile), so such a script is answered from the shell cache:
// today's shared.js (safe to run twice), then today's file of that name, or the files that replaced it.
// All classic scripts, strict and without a top-level `this`, so they also run as the old player's
// <script type="module">. Today's pages only ask for PRECACHE URLs, and a newer page's files come from the
// network: neither comes here.
const JS_PREFIX = "/static/js/";
// Scripts old pages name that no longer exist, and today's files that do their work, in load order.
const REPLACED_BY = {
  "app.js": ["page.js", "worker.js", "offline.js", "sync.js", "install.js", "logout.js"], // split up after 4bc6d85
};

async function oldPageScript(request) {
  const url = new URL(request.url);
  if (!url.pathname.startsWith(JS_PREFIX) || PRECACHE.includes(url.pathname + url.search)) return null;
  const name = url.pathname.slice(JS_PREFIX.length);
  const files = [...new Set(["shared.js", ...(REPLACED_BY[name] || [name])])];
  const shell = await caches.open(SHELL);
  const parts = [];
  for (const file of files) {
    const today = PRECACHE.find((u) => u.split("?")[0] === JS_PREFIX + file);
    const cached = today && await shell.match(today);
    if (!cached) return null; // not one of today's scripts: the network, as for any other file
    parts.push(`// ${today}\n${await cached.text()}\n;`);
  }
  return new Response(parts.join("\n"), { headers: { "Content-Type": "text/javascript; charset=utf-8" } });
}

// An exercise's figure: its URL names one drawing (?v=), so a kept copy is always right: a saved
// routine's, then one seen before, else the network, keeping what it answers for next time (offline).
async function figureFile(request, event) {
  const cached = await (await caches.open(SAVED)).match(request.url) || await (await caches.open(FIGURES)).match(request.url);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).searchParams.has("v")) event.waitUntil(keepFigure(request.url, response.clone()));
  return response; // the page needn't wait for the copy to be kept
}

async function keepFigure(url, response) {
  const cache = await caches.open(FIGURES);
  await cache.put(url, response);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_FIGURES))) await cache.delete(old);
}

// Media of saved routines comes from the cache, Range requests included, so videos seek offline.
async function mediaFile(request) {
  const cache = await caches.open(SAVED);
  const cached = await cache.match(request.url);
  if (!cached) return fetch(request);
  const range = request.headers.get("Range");
  if (!range) return cached;
  const blob = await cached.blob();
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = match && match[1] !== "" ? Number(match[1]) : null;
  let end = match && match[2] !== "" ? Number(match[2]) : null;
  if (start === null && end !== null) { start = Math.max(0, blob.size - end); end = blob.size - 1; }
  if (start === null) start = 0;
  if (end === null || end >= blob.size) end = blob.size - 1;
  if (!match || start > end || start >= blob.size) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${blob.size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": cached.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": `bytes ${start}-${end}/${blob.size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

function timeout(ms) {
  return new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms));
}

// Saved routines first (any ?speed=…), then the last copy of a visited page, then the shell's pages.
async function cachedPage(request) {
  const saved = await (await caches.open(SAVED)).match(request, { ignoreSearch: true, ignoreVary: true });
  if (saved) return saved;
  const visited = await (await caches.open(PAGES)).match(request, { ignoreVary: true });
  if (visited) return visited;
  return (await caches.open(SHELL)).match(request, { ignoreVary: true });
}

async function page(request, event) {
  const url = new URL(request.url);
  const network = fetch(request).then(async (response) => {
    if (response.ok && !response.redirected && response.type === "basic" && !NOT_CACHED.some((p) => url.pathname.startsWith(p))) {
      const copy = response.clone();
      event.waitUntil(remember(request, copy));
    }
    return response;
  });
  try {
    return await Promise.race([network, timeout(PAGE_TIMEOUT_MS)]);
  } catch (error) {
    const cached = await cachedPage(request);
    if (cached) return cached;
    try {
      return await network; // slow but alive, and nothing saved: wait for it
    } catch (offline) {
      return (await caches.match(facts.urls.offline)) || Response.error();
    }
  }
}

async function remember(request, response) {
  const cache = await caches.open(PAGES);
  await cache.put(request, response);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
  const saved = await caches.open(SAVED);
  if (await saved.match(request)) await saved.put(request, await cache.match(request)); // keep saved pages fresh
}

async function saveRoutine(id, auto) {
  const info = await fetch(facts.urls.routineOffline(id), { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!info.ok) throw new Error(info.status === 401 ? "Sign in to save routines." : "That routine can't be saved.");
  const routine = await info.json();
  const cache = await caches.open(SAVED);
  const previous = await cache.match(savedIndex.key(routine.id));
  const before = previous ? await previous.json() : null;
  let bytes = 0;
  for (const url of routine.urls) {
    let response = await cache.match(url);
    if (!response || !url.startsWith(MEDIA_PREFIX)) { // pages are fetched again; media files never change
      response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`Couldn't download ${url}`);
      await cache.put(url, response.clone());
    }
    bytes += (await response.blob()).size;
  }
  const entry = {
    id: routine.id, title: routine.title, kind: routine.kind, minutes: routine.minutes, urls: routine.urls,
    bytes, saved_at: before ? before.saved_at : Date.now(), opened_at: Date.now(),
    auto: before ? before.auto && auto : auto,
  };
  await cache.put(savedIndex.key(routine.id), new Response(JSON.stringify(entry), { headers: { "Content-Type": "application/json" } }));
  await pruneAuto();
  return entry;
}

async function pruneAuto() {
  const autos = (await savedIndex.entries()).filter((e) => e.auto).sort((a, b) => b.opened_at - a.opened_at);
  for (const old of autos.slice(MAX_AUTO_SAVED)) await savedIndex.remove(old.id);
}

async function refreshSaved() {
  for (const entry of await savedIndex.entries()) {
    try { await saveRoutine(entry.id, entry.auto); } catch (error) { /* offline or signed out: keep the old copy */ }
  }
}

// Log out / account deleted: nothing of this person stays on the phone.
async function wipe() {
  for (const name of await caches.keys()) if (name !== SHELL) await caches.delete(name);
  await outbox.clear();
  // The next person on this phone must not get the reminders (the server forgets it at log-out too).
  const subscription = await self.registration.pushManager?.getSubscription();
  if (subscription) await subscription.unsubscribe();
  return true;
}

// A reminder from the push service: its words ("Time for your warm-up") and the page a tap opens.
// Only a path on Limber's own origin is ever opened.
function reminderUrl(data) {
  const url = typeof data.url === "string" && data.url.startsWith("/") && !data.url.startsWith("//") ? data.url : "/";
  return new URL(url, self.location.origin).href;
}

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(String(data.title || "Limber"), {
    body: String(data.body || ""),
    tag: String(data.tag || "limber"),
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    data: { url: reminderUrl(data) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || reminderUrl({});
  event.waitUntil((async () => {
    // Limber already open: show the reminder's page there; otherwise open a window on it.
    for (const client of await self.clients.matchAll({ type: "window" })) {
      if (new URL(client.url).origin !== self.location.origin || !("navigate" in client)) continue;
      try {
        const shown = await client.navigate(url);
        if (shown) return shown.focus();
      } catch (e) { /* not ours to navigate: open a new window below */ }
    }
    return self.clients.openWindow(url);
  })());
});
