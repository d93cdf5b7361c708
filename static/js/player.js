// The guided player: one step at a time, timer, voice, beeps, sides, wake lock; then the feedback
// form, whose session log goes to the outbox first and then to the server (data-log-url).
// ?speed=N runs the clock N times faster (tests); every other code path is the same.
// Loaded on the play page only, after the scripts every page has; adds nothing to Limber.
(function (Limber) {
  "use strict";
  const { storage, urls, syncTag } = Limber.facts;
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($("routine-data").textContent);
  const shell = document.querySelector(".player-shell");
  const params = new URLSearchParams(location.search);
  const speed = Math.min(100, Math.max(1, Number(params.get("speed")) || 1));
  const READY_SECONDS = 5;

  // Blocked storage (private mode, a full disk) must never stop the player: reads give null.
  const kept = {
    get: (key) => { try { return localStorage.getItem(key); } catch { return null; } },
    set: (key, value) => { try { localStorage.setItem(key, value); } catch { /* private mode */ } },
  };
  const prefs = {
    voice: kept.get(storage.voice) !== "off",
    beep: kept.get(storage.beep) !== "off",
  };

  // The whole routine as a list of timed segments: get ready, then work and rest per set.
  const segments = [{ type: "ready", step: 0, seconds: READY_SECONDS }];
  data.steps.forEach((step, index) => {
    for (let set = 1; set <= step.sets; set += 1) {
      segments.push({ type: "work", step: index, set, seconds: step.seconds });
      const last = index === data.steps.length - 1 && set === step.sets;
      if (step.rest_seconds > 0 && !last) segments.push({ type: "rest", step: index, set, seconds: step.rest_seconds });
    }
  });
  const totalSeconds = segments.reduce((sum, s) => sum + s.seconds, 0);

  const state = { index: 0, elapsed: 0, running: false, started: false, lastTick: 0, spent: 0,
    lastWhole: null, finished: false, startedAt: null, stepsSeen: new Set(), skipped: new Set(), clientId: newId(), safety: false };
  let wakeLock = null;
  let audio = null;
  let timer = null;

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function say(text) {
    if (!prefs.voice || !("speechSynthesis" in window)) return;
    speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.rate = 1.05;
    speechSynthesis.speak(utterance);
  }

  function beep(high) {
    if (!prefs.beep || !audio) return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = high ? 1320 : 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.15);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.16);
  }

  async function keepAwake() {
    try {
      if ("wakeLock" in navigator && document.visibilityState === "visible") wakeLock = await navigator.wakeLock.request("screen");
    } catch { wakeLock = null; } // low battery or not allowed: the routine still runs
  }

  function sideText(step) { return step.side ? `${step.side} side` : ""; }

  function describe(step, set) {
    const parts = [];
    if (step.sets > 1) parts.push(`Set ${set} of ${step.sets}`);
    if (step.reps) parts.push(`${step.reps} reps`);
    else parts.push(step.type === "static" ? "Hold gently — no bouncing" : `${step.seconds} seconds`);
    return parts.join(" · ");
  }

  function nextStepAfter(seg) {
    const following = segments.slice(state.index + 1).find((s) => s.type === "work");
    return following ? data.steps[following.step] : null;
  }

  function announce(seg) {
    const step = data.steps[seg.step];
    if (seg.type === "ready") say(`Get ready. First up: ${step.name}.`);
    if (seg.type === "work") say(`${step.name}${step.side ? `, ${step.side} side` : ""}. ${step.reps ? `${step.reps} reps` : `${step.seconds} seconds`}.`);
    if (seg.type === "rest") {
      const next = nextStepAfter(seg);
      if (next && next.exercise_id === step.exercise_id && next.side !== step.side) say("Switch sides.");
      else if (next && next !== step) say(`Rest. Next: ${next.name}.`);
      else say("Rest.");
    }
  }

  // The exercise's video (muted, looping, inline) or image above the instructions. A YouTube video
  // needs a connection: offline, the instructions stand in for it, and a note says so.
  let shownMedia = null;
  function renderMedia(step) {
    const box = $("stage-media");
    const note = $("media-note");
    // A video or image an admin attached, else the exercise's own figure (also when YouTube is out of reach).
    const attached = step && step.media;
    const youtubeOffline = attached && attached.kind === "youtube" && !navigator.onLine;
    const drawn = step && step.figure ? { kind: "figure", url: step.figure.url, alt: step.figure.alt } : null;
    const media = attached && !(youtubeOffline && drawn) ? attached : drawn;
    const key = media ? `${media.kind}:${media.url || media.id}:${media.kind === "youtube" && navigator.onLine}` : null;
    if (key === shownMedia) return;
    shownMedia = key;
    note.hidden = true;
    if (!media || (media.kind === "youtube" && !navigator.onLine)) {
      box.replaceChildren();
      box.hidden = true;
      $("stage").classList.remove("has-media", "has-figure");
      if (media) { note.textContent = "The video needs a connection — follow the steps below."; note.hidden = false; }
      return;
    }
    let node;
    if (media.kind === "video") {
      node = Object.assign(document.createElement("video"), { src: media.url, muted: true, loop: true, autoplay: true,
        playsInline: true, preload: "auto", disablePictureInPicture: true });
      node.setAttribute("muted", "");
      node.setAttribute("playsinline", "");
      node.setAttribute("aria-label", `How to do ${step.name}`);
      if (drawn) node.poster = drawn.url; // the figure until the video plays
    } else if (media.kind === "image") {
      node = Object.assign(document.createElement("img"), { src: media.url, alt: `How to do ${step.name}` });
    } else if (media.kind === "figure") {
      node = Object.assign(document.createElement("img"), { src: media.url, alt: media.alt, className: "stage-figure" });
    } else {
      node = Object.assign(document.createElement("iframe"), { src: media.embed, title: `${step.name} on YouTube`,
        loading: "lazy", referrerPolicy: "strict-origin-when-cross-origin" });
      node.setAttribute("allow", "encrypted-media; picture-in-picture");
    }
    box.replaceChildren(node);
    box.hidden = false;
    $("stage").classList.add("has-media");
    $("stage").classList.toggle("has-figure", media.kind === "figure");
    if (youtubeOffline) { note.textContent = "The video needs a connection — follow the steps below."; note.hidden = false; }
    if (node.play) node.play().catch(() => {});
  }
  window.addEventListener("online", () => render());
  window.addEventListener("offline", () => render());

  function render() {
    const seg = segments[state.index];
    const step = data.steps[seg.step];
    const left = Math.max(0, Math.ceil(seg.seconds - state.elapsed));
    $("stage").classList.toggle("resting", seg.type !== "work");
    $("stage-clock").textContent = left;
    if (seg.type === "ready") {
      $("stage-phase").textContent = "Get ready";
      $("stage-name").textContent = step.name;
      $("stage-side").textContent = sideText(step);
      $("stage-detail").textContent = state.started ? "Starting…" : "Tap Start when you're in position";
    } else if (seg.type === "work") {
      $("stage-phase").textContent = step.phase_label;
      $("stage-name").textContent = step.name;
      $("stage-side").textContent = sideText(step);
      $("stage-detail").textContent = describe(step, seg.set);
    } else {
      const next = nextStepAfter(seg);
      const switching = next && next.exercise_id === step.exercise_id && next.side !== step.side;
      $("stage-phase").textContent = switching ? "Switch sides" : "Rest";
      $("stage-name").textContent = next ? next.name : step.name;
      $("stage-side").textContent = next ? sideText(next) : "";
      $("stage-detail").textContent = next && next !== step ? "Up next" : "Breathe";
    }
    const shown = seg.type === "rest" ? nextStepAfter(seg) || step : step;
    renderMedia(shown);
    const list = $("stage-instructions");
    list.replaceChildren(...shown.instructions.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
    const upcoming = segments.slice(state.index + 1).find((s) => s.type === "work" && s.step !== seg.step);
    $("stage-next").textContent = upcoming ? `Then: ${data.steps[upcoming.step].name}` : "Last one!";
    const done = segments.slice(0, state.index).reduce((sum, s) => sum + s.seconds, 0) + state.elapsed;
    const percent = Math.min(100, Math.round((done / totalSeconds) * 100));
    $("progress-bar").style.width = `${percent}%`;
    document.querySelector(".progress").setAttribute("aria-valuenow", String(percent));
    $("btn-pause").textContent = !state.started ? "Start" : state.running ? "Pause" : "Resume";
  }

  function enter(index) {
    state.index = index;
    state.elapsed = 0;
    state.lastWhole = null;
    const seg = segments[index];
    if (seg.type === "work") state.stepsSeen.add(seg.step);
    announce(seg);
    render();
  }

  function tick() {
    if (!state.running) return;
    const now = performance.now();
    const delta = ((now - state.lastTick) / 1000) * speed;
    state.lastTick = now;
    state.elapsed += delta;
    state.spent += delta;
    const left = Math.ceil(segments[state.index].seconds - state.elapsed);
    if (left !== state.lastWhole && left <= 3 && left >= 1) beep(false);
    state.lastWhole = left;
    // Time past the end of a segment belongs to the next one, so the clock never drifts.
    while (state.elapsed >= segments[state.index].seconds) {
      const overshoot = state.elapsed - segments[state.index].seconds;
      if (state.index + 1 >= segments.length) { state.spent -= overshoot; finish(false); return; }
      beep(true);
      enter(state.index + 1);
      state.elapsed = overshoot;
    }
    render();
  }

  function start() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    state.started = true;
    state.startedAt = state.startedAt || new Date();
    state.running = true;
    state.lastTick = performance.now();
    keepAwake();
    if (!timer) timer = setInterval(tick, 100);
    if (state.index === 0 && state.elapsed === 0) announce(segments[0]);
    render();
  }

  function pause() {
    state.running = false;
    if ("speechSynthesis" in window) speechSynthesis.cancel();
    render();
  }

  function togglePause() { if (state.running) pause(); else start(); }

  function firstSegmentOf(stepIndex) { return segments.findIndex((s) => s.type === "work" && s.step === stepIndex); }

  function skip() {
    const current = segments[state.index].step;
    if (["ready", "work"].includes(segments[state.index].type)) state.skipped.add(current);
    const target = firstSegmentOf(segments[state.index].type === "ready" ? current : current + 1);
    if (target === -1) { finish(false); return; }
    enter(target);
  }

  function back() {
    const seg = segments[state.index];
    const startOfThis = firstSegmentOf(seg.step);
    const target = state.index > startOfThis || state.elapsed > 2 ? startOfThis : firstSegmentOf(Math.max(0, seg.step - 1));
    enter(Math.max(0, target));
  }

  function finish(early) {
    if (state.finished) return;
    state.finished = true;
    state.running = false;
    clearInterval(timer);
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
    state.early = early;
    const minutes = Math.round(state.spent / 60);
    $("feedback-title").textContent = early ? "Session ended" : "Nice work!";
    $("feedback-summary").textContent = `${minutes > 0 ? `${minutes} min` : "Under a minute"} of movement · ${state.stepsSeen.size} of ${data.steps.length} steps done`;
    if (!early) say("Well done. That's the routine finished.");
    $("feedback-panel").hidden = false;
    $("feedback-panel").querySelector("input[checked]")?.focus();
  }

  function localDate(d) {
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  // The session as the sync endpoint takes it; the same record waits in the outbox.
  function logRecord(form) {
    const finished = new Date();
    const started = state.startedAt || finished;
    return {
      client_id: state.clientId,
      routine_id: data.id,
      title: data.title,
      kind: data.kind,
      activity: shell.dataset.activity,
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      local_date: localDate(finished),
      planned_seconds: data.total_seconds,
      seconds_done: Math.round(state.spent),
      steps_done: state.stepsSeen.size,
      steps_total: data.steps.length,
      ended_early: Boolean(state.early),
      stopped_for_safety: state.safety,
      rating: form.get("rating"),
      pain: form.get("pain"),
      pain_area: form.get("pain_area") || null,
      note: form.get("note") || "",
      exercise_ids: [...new Set(data.steps.filter((_, i) => state.stepsSeen.has(i)).map((s) => s.exercise_id))],
      skipped_ids: [...new Set(data.steps.filter((_, i) => state.skipped.has(i)).map((s) => s.exercise_id))],
    };
  }

  // What became of a log: { panel } to show instead of the form, or { error } to show under it.
  const SAVED = { panel: "saved-panel" };

  // First onto the phone (the outbox leaves the note out: free text never goes to storage).
  async function keepOnPhone(record, account) {
    if (!Limber.outbox || !window.indexedDB) return false;
    try { await Limber.outbox.add(record, account); return true; } catch { return false; }
  }

  // Then the outbox sends it, the note added on the way. Whatever didn't go waits for a sync.
  async function sendFromPhone(record, token, account) {
    const note = record.note;
    const result = await Limber.outbox.flush({ token, account, extra: note ? { [record.client_id]: { note } } : null });
    const waiting = (await Limber.outbox.all()).find((item) => item.client_id === record.client_id);
    if (!waiting) return SAVED;
    if (waiting.rejected) return { error: "The server couldn't accept this session. It's kept on this phone (see Saved for offline)." };
    return { panel: "queued-panel", signIn: result.signIn, note: Boolean(note) };
  }

  // No outbox on this phone: straight to the server.
  async function post(record, token) {
    const response = await fetch(shell.dataset.logUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ logs: [record] }),
      credentials: "same-origin",
    });
    if (response.ok) return SAVED;
    const reply = await response.json().catch(() => ({}));
    return { error: response.status === 401 ? "You've been signed out. Sign in again in another tab, then tap Save."
      : reply.message || "We couldn't save that. Please try again." };
  }

  async function deliver(record) {
    const { account = null, token = null } = Limber.signedIn() || {};
    const queued = await keepOnPhone(record, account);
    return queued ? sendFromPhone(record, token, account) : post(record, token);
  }

  function explainQueued(outcome) {
    $("queued-text").textContent = outcome.signIn
      ? "You've been signed out. Your session is kept on this phone and syncs as soon as you sign in again."
      : "There's no connection right now. Your session is kept on this phone and goes to your history as soon as you're back online.";
    $("queued-note").hidden = !outcome.note;
    if (outcome.signIn) $("go-saved").href = urls.signInToSync;
    if (outcome.signIn) $("go-saved").textContent = "Sign in to sync";
    navigator.serviceWorker?.ready.then((reg) => reg.sync?.register(syncTag)).catch(() => {});
  }

  function showOutcome(outcome) {
    if (outcome.panel === "queued-panel") explainQueued(outcome);
    if (outcome.panel) { done(outcome.panel); return; }
    $("save-error").textContent = outcome.error;
    $("save-error").hidden = false;
  }

  async function save(event) {
    event.preventDefault();
    const record = logRecord(new FormData($("feedback-form")));
    $("save-error").hidden = true;
    $("btn-save").disabled = true;
    let outcome;
    try {
      outcome = await deliver(record);
    } catch {
      outcome = { error: "No connection right now. Tap Save again when you're back online." };
    } finally {
      $("btn-save").disabled = false;
    }
    showOutcome(outcome);
  }

  function done(panel) {
    $("feedback-panel").hidden = true;
    $(panel).hidden = false;
    kept.set(storage.sessions, String(Number(kept.get(storage.sessions) || 0) + 1));
  }

  function stopForSafety() {
    pause();
    $("stop-panel").hidden = false;
    say("Stop now.");
  }

  function showAdvice(sign) {
    $("stop-panel").hidden = true;
    $("stop-advice").hidden = false;
    $("advice-chest").hidden = sign !== "chest_pain";
    state.safety = true;
  }

  function setToggle(name, on) {
    prefs[name] = on;
    kept.set(storage[name], on ? "on" : "off");
    $(`toggle-${name}`).setAttribute("aria-pressed", String(on));
    if (name === "voice" && !on && "speechSynthesis" in window) speechSynthesis.cancel();
  }

  $("btn-pause").addEventListener("click", togglePause);
  $("btn-skip").addEventListener("click", skip);
  $("btn-back").addEventListener("click", back);
  $("btn-end").addEventListener("click", () => finish(true));
  $("btn-stop").addEventListener("click", stopForSafety);
  $("toggle-voice").addEventListener("click", () => setToggle("voice", !prefs.voice));
  $("toggle-beep").addEventListener("click", () => setToggle("beep", !prefs.beep));
  document.querySelectorAll("[data-sign]").forEach((button) => button.addEventListener("click", () => showAdvice(button.dataset.sign)));
  $("btn-stop-done").addEventListener("click", () => {
    $("stop-advice").hidden = true;
    document.querySelector('input[name="pain"][value="stopped"]').checked = true;
    $("pain-area-field").hidden = false;
    finish(true);
  });
  $("feedback-form").addEventListener("change", () => {
    $("pain-area-field").hidden = new FormData($("feedback-form")).get("pain") === "none";
  });
  $("feedback-form").addEventListener("submit", save);
  document.addEventListener("visibilitychange", () => { if (state.running && document.visibilityState === "visible") keepAwake(); });
  document.addEventListener("keydown", (event) => {
    if (state.finished || event.target.closest("input, textarea, select")) return;
    const actions = { " ": togglePause, ArrowRight: skip, ArrowLeft: back, Escape: () => finish(true),
      v: () => setToggle("voice", !prefs.voice), b: () => setToggle("beep", !prefs.beep) };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  setToggle("voice", prefs.voice);
  setToggle("beep", prefs.beep);
  render();
})(window.Limber);
