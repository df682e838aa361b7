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

/** @param {Model} model @param {HTMLElement} el */
export function renderReplay(model, el) {
  const audio = document.createElement("audio");
  audio.controls = true;
  audio.className = "gl-replay-audio";
  const list = document.createElement("div");
  list.className = "gl-transcript gl-replay-cues";
  const root = document.createElement("div");
  root.className = "gl-root gl-replay";
  const note = document.createElement("div");
  note.className = "gl-empty";
  note.textContent = "Loading the recording…";
  root.append(audio, note, list);
  el.replaceChildren(root);

  /** @type {Cue[]} */
  const cues = model.get("cues") ?? [];
  const nodes = cues.map(([start, , who, text]) => {
    const node = document.createElement("div");
    node.className = `gl-entry ${who === "User" ? "gl-user" : "gl-model"}`;
    const b = document.createElement("b");
    b.textContent = `${start.toFixed(1)} s ${who === "User" ? "You" : "Gemini"}: `;
    node.append(b, text);
    node.onclick = () => {
      audio.currentTime = start;
      audio.play().catch(() => {});
    };
    return node;
  });
  list.append(...nodes);
  let current = -1;
  audio.ontimeupdate = () => {
    const i = cueAt(cues, audio.currentTime);
    if (i === current) return;
    nodes[current]?.classList.remove("gl-now");
    nodes[i]?.classList.add("gl-now");
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
