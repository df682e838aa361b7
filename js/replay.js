// @ts-check
// The ReplayWidget view: a recorded conversation (user left, model right) in an <audio>
// element, with the transcript cues highlighted as the playhead passes them; click a cue to
// jump there. The WAV arrives as a comm message (never a trait, so notebooks stay small).

import { TO_BROWSER, TO_KERNEL } from "./messages.js";

/** @typedef {import("./engine.js").Model} Model @typedef {[number, number, string, string]} Cue */

/** Index of the cue playing at `t` seconds, or -1. @param {Cue[]} cues @param {number} t */
export function cueAt(cues, t) {
  let found = -1;
  cues.forEach((c, i) => {
    if (c[0] <= t && t < Math.max(c[1], c[0] + 0.5)) found = i;
  });
  return found;
}

/** How a cue's speaker is shown: You, Gemini, or the diarization label. @param {string} who */
export function speakerName(who) {
  return who === "User" ? "You" : who === "Model" ? "Gemini" : who;
}

/** @param {Model} model @param {HTMLElement} el */
export function renderReplay(model, el) {
  const audio = document.createElement("audio");
  audio.controls = true;
  audio.className = "gl-replay-audio";
  audio.setAttribute("aria-label", "Recorded conversation");
  const list = document.createElement("div");
  list.className = "gl-transcript gl-replay-cues";
  list.setAttribute("role", "group");
  list.setAttribute("aria-label", "Captions: Enter plays from a caption; arrow keys move between them");
  const root = document.createElement("div");
  root.className = "gl-root gl-replay";
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  const note = document.createElement("div");
  note.className = "gl-empty";
  note.setAttribute("role", "status");
  note.textContent = "Loading the recording…";
  root.append(audio, note, list);
  el.replaceChildren(root);

  /** @type {Cue[]} */
  const cues = model.get("cues") ?? [];
  const nodes = cues.map(([start, , who, text], i) => {
    const node = document.createElement("button");
    node.type = "button";
    node.tabIndex = i === 0 ? 0 : -1;
    node.className = `gl-entry gl-cue ${who === "Model" ? "gl-model" : "gl-user"}`;
    const b = document.createElement("b");
    b.textContent = `${start.toFixed(1)} s ${speakerName(who)}: `;
    node.append(b, text);
    node.onclick = () => {
      audio.currentTime = start;
      audio.play().catch(() => {});
    };
    return node;
  });
  list.append(...nodes);
  list.onkeydown = (e) => {
    const at = nodes.indexOf(/** @type {any} */ (document.activeElement));
    const step = /** @type {Record<string, number>} */ ({ ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 })[e.key];
    if (at < 0 || step === undefined) return;
    e.preventDefault();
    const next = nodes[Math.max(0, Math.min(nodes.length - 1, at + step))];
    for (const n of nodes) n.tabIndex = n === next ? 0 : -1;
    next.focus();
  };
  let current = -1;
  audio.ontimeupdate = () => {
    const i = cueAt(cues, audio.currentTime);
    if (i === current) return;
    nodes[current]?.classList.remove("gl-now");
    nodes[current]?.removeAttribute("aria-current");
    nodes[i]?.classList.add("gl-now");
    nodes[i]?.setAttribute("aria-current", "true");
    nodes[i]?.scrollIntoView({ block: "nearest" });
    current = i;
  };
  /** @type {string | null} */
  let url = null;
  const onMsg = (/** @type {any} */ msg, /** @type {DataView[]} */ buffers) => {
    if (msg?.type !== TO_BROWSER.REPLAY_AUDIO || !buffers?.[0]) return;
    const v = buffers[0];
    if (url) URL.revokeObjectURL(url);
    const wav = new Uint8Array(v.byteLength);
    wav.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    url = URL.createObjectURL(new Blob([wav], { type: "audio/wav" }));
    audio.src = url;
    note.textContent = cues.length ? "" : "No transcript in this recording.";
    note.hidden = !note.textContent;
  };
  model.on("msg:custom", onMsg);
  model.send({ type: TO_KERNEL.READY }, undefined, []);
  return () => {
    model.off("msg:custom", onMsg);
    if (url) URL.revokeObjectURL(url);
  };
}
