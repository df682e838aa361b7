// The VoiceWidget front end (anywidget ESM). One AudioEngine per widget model owns the audio
// graph and the custom-message stream; each rendered view draws the controls, meters,
// transcript and error area from the model's traits and the engine's events.
//
// Messages to the kernel: {type:'ready'}, {type:'audio', seq, rate:16000, t} + PCM16 buffer,
// {type:'played', samples, acks:[[seq, t]]}, {type:'connect'|'disconnect'}, {type:'text', text},
// {type:'activity', state:'start'|'end'}. From the kernel: {type:'batch', items} where an item
// is {type:'audio', seq, rate, buffer} (index into the buffers), {type:'transcript', role,
// text, final}, {type:'interrupted'}, {type:'turn', reason}, {type:'tool', calls}, or one such
// item on its own.

import captureSource from "worklet:capture";
import playbackSource from "worklet:playback";
import { Resampler, pcm16ToFloat } from "./dsp.js";

/** Wall-clock milliseconds with sub-millisecond resolution (comparable to the kernel's time). */
const now = () => performance.timeOrigin + performance.now();

/**
 * @typedef {{get(name: string): any, set(name: string, value: any): void, save_changes(): void,
 *   send(content: object, callbacks?: any, buffers?: ArrayBuffer[]): void,
 *   on(event: string, cb: Function): void, off(event: string, cb?: Function): void}} Model
 * @typedef {{kind: 'user'|'model'|'mark', text: string, final: boolean, v: number}} Entry
 */

/** @type {Map<string, AudioEngine>} one engine per widget instance, by its `_uid` trait */
const engines = new Map();

/** @param {string} source @returns {string} */
const blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: "text/javascript" }));

/** @param {unknown} err */
function micErrorText(err) {
  const e = /** @type {{name?: string, message?: string}} */ (err ?? {});
  if (e.name === "NotAllowedError" || e.name === "SecurityError") {
    return `Microphone access was refused (${e.name}). Allow the microphone for this page in the browser's site settings, then press Mic again.`;
  }
  if (e.name === "NotFoundError" || e.name === "OverconstrainedError") {
    return `No usable microphone was found (${e.name}). Plug one in or pick another input device, then press Mic again.`;
  }
  return `The microphone could not be started: ${e.name ?? "Error"}: ${e.message ?? err}`;
}

class AudioEngine {
  /** @param {Model} model */
  constructor(model) {
    this.model = model;
    /** @type {AudioContext | null} */
    this.ctx = null;
    /** @type {Promise<AudioContext> | null} */
    this.starting = null;
    /** @type {AudioWorkletNode | null} */
    this.player = null;
    /** @type {AudioWorkletNode | null} */
    this.capture = null;
    /** @type {MediaStream | null} */
    this.stream = null;
    /** @type {MediaStreamAudioSourceNode | null} */
    this.source = null;
    /** @type {Map<number, Resampler>} */
    this.resamplers = new Map();
    /** @type {Entry[]} */
    this.entries = [];
    /** @type {Set<(e: {kind: string}) => void>} */
    this.listeners = new Set();
    /** @type {[number, number, number][]} [seq, scheduled, arrived] in wall-clock ms */
    this.acks = [];
    /** @type {number | undefined} */
    this.arrived = undefined;
    /** @type {number[]} kernel flush -> message in the widget's JS, ms (diagnostics) */
    this.transit = [];
    this.playedCtx = 0;
    this.sentPlayed = -1;
    this.inputDb = -100;
    this.outputDb = -100;
    this.sentLevels = [-100, -100];
    this.talking = false;
    this.stats = { framesSent: 0, chunksScheduled: 0, underruns: 0, bufferedMs: 0 };
    /** @type {{at: number, bufferedMsBefore: number, bufferedMsAfter: number | null}[]} */
    this.flushes = [];
    /** @type {[number, string, any][]} */
    this.trace = [];
    this.onCustom = (/** @type {any} */ msg, /** @type {DataView[]} */ buffers) =>
      this.receive(msg, buffers ?? []);
    this.onMic = () => this.syncMic();
    this.onMuted = () => this.player?.port.postMessage({ type: "gain", value: this.gain() });
    this.onConnected = () => {
      if (!this.model.get("connected")) this.flush();
    };
    model.on("msg:custom", this.onCustom);
    model.on("change:mic_on", this.onMic);
    model.on("change:muted", this.onMuted);
    model.on("change:connected", this.onConnected);
    this.timer = setInterval(() => this.report(), 100);
    this.send({ type: "ready", secure: globalThis.isSecureContext ?? false });
    if (model.get("mic_on")) this.syncMic();
  }

