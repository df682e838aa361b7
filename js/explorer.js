// @ts-check
// The VoiceExplorer front end (anywidget): a grid of voice cards you click to hear.
// State (cards, filters, favourites) is in the model; audio never is: the kernel sends it as a
// custom message {kind: EXPLORER_TO_BROWSER.AUDIO, voice, text, language, rate, request} with one
// PCM16 buffer, only when a card is played, and this file keeps it in memory to replay at once.
// The kinds come from the generated table (messages.js).
import { pcm16ToFloat } from "./dsp.js";
import { EXPLORER_TO_BROWSER, EXPLORER_TO_KERNEL } from "./messages.js";
import { gridMove, KEYS, SORTS, shuffled, visibleVoices } from "./voice-grid.js";

export { gridMove, KEYS, SORTS, shuffled, visibleVoices };

/** @typedef {import("./voice-grid.js").VoiceInfo} VoiceInfo @typedef {import("./voice-grid.js").Card} Card */

/** @param {number|null|undefined} v @param {string} unit @param {number} scale @param {number} digits */
function fmt(v, unit, scale = 1, digits = 1) {
  return v === null || v === undefined ? "–" : `${(v * scale).toFixed(digits)}${unit}`;
}

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Mark a card's control for focus restoring, with its tab stop. @param {HTMLElement} b @param {string} name @param {number} tab */
function part(b, name, tab) {
  b.dataset.part = name;
  b.tabIndex = tab;
  /** @type {HTMLButtonElement} */ (b).type = "button";
  return b;
}

