// @ts-check
// The VoiceWidget's uplink clock: one tick sends the mic frames gathered since the last one as
// ONE message, with the playback report and level traits riding along (every browser → kernel
// message costs the page a kernel busy/idle redraw). The interval adapts to how late ticks come,
// stretches to UPLINK_QUIET_MS once the mic has been quiet for QUIET_AFTER_MS, and a voiced
// frame brings the next tick forward. An idle page stops ticking (idle.js) until woken.

import { BUDGET, TO_KERNEL } from "./messages.js";
import { nextInterval } from "./uplink.js";

/** @typedef {import("./engine.js").AudioEngine} AudioEngine */

export class UplinkClock {
  /** @param {AudioEngine} engine the counters, the uplink queue and the comm it ticks for */
  constructor(engine) {
    this.engine = engine;
    /** @type {number} */
    this.uplinkMs = BUDGET.UPLINK_MS;
    this.lastTick = performance.now();
    this.tickWait = this.uplinkMs; // how long the pending tick was set to wait
    this.lastVoiced = -Infinity; // performance.now() of the last voiced mic frame
    /** @type {ReturnType<typeof setTimeout>} */
    this.timer = setTimeout(() => this.tick(), this.uplinkMs);
  }

  /** Whether the mic's frames go to the kernel, wait for the session, or are discarded. */
  mode() {
    const model = this.engine.model;
    if (model.get("connected")) return "live";
    return model.get("status") === "connecting" ? "hold" : "drop";
  }

  tick() {
    const e = this.engine;
    const t = performance.now();
    const late = t - this.lastTick - this.tickWait;
    this.lastTick = t;
    this.uplinkMs = nextInterval(this.uplinkMs, late, BUDGET.UPLINK_MS, BUDGET.UPLINK_MAX_MS);
    const quiet = t - this.lastVoiced > BUDGET.QUIET_AFTER_MS;
    this.schedule(quiet ? Math.max(this.uplinkMs, BUDGET.UPLINK_QUIET_MS) : this.uplinkMs);
    const played = e.played24k();
    /** @type {Record<string, any>} */
    const report = {};
    if (played !== e.sentPlayed || e.acks.length) {
      report.samples = played;
      report.epoch = e.played.epoch; // the session they count for (the kernel drops stale ones)
      report.acks = e.acks;
      e.sentPlayed = played;
      e.acks = [];
    }
    const batch = this.mode() === "live" ? e.uplink.take() : null;
    const goes = !!batch || "samples" in report;
    this.syncLevels(goes ? report : null);
    if (batch) {
      const { buffer, ...head } = batch;
      e.send({ type: TO_KERNEL.AUDIO, ...head, ...report }, [buffer]); // head names the PCM's rate
      e.stats.framesSent += batch.frames;
      e.sent.audio++;
    } else if (goes) {
      e.send({ type: TO_KERNEL.PLAYED, ...report });
      e.sent.played++;
    }
    if (e.idle.check(t)) this.stop(); // idle: no ticks until woken
  }

  /** @param {number} ms wait before the next tick */
  schedule(ms) {
    clearTimeout(this.timer);
    this.tickWait = ms;
    this.timer = setTimeout(() => this.tick(), ms);
  }

  /** Tick again now, after a sleep (which is not a late tick). */
  restart() {
    this.lastTick = performance.now();
    this.schedule(0);
  }

  stop() {
    clearTimeout(this.timer);
  }

  /** A voiced mic frame: out of a quiet stretch, it goes at the normal cadence, not the quiet one. */
  voiced() {
    const t = performance.now();
    if (this.tickWait > this.uplinkMs) this.schedule(Math.max(0, this.lastTick + this.uplinkMs - t));
    this.lastVoiced = t;
  }

  /**
   * Level traits (saved with the notebook) at most every LEVEL_SYNC_MS, only when changed. They
   * ride on the tick's message if one goes (the kernel sets them).
   * @param {Record<string, any> | null} carrier
   */
  syncLevels(carrier) {
    const e = this.engine;
    const t = performance.now();
    if (t - e.lastLevelSync < BUDGET.LEVEL_SYNC_MS) return;
    const levels = [Math.round(e.inputDb), Math.round(e.outputDb)];
    const echoDb = e.echo?.echo ? Math.round(e.echo.couplingDb) : -100;
    if (levels[0] === e.sentLevels[0] && levels[1] === e.sentLevels[1] && echoDb === e.sentEchoDb) return;
    e.lastLevelSync = t;
    if (carrier) {
      carrier.levels = levels;
    } else {
      e.model.set("input_level", levels[0]);
      e.model.set("output_level", levels[1]);
      e.model.save_changes();
      e.sent.levels++;
    }
    e.sentLevels = levels;
    if (echoDb !== e.sentEchoDb) {
      e.send({ type: TO_KERNEL.ECHO, coupling_db: echoDb });
      e.sentEchoDb = echoDb;
      e.sent.echo++;
    }
  }
}
