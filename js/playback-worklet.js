// AudioWorklet processor "gemlive-playback": a jitter-buffered ring of samples at the context
// rate. Messages in: {type:'push', samples}, {type:'flush'}, {type:'drain'}, {type:'gain', value}.
// Messages out every ~50 ms and at once after a flush: {type:'stats', played, buffered,
// targetMs, underruns, level, flushed}.
/* global sampleRate, registerProcessor, AudioWorkletProcessor */

import { PlaybackBuffer } from "./playback-core.js";
import { rmsDb } from "./dsp.js";

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buffer = new PlaybackBuffer(sampleRate);
    this.gain = 1;
    this.sinceReport = 0;
    this.levelSum = 0;
    this.levelCount = 0;
    this.port.onmessage = (e) => {
      const m = e.data;
      if (m.type === "push") this.buffer.push(m.samples);
      else if (m.type === "drain") this.buffer.drain();
      else if (m.type === "gain") this.gain = m.value;
      else if (m.type === "flush") {
        this.buffer.flush();
        this.report(true);
      }
    };
  }

  /** @param {boolean} flushed */
  report(flushed) {
    const rms = this.levelCount ? Math.sqrt(this.levelSum / this.levelCount) : 0;
    this.port.postMessage({
      type: "stats",
      ...this.buffer.stats(),
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
    if (this.sinceReport >= sampleRate / 20) this.report(false);
    return true;
  }
}

registerProcessor("gemlive-playback", PlaybackProcessor);
