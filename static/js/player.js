// The guided player: one step at a time, timer, voice, beeps, sides, wake lock; then a summary and
// the feedback form, whose session log goes to the outbox first and then to the server (data-log-url).
// Nothing ends a session by accident: End, Esc, the ✕ and the back gesture ask first, and a session
// left part-way is kept on the phone (localStorage "limber.resume") for the dashboard's Resume card.
// Reps and the clock: the reps are the goal, the clock is the time given for them (and moves on).
// ?speed=N runs the clock N times faster (tests); ?resume=1 picks up the kept session, paused; ?go=1
// (a one-tap start from Home or a plan) starts the get-ready countdown at once.
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
  const POSITION_CHANGE_SECONDS = 10; // at least this long to get down to the floor or back up
  const RESUME_KEY = "limber.resume"; // read by resume.js on the dashboard
  const STALE_MS = 12 * 60 * 60 * 1000;
  const GET_INTO = { standing: "stand up", seated: "sit down", supine: "lie on your back", prone: "lie face down",
    kneeling: "kneel down", quadruped: "get onto your hands and knees", side_lying: "lie on your side" };

  // Blocked storage (private mode, a full disk) must never stop the player: reads give null.
  const kept = {
    get: (key) => { try { return localStorage.getItem(key); } catch { return null; } },
    set: (key, value) => { try { localStorage.setItem(key, value); } catch { /* private mode */ } },
    drop: (key) => { try { localStorage.removeItem(key); } catch { /* private mode */ } },
  };
  const prefs = {
    voice: kept.get(storage.voice) !== "off",
    beep: kept.get(storage.beep) !== "off",
  };

  const steps = data.steps;
  const sameExercise = (a, b) => Boolean(a && b && a.exercise_id === b.exercise_id);
  const moves = (from, to) => Boolean(from && to && !sameExercise(from, to) && from.position && to.position
    && from.position !== to.position);
  // The first step of the last exercise (both sides of a one-sided one count as one exercise).
  let lastExercise = steps.length - 1;
  while (lastExercise > 0 && sameExercise(steps[lastExercise - 1], steps[lastExercise])) lastExercise -= 1;

  // The whole routine as a list of timed segments: get ready, then work and rest per set. A change of
  // position gets a rest long enough to get there.
  const segments = [{ type: "ready", step: 0, seconds: READY_SECONDS }];
  steps.forEach((step, index) => {
    for (let set = 1; set <= step.sets; set += 1) {
      segments.push({ type: "work", step: index, set, seconds: step.seconds });
      const lastSet = set === step.sets;
      if (index === steps.length - 1 && lastSet) continue;
      const moving = lastSet && moves(step, steps[index + 1]);
      const rest = moving ? Math.max(step.rest_seconds, POSITION_CHANGE_SECONDS) : step.rest_seconds;
      if (rest > 0) segments.push({ type: "rest", step: index, set, seconds: rest });
    }
  });
  const totalSeconds = segments.reduce((sum, s) => sum + s.seconds, 0);

  const state = { index: 0, elapsed: 0, running: false, started: false, lastTick: 0, spent: 0,
    lastWhole: null, finished: false, saved: false, startedAt: null, skipped: new Set(),
    worked: {}, cued: new Set(), said: new Set(), clientId: newId(), safety: false, guarded: false };
  let wakeLock = null;
  let audio = null;
  let timer = null;
  let lastKept = 0;

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // `polite`: only if nothing is being said (a cue never cuts off an announcement). False if it had to wait.
  function say(text, polite) {
    if (!prefs.voice || !("speechSynthesis" in window) || !text) return true;
    if (polite && speechSynthesis.speaking) return false;
    if (!polite) speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.rate = 1.05;
    speechSynthesis.speak(utterance);
    return true;
  }

  // The screen reader's one message per step or rest (the visible clock is never announced).
  function tell(text) { $("announcer").textContent = text; }

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

  // Shown in sentence case ("Left side"); the spoken and announced cues keep "left side" mid-sentence.
  function sideText(step) { return step.side ? `${step.side[0].toUpperCase()}${step.side.slice(1)} side` : ""; }
  function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

  // The one rule: a rep step's goal is its reps, and the clock is the time given for them.
  function goal(step) {
    if (step.reps) return `${step.reps} reps`;
    return step.type === "static" ? `Hold ${step.seconds} s` : `${step.seconds} s`;
  }
  function goalSpoken(step) {
    if (step.reps) return `${step.reps} reps, at an easy pace.`;
    return step.type === "static" ? `Hold for ${step.seconds} seconds.` : `${step.seconds} seconds.`;
  }
  // On the stage the clock already says the seconds: a timed step's line says how, not how long again.
  function describe(step, set) {
    const parts = [step.reps ? `${step.reps} reps` : step.type === "static" ? "Hold gently, no bouncing" : "Keep moving"];
    if (step.sets > 1) parts.push(`set ${set} of ${step.sets}`);
    return parts.join(" · ");
  }

  function nextWork(from) { return segments.slice(from + 1).find((s) => s.type === "work") || null; }
  function nextStepAfter() { const next = nextWork(state.index); return next ? steps[next.step] : null; }
  // The step a person is on: the one working, or the one coming after a rest.
  function currentStep() {
    const seg = segments[state.index];
    if (seg.type !== "rest") return seg.step;
    const next = nextWork(state.index);
    return next ? next.step : seg.step;
  }

  function switching(seg) {
    const step = steps[seg.step];
    const next = nextStepAfter();
    return Boolean(next && sameExercise(next, step) && next.side !== step.side);
  }

  function getReady(from, to) { return moves(from, to) && GET_INTO[to.position] ? ` Get ready to ${GET_INTO[to.position]}.` : ""; }

  function announce(seg) {
    const step = steps[seg.step];
    const number = `Step ${seg.step + 1} of ${steps.length}`;
    if (seg.type === "ready") {
      say(`Get ready. First up: ${step.name}.${GET_INTO[step.position] && step.position !== "standing" ? ` ${GET_INTO[step.position][0].toUpperCase()}${GET_INTO[step.position].slice(1)}.` : ""}`);
      tell(`Get ready. ${number}: ${step.name}.`);
    } else if (seg.type === "work") {
      const last = seg.step === lastExercise && seg.set === 1 && steps.length > 1 ? "Last one. " : "";
      say(`${last}${step.name}${step.side ? `, ${step.side} side` : ""}. ${seg.set > 1 ? `Set ${seg.set} of ${step.sets}.` : goalSpoken(step)}`);
      tell(`${number}: ${step.name}${step.side ? `, ${step.side} side` : ""}. ${goalSpoken(step)}${step.sets > 1 ? ` Set ${seg.set} of ${step.sets}.` : ""}`);
    } else {
      const next = nextStepAfter();
      const nextNumber = next ? steps.indexOf(next) + 1 : 0;
      if (switching(seg)) {
        say("Switch sides.");
        tell(`Switch sides. Next: step ${nextNumber} of ${steps.length}, ${next.name}, ${next.side} side.`);
      } else if (next && next !== step) {
        const last = nextNumber - 1 === lastExercise ? "Last one next" : "Next";
        say(`Rest. ${last}: ${next.name}.${getReady(step, next)}`);
        tell(`Rest. ${last}: step ${nextNumber} of ${steps.length}, ${next.name}.`);
      } else {
        say("Rest.");
        tell(`Rest. Then set ${seg.set + 1} of ${step.sets}.`);
      }
    }
  }

  // Cues inside a segment, once each: a form cue early in an exercise, "halfway" on long holds, 3-2-1 before work.
  function cueDuring(seg, left) {
    const step = steps[seg.step];
    const key = (what) => `${state.index}:${what}`;
    const once = (what, text, polite) => { if (!state.said.has(key(what)) && say(text, polite)) state.said.add(key(what)); };
    if (seg.type === "work") {
      // The form cue waits for the exercise's name to be said, but not past halfway.
      const cueTime = state.elapsed >= Math.min(5, seg.seconds / 4) && state.elapsed < seg.seconds / 2;
      if (!state.cued.has(step.exercise_id) && cueTime && say(step.cue, true)) state.cued.add(step.exercise_id);
      if (!step.reps && seg.seconds >= 20 && state.elapsed >= seg.seconds / 2) once("halfway", "Halfway.", false);
    } else if (left >= 1 && left <= 3) { // a get-ready or a rest is always followed by work
      once(`count${left}`, String(left), true);
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

  function clockText(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function secondsDone() { return segments.slice(0, state.index).reduce((sum, s) => sum + s.seconds, 0) + state.elapsed; }

  function render() {
    const seg = segments[state.index];
    const step = steps[seg.step];
    const left = Math.max(0, Math.ceil(seg.seconds - state.elapsed));
    const paused = state.started && !state.running && !state.finished;
    $("stage").classList.toggle("resting", seg.type !== "work");
    $("stage").classList.toggle("paused", paused);
    $("stage-paused").hidden = !paused;
    $("stage-clock").textContent = left;
    $("stage-detail").classList.toggle("is-goal", seg.type === "work");
    if (seg.type === "ready") {
      $("stage-phase").textContent = "Get ready";
      $("stage-name").textContent = step.name;
      $("stage-side").textContent = sideText(step);
      $("stage-clock-label").textContent = "seconds to get ready";
      $("stage-detail").textContent = state.started ? "Starting…" : "Tap Start when you're in position";
    } else if (seg.type === "work") {
      $("stage-phase").textContent = step.phase_label;
      $("stage-name").textContent = step.name;
      $("stage-side").textContent = sideText(step);
      $("stage-clock-label").textContent = step.reps ? `seconds for ${step.reps} reps` : "seconds left";
      $("stage-detail").textContent = describe(step, seg.set);
    } else {
      // The rest names what comes next once: in the headline, not again in the footer.
      const next = nextStepAfter();
      const moving = next && getReady(step, next);
      $("stage-phase").textContent = switching(seg) ? "Switch sides" : next && next !== step ? "Rest · up next" : "Rest";
      $("stage-name").textContent = next ? next.name : step.name;
      $("stage-side").textContent = next ? sideText(next) : "";
      $("stage-clock-label").textContent = "seconds of rest";
      $("stage-detail").textContent = moving ? `Get ready to ${GET_INTO[next.position]}` : next && next !== step ? goal(next) : "Breathe";
    }
    const shown = seg.type === "rest" ? nextStepAfter() || step : step;
    renderMedia(shown);
    const list = $("stage-instructions");
    list.replaceChildren(...shown.instructions.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
    const upcoming = segments.slice(state.index + 1).find((s) => s.type === "work" && s.step !== seg.step && steps[s.step] !== shown);
    $("stage-next").textContent = seg.type === "rest" ? "" : upcoming ? `Then: ${steps[upcoming.step].name}` : "Last one!";
    const done = secondsDone();
    const percent = Math.min(100, Math.round((done / totalSeconds) * 100));
    $("progress-bar").style.width = `${percent}%`;
    document.querySelector(".progress").setAttribute("aria-valuenow", String(percent));
    $("player-status").textContent = `Step ${currentStep() + 1} of ${steps.length} · ${clockText(totalSeconds - done)} left`;
    $("btn-pause").textContent = !state.started ? "Start" : state.running ? "Pause" : "Resume";
  }

  // -- keeping a session left part-way, for the dashboard's Resume card

  function keep() {
    if (!state.started || state.finished) return;
    lastKept = performance.now();
    kept.set(RESUME_KEY, JSON.stringify({
      routine_id: data.id, title: data.title, kind: data.kind, step: currentStep() + 1, steps_total: steps.length,
      index: state.index, elapsed: state.elapsed, spent: state.spent, worked: state.worked,
      skipped: [...state.skipped], cued: [...state.cued],
      started_at: state.startedAt && state.startedAt.toISOString(), client_id: state.clientId, saved_at: Date.now(),
    }));
  }

  function restore() {
    let saved = null;
    try { saved = JSON.parse(kept.get(RESUME_KEY) || "null"); } catch { saved = null; }
    if (!saved || saved.routine_id !== data.id || !(Date.now() - saved.saved_at < STALE_MS)
        || !segments[saved.index]) return false;
    Object.assign(state, { index: saved.index, elapsed: Math.min(saved.elapsed, segments[saved.index].seconds - 0.5),
      spent: saved.spent, worked: saved.worked || {}, skipped: new Set(saved.skipped),
      cued: new Set(saved.cued), clientId: saved.client_id, startedAt: saved.started_at ? new Date(saved.started_at) : null,
      started: true, running: false });
    tell(`Paused at step ${currentStep() + 1} of ${steps.length}: ${steps[currentStep()].name}. Press Resume to carry on.`);
    return true;
  }

  function enter(index) {
    state.index = index;
    state.elapsed = 0;
    state.lastWhole = null;
    announce(segments[index]);
    render();
    keep();
  }

  function tick() {
    if (!state.running) return;
    const now = performance.now();
    const delta = ((now - state.lastTick) / 1000) * speed;
    state.lastTick = now;
    state.elapsed += delta;
    state.spent += delta;
    const current = segments[state.index];
    if (current.type === "work") state.worked[current.step] = (state.worked[current.step] || 0) + delta;
    const left = Math.ceil(current.seconds - state.elapsed);
    if (left !== state.lastWhole && left <= 3 && left >= 1) beep(false);
    if (left !== state.lastWhole) cueDuring(current, left);
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
    if (now - lastKept > 5000) keep();
  }

  function start() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    const first = !state.started;
    state.started = true;
    state.startedAt = state.startedAt || new Date();
    state.running = true;
    state.lastTick = performance.now();
    keepAwake();
    if (!timer) timer = setInterval(tick, 100);
    // One history entry to catch the back gesture with: going back asks first (see popstate).
    if (!state.guarded) { history.pushState({ limberPlayer: true }, ""); state.guarded = true; }
    if (first && state.index === 0 && state.elapsed === 0) announce(segments[0]);
    else if (!first) tell(`Going again: step ${currentStep() + 1} of ${steps.length}.`);
    render();
    keep();
  }

  function pause() {
    if (!state.running) return;
    state.running = false;
    if ("speechSynthesis" in window) speechSynthesis.cancel();
    tell("Paused.");
    render();
    keep();
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

  // A step counts as done once at least half of one set's work was actually spent on it: merely
  // seeing it, or skipping through it, isn't doing it.
  function doneSteps() {
    return steps.map((step, i) => i).filter((i) => (state.worked[i] || 0) >= steps[i].seconds / 2 - 0.05);
  }

  function finish(early) {
    if (state.finished) return;
    state.finished = true;
    state.running = false;
    clearInterval(timer);
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
    kept.drop(RESUME_KEY);
    const done = doneSteps();
    // Skipping through most of it isn't finishing it: logged as ended early, with what was done.
    state.early = early || done.length * 2 < steps.length;
    const minutes = Math.round(state.spent / 60);
    const worked = [...new Set(done.flatMap((i) => steps[i].targets || []))];
    const areas = worked.length > 1 ? worked.filter((area) => area !== "Whole body") : worked;
    $("feedback-title").textContent = state.early ? "Session ended" : "Nice work!";
    $("summary-minutes").textContent = minutes > 0 ? String(minutes) : "<1";
    noteWhileOffline();
    $("summary-steps").textContent = `${done.length} of ${steps.length}`;
    // Any logged session keeps the streak: today already counted, or one more day (the server's count).
    const streak = data.streak || { days: 0, today: false };
    $("summary-streak").textContent = plural(streak.today ? streak.days : streak.days + 1, "day");
    $("summary-areas").textContent = areas.slice(0, 6).map((area, i) => (i ? area.toLowerCase() : area)).join(", ");
    $("summary-areas-line").hidden = !areas.length;
    $("feedback-summary").textContent = state.early
      ? "Whatever you did counts. Tell us how it went and we'll shape the next one."
      : "That's the whole routine. Two quick questions and it's in your history.";
    if (!state.safety) document.querySelector('input[name="rating"][value="about_right"]').checked = true;
    if (!state.early) say(`Well done. That's the routine finished — ${minutes > 0 ? plural(minutes, "minute") : "under a minute"} of movement.`);
    tell(state.early ? "Session ended." : "Routine finished. Well done.");
    render();
    $("feedback-panel").hidden = false;
    $("feedback-title").focus();
  }

  // -- asking before a session ends: End, Esc, the ✕ and the back gesture

  const dialog = $("end-dialog");
  let resumeAfterDialog = false;
  let focusAfterDialog = null;

  function askToEnd() {
    if (state.finished || dialog.open) return;
    focusAfterDialog = document.activeElement && document.activeElement !== document.body ? document.activeElement : $("btn-pause");
    resumeAfterDialog = state.running;
    pause();
    dialog.returnValue = "";
    const minutes = Math.floor(state.spent / 60);
    $("end-text").textContent = minutes > 0
      ? `Your ${plural(minutes, "minute")} so far ${minutes === 1 ? "is" : "are"} saved, and you can say how it went.`
      : "What you've done so far is saved, and you can say how it went.";
    dialog.showModal();
  }

  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "end") { finish(true); return; }
    if (!state.guarded && state.started) { history.pushState({ limberPlayer: true }, ""); state.guarded = true; }
    if (resumeAfterDialog) start();
    (focusAfterDialog || $("btn-pause")).focus();
  });
  $("btn-keep-going").addEventListener("click", () => dialog.close("keep"));
  $("btn-end-confirm").addEventListener("click", () => dialog.close("end"));
  dialog.addEventListener("cancel", () => { dialog.returnValue = "keep"; });

  window.addEventListener("popstate", () => {
    if (!state.guarded) return;
    state.guarded = false; // the entry we pushed is gone; "Keep going" pushes another
    if (state.started && !state.finished) askToEnd();
  });
  // Leaving the page while the clock runs, or with a finished session not yet saved, asks the browser's question.
  window.addEventListener("beforeunload", (event) => {
    if (state.running || (state.finished && !state.saved && state.spent > 0)) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("pagehide", () => keep());
  // Free text never goes to the phone's storage: offline, the note box is closed and says why, before
  // anything is typed (it opens again when the connection is back).
  function noteWhileOffline() {
    const offline = navigator.onLine === false;
    $("note").disabled = offline;
    $("note-offline").hidden = !offline;
  }
  window.addEventListener("online", noteWhileOffline);
  window.addEventListener("offline", noteWhileOffline);

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
      steps_done: doneSteps().length,
      steps_total: data.steps.length,
      ended_early: Boolean(state.early),
      stopped_for_safety: state.safety,
      rating: form.get("rating"),
      pain: form.get("pain"),
      pain_area: form.get("pain_area") || null,
      note: form.get("note") || "",
      exercise_ids: [...new Set(doneSteps().map((i) => steps[i].exercise_id))],
      skipped_ids: [...new Set(steps.filter((_, i) => state.skipped.has(i) && !doneSteps().includes(i)).map((s) => s.exercise_id))],
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
    state.saved = true;
    $("feedback-panel").hidden = true;
    $(panel).hidden = false;
    $(panel).querySelector("h1").setAttribute("tabindex", "-1");
    $(panel).querySelector("h1").focus();
    kept.set(storage.sessions, String(Number(kept.get(storage.sessions) || 0) + 1));
  }

  let focusAfterStop = null;
  function stopForSafety() {
    if (state.finished) return;
    focusAfterStop = document.activeElement;
    pause();
    $("stop-panel").hidden = false;
    $("stop-panel").querySelector("h1").focus();
    say("Stop now.");
  }

  // A mis-tap, or it passed: back to the paused routine, with nothing recorded as a safety stop.
  function backFromStop() {
    $("stop-panel").hidden = true;
    tell(`Paused at step ${currentStep() + 1} of ${steps.length}. Press Resume when you're ready.`);
    render();
    (focusAfterStop && focusAfterStop !== document.body ? focusAfterStop : $("btn-pause")).focus();
  }

  function showAdvice(sign) {
    $("stop-panel").hidden = true;
    $("stop-advice").hidden = false;
    $("advice-chest").hidden = sign !== "chest_pain";
    state.safety = true;
    $("stop-advice").querySelector("h1").focus();
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
  $("btn-end").addEventListener("click", askToEnd);
  $("btn-stop").addEventListener("click", stopForSafety);
  $("btn-stop-cancel").addEventListener("click", backFromStop);
  document.querySelector(".player-exit").addEventListener("click", (event) => {
    if (!state.started || state.finished) return; // nothing to lose yet, or the page asks (beforeunload)
    event.preventDefault();
    askToEnd();
  });
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
    if (state.finished || dialog.open || event.target.closest("input, textarea, select, dialog")) return;
    if (!$("stop-panel").hidden || !$("stop-advice").hidden) {
      if (event.key === "Escape" && !$("stop-panel").hidden) { event.preventDefault(); backFromStop(); }
      return;
    }
    const actions = { " ": togglePause, ArrowRight: skip, ArrowLeft: back, Escape: askToEnd,
      v: () => setToggle("voice", !prefs.voice), b: () => setToggle("beep", !prefs.beep) };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  setToggle("voice", prefs.voice);
  setToggle("beep", prefs.beep);
  if (params.get("resume") === "1") restore();
  render();
  $("btn-pause").focus();
  // ?go=1: Home's one-tap start. The get-ready countdown begins at once; the address loses ?go so a
  // reload or a return doesn't start it again.
  if (params.get("go") === "1" && params.get("resume") !== "1") {
    params.delete("go");
    history.replaceState(history.state, "", location.pathname + (params.toString() ? `?${params}` : ""));
    start();
    unlockSoundOnFirstTap();
  }

  // A browser speaks and beeps only after a tap on the page. Chromium carries Home's tap over to the
  // player; others (Safari) don't, so a one-tap start without one asks for a tap, and that tap says the
  // current step aloud and wakes the beeps. Nothing else happens on that tap.
  function unlockSoundOnFirstTap() {
    const activation = navigator.userActivation;
    if (activation && activation.hasBeenActive) return;
    const hint = $("voice-hint");
    hint.hidden = !prefs.voice && !prefs.beep;
    const unlock = () => {
      hint.hidden = true;
      if (audio && audio.state === "suspended") audio.resume();
      say($("stage-name").textContent);
    };
    document.addEventListener("pointerdown", unlock, { once: true, capture: true });
    document.addEventListener("keydown", unlock, { once: true, capture: true });
  }
})(window.Limber);
