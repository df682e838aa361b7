// gemlive_nb widget bundle, built from js/ by js/build.mjs. source-sha256: 9b2baf1df0d8883a73405bf840cb9109dfb231186669d48c6a5bf285cc419a1d
// worklet:capture
var capture_default = '// dsp.js\nfunction floatToPcm16(input) {\n  const out = new Int16Array(input.length);\n  for (let i = 0; i < input.length; i++) {\n    const v = Math.round(input[i] * 32768);\n    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v || 0;\n  }\n  return out;\n}\nfunction rmsDb(x, floor = -100) {\n  if (x.length === 0) return floor;\n  let sum = 0;\n  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];\n  const rms = Math.sqrt(sum / x.length);\n  return rms > 0 ? Math.max(floor, 20 * Math.log10(rms)) : floor;\n}\nfunction gcd(a, b) {\n  while (b) [a, b] = [b, a % b];\n  return a;\n}\nfunction besselI0(x) {\n  let sum = 1;\n  let term = 1;\n  const q = x * x / 4;\n  for (let k = 1; k < 50; k++) {\n    term *= q / (k * k);\n    sum += term;\n    if (term < sum * 1e-12) break;\n  }\n  return sum;\n}\nfunction kaiserBeta(db) {\n  if (db > 50) return 0.1102 * (db - 8.7);\n  if (db >= 21) return 0.5842 * (db - 21) ** 0.4 + 0.07886 * (db - 21);\n  return 0;\n}\nvar Resampler = class {\n  /**\n   * @param {number} inRate\n   * @param {number} outRate\n   * @param {ResamplerOptions} [options]\n   */\n  constructor(inRate, outRate, options = {}) {\n    if (!(inRate > 0 && outRate > 0) || inRate % 1 || outRate % 1) {\n      throw new RangeError(`sample rates must be positive integers, got ${inRate} -> ${outRate}`);\n    }\n    const attenuation = options.attenuation ?? 80;\n    const passband = options.passband ?? 0.875;\n    if (!(passband > 0 && passband < 1)) {\n      throw new RangeError(`passband must be a fraction between 0 and 1, got ${passband}`);\n    }\n    const g = gcd(inRate, outRate);\n    this.inRate = inRate;\n    this.outRate = outRate;\n    this.L = outRate / g;\n    this.M = inRate / g;\n    const nyquist = Math.min(inRate, outRate) / 2;\n    const fc = (1 + passband) * nyquist / 2 / inRate;\n    const df = (1 - passband) * nyquist / inRate;\n    const taps = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * df)) + 1;\n    this.half = Math.max(2, Math.ceil(taps / 2));\n    const beta = kaiserBeta(attenuation);\n    const i0b = besselI0(beta);\n    const W = this.half;\n    const kernel = (t) => {\n      const r = t / W;\n      if (r <= -1 || r >= 1) return 0;\n      const x = 2 * fc * t;\n      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);\n      return 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);\n    };\n    this.phases = Math.min(this.L, 4096);\n    const width = 2 * W;\n    this.table = [];\n    for (let p = 0; p < this.phases; p++) {\n      const frac = p / this.phases;\n      const row = new Float32Array(width);\n      let sum = 0;\n      for (let k = 0; k < width; k++) {\n        row[k] = kernel(frac + W - 1 - k);\n        sum += row[k];\n      }\n      for (let k = 0; k < width; k++) row[k] /= sum;\n      this.table.push(row);\n    }\n    this.pending = new Float32Array(0);\n    this.pendingLen = 0;\n    this.base = 0;\n    this.phase = 0;\n    this.reset();\n  }\n  /** Forget all history (e.g. after a flush). */\n  reset() {\n    this.pending = new Float32Array(Math.max(1024, 4 * this.half));\n    this.pendingLen = this.half - 1;\n    this.base = this.half - 1;\n    this.phase = 0;\n  }\n  /** Filter delay in input samples (half the kernel). */\n  get delay() {\n    return this.half;\n  }\n  /**\n   * Feed input samples; returns the output samples that are now fully determined.\n   * @param {Float32Array} input\n   * @returns {Float32Array}\n   */\n  process(input) {\n    const W = this.half;\n    if (this.pendingLen + input.length > this.pending.length) {\n      let cap = this.pending.length;\n      while (cap < this.pendingLen + input.length) cap *= 2;\n      const next = new Float32Array(cap);\n      next.set(this.pending.subarray(0, this.pendingLen));\n      this.pending = next;\n    }\n    this.pending.set(input, this.pendingLen);\n    this.pendingLen += input.length;\n    const x = this.pending;\n    const L = this.L;\n    const M = this.M;\n    const exact = this.phases === L;\n    const maxOut = Math.floor((this.pendingLen - this.base) * L / M) + 2;\n    const out = new Float32Array(Math.max(0, maxOut));\n    let n = 0;\n    let base = this.base;\n    let phase = this.phase;\n    const width = 2 * W;\n    while (base + W < this.pendingLen) {\n      const p = exact ? phase : Math.floor(phase * this.phases / L);\n      const row = this.table[p];\n      const start = base - W + 1;\n      let acc = 0;\n      for (let k = 0; k < width; k++) acc += row[k] * x[start + k];\n      out[n++] = acc;\n      phase += M;\n      while (phase >= L) {\n        phase -= L;\n        base++;\n      }\n    }\n    const keepFrom = Math.max(0, base - W + 1);\n    if (keepFrom > 0) {\n      x.copyWithin(0, keepFrom, this.pendingLen);\n      this.pendingLen -= keepFrom;\n      base -= keepFrom;\n    }\n    this.base = base;\n    this.phase = phase;\n    return out.subarray(0, n);\n  }\n};\n\n// messages.js\nvar TO_BROWSER = Object.freeze({\n  /** {t, items}: coalesced items, sent at most once per interval */\n  BATCH: "batch",\n  /** {seq, rate, reply, buffer}: reply PCM16, buffer: index */\n  AUDIO: "audio",\n  /** {role, text, final, reply, replace?}: deltas, merged per role+reply; replace: text is the reply\'s words so far (its transcription came after its text parts) */\n  TRANSCRIPT: "transcript",\n  /** {}: the model was interrupted, drop queued playback */\n  INTERRUPTED: "interrupted",\n  /** {heard}: a barge-in cut the reply; heard = the words that were played */\n  CUT: "cut",\n  /** {reason, ttfa_ms}: the reply ended; ttfa_ms = time to first audio */\n  TURN: "turn",\n  /** {calls}: the model called notebook functions */\n  TOOL: "tool",\n  /** {text, tone}: a note in the transcript (tone: info | warn | error) */\n  MARK: "mark",\n  /** {}: ReplayWidget\'s WAV (both sides), one buffer */\n  REPLAY_AUDIO: "replay_audio",\n  /** {sources: [{title, uri}]}: the reply\'s sources (http/https only) */\n  GROUNDING: "grounding"\n});\nvar TO_KERNEL = Object.freeze({\n  /** {probe}: a view is up; probe describes the browser environment */\n  READY: "ready",\n  /** {seq, frames, rate, t, lost, samples?, epoch?, acks?, levels?}: mic frames, one buffer; rate: the PCM\'s, RATES.MIC_MIN..MIC_MAX (the kernel resamples it to 16 kHz) */\n  AUDIO: "audio",\n  /** {samples, epoch, acks, levels?}: playback progress when no mic audio is going; samples played in the session numbered epoch (_session_epoch) */\n  PLAYED: "played",\n  /** {}: the Connect (or Mic) button asks for a session */\n  CONNECT: "connect",\n  /** {}: the Disconnect button */\n  DISCONNECT: "disconnect",\n  /** {text}: a typed message */\n  TEXT: "text",\n  /** {state}: push-to-talk start | end */\n  ACTIVITY: "activity",\n  /** {coupling_db}: how loud the played reply comes back through the mic */\n  ECHO: "echo",\n  /** {mime, source}: one camera or screen frame (JPEG), one buffer */\n  VIDEO: "video"\n});\nvar EXPLORER_TO_BROWSER = Object.freeze({\n  /** {voice, text, language, rate, request, error?}: a card\'s PCM16, one buffer */\n  AUDIO: "audio"\n});\nvar EXPLORER_TO_KERNEL = Object.freeze({\n  /** {voice, request}: play a voice card (generated first if needed) */\n  PLAY: "play",\n  /** {voices}: generate the samples of these voices */\n  GENERATE: "generate",\n  /** {voice}: toggle a voice\'s favourite star */\n  FAVOURITE: "favourite"\n});\nvar RATES = Object.freeze({\n  MIC: 16e3,\n  REPLY: 24e3,\n  MIC_MIN: 8e3,\n  MIC_MAX: 48e3\n});\nvar BUDGET = Object.freeze({\n  MAX_MESSAGES_PER_S: 25,\n  FLUSH_MS: 40,\n  GATHER_MS: 4,\n  FLUSH_MAX_MS: 250,\n  LAG_HIGH_MS: 120,\n  UPLINK_MS: 100,\n  UPLINK_MAX_MS: 240,\n  UPLINK_QUIET_MS: 250,\n  QUIET_AFTER_MS: 1500,\n  VOICE_DB: -50,\n  LEVEL_SYNC_MS: 1e3,\n  METER_FPS: 15,\n  PREROLL_MS: 3e3,\n  VIDEO_FRAME_MS: 1e3,\n  VIDEO_MAX_SIDE: 768,\n  VIDEO_JPEG_QUALITY: 0.7\n});\n\n// capture-core.js\nvar CaptureFramer = class {\n  /**\n   * @param {number} inRate the device/context rate\n   * @param {{outRate?: number, frameMs?: number}} [options]\n   */\n  constructor(inRate, options = {}) {\n    this.outRate = options.outRate ?? RATES.MIC;\n    this.frameMs = Math.min(40, Math.max(20, options.frameMs ?? 20));\n    this.frameSize = Math.round(this.outRate * this.frameMs / 1e3);\n    this.resampler = new Resampler(inRate, this.outRate);\n    this.frame = new Float32Array(this.frameSize);\n    this.fill = 0;\n    this.seq = 0;\n  }\n  /**\n   * Feed one block of device-rate samples; returns the frames completed by it.\n   * @param {Float32Array} block\n   * @returns {CaptureFrame[]}\n   */\n  push(block) {\n    const y = this.resampler.process(block);\n    const frames = [];\n    let i = 0;\n    while (i < y.length) {\n      const n = Math.min(y.length - i, this.frameSize - this.fill);\n      this.frame.set(y.subarray(i, i + n), this.fill);\n      this.fill += n;\n      i += n;\n      if (this.fill === this.frameSize) {\n        const pcm = floatToPcm16(this.frame);\n        frames.push({ seq: this.seq++, pcm, rate: this.outRate, level: rmsDb(this.frame) });\n        this.fill = 0;\n      }\n    }\n    return frames;\n  }\n  /** Drop a partly filled frame and the filter history (mic turned off). */\n  reset() {\n    this.fill = 0;\n    this.resampler.reset();\n  }\n};\nvar BATCH_MS = 80;\nvar FrameBatch = class {\n  /** @param {number} frameMs */\n  constructor(frameMs) {\n    this.size = Math.max(1, Math.round(BATCH_MS / frameMs));\n    this.frames = [];\n    this.first = true;\n  }\n  /** Add a frame; returns the frames to post now, or null. @param {any} frame */\n  add(frame) {\n    this.frames.push(frame);\n    if (!this.first && this.frames.length < this.size) return null;\n    this.first = false;\n    const out = this.frames;\n    this.frames = [];\n    return out;\n  }\n  reset() {\n    this.frames = [];\n    this.first = true;\n  }\n};\n\n// echo.js\nvar FLOOR_DB = -100;\nvar ACTIVE_DB = -50;\nvar SILENT_DB = -90;\nvar MIN_EVIDENCE = 50;\nvar WARMUP_EVERY = 5;\nfunction energyDb(x) {\n  let sum = 0;\n  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];\n  return sum > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(sum / x.length)) : FLOOR_DB;\n}\nvar EchoMeter = class {\n  /**\n   * @param {number} rate the context rate\n   * @param {{hopMs?: number, windowS?: number, maxLagMs?: number, minCorr?: number,\n   *   prior?: {corr: number, lagMs: number, couplingDb: number, judged?: boolean} | null}} [options]\n   *   `prior`: the report of an earlier meter on the same device (the mic was off in between)\n   */\n  constructor(rate, options = {}) {\n    this.hop = Math.round(rate * (options.hopMs ?? 10) / 1e3);\n    this.hopMs = options.hopMs ?? 10;\n    this.size = Math.round(1e3 * (options.windowS ?? 2) / this.hopMs);\n    this.maxLag = Math.round((options.maxLagMs ?? 300) / this.hopMs);\n    this.minCorr = options.minCorr ?? 0.85;\n    this.mic = new Float32Array(this.size).fill(FLOOR_DB);\n    this.ref = new Float32Array(this.size).fill(FLOOR_DB);\n    this.count = 0;\n    this.micAcc = new Float32Array(this.hop);\n    this.refAcc = new Float32Array(this.hop);\n    this.fill = 0;\n    this.corr = 0;\n    this.lag = 0;\n    this.couplingDb = FLOOR_DB;\n    this.judged = false;\n    const prior = options.prior;\n    if (prior && (prior.corr >= this.minCorr || prior.judged)) {\n      [this.corr, this.lag, this.couplingDb] = [prior.corr, Math.round(prior.lagMs / this.hopMs), prior.couplingDb];\n      this.judged = true;\n    }\n    this.latch = new EchoLatch(this.minCorr);\n  }\n  /**\n   * One block of mic samples and the reference played at the same time (absent: silence).\n   * @param {Float32Array} mic @param {Float32Array} [ref]\n   */\n  push(mic, ref) {\n    let i = 0;\n    while (i < mic.length) {\n      const n = Math.min(mic.length - i, this.hop - this.fill);\n      this.micAcc.set(mic.subarray(i, i + n), this.fill);\n      if (ref) this.refAcc.set(ref.subarray(i, i + n), this.fill);\n      else this.refAcc.fill(0, this.fill, this.fill + n);\n      this.fill += n;\n      i += n;\n      if (this.fill === this.hop) {\n        const at = this.count % this.size;\n        this.mic[at] = energyDb(this.micAcc);\n        this.ref[at] = energyDb(this.refAcc);\n        this.count++;\n        this.fill = 0;\n        if (this.count % (this.judged ? 25 : WARMUP_EVERY) === 0) this.estimate();\n      }\n    }\n  }\n  /** @param {Float32Array} ring @param {number} back hops before the latest */\n  at(ring, back) {\n    return ring[((this.count - 1 - back) % this.size + this.size) % this.size];\n  }\n  /**\n   * Re-estimate correlation, lag and coupling over the window. Too little reference audio in it\n   * (nothing played lately) keeps the previous estimate.\n   */\n  estimate() {\n    const span = Math.min(this.count, this.size) - this.maxLag;\n    let best = 0;\n    let bestLag = 0;\n    let bestCoupling = FLOOR_DB;\n    let evidence = 0;\n    for (let lag = 0; lag <= this.maxLag && span > 20; lag++) {\n      let n = 0, sm = 0, sr = 0, smm = 0, srr = 0, smr = 0, diff = 0;\n      for (let k = 0; k < span; k++) {\n        const r = this.at(this.ref, k + lag);\n        if (r < ACTIVE_DB) continue;\n        const m = this.at(this.mic, k);\n        if (m <= SILENT_DB) continue;\n        n++;\n        sm += m;\n        sr += r;\n        smm += m * m;\n        srr += r * r;\n        smr += m * r;\n        diff += m - r;\n      }\n      evidence = Math.max(evidence, n);\n      if (n < 20) continue;\n      const cov = smr - sm * sr / n;\n      const den = Math.sqrt((smm - sm * sm / n) * (srr - sr * sr / n));\n      const c = den > 1e-9 ? cov / den : 0;\n      if (c > best) [best, bestLag, bestCoupling] = [c, lag, diff / n];\n    }\n    if (evidence < MIN_EVIDENCE) return this.report();\n    this.judged = true;\n    this.corr = best;\n    this.lag = bestLag;\n    this.couplingDb = best >= this.minCorr ? bestCoupling : FLOOR_DB;\n    return this.report();\n  }\n  /**\n   * What the meter shows. `echo` has hysteresis (see EchoLatch): it turns on at `minCorr` and\n   * off only once the correlation falls clearly below it, so a fading echo does not flicker.\n   * `judged`: whether it had enough evidence (kept for the next mic-on, see `prior`).\n   * @returns {{corr: number, lagMs: number, couplingDb: number, echo: boolean, judged: boolean}}\n   */\n  report() {\n    const echo = this.latch.update(this.corr, this.couplingDb);\n    return {\n      corr: this.corr,\n      lagMs: this.lag * this.hopMs,\n      couplingDb: echo ? this.latch.couplingDb : this.couplingDb,\n      echo,\n      judged: this.judged\n    };\n  }\n  /** Whether the reference is playing now (within the echo lag). */\n  playing() {\n    for (let k = 0; k <= this.maxLag; k++) if (this.at(this.ref, k) >= ACTIVE_DB) return true;\n    return false;\n  }\n  /**\n   * Whether the last `hops` of mic audio are explained by the echo of what played (within\n   * `marginDb` of the predicted echo level); false when no echo path was found. Before the\n   * meter could judge: whether the mic is no louder than the loudest reference within the lag\n   * reach (+ `marginDb`), i.e. an echo at up to 0 dB coupling.\n   * @param {number} [hops] @param {number} [marginDb]\n   */\n  isEcho(hops = 2, marginDb = 6) {\n    if (this.count < hops) return false;\n    if (!this.judged) return this.underReference(hops, marginDb);\n    if (this.corr < this.minCorr) return false;\n    for (let k = 0; k < hops; k++) {\n      const predicted = this.at(this.ref, k + this.lag) + this.couplingDb;\n      if (this.at(this.mic, k) > predicted + marginDb) return false;\n    }\n    return true;\n  }\n  /** @param {number} hops @param {number} marginDb */\n  underReference(hops, marginDb) {\n    let loudest = FLOOR_DB;\n    for (let k = 0; k < hops + this.maxLag; k++) loudest = Math.max(loudest, this.at(this.ref, k));\n    for (let k = 0; k < hops; k++) if (this.at(this.mic, k) > loudest + marginDb) return false;\n    return true;\n  }\n};\nvar EchoLatch = class {\n  /** @param {number} on @param {number} [gap] */\n  constructor(on, gap = 0.1) {\n    this.on = on;\n    this.off = on - gap;\n    this.echo = false;\n    this.couplingDb = FLOOR_DB;\n  }\n  /** @param {number} corr @param {number} couplingDb @returns {boolean} */\n  update(corr, couplingDb) {\n    if (corr >= this.on) this.echo = true;\n    else if (corr < this.off) this.echo = false;\n    if (this.echo && couplingDb > FLOOR_DB) this.couplingDb = couplingDb;\n    return this.echo;\n  }\n};\nvar EchoGate = class {\n  /** @param {EchoMeter} meter fed before each frame @param {number} [maxHeld] frames */\n  constructor(meter, maxHeld = 100) {\n    this.meter = meter;\n    this.maxHeld = maxHeld;\n    this.held = [];\n  }\n  /**\n   * The frame captured now (its audio already pushed to the meter): the frames that may go.\n   * @param {F} frame @returns {(F & {echo: boolean})[]}\n   */\n  push(frame) {\n    const m = this.meter;\n    if (m.judged) {\n      const path = m.corr >= m.minCorr;\n      return [...this.release(path), { ...frame, echo: frame.playing && m.isEcho() }];\n    }\n    const suspect = frame.playing && m.isEcho();\n    if (!suspect && !this.held.length) return [{ ...frame, echo: false }];\n    this.held.push({ frame, suspect });\n    return this.held.length > this.maxHeld ? this.release(true) : [];\n  }\n  /** Every held frame; suspects as echo when `path` (an echo path, or no verdict). @param {boolean} path */\n  release(path) {\n    const out = this.held.map(({ frame, suspect }) => ({ ...frame, echo: suspect && path }));\n    this.held = [];\n    return out;\n  }\n};\n\n// capture-worklet.js\nvar G = (\n  /** @type {any} */\n  globalThis\n);\nvar CaptureProcessor = class extends G.AudioWorkletProcessor {\n  /** @param {{processorOptions?: {frameMs?: number, echo?: any}}} options `echo`: the last report */\n  constructor(options) {\n    super();\n    this.framer = new CaptureFramer(G.sampleRate, { frameMs: options.processorOptions?.frameMs });\n    this.echo = new EchoMeter(G.sampleRate, { prior: options.processorOptions?.echo });\n    this.gate = new EchoGate(this.echo);\n    this.batch = new FrameBatch(this.framer.frameMs);\n    this.blocks = 0;\n    this.port.onmessage = (e) => {\n      if (e.data?.type !== "reset") return;\n      this.framer.reset();\n      this.batch.reset();\n    };\n  }\n  /** @param {Float32Array[][]} inputs */\n  process(inputs) {\n    const channel = inputs[0]?.[0];\n    if (channel) {\n      this.echo.push(channel, inputs[1]?.[0]);\n      const playing = this.echo.playing();\n      for (const f of this.framer.push(channel)) {\n        const frame = { seq: f.seq, pcm: f.pcm.buffer, rate: f.rate, level: f.level, playing };\n        for (const out of this.gate.push(frame)) {\n          const ready = this.batch.add(out);\n          if (ready) this.port.postMessage({ type: "frames", frames: ready }, ready.map((x) => x.pcm));\n        }\n      }\n      if (++this.blocks % Math.round(G.sampleRate / 128 / 2) === 0 && playing) {\n        this.port.postMessage({ type: "echo", ...this.echo.report() });\n      }\n    }\n    return true;\n  }\n};\nG.registerProcessor("gemlive-capture", CaptureProcessor);\n';

