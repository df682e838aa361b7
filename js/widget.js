// @ts-check
// The VoiceWidget front end (anywidget ESM). One AudioEngine per widget model (engine.js) owns
// the audio graph and the comm stream; each rendered view (view.js) draws the controls,
// meters, transcript and hints. Message kinds and the budget: messages.js (generated from
// gemlive_nb/widget/messages.py).

import { AudioEngine } from "./engine.js";
import { renderReplay } from "./replay.js";
import { renderView } from "./view.js";

/** @typedef {import("./engine.js").Model} Model */

/** @type {Map<string, AudioEngine>} one engine per widget instance, by its `_uid` trait */
const engines = new Map();

/** @param {Model} model */
function engineFor(model) {
  const uid = model.get("_uid");
  let engine = engines.get(uid);
  if (!engine) {
    engine = new AudioEngine(model);
    engines.set(uid, engine);
  }
  return engine;
}

export default {
  /** @param {{model: Model}} ctx */
  initialize({ model }) {
    if (model.get("_kind") === "replay") return () => {};
    const uid = model.get("_uid");
    engineFor(model);
    return () => {
      engines.get(uid)?.destroy();
      engines.delete(uid);
    };
  },
  /** @param {{model: Model, el: HTMLElement}} ctx */
  render({ model, el }) {
    if (model.get("_kind") === "replay") return renderReplay(model, el);
    const engine = engineFor(model);
    // Exposed for tests and debugging in the browser console.
    /** @type {any} */ (el).gemlive = engine;
    /** @type {any} */ (globalThis).__gemlive = engines;
    return renderView(model, el, engine);
  },
};
