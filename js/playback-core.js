// @ts-check
// The playback policy, free of Web Audio so Node can test it: a growable ring buffer of
// samples at the output rate behind a jitter buffer that waits for `targetMs` of audio
// before starting, grows the target after an underrun, plays silence while starved, plays
// out a short tail when told the stream ended, and drops everything on flush.

import { RingBuffer } from "./dsp.js";

/**
 * @typedef {object} PlaybackStats
 * @property {number} played samples rendered from the buffer since creation
 * @property {number} buffered samples waiting
 * @property {number} targetMs current jitter-buffer target
 * @property {number} underruns how many times the stream ran dry mid-turn
 * @property {boolean} playing
 */

export class PlaybackBuffer {
  /**
   * @param {number} rate output sample rate
   * @param {{startMs?: number, stepMs?: number, maxMs?: number}} [options]
   */
  constructor(rate, options = {}) {
    this.rate = rate;
    this.startMs = options.startMs ?? 100;
    this.stepMs = options.stepMs ?? 50;
    this.maxMs = options.maxMs ?? 400;
    this.targetMs = this.startMs;
    this.ring = new RingBuffer(rate);
    this.playing = false;
    this.draining = false;
    this.played = 0;
    this.underruns = 0;
  }

  /** @param {Float32Array} samples */
  push(samples) {
    this.ring.push(samples);
  }

  /** The stream paused (turn complete): play what is buffered even if under the target. */
  drain() {
    this.draining = true;
  }

  /** Drop all buffered audio at once (the model was interrupted). */
  flush() {
    this.ring.clear();
    this.playing = false;
    this.draining = false;
  }

  /**
   * Fill `out` (silence where no audio is due); returns how many real samples were played.
   * @param {Float32Array} out
   * @returns {number}
   */
  render(out) {
    if (!this.playing) {
      const target = (this.targetMs * this.rate) / 1000;
      if (this.ring.length >= target || (this.draining && this.ring.length > 0)) {
        this.playing = true;
      } else {
        out.fill(0);
        return 0;
      }
    }
    const n = this.ring.read(out);
    if (n < out.length) {
      out.fill(0, n);
      this.playing = false;
      if (!this.draining) {
        this.underruns++;
        this.targetMs = Math.min(this.maxMs, this.targetMs + this.stepMs);
      }
      if (this.ring.length === 0) this.draining = false;
    }
    this.played += n;
    return n;
  }

  /** @returns {PlaybackStats} */
  stats() {
    return {
      played: this.played,
      buffered: this.ring.length,
      targetMs: this.targetMs,
      underruns: this.underruns,
      playing: this.playing,
    };
  }
}