// worklet:playback
var playback_default = '// dsp.js\nfunction pcm16ToFloat(input) {\n  const out = new Float32Array(input.length);\n  for (let i = 0; i < input.length; i++) out[i] = input[i] / 32768;\n  return out;\n}\nfunction rmsDb(x, floor = -100) {\n  if (x.length === 0) return floor;\n  let sum = 0;\n  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];\n  const rms = Math.sqrt(sum / x.length);\n  return rms > 0 ? Math.max(floor, 20 * Math.log10(rms)) : floor;\n}\nvar RingBuffer = class {\n  /** @param {number} [capacity] initial capacity, rounded up to a power of two */\n  constructor(capacity = 4096) {\n    let cap = 1;\n    while (cap < capacity) cap *= 2;\n    this.buf = new Float32Array(cap);\n    this.readPos = 0;\n    this.length = 0;\n  }\n  get capacity() {\n    return this.buf.length;\n  }\n  /** @param {Float32Array} samples */\n  push(samples) {\n    const need = this.length + samples.length;\n    if (need > this.buf.length) this._grow(need);\n    const cap = this.buf.length;\n    let w = (this.readPos + this.length) % cap;\n    const first = Math.min(samples.length, cap - w);\n    this.buf.set(samples.subarray(0, first), w);\n    if (first < samples.length) this.buf.set(samples.subarray(first), 0);\n    this.length += samples.length;\n  }\n  /**\n   * Move up to `n` samples (default `out.length`) into `out` starting at `offset`.\n   * @param {Float32Array} out\n   * @param {number} [n]\n   * @param {number} [offset]\n   * @returns {number} how many samples were read\n   */\n  read(out, n = out.length, offset = 0) {\n    const count = Math.min(n, this.length);\n    const cap = this.buf.length;\n    const first = Math.min(count, cap - this.readPos);\n    out.set(this.buf.subarray(this.readPos, this.readPos + first), offset);\n    if (first < count) out.set(this.buf.subarray(0, count - first), offset + first);\n    this.readPos = (this.readPos + count) % cap;\n    this.length -= count;\n    return count;\n  }\n  /** Drop everything unread. */\n  clear() {\n    this.readPos = 0;\n    this.length = 0;\n  }\n  /** @param {number} need */\n  _grow(need) {\n    let cap = this.buf.length;\n    while (cap < need) cap *= 2;\n    const next = new Float32Array(cap);\n    const len = this.length;\n    this.read(next, len);\n    this.buf = next;\n    this.readPos = 0;\n    this.length = len;\n  }\n};\nfunction gcd(a, b) {\n  while (b) [a, b] = [b, a % b];\n  return a;\n}\nfunction besselI0(x) {\n  let sum = 1;\n  let term = 1;\n  const q = x * x / 4;\n  for (let k = 1; k < 50; k++) {\n    term *= q / (k * k);\n    sum += term;\n    if (term < sum * 1e-12) break;\n  }\n  return sum;\n}\nfunction kaiserBeta(db) {\n  if (db > 50) return 0.1102 * (db - 8.7);\n  if (db >= 21) return 0.5842 * (db - 21) ** 0.4 + 0.07886 * (db - 21);\n  return 0;\n}\nvar Resampler = class {\n  /**\n   * @param {number} inRate\n   * @param {number} outRate\n   * @param {ResamplerOptions} [options]\n   */\n  constructor(inRate, outRate, options = {}) {\n    if (!(inRate > 0 && outRate > 0) || inRate % 1 || outRate % 1) {\n      throw new RangeError(`sample rates must be positive integers, got ${inRate} -> ${outRate}`);\n    }\n    const attenuation = options.attenuation ?? 80;\n    const passband = options.passband ?? 0.875;\n    if (!(passband > 0 && passband < 1)) {\n      throw new RangeError(`passband must be a fraction between 0 and 1, got ${passband}`);\n    }\n    const g = gcd(inRate, outRate);\n    this.inRate = inRate;\n    this.outRate = outRate;\n    this.L = outRate / g;\n    this.M = inRate / g;\n    const nyquist = Math.min(inRate, outRate) / 2;\n    const fc = (1 + passband) * nyquist / 2 / inRate;\n    const df = (1 - passband) * nyquist / inRate;\n    const taps = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * df)) + 1;\n    this.half = Math.max(2, Math.ceil(taps / 2));\n    const beta = kaiserBeta(attenuation);\n    const i0b = besselI0(beta);\n    const W = this.half;\n    const kernel = (t) => {\n      const r = t / W;\n      if (r <= -1 || r >= 1) return 0;\n      const x = 2 * fc * t;\n      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);\n      return 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);\n    };\n    this.phases = Math.min(this.L, 4096);\n    const width = 2 * W;\n    this.table = [];\n    for (let p = 0; p < this.phases; p++) {\n      const frac = p / this.phases;\n      const row = new Float32Array(width);\n      let sum = 0;\n      for (let k = 0; k < width; k++) {\n        row[k] = kernel(frac + W - 1 - k);\n        sum += row[k];\n      }\n      for (let k = 0; k < width; k++) row[k] /= sum;\n      this.table.push(row);\n    }\n    this.pending = new Float32Array(0);\n    this.pendingLen = 0;\n    this.base = 0;\n    this.phase = 0;\n    this.reset();\n  }\n  /** Forget all history (e.g. after a flush). */\n  reset() {\n    this.pending = new Float32Array(Math.max(1024, 4 * this.half));\n    this.pendingLen = this.half - 1;\n    this.base = this.half - 1;\n    this.phase = 0;\n  }\n  /** Filter delay in input samples (half the kernel). */\n  get delay() {\n    return this.half;\n  }\n  /**\n   * Feed input samples; returns the output samples that are now fully determined.\n   * @param {Float32Array} input\n   * @returns {Float32Array}\n   */\n  process(input) {\n    const W = this.half;\n    if (this.pendingLen + input.length > this.pending.length) {\n      let cap = this.pending.length;\n      while (cap < this.pendingLen + input.length) cap *= 2;\n      const next = new Float32Array(cap);\n      next.set(this.pending.subarray(0, this.pendingLen));\n      this.pending = next;\n    }\n    this.pending.set(input, this.pendingLen);\n    this.pendingLen += input.length;\n    const x = this.pending;\n    const L = this.L;\n    const M = this.M;\n    const exact = this.phases === L;\n    const maxOut = Math.floor((this.pendingLen - this.base) * L / M) + 2;\n    const out = new Float32Array(Math.max(0, maxOut));\n    let n = 0;\n    let base = this.base;\n    let phase = this.phase;\n    const width = 2 * W;\n    while (base + W < this.pendingLen) {\n      const p = exact ? phase : Math.floor(phase * this.phases / L);\n      const row = this.table[p];\n      const start = base - W + 1;\n      let acc = 0;\n      for (let k = 0; k < width; k++) acc += row[k] * x[start + k];\n      out[n++] = acc;\n      phase += M;\n      while (phase >= L) {\n        phase -= L;\n        base++;\n      }\n    }\n    const keepFrom = Math.max(0, base - W + 1);\n    if (keepFrom > 0) {\n      x.copyWithin(0, keepFrom, this.pendingLen);\n      this.pendingLen -= keepFrom;\n      base -= keepFrom;\n    }\n    this.base = base;\n    this.phase = phase;\n    return out.subarray(0, n);\n  }\n};\n\n// playback-core.js\nvar PlaybackBuffer = class {\n  /**\n   * @param {number} rate output sample rate\n   * @param {{startMs?: number, stepMs?: number, maxMs?: number}} [options]\n   */\n  constructor(rate, options = {}) {\n    this.rate = rate;\n    this.startMs = options.startMs ?? 100;\n    this.stepMs = options.stepMs ?? 50;\n    this.maxMs = options.maxMs ?? 400;\n    this.targetMs = this.startMs;\n    this.ring = new RingBuffer(rate);\n    this.playing = false;\n    this.draining = false;\n    this.played = 0;\n    this.underruns = 0;\n  }\n  /** @param {Float32Array} samples */\n  push(samples) {\n    this.ring.push(samples);\n  }\n  /** The stream paused (turn complete): play what is buffered even if under the target. */\n  drain() {\n    this.draining = true;\n  }\n  /** Drop all buffered audio at once (the model was interrupted). */\n  flush() {\n    this.ring.clear();\n    this.playing = false;\n    this.draining = false;\n  }\n  /**\n   * Fill `out` (silence where no audio is due); returns how many real samples were played.\n   * @param {Float32Array} out\n   * @returns {number}\n   */\n  render(out) {\n    if (!this.playing) {\n      const target = this.targetMs * this.rate / 1e3;\n      if (this.ring.length >= target || this.draining && this.ring.length > 0) {\n        this.playing = true;\n      } else {\n        out.fill(0);\n        return 0;\n      }\n    }\n    const n = this.ring.read(out);\n    if (n < out.length) {\n      out.fill(0, n);\n      this.playing = false;\n      if (!this.draining) {\n        this.underruns++;\n        this.targetMs = Math.min(this.maxMs, this.targetMs + this.stepMs);\n      }\n      if (this.ring.length === 0) this.draining = false;\n    }\n    this.played += n;\n    return n;\n  }\n  /** @returns {PlaybackStats} */\n  stats() {\n    return {\n      played: this.played,\n      buffered: this.ring.length,\n      targetMs: this.targetMs,\n      underruns: this.underruns,\n      playing: this.playing\n    };\n  }\n};\n\n// playback-worklet.js\nvar G = (\n  /** @type {any} */\n  globalThis\n);\nvar PlaybackProcessor = class extends G.AudioWorkletProcessor {\n  constructor() {\n    super();\n    this.buffer = new PlaybackBuffer(G.sampleRate);\n    this.resamplers = /* @__PURE__ */ new Map();\n    this.gain = 1;\n    this.pushes = 0;\n    this.sinceReport = 0;\n    this.levelSum = 0;\n    this.levelCount = 0;\n    this.port.onmessage = (e) => {\n      const m = e.data;\n      if (m.type === "push") {\n        this.pushes++;\n        this.push(new Int16Array(m.pcm), m.rate);\n      } else if (m.type === "drain") this.buffer.drain();\n      else if (m.type === "gain") this.gain = m.value;\n      else if (m.type === "flush") {\n        this.buffer.flush();\n        for (const rs of this.resamplers.values()) rs.reset();\n        this.report(true);\n      }\n    };\n  }\n  /** @param {Int16Array} pcm @param {number} rate */\n  push(pcm, rate) {\n    let rs = this.resamplers.get(rate);\n    if (!rs) {\n      rs = new Resampler(rate, G.sampleRate);\n      this.resamplers.set(rate, rs);\n    }\n    this.buffer.push(rs.process(pcm16ToFloat(pcm)));\n  }\n  /** @param {boolean} flushed */\n  report(flushed) {\n    const rms = this.levelCount ? Math.sqrt(this.levelSum / this.levelCount) : 0;\n    this.port.postMessage({\n      type: "stats",\n      ...this.buffer.stats(),\n      pushes: this.pushes,\n      level: rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100,\n      flushed\n    });\n    this.sinceReport = 0;\n    this.levelSum = 0;\n    this.levelCount = 0;\n  }\n  /** @param {Float32Array[][]} _inputs @param {Float32Array[][]} outputs */\n  process(_inputs, outputs) {\n    const out = outputs[0];\n    const first = out[0];\n    this.buffer.render(first);\n    const db = rmsDb(first);\n    const lin = db > -100 ? 10 ** (db / 20) : 0;\n    this.levelSum += lin * lin * first.length;\n    this.levelCount += first.length;\n    if (this.gain !== 1) for (let i = 0; i < first.length; i++) first[i] *= this.gain;\n    for (let c = 1; c < out.length; c++) out[c].set(first);\n    this.sinceReport += first.length;\n    if (this.sinceReport >= G.sampleRate / 15) this.report(false);\n    return true;\n  }\n};\nG.registerProcessor("gemlive-playback", PlaybackProcessor);\n';

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