/** @param {number[]} peaks */
function waveform(peaks) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${Math.max(peaks.length, 1)} 20`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "gx-wave");
  svg.setAttribute("aria-hidden", "true");
  const d = peaks.map((p, i) => `M${i + 0.5} ${10 - p * 9.5}V${10 + p * 9.5}`).join("");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}

class Explorer {
  /** @param {any} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.root = root;
    /** @type {Map<string, AudioBuffer>} */
    this.buffers = new Map();
    /** @type {Map<string, (b: AudioBuffer|null) => void>} */
    this.waiting = new Map();
    /** @type {AudioContext|null} */
    this.ctx = null;
    /** @type {AudioBufferSourceNode|null} */
    this.source = null;
    this.playing = "";
    this.seed = (Math.random() * 2 ** 32) >>> 0;
    this.request = 0;
    // the controls, created here so their types are never undefined
    const m = this.model;
    this.root.classList.add("gx-root");
    const top = el("div", "gx-row");
    this.sentence = /** @type {HTMLInputElement} */ (el("input", "gx-text"));
    this.sentence.placeholder = "a sentence for every voice";
    this.sentence.setAttribute("aria-label", "Sentence every voice reads");
    this.sentence.addEventListener("change", () => this.save("text", this.sentence.value));
    this.lang = /** @type {HTMLSelectElement} */ (el("select", "gx-language"));
    this.lang.setAttribute("aria-label", "Language");
    for (const l of m.get("catalog_languages")) {
      const o = /** @type {HTMLOptionElement} */ (el("option", "", `${l.code} ${l.name}`));
      o.value = l.code;
      this.lang.appendChild(o);
    }
    this.lang.addEventListener("change", () => this.save("language", this.lang.value));
    top.append(this.sentence, this.lang);
    const tools = el("div", "gx-row");
    this.style = /** @type {HTMLSelectElement} */ (el("select", "gx-style"));
    this.style.setAttribute("aria-label", "Voice style");
    const styles = [...new Set(m.get("catalog_voices").map((/** @type {VoiceInfo} */ v) => v.style))].sort();
    for (const s of ["", ...styles]) {
      const o = /** @type {HTMLOptionElement} */ (el("option", "", s || "all styles"));
      o.value = s;
      this.style.appendChild(o);
    }
    this.style.addEventListener("change", () => this.save("style_filter", this.style.value));
    this.find = /** @type {HTMLInputElement} */ (el("input", "gx-search"));
    this.find.placeholder = "search";
    this.find.setAttribute("aria-label", "Search voices");
    this.find.addEventListener("input", () => this.save("search", this.find.value));
    this.sort = /** @type {HTMLSelectElement} */ (el("select", "gx-sort"));
    this.sort.setAttribute("aria-label", "Sort voices");
    for (const [key, spec] of Object.entries(SORTS)) {
      const o = /** @type {HTMLOptionElement} */ (el("option", "", `sort: ${spec[0]}`));
      o.value = key;
      this.sort.appendChild(o);
    }
    this.sort.addEventListener("change", () => this.save("sort_key", this.sort.value));
    this.all = el("button", "gx-generate", "Generate all");
    this.all.addEventListener("click", () => this.generateVisible());
    this.ab = el("button", "gx-ab", "Play pinned A/B");
    this.ab.addEventListener("click", () => this.playPinned());
    this.blindBox = el("label", "gx-blind-label");
    this.blindToggle = /** @type {HTMLInputElement} */ (el("input", "gx-blind"));
    this.blindToggle.type = "checkbox";
    this.blindToggle.addEventListener("change", () => this.save("blind", this.blindToggle.checked));
    this.blindBox.append(this.blindToggle, document.createTextNode(" blind"));
    tools.append(this.style, this.find, this.sort, this.all, this.ab, this.blindBox);
    this.statusLine = el("div", "gx-status");
    this.statusLine.setAttribute("role", "status"); // announced politely
    this.grid = el("div", "gx-grid");
    this.grid.setAttribute("role", "group");
    this.grid.setAttribute("aria-label", `Voices. ${KEYS}`);
    this.grid.addEventListener("keydown", (e) => this.onKey(e));
    /** The card that holds the grid's tab stop (arrows move it). */
    this.active = "";
    this.favLine = el("div", "gx-favourites");
    this.favLine.setAttribute("role", "status");
    this.root.setAttribute("data-lm-suppress-shortcuts", "true"); // keys here are ours, not Lab's
    this.root.append(top, tools, this.statusLine, this.grid, this.favLine);
    this.render();
    this.onChange = () => this.render();
    this.onMsg = (/** @type {any} */ msg, /** @type {DataView[]} */ buffers) => this.receive(msg, buffers ?? []);
    for (const name of ["cards", "style_filter", "search", "sort_key", "pinned", "blind", "favourites", "status", "text", "language"])
      model.on(`change:${name}`, this.onChange);
    model.on("msg:custom", this.onMsg);
    const registry = /** @type {any} */ (window).__gemliveExplorer ?? { plays: [], explorers: [] };
    /** @type {any} */ (window).__gemliveExplorer = registry;
    registry.explorers.push(this);
    this.log = registry.plays;
  }

  /** @param {string} name @param {any} value */
  save(name, value) {
    this.model.set(name, value);
    this.model.save_changes();
  }

  /** The voices shown now (blind mode: only pinned ones, if any, shuffled). */
  shown() {
    const m = this.model;
    /** @type {VoiceInfo[]} */
    const voices = m.get("catalog_voices");
    const view = { style: m.get("style_filter"), search: m.get("search"), sort: m.get("sort_key") };
    const shown = visibleVoices(voices, m.get("cards"), view);
    if (!m.get("blind")) return shown;
    const pinned = new Set(m.get("pinned"));
    const pool = pinned.size ? voices.filter((v) => pinned.has(v.name)) : shown;
    const names = shuffled(pool.map((v) => v.name), this.seed);
    return names.map((n) => /** @type {VoiceInfo} */ (voices.find((v) => v.name === n)));
  }

  render() {
    const m = this.model;
    if (document.activeElement !== this.sentence) this.sentence.value = m.get("text");
    this.lang.value = m.get("language");
    this.style.value = m.get("style_filter");
    if (document.activeElement !== this.find) this.find.value = m.get("search");
    this.sort.value = m.get("sort_key");
    const blind = m.get("blind");
    this.blindToggle.checked = blind;
    this.statusLine.textContent = m.get("status");
    /** @type {Record<string, Card>} */
    const cards = m.get("cards");
    const pinned = new Set(m.get("pinned"));
    const favourites = m.get("favourites");
    const focused = /** @type {HTMLElement|null} */ (document.activeElement);
    const refocus = focused && this.grid.contains(focused)
      ? `[data-part="${focused.dataset.part}"]` : "";
    this.grid.replaceChildren();
    const shown = this.shown();
    if (!shown.some((v) => v.name === this.active)) this.active = shown[0]?.name ?? "";
    shown.forEach((v, i) => {
      const c = cards[v.name] ?? {};
      const card = el("div", `gx-card gx-${c.status ?? "idle"}`);
      const tab = v.name === this.active ? 0 : -1;
      card.dataset.voice = blind ? "" : v.name;
      card.dataset.slot = String(i);
      if (pinned.has(v.name) && !blind) card.classList.add("gx-pinned");
      if (this.playing === v.name) card.classList.add("gx-playing");
      const head = el("div", "gx-card-head");
      const label = blind ? `Voice ${String.fromCharCode(65 + i)}` : v.name;
      // The card's main control: a real button (Enter/Space play), named by voice and state.
      const playBtn = part(el("button", "gx-play"), "play", tab);
      playBtn.append(el("b", "gx-name", label));
      const state = this.playing === v.name ? "playing" : c.status === "ready" ? "ready"
        : c.status === "generating" ? "generating" : c.status === "error" ? "failed" : "not generated yet";
      playBtn.setAttribute("aria-label", `Play ${label}${blind ? "" : `, ${v.style}`} (${state})`);
      head.append(playBtn);
      const pin = part(el("button", "gx-pin", pinned.has(v.name) ? "unpin" : "pin"), "pin", tab);
      pin.title = "pin for A/B (P)";
      pin.setAttribute("aria-label", `Pin ${label} for A/B`);
      pin.setAttribute("aria-pressed", String(pinned.has(v.name) && !blind));
      pin.addEventListener("click", (e) => {
        e.stopPropagation();
        const next = pinned.has(v.name) ? [...pinned].filter((n) => n !== v.name) : [...pinned, v.name];
        this.save("pinned", next);
      });
      const fav = favourites.includes(v.name) && !blind;
      const star = part(el("button", "gx-star", fav ? "★" : "☆"), "star", tab);
      star.title = blind ? "pick this one (reveals the names) (F)" : "favourite (F)";
      star.setAttribute("aria-label", blind ? `Pick ${label} (reveals the names)` : `Favourite ${label}`);
      star.setAttribute("aria-pressed", String(fav));
      star.addEventListener("click", (e) => {
        e.stopPropagation();
        this.model.send({ kind: EXPLORER_TO_KERNEL.FAVOURITE, voice: v.name });
      });
      head.append(pin, star);
      card.append(head, el("div", "gx-style-tag", blind ? "style hidden" : v.style));
      if (c.status === "generating") card.append(el("div", "gx-progress", "generating…"));
      else if (c.status === "error") card.append(el("div", "gx-error", c.error ?? "failed"));
      else if (c.status === "ready") {
        card.append(waveform(c.peaks ?? []));
        const stats = el("div", "gx-stats");
        const stat = (/** @type {string} */ cls, /** @type {string} */ text, /** @type {string} */ title) => {
          const s = el("span", cls, text);
          s.title = title;
          return s;
        };
        stats.append(
          stat("gx-duration", fmt(c.duration_s, " s", 1, 2), "duration"),
          stat("gx-rate", fmt(c.words_per_s, " w/s"), "speaking rate: words per second"),
          stat("gx-pitch", fmt(c.pitch_hz, " Hz", 1, 0), "median pitch"),
          stat("gx-ttfa", `first audio ${fmt(c.latency_first_audio, " ms", 1000, 0)}`, "time to first audio"),
          stat("gx-wer", `WER ${fmt(c.wer, "%", 100, 0)}`, "word error rate when the endpoint re-transcribes the reply"),
        );
        if (c.transcript) card.title = c.transcript;
        card.append(stats);
      } else card.append(el("div", "gx-hint", "click to hear"));
      card.addEventListener("click", () => {
        this.active = v.name;
        void this.play(v.name);
      });
      card.dataset.name = v.name;
      this.grid.append(card);
    });
    if (refocus) /** @type {HTMLElement|null} */ (this.grid.querySelector(`.gx-card[data-name="${CSS.escape(this.active)}"] ${refocus}`))?.focus();
    this.favLine.textContent = favourites.length ? `favourites: ${favourites.join(", ")}` : "";
  }

  /** Keys on a card: arrows/Home/End move, P pins, F favourites (Enter/Space: the button). @param {KeyboardEvent} e */
  onKey(e) {
    const names = this.shown().map((v) => v.name);
    const at = Math.max(0, names.indexOf(this.active));
    const cards = Array.from(this.grid.querySelectorAll(".gx-card"));
    const top = cards[0]?.getBoundingClientRect().top;
    const cols = Math.max(1, cards.filter((c) => c.getBoundingClientRect().top === top).length);
    const next = gridMove(at, e.key, names.length, cols);
    const card = this.grid.querySelector(`.gx-card[data-name="${CSS.escape(this.active)}"]`);
    if (next !== null) {
      this.active = names[next] ?? "";
      this.render();
      /** @type {HTMLElement|null} */ (this.grid.querySelector(`.gx-card[data-name="${CSS.escape(this.active)}"] .gx-play`))?.focus();
    } else if (e.key === "p" || e.key === "P") /** @type {HTMLElement|null} */ (card?.querySelector(".gx-pin"))?.click();
    else if (e.key === "f" || e.key === "F") /** @type {HTMLElement|null} */ (card?.querySelector(".gx-star"))?.click();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  generateVisible() {
    const cards = this.model.get("cards");
    const names = this.shown().map((v) => v.name).filter((n) => (cards[n] ?? {}).status !== "ready");
    if (names.length) this.model.send({ kind: EXPLORER_TO_KERNEL.GENERATE, voices: names });
  }

  key(/** @type {string} */ voice) {
    return `${voice}\u0000${this.model.get("text")}\u0000${this.model.get("language")}`;
  }

  /** The voice's audio for the current sentence: from memory, else asked of the kernel. @param {string} voice */
  fetch(voice) {
    const key = this.key(voice);
    const have = this.buffers.get(key);
    if (have) return Promise.resolve(have);
    return new Promise((resolve) => {
      this.waiting.set(key, resolve);
      this.model.send({ kind: EXPLORER_TO_KERNEL.PLAY, voice, request: ++this.request });
    });
  }

  /** @param {any} msg @param {DataView[]} buffers */
  receive(msg, buffers) {
    if (!msg || msg.kind !== EXPLORER_TO_BROWSER.AUDIO) return;
    const key = `${msg.voice}\u0000${msg.text}\u0000${msg.language}`;
    const resolve = this.waiting.get(key);
    this.waiting.delete(key);
    if (msg.error || !buffers.length) {
      if (resolve) resolve(null);
      return;
    }
    const view = buffers[0];
    const pcm = new Int16Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    const ctx = this.audio();
    const buffer = ctx.createBuffer(1, pcm.length, msg.rate);
    buffer.getChannelData(0).set(pcm16ToFloat(pcm));
    this.buffers.set(key, buffer);
    if (resolve) resolve(buffer);
  }

  audio() {
    if (!this.ctx) this.ctx = new AudioContext();
    return this.ctx;
  }

  /** Play one voice now (stopping any other). @param {string} voice */
  async play(voice) {
    const buffer = await this.fetch(voice);
    if (!buffer) return;
    await this.start(voice, buffer);
  }

  /** @param {string} voice @param {AudioBuffer} buffer @returns {Promise<void>} */
  start(voice, buffer) {
    const ctx = this.audio();
    if (this.source) this.source.stop();
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    const data = buffer.getChannelData(0);
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += data[i] * data[i];
    const entry = { voice, samples: data.length, rate: buffer.sampleRate, rms: Math.sqrt(sum / Math.max(1, data.length)),
      started: ctx.currentTime, ended: /** @type {number|null} */ (null), state: ctx.state };
    this.log.push(entry);
    this.source = source;
    this.playing = voice;
    this.render();
    return new Promise((resolve) => {
      source.onended = () => {
        entry.ended = ctx.currentTime;
        if (this.source === source) {
          this.source = null;
          this.playing = "";
          this.render();
          void ctx.suspend().catch(() => {}); // an idle page costs nothing; start() resumes it
        }
        resolve();
      };
      void ctx.resume().then(() => source.start());
    });
  }

  /** Pinned voices back to back, in pin order (blind: in the shuffled order shown). */
  async playPinned() {
    const pinned = this.model.get("pinned");
    const order = this.model.get("blind") ? this.shown().map((v) => v.name) : pinned;
    const buffers = await Promise.all(order.map((/** @type {string} */ v) => this.fetch(v)));
    for (let i = 0; i < order.length; i++) {
      const b = buffers[i];
      if (b) await this.start(order[i], b);
    }
  }

  destroy() {
    this.model.off("msg:custom", this.onMsg);
    for (const name of ["cards", "style_filter", "search", "sort_key", "pinned", "blind", "favourites", "status", "text", "language"])
      this.model.off(`change:${name}`, this.onChange);
    if (this.ctx) void this.ctx.close();
  }
}

export default {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el: root }) {
    const ex = new Explorer(model, root);
    return () => ex.destroy();
  },
};
