// @ts-check
// An idle page costs nothing. The VoiceWidget's AudioContext is suspended once nothing has
// played, recorded or waited to be reported for IDLE_MS, and its uplink ticks stop; the next
// reply chunk, the mic or a Connect wakes it (resume first, then the capture node is made, so
// the mic's first frame is never lost). The suspension is ours, not the browser's autoplay
// policy: the view does not ask for a click because of it.

export const IDLE_MS = 2000;

/** @typedef {{state: string, suspend(): Promise<void>, resume(): Promise<void>}} Ctx */

export class IdleAudio {
  /**
   * @param {{busy(): boolean, ctx(): Ctx | null}} host `busy`: something plays, records or is unreported
   * @param {number} [idleMs]
   */
  constructor(host, idleMs = IDLE_MS) {
    this.host = host;
    this.idleMs = idleMs;
    /** @type {number | null} when the page was first seen idle (ms) */
    this.since = null;
    this.suspended = false; // we suspended the context (and stopped the ticks)
    this.asleep = false; // the ticks are stopped
  }

  /**
   * Called on every uplink tick: whether the ticks may stop now (no context yet, or the context
   * has been idle for `idleMs` and is now suspended). @param {number} t ms
   */
  check(t) {
    const ctx = this.host.ctx();
    if (this.host.busy() || (ctx && ctx.state !== "running")) {
      this.since = null;
      return false;
    }
    this.since ??= t;
    if (t - this.since < this.idleMs) return false;
    this.since = null;
    this.asleep = true;
    if (ctx) {
      this.suspended = true;
      ctx.suspend().catch(() => {});
    }
    return true;
  }

  /** Before sound or the mic: resume the context if we suspended it; true if the ticks must restart. */
  async wake() {
    const ctx = this.host.ctx();
    const ticks = this.asleep;
    this.since = null;
    this.asleep = false;
    if (this.suspended) {
      this.suspended = false;
      if (ctx && ctx.state === "suspended") await ctx.resume().catch(() => {});
    }
    return ticks;
  }
}