// camera.js
function scaledSize(width, height, maxSide = BUDGET.VIDEO_MAX_SIDE) {
  if (!(width > 0 && height > 0)) return { width: 0, height: 0 };
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
function encodeFrame(source, canvas, maxSide = BUDGET.VIDEO_MAX_SIDE, quality = BUDGET.VIDEO_JPEG_QUALITY) {
  const { width, height } = scaledSize(source.videoWidth, source.videoHeight, maxSide);
  if (!width) return Promise.resolve(null);
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")?.drawImage(source, 0, 0, width, height);
  return new Promise((resolve) => {
    canvas.toBlob((blob) => resolve(blob ? blob.arrayBuffer() : null), "image/jpeg", quality);
  });
}
function videoErrorText(err, kind) {
  const what = kind === "camera" ? "Camera" : "Screen sharing";
  const name = String(err?.name ?? "");
  if (name === "Unsupported") return kind === "camera" ? "The camera is not available here: the page needs https (or localhost) and a browser that allows it." : "Screen sharing is not supported in this browser or notebook host.";
  if (name === "NotAllowedError" || name === "SecurityError") return kind === "camera" ? "Camera access was denied: allow it in the browser's site settings, then press Camera again." : "Screen sharing was cancelled or denied.";
  if (name === "NotFoundError" || name === "OverconstrainedError") return kind === "camera" ? "No camera was found." : "No screen or window could be shared.";
  if (name === "NotReadableError" || name === "AbortError") return `${what} could not start: another application may be using it.`;
  return `${what} failed: ${name || "error"}${err?.message ? `: ${err.message}` : ""}`;
}
var unsupported = (name) => Object.assign(new Error(name), { name: "Unsupported" });
async function openVideo(kind, nav = globalThis.navigator) {
  const devices = nav?.mediaDevices;
  if (kind === "camera") {
    if (typeof devices?.getUserMedia !== "function") throw unsupported("getUserMedia");
    return devices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  }
  if (typeof devices?.getDisplayMedia !== "function") throw unsupported("getDisplayMedia");
  return devices.getDisplayMedia({ video: true, audio: false });
}
var VideoCapture = class {
  /**
   * @param {{send(content: object, buffers?: ArrayBuffer[]): void, connected(): boolean,
   *   changed(): void, setOn(on: boolean): void}} host
   */
  constructor(host) {
    this.host = host;
    this.state = "off";
    this.kind = null;
    this.stream = null;
    this.note = "";
    this.framesSent = 0;
    this.busy = false;
    this.timer = 0;
    this.video = null;
    this.canvas = null;
  }
  /** The button for `kind` was pressed: start it, or stop it if it is the one running. @param {VideoKind} kind */
  async toggle(kind) {
    const same = this.kind === kind && this.state !== "off";
    this.stop();
    if (!same) await this.start(kind);
  }
  /** @param {VideoKind} kind */
  async start(kind) {
    this.kind = kind;
    this.state = "starting";
    this.note = "";
    this.host.changed();
    let stream;
    try {
      stream = await openVideo(kind);
    } catch (err) {
      if (this.kind === kind && this.state === "starting") {
        this.state = "off";
        this.kind = null;
        this.note = videoErrorText(err, kind);
        this.host.changed();
      }
      return;
    }
    if (this.kind !== kind || this.state !== "starting") {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.stream = stream;
    for (const track of stream.getVideoTracks()) track.addEventListener("ended", () => {
      if (this.stream === stream) this.stop();
    });
    const video = this.video ?? (this.video = document.createElement("video"));
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    video.play().catch(() => {
    });
    this.canvas ?? (this.canvas = document.createElement("canvas"));
    this.state = "on";
    this.host.setOn(true);
    this.timer = setInterval(() => this.tick(), BUDGET.VIDEO_FRAME_MS);
    this.host.changed();
  }
  async tick() {
    const video = this.video;
    const canvas = this.canvas;
    if (this.busy || this.state !== "on" || !video || !canvas || !this.host.connected()) return;
    this.busy = true;
    try {
      const bytes = await encodeFrame(video, canvas);
      if (bytes && this.state === "on") {
        this.host.send({ type: TO_KERNEL.VIDEO, mime: "image/jpeg", source: this.kind }, [bytes]);
        this.framesSent++;
        this.host.changed();
      }
    } finally {
      this.busy = false;
    }
  }
  stop() {
    const wasOn = this.state === "on";
    if (this.timer) clearInterval(this.timer);
    this.timer = 0;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    if (this.video) this.video.srcObject = null;
    this.state = "off";
    this.kind = null;
    if (wasOn) this.host.setOn(false);
    this.host.changed();
  }
};

// idle.js
var IDLE_MS = 2e3;
var IdleAudio = class {
  /**
   * @param {{busy(): boolean, ctx(): Ctx | null}} host `busy`: something plays, records or is unreported
   * @param {number} [idleMs]
   */
  constructor(host, idleMs = IDLE_MS) {
    this.host = host;
    this.idleMs = idleMs;
    this.since = null;
    this.suspended = false;
    this.asleep = false;
  }
  /**
   * Called on every uplink tick: whether the ticks may stop now (no context yet, or the context
   * has been idle for `idleMs` and is now suspended). @param {number} t ms
   */
  check(t) {
    const ctx = this.host.ctx();
    if (this.host.busy() || ctx && ctx.state !== "running") {
      this.since = null;
      return false;
    }
    this.since ?? (this.since = t);
    if (t - this.since < this.idleMs) return false;
    this.since = null;
    this.asleep = true;
    if (ctx) {
      this.suspended = true;
      ctx.suspend().catch(() => {
      });
    }
    return true;
  }
  /** Before sound or the mic: resume the context if we suspended it; true if the ticks must restart. */
  async wake() {
    const ctx = this.host.ctx();
    const ticks = this.asleep;
    this.since = null;
    this.asleep = false;
    if (this.suspended) {
      this.suspended = false;
      if (ctx && ctx.state === "suspended") await ctx.resume().catch(() => {
      });
    }
    return ticks;
  }
};

// inbound.js
var now = () => performance.timeOrigin + performance.now();
function receive(e, msg, buffers) {
  e.arrived = now();
  if (typeof msg?.t === "number") {
    e.transit.push(e.arrived - msg.t);
    if (e.transit.length > 400) e.transit.splice(0, 200);
  }
  if (msg?.type === TO_BROWSER.BATCH) {
    for (const item of msg.items ?? []) handle(e, item, buffers);
  } else if (msg && typeof msg.type === "string") {
    handle(e, { ...msg, buffer: msg.buffer ?? 0 }, buffers);
  }
}
function handle(e, item, buffers) {
  e.trace.push([now(), item.type, item.seq ?? item.text ?? ""]);
  if (e.trace.length > 400) e.trace.splice(0, 200);
  switch (item.type) {
    case TO_BROWSER.AUDIO: {
      const view = buffers[item.buffer];
      if (item.reply === e.cutReply) {
        e.stats.dropped++;
      } else if (view) {
        if (typeof item.reply === "number") e.reply = item.reply;
        e.markedCut = false;
        e.play(view, item.rate ?? RATES.REPLY, item.seq);
      }
      break;
    }
    case TO_BROWSER.TRANSCRIPT:
      if (item.role === "model" && item.reply === e.cutReply) break;
      e.addText(item.role === "user" ? "user" : "model", item.text ?? "", !!item.final, {
        replace: !!item.replace,
        reply: typeof item.reply === "number" ? item.reply : void 0,
        speaker: typeof item.speaker === "string" ? item.speaker : void 0
      });
      break;
    case TO_BROWSER.INTERRUPTED:
      e.flush();
      if (!e.markedCut) e.addMark("interrupted", "info");
      e.markedCut = true;
      break;
    case TO_BROWSER.CUT:
      if (typeof item.heard === "string") e.markHeard(item.heard);
      break;
    case TO_BROWSER.TURN:
      e.player?.port.postMessage({ type: "drain" });
      if (typeof item.ttfa_ms === "number") e.addMeta(`first audio after ${(item.ttfa_ms / 1e3).toFixed(2)} s`);
      e.finishAll();
      e.emit({ kind: "entries" });
      break;
    case TO_BROWSER.TOOL:
      for (const c of item.calls ?? []) e.addMark(`tool call: ${c.name}(${JSON.stringify(c.args ?? {})})`, "info");
      break;
    case TO_BROWSER.MARK:
      e.addMark(String(item.text ?? ""), item.tone ?? "info");
      break;
    case TO_BROWSER.GROUNDING:
      e.addSources(item.sources);
      break;
    default:
      break;
  }
}

// probe.js
var FALLBACK = "You can still type messages, use the kernel machine's own microphone and speakers (`gl.VoiceWidget(audio=\"kernel\")`, with `pip install 'gemlive-nb[local-audio]'`), or send a recorded file from Python: `await w.session.send_audio(gl.Audio.from_wav('question.wav'))`.";
function probeEnvironment(g = globalThis) {
  const nav = g.navigator ?? {};
  const loc = g.location ?? {};
  const ua = String(nav.userAgent ?? "");
  const host = loc.protocol === "vscode-webview:" || typeof g.acquireVsCodeApi === "function" ? "vscode" : /(^|\.)googleusercontent\.com$|(^|\.)colab\.research\.google\.com$/.test(String(loc.hostname ?? "")) ? "colab" : g.jupyterapp || g.document?.querySelector?.("[data-jp-theme-name], #notebook") ? "jupyter" : "unknown";
  const browser = /firefox\//i.test(ua) ? "firefox" : /chrom(e|ium)\//i.test(ua) ? "chromium" : /safari\//i.test(ua) ? "safari" : "other";
  const policy = g.document?.permissionsPolicy ?? g.document?.featurePolicy;
  const micAllowed = policy?.allowsFeature ? !!policy.allowsFeature("microphone") : true;
  const probe = {
    secure: !!g.isSecureContext,
    audioWorklet: typeof g.AudioWorkletNode === "function",
    getUserMedia: typeof nav.mediaDevices?.getUserMedia === "function",
    micAllowed,
    host,
    browser,
    /** @type {string[]} */
    problems: []
  };
  if (!probe.secure) {
    probe.problems.push(
      `The microphone needs a secure page (https:// or http://localhost); this one is ${loc.origin}. Open Jupyter through localhost or https. ${FALLBACK}`
    );
  }
  if (!probe.audioWorklet) {
    probe.problems.push(`This browser has no AudioWorklet, so the widget cannot capture or play audio. Use a current Chrome, Edge, Firefox or Safari. ${FALLBACK}`);
  }
  if (probe.secure && (!probe.getUserMedia || !micAllowed)) {
    const where = host === "vscode" ? "VS Code's notebook view" : host === "colab" ? "Colab's output frame" : "This page";
    probe.problems.push(`${where} does not let widgets use the microphone. Playback and typed messages work. ${FALLBACK}`);
  }
  return probe;
}
function micErrorText(err, probe) {
  const e = (
    /** @type {{name?: string, message?: string}} */
    err ?? {}
  );
  if (e.name === "NotAllowedError" || e.name === "SecurityError") {
    if (probe.host === "vscode" || probe.host === "colab") return probe.problems.join(" ") || `Microphone blocked here (${e.name}). ${FALLBACK}`;
    return `Microphone access was refused (${e.name}). Allow the microphone for this page in the browser's site settings, then press Start mic again.`;
  }
  if (e.name === "NotFoundError" || e.name === "OverconstrainedError") {
    return `No usable microphone was found (${e.name}). Plug one in or pick another input device, then press Start mic again.`;
  }
  if (e.name === "NotSupportedError" && probe.browser === "firefox") {
    return `Firefox cannot connect a microphone running at another sample rate than the page's audio (${e.message}). Reload the page, or pick the microphone's rate in the system sound settings (48 kHz usually works).`;
  }
  return `The microphone could not be started: ${e.name ?? "Error"}: ${e.message ?? err}`;
}

// mic.js
var Microphone = class {
  /** @param {MicHost} host */
  constructor(host) {
    this.host = host;
    this.state = "off";
    this.capture = null;
    this.stream = null;
    this.source = null;
  }
  /** @param {boolean} on */
  setTrait(on) {
    this.host.model.set("mic_on", on);
    this.host.model.save_changes();
  }
  /** Start or stop the microphone to match the `mic_on` trait. */
  async sync() {
    const { model, probe } = this.host;
    if (!model.get("mic_on")) {
      this.stop();
      return;
    }
    if (model.get("audio") === "kernel") {
      this.state = "live";
      this.host.emit({ kind: "mic" });
      return;
    }
    if (this.stream || this.state === "starting") return;
    const blocker = probe.problems[0];
    if (blocker) {
      this.host.setError(blocker);
      this.setTrait(false);
      return;
    }
    this.state = "starting";
    this.host.emit({ kind: "mic" });
    try {
      const ctx = await this.host.audio();
      const flags = model.get("audio_constraints") ?? {};
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          echoCancellation: flags.echoCancellation ?? true,
          noiseSuppression: flags.noiseSuppression ?? true,
          autoGainControl: flags.autoGainControl ?? true,
          channelCount: 1
        }
      });
      if (!model.get("mic_on")) {
        stream.getTracks().forEach((t) => t.stop());
        this.state = "off";
        this.host.emit({ kind: "mic" });
        return;
      }
      this.stream = stream;
      const node = new AudioWorkletNode(ctx, "gemlive-capture", {
        numberOfInputs: 2,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { frameMs: model.get("frame_ms"), echo: this.host.echo() }
      });
      node.port.onmessage = (e) => {
        if (e.data?.type === "frames") for (const f of e.data.frames) this.host.onFrame(f);
        else this.host.onFrame(e.data);
      };
      this.source = ctx.createMediaStreamSource(stream);
      this.source.connect(node, 0, 0);
      this.host.player()?.connect(node, 0, 1);
      node.connect(ctx.destination);
      this.capture = node;
      const err = model.get("error") ?? "";
      if (/microphone/i.test(err)) this.host.setError("");
    } catch (err) {
      this.state = "off";
      this.host.setError(micErrorText(err, probe));
      this.setTrait(false);
      this.host.emit({ kind: "mic" });
    }
  }
  stop() {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.source?.disconnect();
    if (this.capture) {
      this.host.player()?.disconnect(this.capture);
      this.capture.disconnect();
      this.capture.port.onmessage = null;
    }
    this.stream = null;
    this.source = null;
    this.capture = null;
    this.state = "off";
    this.host.emit({ kind: "mic" });
  }
};

