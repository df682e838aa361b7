// @ts-check
// AudioWorklet processor "gemlive-playback": reply PCM16 is resampled here (off the page's main
// thread) into a jitter-buffered ring at the context rate. Messages in: {type:'push', pcm, rate}
// (pcm: an Int16 ArrayBuffer), {type:'flush'}, {type:'drain'}, {type:'gain', value}. Out, 15
// times a second and at once after a flush: {type:'stats', played, buffered, targetMs,
// underruns, pushes, level, flushed}.
/* global sampleRate, registerProcessor, AudioWorkletProcessor */

import { PlaybackBuffer } from "./playback-core.js";
import { Resampler, pcm16ToFloat, rmsDb } from "./dsp.js";

// @ts-ignore -- AudioWorkletGlobalScope names
const G = /** @type {any} */ (globalThis);

class PlaybackProcessor extends G.AudioWorkletProcessor {
  constructor() {
    super();
    this.buffer = new PlaybackBuffer(G.sampleRate);
    /** @type {Map<number, Resampler>} */
    this.resamplers = new Map();
    this.gain = 1;
    this.pushes = 0; // push messages taken in (the page compares with what it sent)
    this.sinceReport = 0;
    this.levelSum = 0;
    this.levelCount = 0;
    this.port.onmessage = (/** @type {MessageEvent} */ e) => {
      const m = e.data;
      if (m.type === "push") {
        this.pushes++;
        this.push(new Int16Array(m.pcm), m.rate);
      }
      else if (m.type === "drain") this.buffer.drain();
      else if (m.type === "gain") this.gain = m.value;
      else if (m.type === "flush") {
        this.buffer.flush();
        for (const rs of this.resamplers.values()) rs.reset();
        this.report(true);
      }
    };
  }

  /** @param {Int16Array} pcm @param {number} rate */
  push(pcm, rate) {
    let rs = this.resamplers.get(rate);
    if (!rs) {
      rs = new Resampler(rate, G.sampleRate);
      this.resamplers.set(rate, rs);
    }
    this.buffer.push(rs.process(pcm16ToFloat(pcm)));
  }

  /** @param {boolean} flushed */
  report(flushed) {
    const rms = this.levelCount ? Math.sqrt(this.levelSum / this.levelCount) : 0;
    this.port.postMessage({
      type: "stats",
      ...this.buffer.stats(),
      pushes: this.pushes,
      level: rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100,
      flushed,
    });
    this.sinceReport = 0;
    this.levelSum = 0;
    this.levelCount = 0;
  }

  /** @param {Float32Array[][]} _inputs @param {Float32Array[][]} outputs */
  process(_inputs, outputs) {
    const out = outputs[0];
    const first = out[0];
    this.buffer.render(first);
    const db = rmsDb(first);
    const lin = db > -100 ? 10 ** (db / 20) : 0;
    this.levelSum += lin * lin * first.length;
    this.levelCount += first.length;
    if (this.gain !== 1) for (let i = 0; i < first.length; i++) first[i] *= this.gain;
    for (let c = 1; c < out.length; c++) out[c].set(first);
    this.sinceReport += first.length;
    if (this.sinceReport >= G.sampleRate / 15) this.report(false);
    return true;
  }
}

G.registerProcessor("gemlive-playback", PlaybackProcessor);
