// gemlive_nb widget bundle, built from js/ by js/build.mjs. source-sha256: 13f67ab0cc3231810c97e2afebd8bb714fe2d5d6a9b82b4db5178ea6d371cdb1
// worklet:capture
var capture_default = '// dsp.js\nfunction floatToPcm16(input) {\n  const out = new Int16Array(input.length);\n  for (let i = 0; i < input.length; i++) {\n    const v = Math.round(input[i] * 32768);\n    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v || 0;\n  }\n  return out;\n}\nfunction rmsDb(x, floor = -100) {\n  if (x.length === 0) return floor;\n  let sum = 0;\n  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];\n  const rms = Math.sqrt(sum / x.length);\n  return rms > 0 ? Math.max(floor, 20 * Math.log10(rms)) : floor;\n}\nfunction gcd(a, b) {\n  while (b) [a, b] = [b, a % b];\n  return a;\n}\nfunction besselI0(x) {\n  let sum = 1;\n  let term = 1;\n  const q = x * x / 4;\n  for (let k = 1; k < 50; k++) {\n    term *= q / (k * k);\n    sum += term;\n    if (term < sum * 1e-12) break;\n  }\n  return sum;\n}\nfunction kaiserBeta(db) {\n  if (db > 50) return 0.1102 * (db - 8.7);\n  if (db >= 21) return 0.5842 * (db - 21) ** 0.4 + 0.07886 * (db - 21);\n  return 0;\n}\nvar Resampler = class {\n  /**\n   * @param {number} inRate\n   * @param {number} outRate\n   * @param {ResamplerOptions} [options]\n   */\n  constructor(inRate, outRate, options = {}) {\n    if (!(inRate > 0 && outRate > 0) || inRate % 1 || outRate % 1) {\n      throw new RangeError(`sample rates must be positive integers, got ${inRate} -> ${outRate}`);\n    }\n    const attenuation = options.attenuation ?? 80;\n    const passband = options.passband ?? 0.875;\n    if (!(passband > 0 && passband < 1)) {\n      throw new RangeError(`passband must be a fraction between 0 and 1, got ${passband}`);\n    }\n    const g = gcd(inRate, outRate);\n    this.inRate = inRate;\n    this.outRate = outRate;\n    this.L = outRate / g;\n    this.M = inRate / g;\n    const nyquist = Math.min(inRate, outRate) / 2;\n    const fc = (1 + passband) * nyquist / 2 / inRate;\n    const df = (1 - passband) * nyquist / inRate;\n    const taps = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * df)) + 1;\n    this.half = Math.max(2, Math.ceil(taps / 2));\n    const beta = kaiserBeta(attenuation);\n    const i0b = besselI0(beta);\n    const W = this.half;\n    const kernel = (t) => {\n      const r = t / W;\n      if (r <= -1 || r >= 1) return 0;\n      const x = 2 * fc * t;\n      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);\n      return 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);\n    };\n    this.phases = Math.min(this.L, 4096);\n    const width = 2 * W;\n    this.table = [];\n    for (let p = 0; p < this.phases; p++) {\n      const frac = p / this.phases;\n      const row = new Float32Array(width);\n      let sum = 0;\n      for (let k = 0; k < width; k++) {\n        row[k] = kernel(frac + W - 1 - k);\n        sum += row[k];\n      }\n      for (let k = 0; k < width; k++) row[k] /= sum;\n      this.table.push(row);\n    }\n    this.reset();\n  }\n  /** Forget all history (e.g. after a flush). */\n  reset() {\n    this.pending = new Float32Array(Math.max(1024, 4 * this.half));\n    this.pendingLen = this.half - 1;\n    this.base = this.half - 1;\n    this.phase = 0;\n  }\n  /** Filter delay in input samples (half the kernel). */\n  get delay() {\n    return this.half;\n  }\n  /**\n   * Feed input samples; returns the output samples that are now fully determined.\n   * @param {Float32Array} input\n   * @returns {Float32Array}\n   */\n  process(input) {\n    const W = this.half;\n    if (this.pendingLen + input.length > this.pending.length) {\n      let cap = this.pending.length;\n      while (cap < this.pendingLen + input.length) cap *= 2;\n      const next = new Float32Array(cap);\n      next.set(this.pending.subarray(0, this.pendingLen));\n      this.pending = next;\n    }\n    this.pending.set(input, this.pendingLen);\n    this.pendingLen += input.length;\n    const x = this.pending;\n    const L = this.L;\n    const M = this.M;\n    const exact = this.phases === L;\n    const maxOut = Math.floor((this.pendingLen - this.base) * L / M) + 2;\n    const out = new Float32Array(Math.max(0, maxOut));\n    let n = 0;\n    let base = this.base;\n    let phase = this.phase;\n    const width = 2 * W;\n    while (base + W < this.pendingLen) {\n      const p = exact ? phase : Math.floor(phase * this.phases / L);\n      const row = this.table[p];\n      const start = base - W + 1;\n      let acc = 0;\n      for (let k = 0; k < width; k++) acc += row[k] * x[start + k];\n      out[n++] = acc;\n      phase += M;\n      while (phase >= L) {\n        phase -= L;\n        base++;\n      }\n    }\n    const keepFrom = Math.max(0, base - W + 1);\n    if (keepFrom > 0) {\n      x.copyWithin(0, keepFrom, this.pendingLen);\n      this.pendingLen -= keepFrom;\n      base -= keepFrom;\n    }\n    this.base = base;\n    this.phase = phase;\n    return out.subarray(0, n);\n  }\n};\n\n// capture-core.js\nvar CaptureFramer = class {\n  /**\n   * @param {number} inRate the device/context rate\n   * @param {{outRate?: number, frameMs?: number}} [options]\n   */\n  constructor(inRate, options = {}) {\n    this.outRate = options.outRate ?? 16e3;\n    this.frameMs = Math.min(40, Math.max(20, options.frameMs ?? 20));\n    this.frameSize = Math.round(this.outRate * this.frameMs / 1e3);\n    this.resampler = new Resampler(inRate, this.outRate);\n    this.frame = new Float32Array(this.frameSize);\n    this.fill = 0;\n    this.seq = 0;\n  }\n  /**\n   * Feed one block of device-rate samples; returns the frames completed by it.\n   * @param {Float32Array} block\n   * @returns {CaptureFrame[]}\n   */\n  push(block) {\n    const y = this.resampler.process(block);\n    const frames = [];\n    let i = 0;\n    while (i < y.length) {\n      const n = Math.min(y.length - i, this.frameSize - this.fill);\n      this.frame.set(y.subarray(i, i + n), this.fill);\n      this.fill += n;\n      i += n;\n      if (this.fill === this.frameSize) {\n        frames.push({ seq: this.seq++, pcm: floatToPcm16(this.frame), level: rmsDb(this.frame) });\n        this.fill = 0;\n      }\n    }\n    return frames;\n  }\n  /** Drop a partly filled frame and the filter history (mic turned off). */\n  reset() {\n    this.fill = 0;\n    this.resampler.reset();\n  }\n};\n\n// capture-worklet.js\nvar CaptureProcessor = class extends AudioWorkletProcessor {\n  /** @param {{processorOptions?: {frameMs?: number}}} options */\n  constructor(options) {\n    super();\n    this.framer = new CaptureFramer(sampleRate, { frameMs: options.processorOptions?.frameMs });\n    this.port.onmessage = (e) => {\n      if (e.data?.type === "reset") this.framer.reset();\n    };\n  }\n  /** @param {Float32Array[][]} inputs */\n  process(inputs) {\n    const channel = inputs[0]?.[0];\n    if (channel) {\n      for (const f of this.framer.push(channel)) {\n        this.port.postMessage({ seq: f.seq, pcm: f.pcm.buffer, level: f.level }, [f.pcm.buffer]);\n      }\n    }\n    return true;\n  }\n};\nregisterProcessor("gemlive-capture", CaptureProcessor);\n';

