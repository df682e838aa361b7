// @ts-check
// Pure audio helpers shared by the widget and its worklets (no DOM, no Web Audio):
// PCM16 <-> float conversion, RMS level, a growable float ring buffer and a streaming
// windowed-sinc (Kaiser) resampler for arbitrary rate pairs.

/**
 * Float samples in [-1, 1] -> PCM16. Out-of-range values are clamped, NaN becomes 0,
 * rounding is to nearest, and the scale is 32768 so `pcm16ToFloat` round-trips exactly.
 * @param {Float32Array} input
 * @returns {Int16Array}
 */
export function floatToPcm16(input) {
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = Math.round(input[i] * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v || 0;
  }
  return out;
}

/**
 * PCM16 -> float samples in [-1, 1).
 * @param {Int16Array} input
 * @returns {Float32Array}
 */
export function pcm16ToFloat(input) {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] / 32768;
  return out;
}

/**
 * RMS level in dBFS (a full-scale sine reads -3 dB); silence reads `floor`.
 * @param {Float32Array} x
 * @param {number} [floor]
 * @returns {number}
 */
export function rmsDb(x, floor = -100) {
  if (x.length === 0) return floor;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  const rms = Math.sqrt(sum / x.length);
  return rms > 0 ? Math.max(floor, 20 * Math.log10(rms)) : floor;
}

/** A FIFO of float samples that grows (by doubling) instead of overwriting unread data. */
export class RingBuffer {
  /** @param {number} [capacity] initial capacity, rounded up to a power of two */
  constructor(capacity = 4096) {
    let cap = 1;
    while (cap < capacity) cap *= 2;
    /** @type {Float32Array} */
    this.buf = new Float32Array(cap);
    this.readPos = 0;
    this.length = 0;
  }

  get capacity() {
    return this.buf.length;
  }

  /** @param {Float32Array} samples */
  push(samples) {
    const need = this.length + samples.length;
    if (need > this.buf.length) this._grow(need);
    const cap = this.buf.length;
    let w = (this.readPos + this.length) % cap;
    const first = Math.min(samples.length, cap - w);
    this.buf.set(samples.subarray(0, first), w);
    if (first < samples.length) this.buf.set(samples.subarray(first), 0);
    this.length += samples.length;
  }

  /**
   * Move up to `n` samples (default `out.length`) into `out` starting at `offset`.
   * @param {Float32Array} out
   * @param {number} [n]
   * @param {number} [offset]
   * @returns {number} how many samples were read
   */
  read(out, n = out.length, offset = 0) {
    const count = Math.min(n, this.length);
    const cap = this.buf.length;
    const first = Math.min(count, cap - this.readPos);
    out.set(this.buf.subarray(this.readPos, this.readPos + first), offset);
    if (first < count) out.set(this.buf.subarray(0, count - first), offset + first);
    this.readPos = (this.readPos + count) % cap;
    this.length -= count;
    return count;
  }

  /** Drop everything unread. */
  clear() {
    this.readPos = 0;
    this.length = 0;
  }

  /** @param {number} need */
  _grow(need) {
    let cap = this.buf.length;
    while (cap < need) cap *= 2;
    const next = new Float32Array(cap);
    const len = this.length;
    this.read(next, len);
    this.buf = next;
    this.readPos = 0;
    this.length = len;
  }
}

/** @param {number} a @param {number} b */
function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series). @param {number} x */
export function besselI0(x) {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * Kaiser beta for a stopband attenuation in dB (Kaiser's formula).
 * @param {number} db
 */
export function kaiserBeta(db) {
  if (db > 50) return 0.1102 * (db - 8.7);
  if (db >= 21) return 0.5842 * (db - 21) ** 0.4 + 0.07886 * (db - 21);
  return 0;
}

/**
 * @typedef {object} ResamplerOptions
 * @property {number} [attenuation] stopband attenuation in dB (default 80)
 * @property {number} [passband] passband edge as a fraction of the lower Nyquist frequency
 *   (default 0.875); the stop band starts AT that Nyquist frequency, so nothing above it folds
 *   back (for 16 kHz output: flat to 7 kHz, >= 80 dB down from 8 kHz)
 */

/**
 * A streaming band-limited resampler (windowed sinc, Kaiser window, polyphase table for
 * rational ratios). The transition band lies wholly below the lower of the two Nyquist
 * frequencies, so it anti-aliases when downsampling and removes images when upsampling. Output sample n
 * corresponds to input time n * inRate / outRate (the filter's look-ahead is absorbed by
 * leading zeros, so there is no extra delay in the sample index).
 */
export class Resampler {
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
    /** input step per output sample is M / L */
    this.L = outRate / g;
    this.M = inRate / g;
    const nyquist = Math.min(inRate, outRate) / 2;
    // Cutoff in the middle of [passband edge, Nyquist], in cycles per input sample.
    const fc = ((1 + passband) * nyquist) / 2 / inRate;
    const df = ((1 - passband) * nyquist) / inRate;
    const taps = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * df)) + 1;
    this.half = Math.max(2, Math.ceil(taps / 2));
    const beta = kaiserBeta(attenuation);
    const i0b = besselI0(beta);
    const W = this.half;
    /** @param {number} t */
    const kernel = (t) => {
      const r = t / W;
      if (r <= -1 || r >= 1) return 0;
      const x = 2 * fc * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      return 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);
    };
    this.phases = Math.min(this.L, 4096);
    const width = 2 * W;
    /** @type {Float32Array[]} coefficient k multiplies x[base - W + 1 + k] */
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
    /** @type {Float32Array} pending input, history first */
    this.pending = new Float32Array(0);
    this.pendingLen = 0;
    this.base = 0;
    this.phase = 0;
    this.reset();
  }

  /** Forget all history (e.g. after a flush). */
  reset() {
    // The pending input starts with W-1 zeros of history, so output 0 lines up with input 0.
    this.pending = new Float32Array(Math.max(1024, 4 * this.half));
    this.pendingLen = this.half - 1;
    this.base = this.half - 1; // index in `pending` of floor(t) for the next output
    this.phase = 0; // numerator of the fractional position, over L
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
    const maxOut = Math.floor(((this.pendingLen - this.base) * L) / M) + 2;
    const out = new Float32Array(Math.max(0, maxOut));
    let n = 0;
    let base = this.base;
    let phase = this.phase;
    const width = 2 * W;
    while (base + W < this.pendingLen) {
      const p = exact ? phase : Math.floor((phase * this.phases) / L);
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
    // Keep the history the next output needs: samples from base - W + 1 on.
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
}
