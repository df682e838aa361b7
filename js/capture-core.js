// @ts-check
// The capture pipeline, free of Web Audio so Node can test it: float blocks at the device
// rate -> band-limited resampling to RATES.MIC (16 kHz) -> PCM16 frames of a fixed duration,
// numbered, each naming its rate (the kernel resamples whatever rate it is told).

import { Resampler, floatToPcm16, rmsDb } from "./dsp.js";
import { RATES } from "./messages.js";

/**
 * @typedef {object} CaptureFrame
 * @property {number} seq frame number, from 0
 * @property {Int16Array} pcm PCM16 samples at `rate`
 * @property {number} rate the samples' rate (Hz)
 * @property {number} level RMS level of the frame in dBFS
 */

export class CaptureFramer {
  /**
   * @param {number} inRate the device/context rate
   * @param {{outRate?: number, frameMs?: number}} [options]
   */
  constructor(inRate, options = {}) {
    this.outRate = options.outRate ?? RATES.MIC;
    this.frameMs = Math.min(40, Math.max(20, options.frameMs ?? 20));
    this.frameSize = Math.round((this.outRate * this.frameMs) / 1000);
    this.resampler = new Resampler(inRate, this.outRate);
    this.frame = new Float32Array(this.frameSize);
    this.fill = 0;
    this.seq = 0;
  }

  /**
   * Feed one block of device-rate samples; returns the frames completed by it.
   * @param {Float32Array} block
   * @returns {CaptureFrame[]}
   */
  push(block) {
    const y = this.resampler.process(block);
    /** @type {CaptureFrame[]} */
    const frames = [];
    let i = 0;
    while (i < y.length) {
      const n = Math.min(y.length - i, this.frameSize - this.fill);
      this.frame.set(y.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === this.frameSize) {
        const pcm = floatToPcm16(this.frame);
        frames.push({ seq: this.seq++, pcm, rate: this.outRate, level: rmsDb(this.frame) });
        this.fill = 0;
      }
    }
    return frames;
  }

  /** Drop a partly filled frame and the filter history (mic turned off). */
  reset() {
    this.fill = 0;
    this.resampler.reset();
  }
}

/** How long the capture worklet gathers frames before posting them (fewer main-thread wakeups). */
export const BATCH_MS = 80;

/**
 * Frames gathered for one post: `BATCH_MS` worth (4 frames of 20 ms: 12.5 posts a second, not
 * 50), but the first frame after a start or reset goes at once (the mic shows live without delay).
 */
export class FrameBatch {
  /** @param {number} frameMs */
  constructor(frameMs) {
    this.size = Math.max(1, Math.round(BATCH_MS / frameMs));
    /** @type {any[]} */
    this.frames = [];
    this.first = true;
  }

  /** Add a frame; returns the frames to post now, or null. @param {any} frame */
  add(frame) {
    this.frames.push(frame);
    if (!this.first && this.frames.length < this.size) return null;
    this.first = false;
    const out = this.frames;
    this.frames = [];
    return out;
  }

  reset() {
    this.frames = [];
    this.first = true;
  }
}
