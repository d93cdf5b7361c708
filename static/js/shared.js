// What the pages and the service worker both need to agree on: storage keys, cache names, the
// saved-routine index and the URLs they both use. Loaded first on every page (base.html) and by the
// service worker (importScripts).
//
// One module style for all of Limber's JavaScript: every file is a classic script (deferred on pages)
// that adds what it offers to one global namespace, `Limber` (window.Limber on a page, self.Limber in
// the service worker). Not ES modules: a service worker can only load code with importScripts(),
// because module service workers aren't supported everywhere, and one style serves both sides.
// Files that only do their job on the page they're loaded on (coach.js, saved.js, player.js) add nothing.
(function (scope) {
  "use strict";
  const Limber = scope.Limber || (scope.Limber = {});
  // Safe to run twice: the worker puts this file in front of the scripts an old saved page asks for (sw.js).
  if (Limber.facts && Limber.savedIndex) return;

  const PREFIX = "limber.";
  const CACHE_PREFIX = "limber-";
  const SAVED_CACHE = `${CACHE_PREFIX}saved`;
  const INDEX_PREFIX = "/__saved__/";

  Limber.facts = Object.freeze({
    // localStorage, on pages only. Logging out clears all of it.
    storage: Object.freeze({
      voice: `${PREFIX}voice`, // the player's spoken cues: "on" or "off"
      beep: `${PREFIX}beep`, // the player's beeps: "on" or "off"
      sessions: `${PREFIX}sessions`, // how many sessions were finished here (the install offer waits for one)
      install: `${PREFIX}install`, // "installed" or "dismissed": the install offer isn't made again
      persistAsked: `${PREFIX}persist-asked`, // persistent storage was asked for once
    }),
    // IndexedDB: the outbox of finished sessions waiting to sync (outbox.js).
    outboxDb: Object.freeze({ name: "limber", version: 1, store: "outbox" }),
    // Cache Storage (sw.js). Every cache starts with the prefix, so the worker can drop old ones.
    caches: Object.freeze({
      prefix: CACHE_PREFIX,
      shell: (version) => `${CACHE_PREFIX}shell-${version}`,
      pages: `${CACHE_PREFIX}pages`,
      saved: SAVED_CACHE,
      figures: `${CACHE_PREFIX}figures`, // figures seen on any page (their URLs name one drawing)
    }),
    // The Background Sync tag the player registers and the worker answers with an outbox flush.
    syncTag: "limber-outbox",
    urls: Object.freeze({
      // Must stay exactly this: phones in the field hold offline logs that are posted here.
      sync: "/sessions/sync",
      worker: "/sw.js",
      offline: "/offline",
      signInToSync: "/login?next=/saved",
      routine: (id) => `/routines/${id}`,
      play: (id) => `/routines/${id}/play`,
      routineOffline: (id) => `/routines/${Number(id)}/offline`, // what saving a routine for offline fetches
      isFigure: (path) => /^\/exercises\/[^/]+\/figure\.svg$/.test(path), // an exercise's animated figure
    }),
  });

  // The saved-routine index: one JSON entry per routine saved for offline, kept in the saved cache
  // under /__saved__/<id> next to the routine's pages and media. The worker writes it; the Saved page
  // reads it straight from Cache Storage, so it works with no connection at all.
  const indexKey = (id) => `${INDEX_PREFIX}${id}`;

  async function entries() {
    const cache = await caches.open(SAVED_CACHE);
    const found = [];
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname.startsWith(INDEX_PREFIX)) found.push(await (await cache.match(request)).json());
    }
    return found;
  }

  // Drop a saved routine and the files no other saved routine uses. False if it wasn't saved.
  async function remove(id) {
    const cache = await caches.open(SAVED_CACHE);
    const all = await entries();
    const entry = all.find((e) => String(e.id) === String(id));
    if (!entry) return false;
    const stillUsed = new Set(all.filter((e) => e !== entry).flatMap((e) => e.urls));
    for (const url of entry.urls) if (!stillUsed.has(url)) await cache.delete(url);
    await cache.delete(indexKey(entry.id));
    return true;
  }

  Limber.savedIndex = Object.freeze({ key: indexKey, entries, remove });
})(self);
