// @ts-check
// AudioWorklet processor "gemlive-capture": runs at the context's native rate, resamples to
// 16 kHz, converts to PCM16 and posts numbered 20-40 ms frames ({seq, pcm, rate, level, echo,
// playing}), BATCH_MS of them per message ({type:'frames', frames}; the first one at once).
// Input 0 is the mic, input 1 what the playback worklet plays: an EchoMeter correlates the two
// (reported as {type:'echo', ...} twice a second), starting from the path measured while the
// mic was last on (processorOptions.echo); an EchoGate holds the frames it cannot judge yet.
/* global sampleRate, registerProcessor, AudioWorkletProcessor */

import { CaptureFramer, FrameBatch } from "./capture-core.js";
import { EchoGate, EchoMeter } from "./echo.js";

// @ts-ignore -- AudioWorkletGlobalScope names (sampleRate, AudioWorkletProcessor, ...)
const G = /** @type {any} */ (globalThis);

class CaptureProcessor extends G.AudioWorkletProcessor {
  /** @param {{processorOptions?: {frameMs?: number, echo?: any}}} options `echo`: the last report */
  constructor(options) {
    super();
    this.framer = new CaptureFramer(G.sampleRate, { frameMs: options.processorOptions?.frameMs });
    this.echo = new EchoMeter(G.sampleRate, { prior: options.processorOptions?.echo });
    /** @type {EchoGate<{seq: number, pcm: ArrayBufferLike, rate: number, level: number, playing: boolean}>} */
    this.gate = new EchoGate(this.echo);
    this.batch = new FrameBatch(this.framer.frameMs);
    this.blocks = 0;
    this.port.onmessage = (/** @type {MessageEvent} */ e) => {
      if (e.data?.type !== "reset") return;
      this.framer.reset();
      this.batch.reset();
    };
  }

  /** @param {Float32Array[][]} inputs */
  process(inputs) {
    const channel = inputs[0]?.[0];
    if (channel) {
      this.echo.push(channel, inputs[1]?.[0]);
      const playing = this.echo.playing();
      for (const f of this.framer.push(channel)) {
        // the gate lets frames go once the echo meter can judge them; the batch posts them
        const frame = { seq: f.seq, pcm: f.pcm.buffer, rate: f.rate, level: f.level, playing };
        for (const out of this.gate.push(frame)) {
          const ready = this.batch.add(out);
          if (ready) this.port.postMessage({ type: "frames", frames: ready }, ready.map((x) => x.pcm));
        }
      }
      if (++this.blocks % Math.round(G.sampleRate / 128 / 2) === 0 && playing) {
        this.port.postMessage({ type: "echo", ...this.echo.report() });
      }
    }
    return true;
  }
}

G.registerProcessor("gemlive-capture", CaptureProcessor);