  gain() {
    return this.model.get("muted") ? 0 : 1;
  }

  /** @param {object} content @param {ArrayBuffer[]} [buffers] */
  send(content, buffers) {
    // anywidget's signature is send(content, callbacks, buffers): buffers must be 3rd.
    this.model.send(content, undefined, buffers ?? []);
  }

  /** @param {{kind: string, [k: string]: any}} event */
  emit(event) {
    for (const cb of this.listeners) cb(event);
  }

  /** @param {string} text */
  setError(text) {
    this.model.set("error", text);
    this.model.save_changes();
  }

  /** Create the AudioContext (native rate) and the playback worklet once. */
  async audio() {
    if (this.ctx) {
      if (this.ctx.state === "suspended") await this.ctx.resume().catch(() => {});
      return this.ctx;
    }
    this.starting ??= (async () => {
      const ctx = new AudioContext({ latencyHint: "interactive" });
      const urls = [blobUrl(playbackSource), blobUrl(captureSource)];
      try {
        for (const url of urls) await ctx.audioWorklet.addModule(url);
      } finally {
        urls.forEach((u) => URL.revokeObjectURL(u));
      }
      const player = new AudioWorkletNode(ctx, "gemlive-playback", {
        numberOfInputs: 0,
        outputChannelCount: [1],
      });
      player.port.onmessage = (e) => this.onPlayerStats(e.data);
      player.port.postMessage({ type: "gain", value: this.gain() });
      player.connect(ctx.destination);
      this.player = player;
      this.ctx = ctx;
      if (ctx.state === "suspended") {
        ctx.resume().catch(() => {});
        this.emit({ kind: "suspended" });
      }
      ctx.onstatechange = () => this.emit({ kind: "audio-state", state: ctx.state });
      return ctx;
    })();
    return this.starting;
  }

  /** @param {{played: number, buffered: number, underruns: number, level: number, flushed: boolean}} s */
  onPlayerStats(s) {
    this.playedCtx = s.played;
    const last = this.flushes[this.flushes.length - 1];
    if (s.flushed && last && last.bufferedMsAfter === null && this.ctx) {
      last.bufferedMsAfter = (1000 * s.buffered) / this.ctx.sampleRate;
    }
    this.outputDb = s.level;
    this.stats.underruns = s.underruns;
    this.stats.bufferedMs = this.ctx ? (1000 * s.buffered) / this.ctx.sampleRate : 0;
    this.emit({ kind: "levels" });
  }

  /** The 24 kHz samples actually played so far (the kernel's unit). */
  played24k() {
    return this.ctx ? Math.round((this.playedCtx * 24000) / this.ctx.sampleRate) : 0;
  }

  /** Every 100 ms: played offset + scheduling acks to the kernel, throttled level traits. */
  report() {
    const played = this.played24k();
    if (played !== this.sentPlayed || this.acks.length) {
      this.send({ type: "played", samples: played, acks: this.acks });
      this.sentPlayed = played;
      this.acks = [];
    }
    const levels = [Math.round(this.inputDb), Math.round(this.outputDb)];
    if (levels[0] !== this.sentLevels[0] || levels[1] !== this.sentLevels[1]) {
      this.levelTick = (this.levelTick ?? 0) + 1;
      if (this.levelTick % 3 === 0) {
        this.model.set("input_level", levels[0]);
        this.model.set("output_level", levels[1]);
        this.model.save_changes();
        this.sentLevels = levels;
      }
    }
  }

  /** @param {any} msg @param {DataView[]} buffers */
  receive(msg, buffers) {
    this.arrived = now();
    if (typeof msg?.t === "number") {
      this.transit.push(this.arrived - msg.t);
      if (this.transit.length > 400) this.transit.splice(0, 200);
    }
    if (msg?.type === "batch") {
      for (const item of msg.items ?? []) this.handle(item, buffers);
    } else if (msg && typeof msg.type === "string") {
      this.handle({ ...msg, buffer: msg.buffer ?? 0 }, buffers);
    }
  }

