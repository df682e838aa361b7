// AudioWorklet processor "gemlive-capture": runs at the context's native rate, resamples to
// 16 kHz, converts to PCM16 and posts numbered 20-40 ms frames ({seq, pcm, level}).
/* global sampleRate, registerProcessor, AudioWorkletProcessor */

import { CaptureFramer } from "./capture-core.js";

class CaptureProcessor extends AudioWorkletProcessor {
  /** @param {{processorOptions?: {frameMs?: number}}} options */
  constructor(options) {
    super();
    this.framer = new CaptureFramer(sampleRate, { frameMs: options.processorOptions?.frameMs });
    this.port.onmessage = (e) => {
      if (e.data?.type === "reset") this.framer.reset();
    };
  }

  /** @param {Float32Array[][]} inputs */
  process(inputs) {
    const channel = inputs[0]?.[0];
    if (channel) {
      for (const f of this.framer.push(channel)) {
        this.port.postMessage({ seq: f.seq, pcm: f.pcm.buffer, level: f.level }, [f.pcm.buffer]);
      }
    }
    return true;
  }
}

registerProcessor("gemlive-capture", CaptureProcessor);