// sources.js
function httpUrl(uri) {
  if (typeof uri !== "string") return null;
  try {
    const url = new URL(uri.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
function mergeSources(known, incoming) {
  const out = [...known];
  const seen = new Set(known.map((s) => s.uri));
  for (const s of Array.isArray(incoming) ? incoming : []) {
    const uri = httpUrl(s?.uri);
    if (!uri || seen.has(uri)) continue;
    seen.add(uri);
    out.push({ title: String(s.title ?? "") || new URL(uri).hostname, uri });
  }
  return out;
}
function sourceList(sources, doc = document) {
  const list = doc.createElement("ol");
  list.className = "gl-sources";
  for (const s of sources) {
    const uri = httpUrl(s.uri);
    if (!uri) continue;
    const link = doc.createElement("a");
    link.setAttribute("href", uri);
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener noreferrer");
    link.textContent = s.title;
    const item = doc.createElement("li");
    item.append(link);
    list.append(item);
  }
  return list;
}

// pane.js
function addText(entries, role, text, final, opts = {}) {
  const { replace = false, reply, speaker } = opts;
  if (replace) {
    const mine = entries.filter((e) => e.kind === role && e.reply === reply && reply !== void 0);
    const last2 = mine[mine.length - 1];
    if (last2) {
      for (const e of mine) {
        if (e !== last2 && e.text) {
          e.text = "";
          e.v++;
        }
      }
      last2.text = text;
      last2.final = final;
      last2.v++;
      return;
    }
  }
  let last = null;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === role && !e.final) {
      last = e;
      break;
    }
  }
  if (last && speaker !== void 0 && last.speaker !== speaker) {
    last.final = true;
    last.v++;
    last = null;
  }
  if (last) {
    last.text = replace ? text : last.text + text;
    last.final = final;
    if (reply !== void 0) last.reply = reply;
    last.v++;
  } else if (text) {
    entries.push({
      kind: role,
      text,
      final,
      v: 0,
      ...reply !== void 0 ? { reply } : {},
      ...speaker !== void 0 ? { speaker } : {}
    });
  }
}
function finishAll(entries) {
  for (const e of entries) {
    if (!e.final) {
      e.final = true;
      e.v++;
    }
  }
}
function addTyped(entries, text) {
  finishAll(entries);
  entries.push({ kind: "user", text, final: true, v: 0 });
}
function addMark(entries, text, tone = "info") {
  finishAll(entries);
  entries.push({ kind: "mark", text, final: true, v: 0, tone });
}
function addMeta(entries, meta) {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === "model") {
      e.meta = meta;
      e.v++;
      return;
    }
    if (e.kind === "user") return;
  }
}
function addSources(entries, sources) {
  let target = null;
  for (let i = entries.length - 1; i >= 0 && !target; i--) {
    const e = entries[i];
    if (e.kind === "model") target = e;
    else if (e.kind === "user") break;
  }
  if (!target) {
    target = /** @type {Entry} */
    { kind: "model", text: "", final: false, v: 0 };
    entries.push(target);
  }
  target.sources = mergeSources(target.sources ?? [], sources);
  target.v++;
}
function markHeard(entries, heard) {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === "mark" && e.text.startsWith("interrupted")) {
      const words = heard.trim();
      e.text = words ? `interrupted after \u201C\u2026${words.slice(-60)}\u201D` : "interrupted before any word was heard";
      e.v++;
      return true;
    }
  }
  return false;
}