// worklet:playback
var playback_default = '// dsp.js\nfunction rmsDb(x, floor = -100) {\n  if (x.length === 0) return floor;\n  let sum = 0;\n  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];\n  const rms = Math.sqrt(sum / x.length);\n  return rms > 0 ? Math.max(floor, 20 * Math.log10(rms)) : floor;\n}\nvar RingBuffer = class {\n  /** @param {number} [capacity] initial capacity, rounded up to a power of two */\n  constructor(capacity = 4096) {\n    let cap = 1;\n    while (cap < capacity) cap *= 2;\n    this.buf = new Float32Array(cap);\n    this.readPos = 0;\n    this.length = 0;\n  }\n  get capacity() {\n    return this.buf.length;\n  }\n  /** @param {Float32Array} samples */\n  push(samples) {\n    const need = this.length + samples.length;\n    if (need > this.buf.length) this._grow(need);\n    const cap = this.buf.length;\n    let w = (this.readPos + this.length) % cap;\n    const first = Math.min(samples.length, cap - w);\n    this.buf.set(samples.subarray(0, first), w);\n    if (first < samples.length) this.buf.set(samples.subarray(first), 0);\n    this.length += samples.length;\n  }\n  /**\n   * Move up to `n` samples (default `out.length`) into `out` starting at `offset`.\n   * @param {Float32Array} out\n   * @param {number} [n]\n   * @param {number} [offset]\n   * @returns {number} how many samples were read\n   */\n  read(out, n = out.length, offset = 0) {\n    const count = Math.min(n, this.length);\n    const cap = this.buf.length;\n    const first = Math.min(count, cap - this.readPos);\n    out.set(this.buf.subarray(this.readPos, this.readPos + first), offset);\n    if (first < count) out.set(this.buf.subarray(0, count - first), offset + first);\n    this.readPos = (this.readPos + count) % cap;\n    this.length -= count;\n    return count;\n  }\n  /** Drop everything unread. */\n  clear() {\n    this.readPos = 0;\n    this.length = 0;\n  }\n  /** @param {number} need */\n  _grow(need) {\n    let cap = this.buf.length;\n    while (cap < need) cap *= 2;\n    const next = new Float32Array(cap);\n    const len = this.length;\n    this.read(next, len);\n    this.buf = next;\n    this.readPos = 0;\n    this.length = len;\n  }\n};\n\n// playback-core.js\nvar PlaybackBuffer = class {\n  /**\n   * @param {number} rate output sample rate\n   * @param {{startMs?: number, stepMs?: number, maxMs?: number}} [options]\n   */\n  constructor(rate, options = {}) {\n    this.rate = rate;\n    this.startMs = options.startMs ?? 100;\n    this.stepMs = options.stepMs ?? 50;\n    this.maxMs = options.maxMs ?? 400;\n    this.targetMs = this.startMs;\n    this.ring = new RingBuffer(rate);\n    this.playing = false;\n    this.draining = false;\n    this.played = 0;\n    this.underruns = 0;\n  }\n  /** @param {Float32Array} samples */\n  push(samples) {\n    this.ring.push(samples);\n  }\n  /** The stream paused (turn complete): play what is buffered even if under the target. */\n  drain() {\n    this.draining = true;\n  }\n  /** Drop all buffered audio at once (the model was interrupted). */\n  flush() {\n    this.ring.clear();\n    this.playing = false;\n    this.draining = false;\n  }\n  /**\n   * Fill `out` (silence where no audio is due); returns how many real samples were played.\n   * @param {Float32Array} out\n   * @returns {number}\n   */\n  render(out) {\n    if (!this.playing) {\n      const target = this.targetMs * this.rate / 1e3;\n      if (this.ring.length >= target || this.draining && this.ring.length > 0) {\n        this.playing = true;\n      } else {\n        out.fill(0);\n        return 0;\n      }\n    }\n    const n = this.ring.read(out);\n    if (n < out.length) {\n      out.fill(0, n);\n      this.playing = false;\n      if (!this.draining) {\n        this.underruns++;\n        this.targetMs = Math.min(this.maxMs, this.targetMs + this.stepMs);\n      }\n      if (this.ring.length === 0) this.draining = false;\n    }\n    this.played += n;\n    return n;\n  }\n  /** @returns {PlaybackStats} */\n  stats() {\n    return {\n      played: this.played,\n      buffered: this.ring.length,\n      targetMs: this.targetMs,\n      underruns: this.underruns,\n      playing: this.playing\n    };\n  }\n};\n\n// playback-worklet.js\nvar PlaybackProcessor = class extends AudioWorkletProcessor {\n  constructor() {\n    super();\n    this.buffer = new PlaybackBuffer(sampleRate);\n    this.gain = 1;\n    this.sinceReport = 0;\n    this.levelSum = 0;\n    this.levelCount = 0;\n    this.port.onmessage = (e) => {\n      const m = e.data;\n      if (m.type === "push") this.buffer.push(m.samples);\n      else if (m.type === "drain") this.buffer.drain();\n      else if (m.type === "gain") this.gain = m.value;\n      else if (m.type === "flush") {\n        this.buffer.flush();\n        this.report(true);\n      }\n    };\n  }\n  /** @param {boolean} flushed */\n  report(flushed) {\n    const rms = this.levelCount ? Math.sqrt(this.levelSum / this.levelCount) : 0;\n    this.port.postMessage({\n      type: "stats",\n      ...this.buffer.stats(),\n      level: rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100,\n      flushed\n    });\n    this.sinceReport = 0;\n    this.levelSum = 0;\n    this.levelCount = 0;\n  }\n  /** @param {Float32Array[][]} _inputs @param {Float32Array[][]} outputs */\n  process(_inputs, outputs) {\n    const out = outputs[0];\n    const first = out[0];\n    this.buffer.render(first);\n    const db = rmsDb(first);\n    const lin = db > -100 ? 10 ** (db / 20) : 0;\n    this.levelSum += lin * lin * first.length;\n    this.levelCount += first.length;\n    if (this.gain !== 1) for (let i = 0; i < first.length; i++) first[i] *= this.gain;\n    for (let c = 1; c < out.length; c++) out[c].set(first);\n    this.sinceReport += first.length;\n    if (this.sinceReport >= sampleRate / 20) this.report(false);\n    return true;\n  }\n};\nregisterProcessor("gemlive-playback", PlaybackProcessor);\n';

