// @ts-check
// One view of the VoiceWidget: controls, meters, transcript, hints and errors, drawn from the
// model's traits and the engine's events. Meters redraw at most BUDGET.METER_FPS times a
// second and not at all while the widget is off screen or the tab is hidden.

import { BUDGET, TO_KERNEL } from "./messages.js";
import { sourceList } from "./sources.js";

/** @typedef {import("./engine.js").AudioEngine} AudioEngine @typedef {import("./engine.js").Model} Model */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, any>} [props] @param {(Node|string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
    else /** @type {any} */ (node)[k] = v;
  }
  node.append(...children);
  return node;
}

/** dB -> meter width in percent (-60 dB .. 0 dB). @param {number} db */
const meterPct = (db) => Math.max(0, Math.min(100, ((db + 60) / 60) * 100));

/** Keyboard help (the widget's title and the README). */
export const KEYS = "Tab moves between the controls; Enter or Space presses a button; with push-to-talk on, hold Space to talk.";

/** A level meter (-60..0 dB) with its value as text. @param {string} cls @param {string} name @param {HTMLElement} bar */
function meter(cls, name, bar) {
  const node = h("div", { class: `gl-meter ${cls}`, role: "meter", "aria-label": name,
    "aria-valuemin": "-60", "aria-valuemax": "0" }, [bar]);
  meterValue(node, -Infinity);
  return node;
}

/** The meter's value and its text alternative. @param {HTMLElement} node @param {number} db */
export function meterValue(node, db) {
  const v = Math.round(Math.max(-60, Math.min(0, Number.isFinite(db) ? db : -60)));
  node.setAttribute("aria-valuenow", String(v));
  node.setAttribute("aria-valuetext", v <= -60 ? "silent" : `${v} dB`);
}

/**
 * What the status line says about the camera or screen: on (frames sent) only while connected.
 * @param {{note: string, state: string, kind: string | null, framesSent: number}} video @param {boolean} connected
 */
export function describeVideo(video, connected) {
  if (video.note) return video.note;
  if (video.state !== "on") return "";
  const what = video.kind === "camera" ? "camera" : "screen";
  if (!connected) return `· ${what} on, waiting for the connection`;
  return `· ${what} on, ${video.framesSent} frame${video.framesSent === 1 ? "" : "s"} sent`;
}

/** What the status line says, and the dot's colour class. @param {Model} model */
export function describeState(model) {
  const state = model.get("status") ?? "idle";
  const failed = !!model.get("error");
  if (state === "closed") return failed ? { text: "connection failed", dot: "closed" } : { text: "disconnected", dot: "idle" };
  if (state === "idle") return { text: "not connected", dot: "idle" };
  return { text: state, dot: state };
}

/** The header's where-to line: the endpoint (which names the model) without repeating it. @param {Model} model */
export function describeWhere(model) {
  const endpoint = model.get("endpoint") ?? "";
  const name = model.get("model") ?? "";
  return name && !endpoint.includes(name) ? [endpoint, name].filter(Boolean).join(" · ") : endpoint;
}

/**
 * Draw one view of the widget and keep it in sync; returns the cleanup function.
 * @param {Model} model @param {HTMLElement} el @param {AudioEngine} engine
 */