// uplink.js
var Uplink = class {
  /** @param {{prerollMs: number, frameMs: number}} options */
  constructor({ prerollMs, frameMs }) {
    this.maxFrames = Math.max(1, Math.round(prerollMs / frameMs));
    this.pending = [];
    this.lost = 0;
    this.discarded = 0;
    this.echoFrames = 0;
  }
  /** @param {Frame} frame @param {'live'|'hold'|'drop'} mode */
  push(frame, mode) {
    if (mode === "drop") {
      this.discarded += this.pending.length + 1;
      this.pending = [];
      return;
    }
    this.pending.push(frame);
    if (mode === "hold" && this.pending.length > this.maxFrames) {
      this.pending.shift();
      this.lost++;
    }
  }
  /** The pending frames at the first one's rate, as one batch (null if none). @returns {Batch | null} */
  take() {
    if (!this.pending.length) return null;
    const rate = this.pending[0].rate;
    let n = 1;
    while (n < this.pending.length && this.pending[n].rate === rate) n++;
    const frames = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    let bytes = 0;
    for (const f of frames) bytes += f.pcm.byteLength;
    const out = new Uint8Array(bytes);
    let at = 0;
    for (const f of frames) {
      if (!f.echo) out.set(new Uint8Array(f.pcm), at);
      else this.echoFrames++;
      at += f.pcm.byteLength;
    }
    const first = frames[0];
    return { seq: first.seq, frames: frames.length, rate, t: first.t, lost: this.lost, buffer: out.buffer };
  }
};
function nextInterval(current, lateMs, baseMs, maxMs) {
  if (lateMs > baseMs) return Math.min(maxMs, current * 2);
  return Math.max(baseMs, current * 0.8);
}
var PlayedCount = class {
  /** @param {number} epoch the kernel's `_session_epoch` when the page came up */
  constructor(epoch) {
    this.epoch = epoch;
    this.total = 0;
    this.base = 0;
  }
  /** @param {number} total samples the worklet rendered so far */
  update(total) {
    this.total = total;
  }
  /** A new session: count from what has played so far. @param {number} epoch */
  restart(epoch) {
    this.epoch = epoch;
    this.base = this.total;
  }
  /** Played in this session, at RATES.REPLY (24 kHz). @param {number} contextRate */
  samples24k(contextRate) {
    return Math.round((this.total - this.base) * RATES.REPLY / contextRate);
  }
};

