// gemlive_nb widget bundle, built from js/ by js/build.mjs. source-sha256: 9b2baf1df0d8883a73405bf840cb9109dfb231186669d48c6a5bf285cc419a1d
// dsp.js
function pcm16ToFloat(input) {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] / 32768;
  return out;
}

// messages.js
var TO_BROWSER = Object.freeze({
  /** {t, items}: coalesced items, sent at most once per interval */
  BATCH: "batch",
  /** {seq, rate, reply, buffer}: reply PCM16, buffer: index */
  AUDIO: "audio",
  /** {role, text, final, reply, replace?}: deltas, merged per role+reply; replace: text is the reply's words so far (its transcription came after its text parts) */
  TRANSCRIPT: "transcript",
  /** {}: the model was interrupted, drop queued playback */
  INTERRUPTED: "interrupted",
  /** {heard}: a barge-in cut the reply; heard = the words that were played */
  CUT: "cut",
  /** {reason, ttfa_ms}: the reply ended; ttfa_ms = time to first audio */
  TURN: "turn",
  /** {calls}: the model called notebook functions */
  TOOL: "tool",
  /** {text, tone}: a note in the transcript (tone: info | warn | error) */
  MARK: "mark",
  /** {}: ReplayWidget's WAV (both sides), one buffer */
  REPLAY_AUDIO: "replay_audio",
  /** {sources: [{title, uri}]}: the reply's sources (http/https only) */
  GROUNDING: "grounding"
});
var TO_KERNEL = Object.freeze({
  /** {probe}: a view is up; probe describes the browser environment */
  READY: "ready",
  /** {seq, frames, rate, t, lost, samples?, epoch?, acks?, levels?}: mic frames, one buffer; rate: the PCM's, RATES.MIC_MIN..MIC_MAX (the kernel resamples it to 16 kHz) */
  AUDIO: "audio",
  /** {samples, epoch, acks, levels?}: playback progress when no mic audio is going; samples played in the session numbered epoch (_session_epoch) */
  PLAYED: "played",
  /** {}: the Connect (or Mic) button asks for a session */
  CONNECT: "connect",
  /** {}: the Disconnect button */
  DISCONNECT: "disconnect",
  /** {text}: a typed message */
  TEXT: "text",
  /** {state}: push-to-talk start | end */
  ACTIVITY: "activity",
  /** {coupling_db}: how loud the played reply comes back through the mic */
  ECHO: "echo",
  /** {mime, source}: one camera or screen frame (JPEG), one buffer */
  VIDEO: "video"
});
var EXPLORER_TO_BROWSER = Object.freeze({
  /** {voice, text, language, rate, request, error?}: a card's PCM16, one buffer */
  AUDIO: "audio"
});
var EXPLORER_TO_KERNEL = Object.freeze({
  /** {voice, request}: play a voice card (generated first if needed) */
  PLAY: "play",
  /** {voices}: generate the samples of these voices */
  GENERATE: "generate",
  /** {voice}: toggle a voice's favourite star */
  FAVOURITE: "favourite"
});
var RATES = Object.freeze({
  MIC: 16e3,
  REPLY: 24e3,
  MIC_MIN: 8e3,
  MIC_MAX: 48e3
});
var BUDGET = Object.freeze({
  MAX_MESSAGES_PER_S: 25,
  FLUSH_MS: 40,
  GATHER_MS: 4,
  FLUSH_MAX_MS: 250,
  LAG_HIGH_MS: 120,
  UPLINK_MS: 100,
  UPLINK_MAX_MS: 240,
  UPLINK_QUIET_MS: 250,
  QUIET_AFTER_MS: 1500,
  VOICE_DB: -50,
  LEVEL_SYNC_MS: 1e3,
  METER_FPS: 15,
  PREROLL_MS: 3e3,
  VIDEO_FRAME_MS: 1e3,
  VIDEO_MAX_SIDE: 768,
  VIDEO_JPEG_QUALITY: 0.7
});

