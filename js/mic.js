// @ts-check
// The VoiceWidget's microphone: getUserMedia with the widget's constraint flags, a
// MediaStreamSource into the "gemlive-capture" worklet (input 1: what the player plays, the
// echo reference), started and stopped to match the `mic_on` trait. Frames go to `onFrame`
// (the engine: levels, uplink); the state is off | starting | live (live: frames flow).

import { micErrorText } from "./probe.js";

/**
 * @typedef {{model: import("./engine.js").Model, probe: import("./probe.js").Probe,
 *   audio(): Promise<AudioContext>, player(): AudioWorkletNode | null, echo(): any,
 *   setError(text: string): void, emit(event: {kind: string}): void, onFrame(f: any): void}} MicHost
 */

export class Microphone {
  /** @param {MicHost} host */
  constructor(host) {
    this.host = host;
    /** @type {'off'|'starting'|'live'} */
    this.state = "off";
    /** @type {AudioWorkletNode | null} */
    this.capture = null;
    /** @type {MediaStream | null} */
    this.stream = null;
    /** @type {MediaStreamAudioSourceNode | null} */
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
      this.state = "live"; // the kernel records (VoiceWidget(audio="kernel")); nothing here
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
      // The context runs (resumed if it slept) before the capture node exists: no frame is lost.
      const ctx = await this.host.audio();
      const flags = model.get("audio_constraints") ?? {};
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          echoCancellation: flags.echoCancellation ?? true,
          noiseSuppression: flags.noiseSuppression ?? true,
          autoGainControl: flags.autoGainControl ?? true,
          channelCount: 1,
        },
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
        processorOptions: { frameMs: model.get("frame_ms"), echo: this.host.echo() },
      });
      // One message per batch of frames (capture-core.js FrameBatch), or an echo report.
      node.port.onmessage = (e) => {
        if (e.data?.type === "frames") for (const f of e.data.frames) this.host.onFrame(f);
        else this.host.onFrame(e.data);
      };
      this.source = ctx.createMediaStreamSource(stream);
      this.source.connect(node, 0, 0);
      this.host.player()?.connect(node, 0, 1); // the reference for echo measurement
      node.connect(ctx.destination); // silent output keeps the node pulled by the graph
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
}