// ticker.js
var UplinkClock = class {
  /** @param {AudioEngine} engine the counters, the uplink queue and the comm it ticks for */
  constructor(engine) {
    this.engine = engine;
    this.uplinkMs = BUDGET.UPLINK_MS;
    this.lastTick = performance.now();
    this.tickWait = this.uplinkMs;
    this.lastVoiced = -Infinity;
    this.timer = setTimeout(() => this.tick(), this.uplinkMs);
  }
  /** Whether the mic's frames go to the kernel, wait for the session, or are discarded. */
  mode() {
    const model = this.engine.model;
    if (model.get("connected")) return "live";
    return model.get("status") === "connecting" ? "hold" : "drop";
  }
  tick() {
    const e = this.engine;
    const t = performance.now();
    const late = t - this.lastTick - this.tickWait;
    this.lastTick = t;
    this.uplinkMs = nextInterval(this.uplinkMs, late, BUDGET.UPLINK_MS, BUDGET.UPLINK_MAX_MS);
    const quiet = t - this.lastVoiced > BUDGET.QUIET_AFTER_MS;
    this.schedule(quiet ? Math.max(this.uplinkMs, BUDGET.UPLINK_QUIET_MS) : this.uplinkMs);
    const played = e.played24k();
    const report = {};
    if (played !== e.sentPlayed || e.acks.length) {
      report.samples = played;
      report.epoch = e.played.epoch;
      report.acks = e.acks;
      e.sentPlayed = played;
      e.acks = [];
    }
    const batch = this.mode() === "live" ? e.uplink.take() : null;
    const goes = !!batch || "samples" in report;
    this.syncLevels(goes ? report : null);
    if (batch) {
      const { buffer, ...head } = batch;
      e.send({ type: TO_KERNEL.AUDIO, ...head, ...report }, [buffer]);
      e.stats.framesSent += batch.frames;
      e.sent.audio++;
    } else if (goes) {
      e.send({ type: TO_KERNEL.PLAYED, ...report });
      e.sent.played++;
    }
    if (e.idle.check(t)) this.stop();
  }
  /** @param {number} ms wait before the next tick */
  schedule(ms) {
    clearTimeout(this.timer);
    this.tickWait = ms;
    this.timer = setTimeout(() => this.tick(), ms);
  }
  /** Tick again now, after a sleep (which is not a late tick). */
  restart() {
    this.lastTick = performance.now();
    this.schedule(0);
  }
  stop() {
    clearTimeout(this.timer);
  }
  /** A voiced mic frame: out of a quiet stretch, it goes at the normal cadence, not the quiet one. */
  voiced() {
    const t = performance.now();
    if (this.tickWait > this.uplinkMs) this.schedule(Math.max(0, this.lastTick + this.uplinkMs - t));
    this.lastVoiced = t;
  }
  /**
   * Level traits (saved with the notebook) at most every LEVEL_SYNC_MS, only when changed. They
   * ride on the tick's message if one goes (the kernel sets them).
   * @param {Record<string, any> | null} carrier
   */
  syncLevels(carrier) {
    const e = this.engine;
    const t = performance.now();
    if (t - e.lastLevelSync < BUDGET.LEVEL_SYNC_MS) return;
    const levels = [Math.round(e.inputDb), Math.round(e.outputDb)];
    const echoDb = e.echo?.echo ? Math.round(e.echo.couplingDb) : -100;
    if (levels[0] === e.sentLevels[0] && levels[1] === e.sentLevels[1] && echoDb === e.sentEchoDb) return;
    e.lastLevelSync = t;
    if (carrier) {
      carrier.levels = levels;
    } else {
      e.model.set("input_level", levels[0]);
      e.model.set("output_level", levels[1]);
      e.model.save_changes();
      e.sent.levels++;
    }
    e.sentLevels = levels;
    if (echoDb !== e.sentEchoDb) {
      e.send({ type: TO_KERNEL.ECHO, coupling_db: echoDb });
      e.sentEchoDb = echoDb;
      e.sent.echo++;
    }
  }
};