  /** @param {any} item @param {DataView[]} buffers */
  handle(item, buffers) {
    // A short trace of what arrived when (for tests, benchmarks and the console).
    this.trace.push([now(), item.type, item.seq ?? item.text ?? ""]);
    if (this.trace.length > 400) this.trace.splice(0, 200);
    switch (item.type) {
      case "audio": {
        const view = buffers[item.buffer];
        if (view) this.play(view, item.rate ?? 24000, item.seq);
        break;
      }
      case "transcript":
        this.addText(item.role === "user" ? "user" : "model", item.text ?? "", !!item.final);
        break;
      case "interrupted":
        this.flush();
        this.addMark("interrupted");
        break;
      case "turn":
        this.player?.port.postMessage({ type: "drain" });
        this.finishAll();
        this.emit({ kind: "entries" });
        break;
      case "tool":
        for (const c of item.calls ?? []) {
          this.addMark(`tool call: ${c.name}(${JSON.stringify(c.args ?? {})})`);
        }
        break;
      case "mark":
        this.addMark(String(item.text ?? ""));
        break;
      default:
        break;
    }
  }

  /** @param {DataView} view @param {number} rate @param {number} seq */
  async play(view, rate, seq) {
    const arrived = this.arrived ?? now();
    // Copy: the DataView may be unaligned for Int16Array and belongs to the comm layer.
    const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
    const pcm = new Int16Array(bytes, 0, bytes.byteLength >> 1);
    const ctx = this.ctx ?? (await this.audio());
    let rs = this.resamplers.get(rate);
    if (!rs) {
      rs = new Resampler(rate, ctx.sampleRate);
      this.resamplers.set(rate, rs);
    }
    const samples = rs.process(pcm16ToFloat(pcm));
    const copy = samples.slice();
    this.player?.port.postMessage({ type: "push", samples: copy }, [copy.buffer]);
    this.acks.push([seq, now(), arrived]);
    this.stats.chunksScheduled++;
  }

  /** Drop every queued reply sample at once (interruption or disconnect). */
  flush() {
    // Kept for tests and the console: how much was queued, and what the worklet reports after.
    this.flushes.push({ at: now(), bufferedMsBefore: this.stats.bufferedMs, bufferedMsAfter: null });
    if (this.flushes.length > 20) this.flushes.shift();
    this.player?.port.postMessage({ type: "flush" });
    for (const rs of this.resamplers.values()) rs.reset();
  }

  /** @param {'user'|'model'} role @param {string} text @param {boolean} final */
  addText(role, text, final) {
    let last = null;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.kind === role && !e.final) {
        last = e;
        break;
      }
    }
    if (last) {
      last.text += text;
      last.final = final;
      last.v++;
    } else if (text) {
      this.entries.push({ kind: role, text, final, v: 0 });
    }
    this.emit({ kind: "entries" });
  }

  /** A message typed in the widget: its own, finished user entry. @param {string} text */
  addTyped(text) {
    this.finishAll();
    this.entries.push({ kind: "user", text, final: true, v: 0 });
    this.emit({ kind: "entries" });
  }

  /** @param {string} text */
  addMark(text) {
    this.finishAll();
    this.entries.push({ kind: "mark", text, final: true, v: 0 });
    this.emit({ kind: "entries" });
  }

  finishAll() {
    for (const e of this.entries) {
      if (!e.final) {
        e.final = true;
        e.v++;
      }
    }
  }

  /** Start or stop the microphone to match the `mic_on` trait. */
  async syncMic() {
    if (!this.model.get("mic_on")) {
      this.stopMic();
      return;
    }
    if (this.stream) return;
    if (!globalThis.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      this.setError(
        `The microphone needs a secure context (https:// or http://localhost); this page is ${location.origin}. Open Jupyter through localhost or https.`,
      );
      this.model.set("mic_on", false);
      this.model.save_changes();
      return;
    }
    try {
      const ctx = await this.audio();
      const flags = this.model.get("audio_constraints") ?? {};
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          echoCancellation: flags.echoCancellation ?? true,
          noiseSuppression: flags.noiseSuppression ?? true,
          autoGainControl: flags.autoGainControl ?? true,
          channelCount: 1,
        },
      });
      if (!this.model.get("mic_on")) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      this.stream = stream;
      this.source = ctx.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(ctx, "gemlive-capture", {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { frameMs: this.model.get("frame_ms") },
      });
      node.port.onmessage = (e) => this.onFrame(e.data);
      this.source.connect(node);
      node.connect(ctx.destination); // silent output keeps the node pulled by the graph
      this.capture = node;
      if (this.model.get("error").startsWith("The microphone") || this.model.get("error").startsWith("Microphone")) {
        this.setError("");
      }
      this.emit({ kind: "mic" });
    } catch (err) {
      this.setError(micErrorText(err));
      this.model.set("mic_on", false);
      this.model.save_changes();
    }
  }

  stopMic() {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.source?.disconnect();
    this.capture?.disconnect();
    if (this.capture) this.capture.port.onmessage = null;
    this.stream = null;
    this.source = null;
    this.capture = null;
    this.inputDb = -100;
    this.emit({ kind: "mic" });
  }

  /** @param {{seq: number, pcm: ArrayBuffer, level: number}} f */
  onFrame(f) {
    this.inputDb = f.level;
    this.emit({ kind: "levels" });
    const live = this.model.get("push_to_talk") ? this.talking : true;
    if (!this.model.get("connected") || !live) return;
    this.send({ type: "audio", seq: f.seq, rate: 16000, t: now() }, [f.pcm]);
    this.stats.framesSent++;
  }

  /** Push-to-talk pressed or released. @param {boolean} down */
  talk(down) {
    if (down === this.talking) return;
    this.talking = down;
    if (down && !this.model.get("mic_on")) {
      this.model.set("mic_on", true);
      this.model.save_changes();
    }
    if (this.model.get("connected")) this.send({ type: "activity", state: down ? "start" : "end" });
    this.emit({ kind: "talk" });
  }

  destroy() {
    clearInterval(this.timer);
    this.stopMic();
    this.model.off("msg:custom", this.onCustom);
    this.model.off("change:mic_on", this.onMic);
    this.model.off("change:muted", this.onMuted);
    this.model.off("change:connected", this.onConnected);
    this.player?.disconnect();
    this.ctx?.close().catch(() => {});
    this.listeners.clear();
  }
}

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

