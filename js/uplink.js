// @ts-check
// Browser -> kernel mic audio, free of DOM and Web Audio so Node can test it: numbered frames
// from the capture worklet wait here and leave together, one message per uplink tick, however
// many piled up (a late tick sends one bigger batch, never a queue of small ones). Before the
// session is up, frames are held up to `prerollMs` (the oldest dropped and counted as lost), so
// words said while connecting are not lost; while idle they are discarded. A batch holds frames
// of one rate and names it (a frame at another rate waits for the next batch).

import { RATES } from "./messages.js";

/**
 * @typedef {object} Frame
 * @property {number} seq frame number from the capture worklet
 * @property {ArrayBuffer} pcm PCM16 at `rate`
 * @property {number} rate the PCM's sample rate (Hz)
 * @property {number} t wall-clock ms when the worklet posted it
 * @property {boolean} [echo] the frame is the reply's own echo (sent as silence)
 *
 * @typedef {object} Batch
 * @property {number} seq the first frame's number
 * @property {number} frames how many frames the buffer holds
 * @property {number} rate the frames' sample rate (Hz)
 * @property {number} t the oldest frame's time (capture -> kernel latency)
 * @property {number} lost frames dropped here so far (over the pre-roll bound)
 * @property {ArrayBuffer} buffer the frames' PCM16, concatenated
 */

export class Uplink {
  /** @param {{prerollMs: number, frameMs: number}} options */
  constructor({ prerollMs, frameMs }) {
    this.maxFrames = Math.max(1, Math.round(prerollMs / frameMs));
    /** @type {Frame[]} */
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
      // An echo frame keeps its number and length (no gap) but carries silence.
      if (!f.echo) out.set(new Uint8Array(f.pcm), at);
      else this.echoFrames++;
      at += f.pcm.byteLength;
    }
    const first = frames[0];
    return { seq: first.seq, frames: frames.length, rate, t: first.t, lost: this.lost, buffer: out.buffer };
  }
}

/**
 * The next uplink interval: doubled (up to `maxMs`) when the last tick came late — the page is
 * busy, so send less often and more at once — and eased back towards `baseMs` otherwise.
 * @param {number} current @param {number} lateMs @param {number} baseMs @param {number} maxMs
 */
export function nextInterval(current, lateMs, baseMs, maxMs) {
  if (lateMs > baseMs) return Math.min(maxMs, current * 2);
  return Math.max(baseMs, current * 0.8);
}

/**
 * Samples played in the current session, in the kernel's unit (RATES.REPLY: 24 kHz). The playback worklet
 * counts every sample it ever rendered; the kernel wants them per session, so the count
 * restarts whenever the kernel attaches a new session (its `_session_epoch` trait), and every
 * report names the epoch it counts for (the kernel ignores a late one about an earlier session).
 */
export class PlayedCount {
  /** @param {number} epoch the kernel's `_session_epoch` when the page came up */
  constructor(epoch) {
    this.epoch = epoch;
    this.total = 0; // worklet samples (at the context rate) rendered so far
    this.base = 0; // ... when the current session began
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
    return Math.round(((this.total - this.base) * RATES.REPLY) / contextRate);
  }
}