// dsp.js
function pcm16ToFloat(input) {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] / 32768;
  return out;
}
function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}
function besselI0(x) {
  let sum = 1;
  let term = 1;
  const q = x * x / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}
function kaiserBeta(db) {
  if (db > 50) return 0.1102 * (db - 8.7);
  if (db >= 21) return 0.5842 * (db - 21) ** 0.4 + 0.07886 * (db - 21);
  return 0;
}
var Resampler = class {
  /**
   * @param {number} inRate
   * @param {number} outRate
   * @param {ResamplerOptions} [options]
   */
  constructor(inRate, outRate, options = {}) {
    if (!(inRate > 0 && outRate > 0) || inRate % 1 || outRate % 1) {
      throw new RangeError(`sample rates must be positive integers, got ${inRate} -> ${outRate}`);
    }
    const attenuation = options.attenuation ?? 80;
    const passband = options.passband ?? 0.875;
    if (!(passband > 0 && passband < 1)) {
      throw new RangeError(`passband must be a fraction between 0 and 1, got ${passband}`);
    }
    const g = gcd(inRate, outRate);
    this.inRate = inRate;
    this.outRate = outRate;
    this.L = outRate / g;
    this.M = inRate / g;
    const nyquist = Math.min(inRate, outRate) / 2;
    const fc = (1 + passband) * nyquist / 2 / inRate;
    const df = (1 - passband) * nyquist / inRate;
    const taps = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * df)) + 1;
    this.half = Math.max(2, Math.ceil(taps / 2));
    const beta = kaiserBeta(attenuation);
    const i0b = besselI0(beta);
    const W = this.half;
    const kernel = (t) => {
      const r = t / W;
      if (r <= -1 || r >= 1) return 0;
      const x = 2 * fc * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      return 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);
    };
    this.phases = Math.min(this.L, 4096);
    const width = 2 * W;
    this.table = [];
    for (let p = 0; p < this.phases; p++) {
      const frac = p / this.phases;
      const row = new Float32Array(width);
      let sum = 0;
      for (let k = 0; k < width; k++) {
        row[k] = kernel(frac + W - 1 - k);
        sum += row[k];
      }
      for (let k = 0; k < width; k++) row[k] /= sum;
      this.table.push(row);
    }
    this.reset();
  }
  /** Forget all history (e.g. after a flush). */
  reset() {
    this.pending = new Float32Array(Math.max(1024, 4 * this.half));
    this.pendingLen = this.half - 1;
    this.base = this.half - 1;
    this.phase = 0;
  }
  /** Filter delay in input samples (half the kernel). */
  get delay() {
    return this.half;
  }
  /**
   * Feed input samples; returns the output samples that are now fully determined.
   * @param {Float32Array} input
   * @returns {Float32Array}
   */
  process(input) {
    const W = this.half;
    if (this.pendingLen + input.length > this.pending.length) {
      let cap = this.pending.length;
      while (cap < this.pendingLen + input.length) cap *= 2;
      const next = new Float32Array(cap);
      next.set(this.pending.subarray(0, this.pendingLen));
      this.pending = next;
    }
    this.pending.set(input, this.pendingLen);
    this.pendingLen += input.length;
    const x = this.pending;
    const L = this.L;
    const M = this.M;
    const exact = this.phases === L;
    const maxOut = Math.floor((this.pendingLen - this.base) * L / M) + 2;
    const out = new Float32Array(Math.max(0, maxOut));
    let n = 0;
    let base = this.base;
    let phase = this.phase;
    const width = 2 * W;
    while (base + W < this.pendingLen) {
      const p = exact ? phase : Math.floor(phase * this.phases / L);
      const row = this.table[p];
      const start = base - W + 1;
      let acc = 0;
      for (let k = 0; k < width; k++) acc += row[k] * x[start + k];
      out[n++] = acc;
      phase += M;
      while (phase >= L) {
        phase -= L;
        base++;
      }
    }
    const keepFrom = Math.max(0, base - W + 1);
    if (keepFrom > 0) {
      x.copyWithin(0, keepFrom, this.pendingLen);
      this.pendingLen -= keepFrom;
      base -= keepFrom;
    }
    this.base = base;
    this.phase = phase;
    return out.subarray(0, n);
  }
};