/**
 * Draw one view of the widget and keep it in sync; returns the cleanup function.
 * @param {Model} model @param {HTMLElement} el @param {AudioEngine} engine
 */
function renderView(model, el, engine) {
  const connectBtn = h("button", { class: "gl-connect", type: "button" });
  const micBtn = h("button", { class: "gl-mic", type: "button" });
  const talkBtn = h("button", { class: "gl-talk", type: "button", title: "Hold (or hold Space)" }, [
    "Hold to talk",
  ]);
  const muteBtn = h("button", { class: "gl-mute", type: "button" });
  const pttBox = h("input", { type: "checkbox", class: "gl-ptt-box" });
  const voiceSel = h("select", { class: "gl-voice", title: "Voice" });
  const langSel = h("select", { class: "gl-language", title: "Language" });
  const status = h("span", { class: "gl-status-text" });
  const dot = h("span", { class: "gl-dot" });
  const info = h("span", { class: "gl-info" });
  const inBar = h("div", { class: "gl-bar" });
  const outBar = h("div", { class: "gl-bar" });
  const transcript = h("div", { class: "gl-transcript", "aria-live": "polite" });
  const error = h("div", { class: "gl-error", role: "alert" });
  const hint = h("div", { class: "gl-hint" });
  const textIn = h("input", { type: "text", class: "gl-text", placeholder: "Type a message…" });
  const sendBtn = h("button", { class: "gl-send-btn", type: "button" }, ["Send"]);
  const root = h("div", { class: "gl-root", tabIndex: 0, "data-lm-suppress-shortcuts": "true" }, [
    h("div", { class: "gl-row gl-head" }, [dot, status, info]),
    h("div", { class: "gl-row" }, [
      connectBtn,
      micBtn,
      talkBtn,
      muteBtn,
      h("label", { class: "gl-ptt" }, [pttBox, " push-to-talk"]),
      voiceSel,
      langSel,
    ]),
    h("div", { class: "gl-meters" }, [
      h("span", { class: "gl-meter-label" }, ["in"]),
      h("div", { class: "gl-meter gl-in" }, [inBar]),
      h("span", { class: "gl-meter-label" }, ["out"]),
      h("div", { class: "gl-meter gl-out" }, [outBar]),
    ]),
    error,
    hint,
    transcript,
    h("div", { class: "gl-row gl-send" }, [textIn, sendBtn]),
  ]);
  el.replaceChildren(root);

  const fillOptions = () => {
    voiceSel.replaceChildren(
      ...(model.get("voices") ?? []).map((/** @type {{name: string, style: string}} */ v) =>
        h("option", { value: v.name, textContent: `${v.name} — ${v.style}` }),
      ),
    );
    langSel.replaceChildren(
      h("option", { value: "", textContent: "Language: auto" }),
      ...(model.get("languages") ?? []).map((/** @type {{code: string, name: string}} */ l) =>
        h("option", { value: l.code, textContent: `${l.name} (${l.code})` }),
      ),
    );
  };

  const update = () => {
    const connected = !!model.get("connected");
    const state = model.get("status") ?? "idle";
    const busy = state === "connecting" || state === "reconnecting";
    connectBtn.textContent = connected || busy ? "Disconnect" : "Connect";
    connectBtn.classList.toggle("gl-on", connected);
    micBtn.textContent = model.get("mic_on") ? "Mic on" : "Mic off";
    micBtn.classList.toggle("gl-on", !!model.get("mic_on"));
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
    status.textContent = state;
    dot.className = `gl-dot gl-${state}`;
    info.textContent = [model.get("model"), model.get("endpoint")].filter(Boolean).join(" · ");
    info.title = info.textContent;
    const err = model.get("error") ?? "";
    error.textContent = err;
    error.hidden = !err;
  };

  /** @type {{node: HTMLElement, v: number, final: boolean}[]} */
  const drawn = [];
  const drawEntries = () => {
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 30;
    engine.entries.forEach((e, i) => {
      const old = drawn[i];
      if (old && old.v === e.v && old.final === e.final) return;
      const label = e.kind === "user" ? "You" : e.kind === "model" ? "Gemini" : "";
      const node = h("div", { class: `gl-entry gl-${e.kind}${e.final ? "" : " gl-partial"}` }, [
        label ? h("b", {}, [`${label}: `]) : "",
        e.text,
      ]);
      if (old) old.node.replaceWith(node);
      else transcript.append(node);
      drawn[i] = { node, v: e.v, final: e.final };
    });
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  };

  // Meters redraw at most ~12 times a second: cheap even with software rendering.
  let frame = 0;
  const drawLevels = () => {
    frame = 0;
    inBar.style.width = `${meterPct(engine.inputDb)}%`;
    outBar.style.width = `${meterPct(engine.outputDb)}%`;
  };

  /** @param {{kind: string, state?: string}} ev */
  const onEngine = (ev) => {
    if (ev.kind === "entries") drawEntries();
    else if (ev.kind === "levels") frame ||= setTimeout(drawLevels, 80);
    else if (ev.kind === "talk") update();
    else if (ev.kind === "suspended" || ev.kind === "audio-state") {
      hint.textContent =
        engine.ctx?.state === "suspended" ? "Sound is paused by the browser: click the widget to enable it." : "";
    }
  };
  engine.listeners.add(onEngine);

  /** @param {string} name @param {any} value */
  const setTrait = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };

  connectBtn.onclick = () => {
    const active = model.get("connected") || ["connecting", "reconnecting"].includes(model.get("status"));
    if (!active) engine.audio().catch((e) => engine.setError(`Audio output failed: ${e}`));
    engine.send({ type: active ? "disconnect" : "connect" });
  };
  micBtn.onclick = () => setTrait("mic_on", !model.get("mic_on"));
  muteBtn.onclick = () => setTrait("muted", !model.get("muted"));
  pttBox.onchange = () => setTrait("push_to_talk", pttBox.checked);
  voiceSel.onchange = () => setTrait("voice", voiceSel.value);
  langSel.onchange = () => setTrait("language", langSel.value);
  talkBtn.onpointerdown = (e) => {
    talkBtn.setPointerCapture?.(e.pointerId);
    engine.talk(true);
  };
  talkBtn.onpointerup = () => engine.talk(false);
  talkBtn.onpointercancel = () => engine.talk(false);
  root.onpointerdown = () => {
    if (engine.ctx?.state === "suspended") engine.ctx.resume().catch(() => {});
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
    engine.send({ type: "text", text });
    engine.addTyped(text);
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
    "push_to_talk", "endpoint"];
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
    if (frame) clearTimeout(frame);
  };
}

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
    const uid = model.get("_uid");
    engineFor(model);
    return () => {
      engines.get(uid)?.destroy();
      engines.delete(uid);
    };
  },
  /** @param {{model: Model, el: HTMLElement}} ctx */
  render({ model, el }) {
    const engine = engineFor(model);
    // Exposed for tests and debugging in the browser console.
    /** @type {any} */ (el).gemlive = engine;
    /** @type {any} */ (globalThis).__gemlive = engines;
    return renderView(model, el, engine);
  },
};