export function renderView(model, el, engine) {
  const connectBtn = h("button", { class: "gl-connect", type: "button" });
  const micBtn = h("button", { class: "gl-mic", type: "button" });
  const talkBtn = h("button", { class: "gl-talk", type: "button", title: "Hold (or hold Space)" }, ["Hold to talk"]);
  const muteBtn = h("button", { class: "gl-mute", type: "button" });
  const cameraBtn = h("button", { class: "gl-camera", type: "button" });
  const screenBtn = h("button", { class: "gl-screen", type: "button" });
  const preview = h("video", { class: "gl-preview", muted: true, playsInline: true, autoplay: true });
  const videoNote = h("span", { class: "gl-video-note", role: "status" });
  const pttBox = h("input", { type: "checkbox", class: "gl-ptt-box" });
  const voiceSel = h("select", { class: "gl-voice", title: "Voice", "aria-label": "Voice" });
  const langSel = h("select", { class: "gl-language", title: "Language", "aria-label": "Language" });
  const status = h("span", { class: "gl-status-text", role: "status" }); // announced politely
  const dot = h("span", { class: "gl-dot", "aria-hidden": "true" });
  const info = h("span", { class: "gl-info" });
  const inBar = h("div", { class: "gl-bar" });
  const outBar = h("div", { class: "gl-bar" });
  const inMeter = meter("gl-in", "Microphone level", inBar);
  const outMeter = meter("gl-out", "Reply level", outBar);
  const transcript = h("div", { class: "gl-transcript", role: "log", "aria-live": "polite",
    "aria-label": "Transcript", tabIndex: 0 });
  const empty = h("div", { class: "gl-empty" });
  const error = h("div", { class: "gl-error", role: "alert" });
  const hint = h("div", { class: "gl-hint", role: "status" });
  const warn = h("div", { class: "gl-warn", role: "status" });
  const textIn = h("input", { type: "text", class: "gl-text", placeholder: "Type a message…",
    "aria-label": "Message to the model" });
  const sendBtn = h("button", { class: "gl-send-btn", type: "button" }, ["Send"]);
  const root = h("div", { class: "gl-root", tabIndex: 0, role: "group", "data-lm-suppress-shortcuts": "true",
    "aria-label": "Gemini Live voice chat", "aria-keyshortcuts": "Space", title: KEYS }, [
    h("div", { class: "gl-row gl-head" }, [dot, status, videoNote, info]),
    h("div", { class: "gl-row" }, [connectBtn, micBtn, talkBtn, muteBtn, cameraBtn, screenBtn,
      h("label", { class: "gl-ptt" }, [pttBox, " push-to-talk"]), voiceSel, langSel]),
    preview,
    h("div", { class: "gl-meters" }, [
      h("span", { class: "gl-meter-label", "aria-hidden": "true" }, ["in"]),
      inMeter,
      h("span", { class: "gl-meter-label", "aria-hidden": "true" }, ["out"]),
      outMeter,
    ]),
    error,
    warn,
    hint,
    empty,
    transcript,
    h("div", { class: "gl-row gl-send" }, [textIn, sendBtn]),
  ]);
  el.replaceChildren(root);

  const fillOptions = () => {
    voiceSel.replaceChildren(
      ...(model.get("voices") ?? []).map((/** @type {{name: string, style: string}} */ v) =>
        h("option", { value: v.name, textContent: `${v.name} — ${v.style}` })),
    );
    langSel.replaceChildren(
      h("option", { value: "", textContent: "Language: auto" }),
      ...(model.get("languages") ?? []).map((/** @type {{code: string, name: string}} */ l) =>
        h("option", { value: l.code, textContent: `${l.name} (${l.code})` })),
    );
  };

  const active = () => !!model.get("connected") || ["connecting", "reconnecting"].includes(model.get("status"));

  const update = () => {
    const connected = !!model.get("connected");
    const busy = active() && !connected;
    connectBtn.textContent = connected || busy ? "Disconnect" : "Connect";
    connectBtn.classList.toggle("gl-on", connected);
    const mic = engine.micState;
    micBtn.textContent = mic === "live" ? "Stop mic" : mic === "starting" ? "Starting mic…" : "Start mic";
    micBtn.title = mic === "live" ? "The mic is live: talk now" : connected ? "Turn the microphone on" : "Connect and turn the microphone on";
    micBtn.classList.toggle("gl-on", mic === "live");
    micBtn.classList.toggle("gl-starting", mic === "starting");
    muteBtn.textContent = model.get("muted") ? "Unmute" : "Mute";
    pttBox.checked = !!model.get("push_to_talk");
    pttBox.disabled = connected || busy;
    talkBtn.hidden = !model.get("push_to_talk");
    talkBtn.classList.toggle("gl-on", engine.talking);
    voiceSel.value = model.get("voice");
    langSel.value = model.get("language");
    voiceSel.disabled = connected || busy;
    langSel.disabled = connected || busy;
    const why = "the service fixes this when the session starts; disconnect to change it";
    voiceSel.title = voiceSel.disabled ? `Voice: ${why}` : "Voice";
    langSel.title = langSel.disabled ? `Language: ${why}` : "Language";
    textIn.disabled = !connected;
    sendBtn.disabled = !connected;
    const video = engine.video;
    const label = { camera: ["Camera", "Stop camera"], screen: ["Share screen", "Stop sharing"] };
    for (const [btn, kind] of /** @type {const} */ ([[cameraBtn, "camera"], [screenBtn, "screen"]])) {
      const mine = video.kind === kind;
      btn.textContent = mine && video.state === "starting" ? `${label[kind][0]}…` : label[kind][mine ? 1 : 0];
      btn.classList.toggle("gl-on", mine && video.state === "on");
      btn.classList.toggle("gl-starting", mine && video.state === "starting");
    }
    if (preview.srcObject !== video.stream) preview.srcObject = video.stream;
    preview.hidden = !video.stream;
    videoNote.textContent = describeVideo(video, connected);
    videoNote.classList.toggle("gl-video-error", !!video.note);
    const st = describeState(model);
    status.textContent = st.text;
    dot.className = `gl-dot gl-${st.dot}`;
    info.textContent = describeWhere(model);
    info.title = info.textContent;
    const err = model.get("error") ?? "";
    error.textContent = err;
    error.hidden = !err;
    const echo = engine.echo;
    warn.textContent = echo?.echo && model.get("barge_in") !== "never"
      ? `The speakers are feeding the mic (echo at ${Math.round(echo.couplingDb)} dB): use headphones. ` +
        (model.get("barge_in") === "auto" ? "The reply's own echo is ignored, so it will not interrupt itself." : "")
      : "";
    warn.hidden = !warn.textContent;
    const problems = model.get("audio") === "kernel" ? [] : engine.probe.problems; // the kernel records
    if (!hint.dataset.audio) hint.textContent = problems.length && !err ? problems.join(" ") : "";
    hint.hidden = !hint.textContent;
    empty.textContent = engine.entries.length ? "" : connected
      ? "Press Start mic and talk, or type a message below."
      : "Press Connect (or Start mic) to talk to the model.";
    empty.hidden = !empty.textContent;
  };

  /** @type {{node: HTMLElement, v: number, final: boolean}[]} */
  const drawn = [];
  const drawEntries = () => {
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 30;
    engine.entries.forEach((e, i) => {
      const old = drawn[i];
      if (old && old.v === e.v && old.final === e.final) return;
      const who = e.kind === "user" ? "You" : e.kind === "model" ? "Gemini" : "";
      const label = who && e.speaker ? `${who} (${e.speaker})` : who; // diarized: the label
      const tone = e.kind === "mark" ? ` gl-tone-${e.tone ?? "info"}` : "";
      const node = h("div", { class: `gl-entry gl-${e.kind}${tone}${e.final ? "" : " gl-partial"}` }, [
        label ? h("b", {}, [`${label}: `]) : "",
        e.text,
        e.meta ? h("span", { class: "gl-meta" }, [` · ${e.meta}`]) : "",
        e.sources?.length ? sourceList(e.sources) : "",
      ]);
      if (old) old.node.replaceWith(node);
      else transcript.append(node);
      drawn[i] = { node, v: e.v, final: e.final };
    });
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
    if (engine.entries.length && !empty.hidden) update();
  };

  // Meters: at most METER_FPS redraws a second, none while off screen or the tab is hidden.
  let visible = true;
  const observer = typeof IntersectionObserver === "function"
    ? new IntersectionObserver((entries) => { visible = entries.some((x) => x.isIntersecting); })
    : null;
  observer?.observe(root);
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let frame = 0;
  let drawnIn = -1;
  let drawnOut = -1;
  let spokenAt = -Infinity;
  const drawLevels = () => {
    frame = 0;
    if (!visible || document.hidden) return;
    const a = Math.round(meterPct(engine.inputDb));
    const b = Math.round(meterPct(engine.outputDb));
    if (a !== drawnIn) inBar.style.transform = `scaleX(${(drawnIn = a) / 100})`;
    if (b !== drawnOut) outBar.style.transform = `scaleX(${(drawnOut = b) / 100})`;
    // The meters' text alternative: twice a second is plenty for a screen reader.
    const t = performance.now();
    if (t - spokenAt >= 500) {
      spokenAt = t;
      meterValue(inMeter, engine.inputDb);
      meterValue(outMeter, engine.outputDb);
    }
  };

  /** @param {{kind: string, state?: string}} ev */
  const onEngine = (ev) => {
    if (ev.kind === "entries") drawEntries();
    else if (ev.kind === "levels") frame ||= setTimeout(drawLevels, 1000 / BUDGET.METER_FPS);
    else if (ev.kind === "talk" || ev.kind === "mic" || ev.kind === "echo" || ev.kind === "video") update();
    else if (ev.kind === "suspended" || ev.kind === "audio-state") {
      const paused = engine.ctx?.state === "suspended" && !engine.idle.suspended; // not our idling
      hint.dataset.audio = paused ? "1" : "";
      hint.textContent = paused ? "Sound is paused by the browser: click the widget to enable it." : "";
      update();
    }
  };
  engine.listeners.add(onEngine);

  /** @param {string} name @param {any} value */
  const setTrait = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };

  const connect = () => {
    engine.audio().catch((e) => engine.setError(`Audio output failed: ${e}`));
    engine.send({ type: TO_KERNEL.CONNECT });
  };
  connectBtn.onclick = () => {
    if (active()) engine.send({ type: TO_KERNEL.DISCONNECT });
    else connect();
  };
  micBtn.onclick = () => {
    const on = engine.micState === "off";
    setTrait("mic_on", on);
    if (on && !active()) connect(); // Mic before Connect: connect too (frames wait for it)
    update();
  };
  muteBtn.onclick = () => setTrait("muted", !model.get("muted"));
  /** @param {"camera"|"screen"} kind */
  const toggleVideo = (kind) => {
    if (engine.video.kind !== kind && !active()) connect(); // frames go out once connected
    engine.video.toggle(kind);
  };
  cameraBtn.onclick = () => toggleVideo("camera");
  screenBtn.onclick = () => toggleVideo("screen");
  pttBox.onchange = () => setTrait("push_to_talk", pttBox.checked);
  voiceSel.onchange = () => setTrait("voice", voiceSel.value);
  langSel.onchange = () => setTrait("language", langSel.value);
  talkBtn.onpointerdown = (e) => {
    talkBtn.setPointerCapture?.(e.pointerId);
    engine.talk(true);
  };
  talkBtn.onpointerup = () => engine.talk(false);
  talkBtn.onpointercancel = () => engine.talk(false);
  talkBtn.onkeydown = (e) => {
    if (e.key === "Enter" && !e.repeat) engine.talk(true);
  };
  talkBtn.onkeyup = (e) => {
    if (e.key === "Enter") engine.talk(false);
  };
  root.onpointerdown = () => {
    if (engine.ctx?.state === "suspended" && !engine.idle.suspended) engine.ctx.resume().catch(() => {});
  };
  root.onkeydown = (e) => {
    if (e.code === "Space" && model.get("push_to_talk") && e.target !== textIn) {
      e.preventDefault();
      e.stopPropagation();
      if (!e.repeat) engine.talk(true);
    }
  };
  root.onkeyup = (e) => {
    if (e.code === "Space" && model.get("push_to_talk") && e.target !== textIn) {
      e.preventDefault();
      engine.talk(false);
    }
  };
  const submit = () => {
    const text = textIn.value.trim();
    if (!text || !model.get("connected")) return;
    engine.send({ type: TO_KERNEL.TEXT, text });
    engine.addTyped(text);
    engine.bargeIn(); // after the words that cut the reply off
    textIn.value = "";
  };
  // Keys typed here belong to the widget, not to the notebook's shortcuts.
  textIn.onkeydown = (e) => {
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      submit();
    }
  };
  sendBtn.onclick = submit;

  const traits = ["status", "error", "voice", "language", "model", "connected", "mic_on", "muted",
    "push_to_talk", "endpoint", "barge_in"];
  for (const t of traits) model.on(`change:${t}`, update);
  const onLists = () => {
    fillOptions();
    update();
  };
  model.on("change:voices", onLists);
  model.on("change:languages", onLists);
  fillOptions();
  update();
  drawEntries();
  drawLevels();

  return () => {
    engine.listeners.delete(onEngine);
    for (const t of traits) model.off(`change:${t}`, update);
    model.off("change:voices", onLists);
    model.off("change:languages", onLists);
    observer?.disconnect();
    if (frame) clearTimeout(frame);
  };
}