// widget.js
var now = () => performance.timeOrigin + performance.now();
var engines = /* @__PURE__ */ new Map();
var blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
function micErrorText(err) {
  const e = (
    /** @type {{name?: string, message?: string}} */
    err ?? {}
  );
  if (e.name === "NotAllowedError" || e.name === "SecurityError") {
    return `Microphone access was refused (${e.name}). Allow the microphone for this page in the browser's site settings, then press Mic again.`;
  }
  if (e.name === "NotFoundError" || e.name === "OverconstrainedError") {
    return `No usable microphone was found (${e.name}). Plug one in or pick another input device, then press Mic again.`;
  }
  return `The microphone could not be started: ${e.name ?? "Error"}: ${e.message ?? err}`;
}
var AudioEngine = class {
  /** @param {Model} model */
  constructor(model) {
    this.model = model;
    this.ctx = null;
    this.starting = null;
    this.player = null;
    this.capture = null;
    this.stream = null;
    this.source = null;
    this.resamplers = /* @__PURE__ */ new Map();
    this.entries = [];
    this.listeners = /* @__PURE__ */ new Set();
    this.acks = [];
    this.arrived = void 0;
    this.transit = [];
    this.playedCtx = 0;
    this.sentPlayed = -1;
    this.inputDb = -100;
    this.outputDb = -100;
    this.sentLevels = [-100, -100];
    this.talking = false;
    this.stats = { framesSent: 0, chunksScheduled: 0, underruns: 0, bufferedMs: 0 };
    this.flushes = [];
    this.trace = [];
    this.onCustom = (msg, buffers) => this.receive(msg, buffers ?? []);
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
    this.model.send(content, void 0, buffers ?? []);
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
      if (this.ctx.state === "suspended") await this.ctx.resume().catch(() => {
      });
      return this.ctx;
    }
    this.starting ?? (this.starting = (async () => {
      const ctx = new AudioContext({ latencyHint: "interactive" });
      const urls = [blobUrl(playback_default), blobUrl(capture_default)];
      try {
        for (const url of urls) await ctx.audioWorklet.addModule(url);
      } finally {
        urls.forEach((u) => URL.revokeObjectURL(u));
      }
      const player = new AudioWorkletNode(ctx, "gemlive-playback", {
        numberOfInputs: 0,
        outputChannelCount: [1]
      });
      player.port.onmessage = (e) => this.onPlayerStats(e.data);
      player.port.postMessage({ type: "gain", value: this.gain() });
      player.connect(ctx.destination);
      this.player = player;
      this.ctx = ctx;
      if (ctx.state === "suspended") {
        ctx.resume().catch(() => {
        });
        this.emit({ kind: "suspended" });
      }
      ctx.onstatechange = () => this.emit({ kind: "audio-state", state: ctx.state });
      return ctx;
    })());
    return this.starting;
  }
  /** @param {{played: number, buffered: number, underruns: number, level: number, flushed: boolean}} s */
  onPlayerStats(s) {
    this.playedCtx = s.played;
    const last = this.flushes[this.flushes.length - 1];
    if (s.flushed && last && last.bufferedMsAfter === null && this.ctx) {
      last.bufferedMsAfter = 1e3 * s.buffered / this.ctx.sampleRate;
    }
    this.outputDb = s.level;
    this.stats.underruns = s.underruns;
    this.stats.bufferedMs = this.ctx ? 1e3 * s.buffered / this.ctx.sampleRate : 0;
    this.emit({ kind: "levels" });
  }
  /** The 24 kHz samples actually played so far (the kernel's unit). */
  played24k() {
    return this.ctx ? Math.round(this.playedCtx * 24e3 / this.ctx.sampleRate) : 0;
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
    this.trace.push([now(), item.type, item.seq ?? item.text ?? ""]);
    if (this.trace.length > 400) this.trace.splice(0, 200);
    switch (item.type) {
      case "audio": {
        const view = buffers[item.buffer];
        if (view) this.play(view, item.rate ?? 24e3, item.seq);
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
    const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
    const pcm = new Int16Array(bytes, 0, bytes.byteLength >> 1);
    const ctx = this.ctx ?? await this.audio();
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
        `The microphone needs a secure context (https:// or http://localhost); this page is ${location.origin}. Open Jupyter through localhost or https.`
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
          channelCount: 1
        }
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
        processorOptions: { frameMs: this.model.get("frame_ms") }
      });
      node.port.onmessage = (e) => this.onFrame(e.data);
      this.source.connect(node);
      node.connect(ctx.destination);
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
    this.send({ type: "audio", seq: f.seq, rate: 16e3, t: now() }, [f.pcm]);
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
    this.ctx?.close().catch(() => {
    });
    this.listeners.clear();
  }
};
function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
}
var meterPct = (db) => Math.max(0, Math.min(100, (db + 60) / 60 * 100));
function renderView(model, el, engine) {
  const connectBtn = h("button", { class: "gl-connect", type: "button" });
  const micBtn = h("button", { class: "gl-mic", type: "button" });
  const talkBtn = h("button", { class: "gl-talk", type: "button", title: "Hold (or hold Space)" }, [
    "Hold to talk"
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
  const textIn = h("input", { type: "text", class: "gl-text", placeholder: "Type a message\u2026" });
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
      langSel
    ]),
    h("div", { class: "gl-meters" }, [
      h("span", { class: "gl-meter-label" }, ["in"]),
      h("div", { class: "gl-meter gl-in" }, [inBar]),
      h("span", { class: "gl-meter-label" }, ["out"]),
      h("div", { class: "gl-meter gl-out" }, [outBar])
    ]),
    error,
    hint,
    transcript,
    h("div", { class: "gl-row gl-send" }, [textIn, sendBtn])
  ]);
  el.replaceChildren(root);
  const fillOptions = () => {
    voiceSel.replaceChildren(
      ...(model.get("voices") ?? []).map(
        (v) => h("option", { value: v.name, textContent: `${v.name} \u2014 ${v.style}` })
      )
    );
    langSel.replaceChildren(
      h("option", { value: "", textContent: "Language: auto" }),
      ...(model.get("languages") ?? []).map(
        (l) => h("option", { value: l.code, textContent: `${l.name} (${l.code})` })
      )
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
    info.textContent = [model.get("model"), model.get("endpoint")].filter(Boolean).join(" \xB7 ");
    info.title = info.textContent;
    const err = model.get("error") ?? "";
    error.textContent = err;
    error.hidden = !err;
  };
  const drawn = [];
  const drawEntries = () => {
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 30;
    engine.entries.forEach((e, i) => {
      const old = drawn[i];
      if (old && old.v === e.v && old.final === e.final) return;
      const label = e.kind === "user" ? "You" : e.kind === "model" ? "Gemini" : "";
      const node = h("div", { class: `gl-entry gl-${e.kind}${e.final ? "" : " gl-partial"}` }, [
        label ? h("b", {}, [`${label}: `]) : "",
        e.text
      ]);
      if (old) old.node.replaceWith(node);
      else transcript.append(node);
      drawn[i] = { node, v: e.v, final: e.final };
    });
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  };
  let frame = 0;
  const drawLevels = () => {
    frame = 0;
    inBar.style.width = `${meterPct(engine.inputDb)}%`;
    outBar.style.width = `${meterPct(engine.outputDb)}%`;
  };
  const onEngine = (ev) => {
    if (ev.kind === "entries") drawEntries();
    else if (ev.kind === "levels") frame || (frame = setTimeout(drawLevels, 80));
    else if (ev.kind === "talk") update();
    else if (ev.kind === "suspended" || ev.kind === "audio-state") {
      hint.textContent = engine.ctx?.state === "suspended" ? "Sound is paused by the browser: click the widget to enable it." : "";
    }
  };
  engine.listeners.add(onEngine);
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
    if (engine.ctx?.state === "suspended") engine.ctx.resume().catch(() => {
    });
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
  textIn.onkeydown = (e) => {
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      submit();
    }
  };
  sendBtn.onclick = submit;
  const traits = [
    "status",
    "error",
    "voice",
    "language",
    "model",
    "connected",
    "mic_on",
    "muted",
    "push_to_talk",
    "endpoint"
  ];
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
function engineFor(model) {
  const uid = model.get("_uid");
  let engine = engines.get(uid);
  if (!engine) {
    engine = new AudioEngine(model);
    engines.set(uid, engine);
  }
  return engine;
}
var widget_default = {
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
    el.gemlive = engine;
    globalThis.__gemlive = engines;
    return renderView(model, el, engine);
  }
};
export {
  widget_default as default
};