// voice-grid.js
var KEYS = "Arrow keys move between voices, Enter or Space plays, P pins, F favourites.";
var SORTS = {
  "": ["catalog order", null, false],
  name: ["name", (c, n) => n, false],
  duration_s: ["duration", (c) => c.duration_s, false],
  words_per_s: ["speaking rate", (c) => c.words_per_s, true],
  pitch_hz: ["median pitch", (c) => c.pitch_hz, false],
  latency_first_audio: ["first audio", (c) => c.latency_first_audio, false],
  wer: ["word error rate", (c) => c.wer, false]
};
function visibleVoices(voices, cards, view) {
  const q = view.search.trim().toLowerCase();
  const shown = voices.filter(
    (v) => (!view.style || v.style === view.style) && (!q || v.name.toLowerCase().includes(q) || v.style.toLowerCase().includes(q))
  );
  const spec = (
    /** @type {any} */
    SORTS[view.sort]
  );
  if (!spec || !spec[1]) return shown;
  const read = spec[1];
  const order = new Map(voices.map((v, i) => [v.name, i]));
  return [...shown].sort((a, b) => {
    const x = read(cards[a.name] ?? {}, a.name);
    const y = read(cards[b.name] ?? {}, b.name);
    const xm = x === null || x === void 0;
    const ym = y === null || y === void 0;
    if (xm || ym) return xm === ym ? (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0) : xm ? 1 : -1;
    if (x < y) return spec[2] ? 1 : -1;
    if (x > y) return spec[2] ? -1 : 1;
    return (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0);
  });
}
function shuffled(xs, seed) {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = Math.imul(s, 1664525) + 1013904223 >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
function gridMove(at, key, count, cols) {
  if (!count) return null;
  const step = (
    /** @type {Record<string, number>} */
    {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: cols,
      ArrowUp: -cols,
      Home: -at,
      End: count - 1 - at
    }[key]
  );
  return step === void 0 ? null : Math.min(count - 1, Math.max(0, at + step));
}

// explorer.js
function fmt(v, unit, scale = 1, digits = 1) {
  return v === null || v === void 0 ? "\u2013" : `${(v * scale).toFixed(digits)}${unit}`;
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== void 0) e.textContent = text;
  return e;
}
function part(b, name, tab) {
  b.dataset.part = name;
  b.tabIndex = tab;
  b.type = "button";
  return b;
}
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
var Explorer = class {
  /** @param {any} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.buffers = /* @__PURE__ */ new Map();
    this.waiting = /* @__PURE__ */ new Map();
    this.ctx = null;
    this.source = null;
    this.playing = "";
    this.seed = Math.random() * 2 ** 32 >>> 0;
    this.request = 0;
    const m = this.model;
    this.root.classList.add("gx-root");
    const top = el("div", "gx-row");
    this.sentence = /** @type {HTMLInputElement} */
    el("input", "gx-text");
    this.sentence.placeholder = "a sentence for every voice";
    this.sentence.setAttribute("aria-label", "Sentence every voice reads");
    this.sentence.addEventListener("change", () => this.save("text", this.sentence.value));
    this.lang = /** @type {HTMLSelectElement} */
    el("select", "gx-language");
    this.lang.setAttribute("aria-label", "Language");
    for (const l of m.get("catalog_languages")) {
      const o = (
        /** @type {HTMLOptionElement} */
        el("option", "", `${l.code} ${l.name}`)
      );
      o.value = l.code;
      this.lang.appendChild(o);
    }
    this.lang.addEventListener("change", () => this.save("language", this.lang.value));
    top.append(this.sentence, this.lang);
    const tools = el("div", "gx-row");
    this.style = /** @type {HTMLSelectElement} */
    el("select", "gx-style");
    this.style.setAttribute("aria-label", "Voice style");
    const styles = [...new Set(m.get("catalog_voices").map((v) => v.style))].sort();
    for (const s of ["", ...styles]) {
      const o = (
        /** @type {HTMLOptionElement} */
        el("option", "", s || "all styles")
      );
      o.value = s;
      this.style.appendChild(o);
    }
    this.style.addEventListener("change", () => this.save("style_filter", this.style.value));
    this.find = /** @type {HTMLInputElement} */
    el("input", "gx-search");
    this.find.placeholder = "search";
    this.find.setAttribute("aria-label", "Search voices");
    this.find.addEventListener("input", () => this.save("search", this.find.value));
    this.sort = /** @type {HTMLSelectElement} */
    el("select", "gx-sort");
    this.sort.setAttribute("aria-label", "Sort voices");
    for (const [key, spec] of Object.entries(SORTS)) {
      const o = (
        /** @type {HTMLOptionElement} */
        el("option", "", `sort: ${spec[0]}`)
      );
      o.value = key;
      this.sort.appendChild(o);
    }
    this.sort.addEventListener("change", () => this.save("sort_key", this.sort.value));
    this.all = el("button", "gx-generate", "Generate all");
    this.all.addEventListener("click", () => this.generateVisible());
    this.ab = el("button", "gx-ab", "Play pinned A/B");
    this.ab.addEventListener("click", () => this.playPinned());
    this.blindBox = el("label", "gx-blind-label");
    this.blindToggle = /** @type {HTMLInputElement} */
    el("input", "gx-blind");
    this.blindToggle.type = "checkbox";
    this.blindToggle.addEventListener("change", () => this.save("blind", this.blindToggle.checked));
    this.blindBox.append(this.blindToggle, document.createTextNode(" blind"));
    tools.append(this.style, this.find, this.sort, this.all, this.ab, this.blindBox);
    this.statusLine = el("div", "gx-status");
    this.statusLine.setAttribute("role", "status");
    this.grid = el("div", "gx-grid");
    this.grid.setAttribute("role", "group");
    this.grid.setAttribute("aria-label", `Voices. ${KEYS}`);
    this.grid.addEventListener("keydown", (e) => this.onKey(e));
    this.active = "";
    this.favLine = el("div", "gx-favourites");
    this.favLine.setAttribute("role", "status");
    this.root.setAttribute("data-lm-suppress-shortcuts", "true");
    this.root.append(top, tools, this.statusLine, this.grid, this.favLine);
    this.render();
    this.onChange = () => this.render();
    this.onMsg = (msg, buffers) => this.receive(msg, buffers ?? []);
    for (const name of ["cards", "style_filter", "search", "sort_key", "pinned", "blind", "favourites", "status", "text", "language"])
      model.on(`change:${name}`, this.onChange);
    model.on("msg:custom", this.onMsg);
    const registry = (
      /** @type {any} */
      window.__gemliveExplorer ?? { plays: [], explorers: [] }
    );
    window.__gemliveExplorer = registry;
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
    const voices = m.get("catalog_voices");
    const view = { style: m.get("style_filter"), search: m.get("search"), sort: m.get("sort_key") };
    const shown = visibleVoices(voices, m.get("cards"), view);
    if (!m.get("blind")) return shown;
    const pinned = new Set(m.get("pinned"));
    const pool = pinned.size ? voices.filter((v) => pinned.has(v.name)) : shown;
    const names = shuffled(pool.map((v) => v.name), this.seed);
    return names.map((n) => (
      /** @type {VoiceInfo} */
      voices.find((v) => v.name === n)
    ));
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
    const cards = m.get("cards");
    const pinned = new Set(m.get("pinned"));
    const favourites = m.get("favourites");
    const focused = (
      /** @type {HTMLElement|null} */
      document.activeElement
    );
    const refocus = focused && this.grid.contains(focused) ? `[data-part="${focused.dataset.part}"]` : "";
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
      const playBtn = part(el("button", "gx-play"), "play", tab);
      playBtn.append(el("b", "gx-name", label));
      const state = this.playing === v.name ? "playing" : c.status === "ready" ? "ready" : c.status === "generating" ? "generating" : c.status === "error" ? "failed" : "not generated yet";
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
      const star = part(el("button", "gx-star", fav ? "\u2605" : "\u2606"), "star", tab);
      star.title = blind ? "pick this one (reveals the names) (F)" : "favourite (F)";
      star.setAttribute("aria-label", blind ? `Pick ${label} (reveals the names)` : `Favourite ${label}`);
      star.setAttribute("aria-pressed", String(fav));
      star.addEventListener("click", (e) => {
        e.stopPropagation();
        this.model.send({ kind: EXPLORER_TO_KERNEL.FAVOURITE, voice: v.name });
      });
      head.append(pin, star);
      card.append(head, el("div", "gx-style-tag", blind ? "style hidden" : v.style));
      if (c.status === "generating") card.append(el("div", "gx-progress", "generating\u2026"));
      else if (c.status === "error") card.append(el("div", "gx-error", c.error ?? "failed"));
      else if (c.status === "ready") {
        card.append(waveform(c.peaks ?? []));
        const stats = el("div", "gx-stats");
        const stat = (cls, text, title) => {
          const s = el("span", cls, text);
          s.title = title;
          return s;
        };
        stats.append(
          stat("gx-duration", fmt(c.duration_s, " s", 1, 2), "duration"),
          stat("gx-rate", fmt(c.words_per_s, " w/s"), "speaking rate: words per second"),
          stat("gx-pitch", fmt(c.pitch_hz, " Hz", 1, 0), "median pitch"),
          stat("gx-ttfa", `first audio ${fmt(c.latency_first_audio, " ms", 1e3, 0)}`, "time to first audio"),
          stat("gx-wer", `WER ${fmt(c.wer, "%", 100, 0)}`, "word error rate when the endpoint re-transcribes the reply")
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
    if (refocus) this.grid.querySelector(`.gx-card[data-name="${CSS.escape(this.active)}"] ${refocus}`)?.focus();
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
      this.grid.querySelector(`.gx-card[data-name="${CSS.escape(this.active)}"] .gx-play`)?.focus();
    } else if (e.key === "p" || e.key === "P") card?.querySelector(".gx-pin")?.click();
    else if (e.key === "f" || e.key === "F") card?.querySelector(".gx-star")?.click();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }
  generateVisible() {
    const cards = this.model.get("cards");
    const names = this.shown().map((v) => v.name).filter((n) => (cards[n] ?? {}).status !== "ready");
    if (names.length) this.model.send({ kind: EXPLORER_TO_KERNEL.GENERATE, voices: names });
  }
  key(voice) {
    return `${voice}\0${this.model.get("text")}\0${this.model.get("language")}`;
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
    const key = `${msg.voice}\0${msg.text}\0${msg.language}`;
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
    const entry = {
      voice,
      samples: data.length,
      rate: buffer.sampleRate,
      rms: Math.sqrt(sum / Math.max(1, data.length)),
      started: ctx.currentTime,
      ended: (
        /** @type {number|null} */
        null
      ),
      state: ctx.state
    };
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
          void ctx.suspend().catch(() => {
          });
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
    const buffers = await Promise.all(order.map((v) => this.fetch(v)));
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
};
var explorer_default = {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el: root }) {
    const ex = new Explorer(model, root);
    return () => ex.destroy();
  }
};
export {
  KEYS,
  SORTS,
  explorer_default as default,
  gridMove,
  shuffled,
  visibleVoices
};
