// Limber's service worker. /sw.js puts VERSION, PRECACHE and OUTBOX_SCRIPT in front of this file.
//  - shell (versioned): CSS, JS, htmx, icons, the offline and saved pages — cache first.
//  - pages: the last pages visited — network first (short timeout), then this copy, then /offline.
//  - saved: routines saved for offline, with their media; index entries under /__saved__/<id>.
/* global VERSION, PRECACHE, OUTBOX_SCRIPT, LimberOutbox */
importScripts(OUTBOX_SCRIPT);

const SHELL = `limber-shell-${VERSION}`;
const PAGES = "limber-pages";
const SAVED = "limber-saved";
const PAGE_TIMEOUT_MS = 3000;
const MAX_PAGES = 30;
const MAX_AUTO_SAVED = 5;
const NOT_CACHED = /^\/(login|signup|logout|settings|admin|auth|onboarding|sw\.js|sessions\/sync)/;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    // Without cookies: the shell is the same for everybody and must never carry anyone's session.
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "omit" })));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, PAGES, SAVED]);
    for (const name of await caches.keys()) {
      if (name.startsWith("limber-") && !keep.has(name)) await caches.delete(name);
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
    remove: () => removeRoutine(message.id),
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
  if (event.tag === "limber-outbox") event.waitUntil(LimberOutbox.flush().then((r) => tell({ type: "outbox", ...r })));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) return event.respondWith(staticFile(request));
  if (url.pathname.startsWith("/media/")) return event.respondWith(mediaFile(request));
  if (request.headers.get("HX-Request")) return; // htmx partials: network only, never cached as pages
  if (request.mode === "navigate") return event.respondWith(page(request, event));
});

async function tell(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

// Hashed static files never change: cache first. An old page asking for an older hash gets today's file.
async function staticFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  try {
    const response = await fetch(request);
    if (response.ok && new URL(request.url).searchParams.has("v")) {
      const cache = await caches.open(SHELL);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const fallback = await caches.match(request, { ignoreSearch: true });
    if (fallback) return fallback;
    throw error;
  }
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
    if (response.ok && !response.redirected && response.type === "basic" && !NOT_CACHED.test(url.pathname)) {
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
      return (await caches.match("/offline")) || Response.error();
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

const indexKey = (id) => `/__saved__/${id}`;

async function savedEntries() {
  const cache = await caches.open(SAVED);
  const entries = [];
  for (const request of await cache.keys()) {
    if (new URL(request.url).pathname.startsWith("/__saved__/")) entries.push(await (await cache.match(request)).json());
  }
  return entries;
}

async function saveRoutine(id, auto) {
  const info = await fetch(`/routines/${Number(id)}/offline`, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!info.ok) throw new Error(info.status === 401 ? "Sign in to save routines." : "That routine can't be saved.");
  const routine = await info.json();
  const cache = await caches.open(SAVED);
  const previous = await cache.match(indexKey(routine.id));
  const before = previous ? await previous.json() : null;
  let bytes = 0;
  for (const url of routine.urls) {
    let response = await cache.match(url);
    if (!response || !url.startsWith("/media/")) { // pages are fetched again; media files never change
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
  await cache.put(indexKey(routine.id), new Response(JSON.stringify(entry), { headers: { "Content-Type": "application/json" } }));
  await pruneAuto();
  return entry;
}

async function pruneAuto() {
  const autos = (await savedEntries()).filter((e) => e.auto).sort((a, b) => b.opened_at - a.opened_at);
  for (const old of autos.slice(MAX_AUTO_SAVED)) await removeRoutine(old.id);
}

async function removeRoutine(id) {
  const cache = await caches.open(SAVED);
  const entries = await savedEntries();
  const entry = entries.find((e) => String(e.id) === String(id));
  if (!entry) return false;
  const stillUsed = new Set(entries.filter((e) => e !== entry).flatMap((e) => e.urls));
  for (const url of entry.urls) if (!stillUsed.has(url)) await cache.delete(url);
  await cache.delete(indexKey(entry.id));
  return true;
}

async function refreshSaved() {
  for (const entry of await savedEntries()) {
    try { await saveRoutine(entry.id, entry.auto); } catch (error) { /* offline or signed out: keep the old copy */ }
  }
}

// Log out / account deleted: nothing of this person stays on the phone.
async function wipe() {
  for (const name of await caches.keys()) if (name !== SHELL) await caches.delete(name);
  await LimberOutbox.clear();
  return true;
}
