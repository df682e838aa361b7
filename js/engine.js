// @ts-check
// The VoiceWidget's audio engine: one per widget model. It owns the audio graph (a playback
// worklet; a capture worklet fed the mic and, for echo measurement, the playback), the comm
// stream in both directions within the message budget (BUDGET in messages.js), and the
// transcript entries the views draw. Message kinds: messages.js (generated from Python).

import captureSource from "worklet:capture";
import playbackSource from "worklet:playback";
import { BUDGET, TO_KERNEL } from "./messages.js";
import { VideoCapture } from "./camera.js";
import { IdleAudio } from "./idle.js";
import { now, receive } from "./inbound.js";
import { Microphone } from "./mic.js";
import { probeEnvironment } from "./probe.js";
import * as pane from "./pane.js";
import { UplinkClock } from "./ticker.js";
import { PlayedCount, Uplink } from "./uplink.js";

export { now };

/**
 * @typedef {{get(name: string): any, set(name: string, value: any): void, save_changes(): void,
 *   send(content: object, callbacks?: any, buffers?: ArrayBuffer[]): void,
 *   on(event: string, cb: Function): void, off(event: string, cb?: Function): void}} Model
 * @typedef {import("./pane.js").Entry} Entry
 * @typedef {{kind: string, [k: string]: any}} EngineEvent
 */

/** @param {string} source @returns {string} */
const blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: "text/javascript" }));