// engine.js
var blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
var AudioEngine = class {
  /** @param {Model} model */
  constructor(model) {
    this.model = model;
    this.probe = probeEnvironment();
    this.ctx = null;
    this.starting = null;
    this.player = null;
    this.idle = new IdleAudio({ busy: () => this.busy(), ctx: () => this.ctx });
    this.waking = null;
    this.mic = new Microphone({
      model,
      probe: this.probe,
      audio: () => this.audio(),
      player: () => this.player,
      echo: () => this.echo,
      setError: (text) => this.setError(text),
      emit: (event) => this.emit(event),
      onFrame: (f) => this.onFrame(f)
    });
    this.entries = [];
    this.listeners = /* @__PURE__ */ new Set();
    this.acks = [];
    this.arrived = void 0;
    this.transit = [];
    this.uplink = new Uplink({ prerollMs: BUDGET.PREROLL_MS, frameMs: model.get("frame_ms") ?? 20 });
    this.sent = { audio: 0, played: 0, levels: 0, echo: 0 };
    this.playedCtx = 0;
    this.played = new PlayedCount(model.get("_session_epoch") ?? 0);
    this.video = new VideoCapture({
      send: (content, buffers) => this.send(content, buffers),
      connected: () => !!this.model.get("connected"),
      changed: () => this.emit({ kind: "video" }),
      setOn: (on) => {
        this.model.set("video_on", on);
        this.model.save_changes();
      }
    });
    this.sentPlayed = -1;
    this.inputDb = -100;
    this.outputDb = -100;
    this.sentLevels = [-100, -100];
    this.lastLevelSync = 0;
    this.echo = null;
    this.sentEchoDb = -100;
    this.talking = false;
    this.reply = 0;
    this.cutReply = -1;
    this.markedCut = false;
    this.stats = { framesSent: 0, chunksScheduled: 0, underruns: 0, bufferedMs: 0, dropped: 0 };
    this.flushes = [];
    this.trace = [];
    this.audibleAt = [];
    this.firstFrame = null;
    this.frameLog = [];
    this.onCustom = (msg, buffers) => receive(this, msg, buffers ?? []);
    this.onMic = () => this.syncMic();
    this.onMuted = () => this.player?.port.postMessage({ type: "gain", value: this.gain() });
    this.onConnected = () => {
      if (!this.model.get("connected")) this.flush();
    };
    this.onVideoOn = () => {
      if (!this.model.get("video_on") && this.video.state !== "off") this.video.stop();
    };
    this.onEpoch = () => {
      this.played.restart(this.model.get("_session_epoch") ?? 0);
      this.sentPlayed = -1;
    };
    model.on("msg:custom", this.onCustom);
    model.on("change:mic_on", this.onMic);
    model.on("change:muted", this.onMuted);
    model.on("change:connected", this.onConnected);
    model.on("change:video_on", this.onVideoOn);
    model.on("change:_session_epoch", this.onEpoch);
    this.wasPlaying = false;
    this.pushed = 0;
    this.pushesTaken = 0;
    this.clock = new UplinkClock(this);
    const { problems, ...probe } = this.probe;
    this.send({ type: TO_KERNEL.READY, probe: { ...probe, problems } });
    if (model.get("mic_on")) this.syncMic();
  }
  gain() {
    return this.model.get("muted") ? 0 : 1;
  }
  /** @param {object} content @param {ArrayBuffer[]} [buffers] */
  send(content, buffers) {
    this.model.send(content, void 0, buffers ?? []);
  }
  /** @param {EngineEvent} event */
  emit(event) {
    for (const cb of this.listeners) cb(event);
  }
  /** @param {string} text */
  setError(text) {
    this.model.set("error", text);
    this.model.save_changes();
  }
  /** Something plays, records, or has not been reported yet: the page is not idle. */
  busy() {
    const levels = [Math.round(this.inputDb), Math.round(this.outputDb)];
    return this.mic.state !== "off" || this.talking || !this.playbackIdle() || this.acks.length > 0 || this.sentPlayed !== this.played24k() || levels.some((x, i) => x !== this.sentLevels[i]);
  }
  /** Resume what idleness stopped (the context, the ticks), once for concurrent callers. */
  wake() {
    this.waking ?? (this.waking = this.idle.wake().then((ticks) => {
      this.waking = null;
      if (ticks) this.clock.restart();
    }));
    return this.waking;
  }
  /** Create the AudioContext (native rate) and the playback worklet once; wake it if idle. */
  async audio() {
    if (this.idle.asleep || this.waking) await this.wake();
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
      const player = new AudioWorkletNode(ctx, "gemlive-playback", { numberOfInputs: 0, outputChannelCount: [1] });
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
  /** @param {{played: number, buffered: number, underruns: number, pushes: number, level: number, flushed: boolean}} s */
  onPlayerStats(s) {
    this.pushesTaken = s.pushes;
    if (s.played > this.playedCtx && !this.wasPlaying) this.audibleAt.push(now());
    this.wasPlaying = s.played > this.playedCtx;
    if (this.audibleAt.length > 100) this.audibleAt.shift();
    this.playedCtx = s.played;
    this.played.update(s.played);
    const rate = this.ctx?.sampleRate ?? 48e3;
    if (s.flushed) {
      for (const f of this.flushes) if (f.bufferedMsAfter === null) f.bufferedMsAfter = 1e3 * s.buffered / rate;
    }
    this.outputDb = s.level;
    this.stats.underruns = s.underruns;
    this.stats.bufferedMs = 1e3 * s.buffered / rate;
    this.emit({ kind: "levels" });
  }
  /**
   * Nothing is playing or on its way to the worklet. (`stats.bufferedMs` alone can be a stale
   * zero: a report from an underrun, before chunks posted since then were taken in.)
   */
  playbackIdle() {
    return this.pushesTaken === this.pushed && this.stats.bufferedMs === 0;
  }
  /** The 24 kHz samples of the current session actually played so far (the kernel's unit). */
  played24k() {
    return this.ctx ? this.played.samples24k(this.ctx.sampleRate) : 0;
  }
  /** @param {DataView} view @param {number} rate @param {number} seq */
  play(view, rate, seq) {
    const arrived = this.arrived ?? now();
    const pcm = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
    this.pushed++;
    if (this.idle.asleep) void this.wake();
    if (!this.player) {
      this.audio().then(() => this.player?.port.postMessage({ type: "push", pcm, rate }, [pcm]));
    } else {
      this.player.port.postMessage({ type: "push", pcm, rate }, [pcm]);
    }
    this.acks.push([seq, now(), arrived]);
    this.stats.chunksScheduled++;
  }
  /** Drop every queued reply sample at once (interruption or disconnect). */
  flush() {
    this.flushes.push({ at: now(), bufferedMsBefore: this.stats.bufferedMs, bufferedMsAfter: null });
    if (this.flushes.length > 20) this.flushes.shift();
    this.player?.port.postMessage({ type: "flush" });
  }
  /**
   * The user barged in (typed or pressed talk) while the reply still plays here: stop it now,
   * even if the service already finished sending it (it cannot interrupt what it has sent).
   */
  bargeIn() {
    if (this.playbackIdle() || this.markedCut) return;
    this.cutReply = this.reply;
    this.flush();
    this.addMark("interrupted", "info");
    this.markedCut = true;
  }
  /**
   * A transcript delta (see pane.js).
   * @param {'user'|'model'} role @param {string} text @param {boolean} final
   * @param {{replace?: boolean, reply?: number, speaker?: string}} [opts]
   */
  addText(role, text, final, opts) {
    addText(this.entries, role, text, final, opts);
    this.emit({ kind: "entries" });
  }
  /** A message typed in the widget: its own, finished user entry. @param {string} text */
  addTyped(text) {
    addTyped(this.entries, text);
    this.emit({ kind: "entries" });
  }
  /** @param {string} text @param {string} [tone] */
  addMark(text, tone = "info") {
    addMark(this.entries, text, tone);
    this.emit({ kind: "entries" });
  }
  /** @param {string} meta */
  addMeta(meta) {
    addMeta(this.entries, meta);
  }
  /** @param {unknown} sources */
  addSources(sources) {
    addSources(this.entries, sources);
    this.emit({ kind: "entries" });
  }
  /** @param {string} heard */
  markHeard(heard) {
    if (markHeard(this.entries, heard)) this.emit({ kind: "entries" });
  }
  finishAll() {
    finishAll(this.entries);
  }
  /** Start or stop the microphone to match the `mic_on` trait. */
  async syncMic() {
    await this.mic.sync();
    if (this.mic.state === "off") this.inputDb = -100;
  }
  stopMic() {
    this.mic.stop();
    this.inputDb = -100;
  }
  /** off | starting | live */
  get micState() {
    return this.mic.state;
  }
  /** @param {any} f a frame {seq, pcm, rate, level, echo, playing} or an echo report */
  onFrame(f) {
    if (f.type === "echo") {
      this.echo = f;
      this.emit({ kind: "echo" });
      return;
    }
    if (this.micState !== "live") {
      this.firstFrame ?? (this.firstFrame = [f.seq, now()]);
      this.mic.state = "live";
      this.emit({ kind: "mic" });
    }
    this.inputDb = f.level;
    this.frameLog.push([f.seq, now(), Math.round(f.level)]);
    if (this.frameLog.length > 1500) this.frameLog.splice(0, 500);
    this.emit({ kind: "levels" });
    if (this.model.get("push_to_talk") && !this.talking) return;
    const guard = this.model.get("barge_in") ?? "auto";
    const echo = guard === "never" ? !!f.playing : guard === "auto" ? !!f.echo : false;
    if (f.level > BUDGET.VOICE_DB && !echo) this.clock.voiced();
    this.uplink.push({ seq: f.seq, pcm: f.pcm, rate: f.rate, t: now(), echo }, this.clock.mode());
  }
  /** Push-to-talk pressed or released. @param {boolean} down */
  talk(down) {
    if (down === this.talking) return;
    this.talking = down;
    if (down && !this.model.get("mic_on")) {
      this.model.set("mic_on", true);
      this.model.save_changes();
    }
    if (down) this.bargeIn();
    if (this.model.get("connected")) this.send({ type: TO_KERNEL.ACTIVITY, state: down ? "start" : "end" });
    this.emit({ kind: "talk" });
  }
  destroy() {
    this.clock.stop();
    this.stopMic();
    this.video.stop();
    this.model.off("msg:custom", this.onCustom);
    this.model.off("change:mic_on", this.onMic);
    this.model.off("change:muted", this.onMuted);
    this.model.off("change:connected", this.onConnected);
    this.model.off("change:video_on", this.onVideoOn);
    this.model.off("change:_session_epoch", this.onEpoch);
    this.player?.disconnect();
    this.ctx?.close().catch(() => {
    });
    this.listeners.clear();
  }
};

// replay.js
function cueAt(cues, t) {
  let found = -1;
  cues.forEach((c, i) => {
    if (c[0] <= t && t < Math.max(c[1], c[0] + 0.5)) found = i;
  });
  return found;
}
function speakerName(who) {
  return who === "User" ? "You" : who === "Model" ? "Gemini" : who;
}
function renderReplay(model, el) {
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
  note.textContent = "Loading the recording\u2026";
  root.append(audio, note, list);
  el.replaceChildren(root);
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
      audio.play().catch(() => {
      });
    };
    return node;
  });
  list.append(...nodes);
  list.onkeydown = (e) => {
    const at = nodes.indexOf(
      /** @type {any} */
      document.activeElement
    );
    const step = (
      /** @type {Record<string, number>} */
      { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[e.key]
    );
    if (at < 0 || step === void 0) return;
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
  let url = null;
  const onMsg = (msg, buffers) => {
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
  model.send({ type: TO_KERNEL.READY }, void 0, []);
  return () => {
    model.off("msg:custom", onMsg);
    if (url) URL.revokeObjectURL(url);
  };
}

// view.js
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
var KEYS = "Tab moves between the controls; Enter or Space presses a button; with push-to-talk on, hold Space to talk.";
function meter(cls, name, bar) {
  const node = h("div", {
    class: `gl-meter ${cls}`,
    role: "meter",
    "aria-label": name,
    "aria-valuemin": "-60",
    "aria-valuemax": "0"
  }, [bar]);
  meterValue(node, -Infinity);
  return node;
}
function meterValue(node, db) {
  const v = Math.round(Math.max(-60, Math.min(0, Number.isFinite(db) ? db : -60)));
  node.setAttribute("aria-valuenow", String(v));
  node.setAttribute("aria-valuetext", v <= -60 ? "silent" : `${v} dB`);
}
function describeVideo(video, connected) {
  if (video.note) return video.note;
  if (video.state !== "on") return "";
  const what = video.kind === "camera" ? "camera" : "screen";
  if (!connected) return `\xB7 ${what} on, waiting for the connection`;
  return `\xB7 ${what} on, ${video.framesSent} frame${video.framesSent === 1 ? "" : "s"} sent`;
}
function describeState(model) {
  const state = model.get("status") ?? "idle";
  const failed = !!model.get("error");
  if (state === "closed") return failed ? { text: "connection failed", dot: "closed" } : { text: "disconnected", dot: "idle" };
  if (state === "idle") return { text: "not connected", dot: "idle" };
  return { text: state, dot: state };
}
function describeWhere(model) {
  const endpoint = model.get("endpoint") ?? "";
  const name = model.get("model") ?? "";
  return name && !endpoint.includes(name) ? [endpoint, name].filter(Boolean).join(" \xB7 ") : endpoint;
}
function renderView(model, el, engine) {
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
  const status = h("span", { class: "gl-status-text", role: "status" });
  const dot = h("span", { class: "gl-dot", "aria-hidden": "true" });
  const info = h("span", { class: "gl-info" });
  const inBar = h("div", { class: "gl-bar" });
  const outBar = h("div", { class: "gl-bar" });
  const inMeter = meter("gl-in", "Microphone level", inBar);
  const outMeter = meter("gl-out", "Reply level", outBar);
  const transcript = h("div", {
    class: "gl-transcript",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Transcript",
    tabIndex: 0
  });
  const empty = h("div", { class: "gl-empty" });
  const error = h("div", { class: "gl-error", role: "alert" });
  const hint = h("div", { class: "gl-hint", role: "status" });
  const warn = h("div", { class: "gl-warn", role: "status" });
  const textIn = h("input", {
    type: "text",
    class: "gl-text",
    placeholder: "Type a message\u2026",
    "aria-label": "Message to the model"
  });
  const sendBtn = h("button", { class: "gl-send-btn", type: "button" }, ["Send"]);
  const root = h("div", {
    class: "gl-root",
    tabIndex: 0,
    role: "group",
    "data-lm-suppress-shortcuts": "true",
    "aria-label": "Gemini Live voice chat",
    "aria-keyshortcuts": "Space",
    title: KEYS
  }, [
    h("div", { class: "gl-row gl-head" }, [dot, status, videoNote, info]),
    h("div", { class: "gl-row" }, [
      connectBtn,
      micBtn,
      talkBtn,
      muteBtn,
      cameraBtn,
      screenBtn,
      h("label", { class: "gl-ptt" }, [pttBox, " push-to-talk"]),
      voiceSel,
      langSel
    ]),
    preview,
    h("div", { class: "gl-meters" }, [
      h("span", { class: "gl-meter-label", "aria-hidden": "true" }, ["in"]),
      inMeter,
      h("span", { class: "gl-meter-label", "aria-hidden": "true" }, ["out"]),
      outMeter
    ]),
    error,
    warn,
    hint,
    empty,
    transcript,
    h("div", { class: "gl-row gl-send" }, [textIn, sendBtn])
  ]);
  el.replaceChildren(root);
  const fillOptions = () => {
    voiceSel.replaceChildren(
      ...(model.get("voices") ?? []).map((v) => h("option", { value: v.name, textContent: `${v.name} \u2014 ${v.style}` }))
    );
    langSel.replaceChildren(
      h("option", { value: "", textContent: "Language: auto" }),
      ...(model.get("languages") ?? []).map((l) => h("option", { value: l.code, textContent: `${l.name} (${l.code})` }))
    );
  };
  const active = () => !!model.get("connected") || ["connecting", "reconnecting"].includes(model.get("status"));
  const update = () => {
    const connected = !!model.get("connected");
    const busy = active() && !connected;
    connectBtn.textContent = connected || busy ? "Disconnect" : "Connect";
    connectBtn.classList.toggle("gl-on", connected);
    const mic = engine.micState;
    micBtn.textContent = mic === "live" ? "Stop mic" : mic === "starting" ? "Starting mic\u2026" : "Start mic";
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
    for (
      const [btn, kind] of
      /** @type {const} */
      [[cameraBtn, "camera"], [screenBtn, "screen"]]
    ) {
      const mine = video.kind === kind;
      btn.textContent = mine && video.state === "starting" ? `${label[kind][0]}\u2026` : label[kind][mine ? 1 : 0];
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
    warn.textContent = echo?.echo && model.get("barge_in") !== "never" ? `The speakers are feeding the mic (echo at ${Math.round(echo.couplingDb)} dB): use headphones. ` + (model.get("barge_in") === "auto" ? "The reply's own echo is ignored, so it will not interrupt itself." : "") : "";
    warn.hidden = !warn.textContent;
    const problems = model.get("audio") === "kernel" ? [] : engine.probe.problems;
    if (!hint.dataset.audio) hint.textContent = problems.length && !err ? problems.join(" ") : "";
    hint.hidden = !hint.textContent;
    empty.textContent = engine.entries.length ? "" : connected ? "Press Start mic and talk, or type a message below." : "Press Connect (or Start mic) to talk to the model.";
    empty.hidden = !empty.textContent;
  };
  const drawn = [];
  const drawEntries = () => {
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 30;
    engine.entries.forEach((e, i) => {
      const old = drawn[i];
      if (old && old.v === e.v && old.final === e.final) return;
      const who = e.kind === "user" ? "You" : e.kind === "model" ? "Gemini" : "";
      const label = who && e.speaker ? `${who} (${e.speaker})` : who;
      const tone = e.kind === "mark" ? ` gl-tone-${e.tone ?? "info"}` : "";
      const node = h("div", { class: `gl-entry gl-${e.kind}${tone}${e.final ? "" : " gl-partial"}` }, [
        label ? h("b", {}, [`${label}: `]) : "",
        e.text,
        e.meta ? h("span", { class: "gl-meta" }, [` \xB7 ${e.meta}`]) : "",
        e.sources?.length ? sourceList(e.sources) : ""
      ]);
      if (old) old.node.replaceWith(node);
      else transcript.append(node);
      drawn[i] = { node, v: e.v, final: e.final };
    });
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
    if (engine.entries.length && !empty.hidden) update();
  };
  let visible = true;
  const observer = typeof IntersectionObserver === "function" ? new IntersectionObserver((entries) => {
    visible = entries.some((x) => x.isIntersecting);
  }) : null;
  observer?.observe(root);
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
    const t = performance.now();
    if (t - spokenAt >= 500) {
      spokenAt = t;
      meterValue(inMeter, engine.inputDb);
      meterValue(outMeter, engine.outputDb);
    }
  };
  const onEngine = (ev) => {
    if (ev.kind === "entries") drawEntries();
    else if (ev.kind === "levels") frame || (frame = setTimeout(drawLevels, 1e3 / BUDGET.METER_FPS));
    else if (ev.kind === "talk" || ev.kind === "mic" || ev.kind === "echo" || ev.kind === "video") update();
    else if (ev.kind === "suspended" || ev.kind === "audio-state") {
      const paused = engine.ctx?.state === "suspended" && !engine.idle.suspended;
      hint.dataset.audio = paused ? "1" : "";
      hint.textContent = paused ? "Sound is paused by the browser: click the widget to enable it." : "";
      update();
    }
  };
  engine.listeners.add(onEngine);
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
    if (on && !active()) connect();
    update();
  };
  muteBtn.onclick = () => setTrait("muted", !model.get("muted"));
  const toggleVideo = (kind) => {
    if (engine.video.kind !== kind && !active()) connect();
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
    if (engine.ctx?.state === "suspended" && !engine.idle.suspended) engine.ctx.resume().catch(() => {
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
    engine.send({ type: TO_KERNEL.TEXT, text });
    engine.addTyped(text);
    engine.bargeIn();
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
    "endpoint",
    "barge_in"
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
    observer?.disconnect();
    if (frame) clearTimeout(frame);
  };
}

// widget.js
var engines = /* @__PURE__ */ new Map();
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
    if (model.get("_kind") === "replay") return () => {
    };
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
    el.gemlive = engine;
    globalThis.__gemlive = engines;
    return renderView(model, el, engine);
  }
};
export {
  widget_default as default
};