export class AudioEngine {
  /** @param {Model} model */
  constructor(model) {
    this.model = model;
    this.probe = probeEnvironment();
    /** @type {AudioContext | null} */
    this.ctx = null;
    /** @type {Promise<AudioContext> | null} */
    this.starting = null;
    /** @type {AudioWorkletNode | null} */
    this.player = null;
    this.idle = new IdleAudio({ busy: () => this.busy(), ctx: () => this.ctx });
    /** @type {Promise<void> | null} */
    this.waking = null;
    this.mic = new Microphone({
      model,
      probe: this.probe,
      audio: () => this.audio(),
      player: () => this.player,
      echo: () => this.echo,
      setError: (text) => this.setError(text),
      emit: (event) => this.emit(event),
      onFrame: (f) => this.onFrame(f),
    });
    /** @type {Entry[]} */
    this.entries = [];
    /** @type {Set<(e: EngineEvent) => void>} */
    this.listeners = new Set();
    /** @type {[number, number, number][]} [seq, scheduled, arrived] in wall-clock ms */
    this.acks = [];
    /** @type {number | undefined} */
    this.arrived = undefined;
    /** @type {number[]} kernel flush -> message in the widget's JS, ms (diagnostics) */
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
      },
    });
    this.sentPlayed = -1;
    this.inputDb = -100;
    this.outputDb = -100;
    this.sentLevels = [-100, -100];
    this.lastLevelSync = 0;
    /** @type {{corr: number, lagMs: number, couplingDb: number, echo: boolean} | null} */
    this.echo = null;
    this.sentEchoDb = -100;
    this.talking = false;
    this.reply = 0; // replies seen (the kernel numbers its audio items with it)
    this.cutReply = -1; // a reply cut here: its late audio is dropped
    this.markedCut = false;
    this.stats = { framesSent: 0, chunksScheduled: 0, underruns: 0, bufferedMs: 0, dropped: 0 };
    /** @type {{at: number, bufferedMsBefore: number, bufferedMsAfter: number | null}[]} */
    this.flushes = [];
    /** @type {[number, string, any][]} */
    this.trace = [];
    /** @type {number[]} wall-clock ms when playback started after silence (benchmarks) */
    this.audibleAt = [];
    /** @type {[number, number] | null} [seq, wall-clock ms] of the first mic frame */
    this.firstFrame = null;
    /** @type {[number, number, number][]} recent mic frames: [seq, wall-clock ms, level dB] */
    this.frameLog = [];
    this.onCustom = (/** @type {any} */ msg, /** @type {DataView[]} */ buffers) => receive(this, msg, buffers ?? []);
    this.onMic = () => this.syncMic();
    this.onMuted = () => this.player?.port.postMessage({ type: "gain", value: this.gain() });
    this.onConnected = () => {
      if (!this.model.get("connected")) this.flush();
    };
    // The kernel turns video_on off when the session is gone: stop the track, say so.
    this.onVideoOn = () => {
      if (!this.model.get("video_on") && this.video.state !== "off") this.video.stop();
    };
    this.onEpoch = () => {
      this.played.restart(this.model.get("_session_epoch") ?? 0);
      this.sentPlayed = -1; // report the restarted count even if it equals the last one
    };
    model.on("msg:custom", this.onCustom);
    model.on("change:mic_on", this.onMic);
    model.on("change:muted", this.onMuted);
    model.on("change:connected", this.onConnected);
    model.on("change:video_on", this.onVideoOn);
    model.on("change:_session_epoch", this.onEpoch);
    this.wasPlaying = false;
    this.pushed = 0; // push messages posted to the playback worklet
    this.pushesTaken = 0; // ... and taken in by it (from its stats)
    this.clock = new UplinkClock(this); // ticks the mic frames and reports to the kernel
    const { problems, ...probe } = this.probe;
    this.send({ type: TO_KERNEL.READY, probe: { ...probe, problems } });
    if (model.get("mic_on")) this.syncMic();
  }

  gain() {
    return this.model.get("muted") ? 0 : 1;
  }

  /** @param {object} content @param {ArrayBuffer[]} [buffers] */
  send(content, buffers) {
    // anywidget's signature is send(content, callbacks, buffers): buffers must be 3rd.
    this.model.send(content, undefined, buffers ?? []);
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
    return this.mic.state !== "off" || this.talking || !this.playbackIdle() || this.acks.length > 0
      || this.sentPlayed !== this.played24k() || levels.some((x, i) => x !== this.sentLevels[i]);
  }

  /** Resume what idleness stopped (the context, the ticks), once for concurrent callers. */
  wake() {
    this.waking ??= this.idle.wake().then((ticks) => {
      this.waking = null;
      if (ticks) this.clock.restart();
    });
    return this.waking;
  }

  /** Create the AudioContext (native rate) and the playback worklet once; wake it if idle. */
  async audio() {
    if (this.idle.asleep || this.waking) await this.wake();
    if (this.ctx) {
      if (this.ctx.state === "suspended") await this.ctx.resume().catch(() => {});
      return this.ctx;
    }
    this.starting ??= (async () => {
      const ctx = new AudioContext({ latencyHint: "interactive" });
      const urls = [blobUrl(playbackSource), blobUrl(captureSource)];
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
        ctx.resume().catch(() => {});
        this.emit({ kind: "suspended" });
      }
      ctx.onstatechange = () => this.emit({ kind: "audio-state", state: ctx.state });
      return ctx;
    })();
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
    const rate = this.ctx?.sampleRate ?? 48000;
    if (s.flushed) {
      // Every flush not yet confirmed is confirmed by this report (two can precede one).
      for (const f of this.flushes) if (f.bufferedMsAfter === null) f.bufferedMsAfter = (1000 * s.buffered) / rate;
    }
    this.outputDb = s.level;
    this.stats.underruns = s.underruns;
    this.stats.bufferedMs = (1000 * s.buffered) / rate;
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
    // Copy: the DataView may be unaligned and belongs to the comm layer. The worklet resamples.
    const pcm = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
    this.pushed++;
    if (this.idle.asleep) void this.wake(); // posted now, played once the context runs again
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
    pane.addText(this.entries, role, text, final, opts);
    this.emit({ kind: "entries" });
  }

  /** A message typed in the widget: its own, finished user entry. @param {string} text */
  addTyped(text) {
    pane.addTyped(this.entries, text);
    this.emit({ kind: "entries" });
  }

  /** @param {string} text @param {string} [tone] */
  addMark(text, tone = "info") {
    pane.addMark(this.entries, text, tone);
    this.emit({ kind: "entries" });
  }

  /** @param {string} meta */
  addMeta(meta) {
    pane.addMeta(this.entries, meta);
  }

  /** @param {unknown} sources */
  addSources(sources) {
    pane.addSources(this.entries, sources);
    this.emit({ kind: "entries" });
  }

  /** @param {string} heard */
  markHeard(heard) {
    if (pane.markHeard(this.entries, heard)) this.emit({ kind: "entries" });
  }

  finishAll() {
    pane.finishAll(this.entries);
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
      this.firstFrame ??= [f.seq, now()];
      this.mic.state = "live"; // the first frame: audio really flows now, say so
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
    this.ctx?.close().catch(() => {});
    this.listeners.clear();
  }
}
