// @ts-check
// Echo measurement, free of Web Audio so Node can test it. The capture worklet feeds it the mic
// and, on a second input, what the playback worklet is playing (the reference). Both become
// 10 ms log-energy envelopes; the reference envelope, delayed by the best lag up to `maxLagMs`,
// is correlated with the mic's. A high correlation while the reply plays means the speakers
// feed the mic (no headphones, echo cancellation not working): `couplingDb` says how loud the
// echo is, and `isEcho()` tells whether the latest mic audio is explained by that echo (so a
// barge-in guard can ignore it) or is louder than the echo would be (someone talks over it).
// Until the meter has seen enough of the reply to judge (its first ~0.8 s of playback, with no
// path learned before), `isEcho()` is conservative: mic audio no louder than what plays counts
// as echo. `EchoGate` holds such frames until the meter judges instead of sending them as
// silence at once: with no echo path (headphones) they then go as they are, so a barge-in said
// as the reply starts is heard; with one, they go as echo, so the reply cannot interrupt itself
// while the meter converges. A learned path (or the finding that there is none) is kept while
// nothing plays (between replies), and can be handed to a new meter (`prior`).

const FLOOR_DB = -100;
const ACTIVE_DB = -50; // reference hops quieter than this carry no evidence
const SILENT_DB = -90; // mic hops this quiet are digital silence (a muted track, a cut): no evidence
const MIN_EVIDENCE = 50; // active reference hops an estimate needs to judge (0.5 s of reply)
const WARMUP_EVERY = 5; // hops between estimates until then (afterwards 25)

/** @param {Float32Array} x */
function energyDb(x) {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return sum > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(sum / x.length)) : FLOOR_DB;
}

export class EchoMeter {
  /**
   * @param {number} rate the context rate
   * @param {{hopMs?: number, windowS?: number, maxLagMs?: number, minCorr?: number,
   *   prior?: {corr: number, lagMs: number, couplingDb: number, judged?: boolean} | null}} [options]
   *   `prior`: the report of an earlier meter on the same device (the mic was off in between)
   */
  constructor(rate, options = {}) {
    this.hop = Math.round((rate * (options.hopMs ?? 10)) / 1000);
    this.hopMs = options.hopMs ?? 10;
    this.size = Math.round((1000 * (options.windowS ?? 2)) / this.hopMs);
    this.maxLag = Math.round((options.maxLagMs ?? 300) / this.hopMs);
    this.minCorr = options.minCorr ?? 0.85;
    this.mic = new Float32Array(this.size).fill(FLOOR_DB);
    this.ref = new Float32Array(this.size).fill(FLOOR_DB);
    this.count = 0; // hops so far
    this.micAcc = new Float32Array(this.hop);
    this.refAcc = new Float32Array(this.hop);
    this.fill = 0;
    this.corr = 0;
    this.lag = 0;
    this.couplingDb = FLOOR_DB;
    this.judged = false; // an estimate (or the prior) had enough evidence
    const prior = options.prior;
    // an echo path it found, or its finding that there is none (it judged: headphones)
    if (prior && (prior.corr >= this.minCorr || prior.judged)) {
      [this.corr, this.lag, this.couplingDb] = [prior.corr, Math.round(prior.lagMs / this.hopMs), prior.couplingDb];
      this.judged = true;
    }
    this.latch = new EchoLatch(this.minCorr); // the warning's hysteresis (report)
  }

  /**
   * One block of mic samples and the reference played at the same time (absent: silence).
   * @param {Float32Array} mic @param {Float32Array} [ref]
   */
  push(mic, ref) {
    let i = 0;
    while (i < mic.length) {
      const n = Math.min(mic.length - i, this.hop - this.fill);
      this.micAcc.set(mic.subarray(i, i + n), this.fill);
      if (ref) this.refAcc.set(ref.subarray(i, i + n), this.fill);
      else this.refAcc.fill(0, this.fill, this.fill + n);
      this.fill += n;
      i += n;
      if (this.fill === this.hop) {
        const at = this.count % this.size;
        this.mic[at] = energyDb(this.micAcc);
        this.ref[at] = energyDb(this.refAcc);
        this.count++;
        this.fill = 0;
        if (this.count % (this.judged ? 25 : WARMUP_EVERY) === 0) this.estimate();
      }
    }
  }

  /** @param {Float32Array} ring @param {number} back hops before the latest */
  at(ring, back) {
    return ring[(((this.count - 1 - back) % this.size) + this.size) % this.size];
  }

  /**
   * Re-estimate correlation, lag and coupling over the window. Too little reference audio in it
   * (nothing played lately) keeps the previous estimate.
   */
  estimate() {
    const span = Math.min(this.count, this.size) - this.maxLag;
    let best = 0;
    let bestLag = 0;
    let bestCoupling = FLOOR_DB;
    let evidence = 0;
    for (let lag = 0; lag <= this.maxLag && span > 20; lag++) {
      let n = 0, sm = 0, sr = 0, smm = 0, srr = 0, smr = 0, diff = 0;
      for (let k = 0; k < span; k++) {
        const r = this.at(this.ref, k + lag);
        if (r < ACTIVE_DB) continue;
        const m = this.at(this.mic, k);
        if (m <= SILENT_DB) continue;
        n++;
        sm += m; sr += r; smm += m * m; srr += r * r; smr += m * r;
        diff += m - r;
      }
      evidence = Math.max(evidence, n);
      if (n < 20) continue;
      const cov = smr - (sm * sr) / n;
      const den = Math.sqrt((smm - (sm * sm) / n) * (srr - (sr * sr) / n));
      const c = den > 1e-9 ? cov / den : 0;
      if (c > best) [best, bestLag, bestCoupling] = [c, lag, diff / n];
    }
    if (evidence < MIN_EVIDENCE) return this.report();
    this.judged = true;
    this.corr = best;
    this.lag = bestLag;
    this.couplingDb = best >= this.minCorr ? bestCoupling : FLOOR_DB;
    return this.report();
  }

  /**
   * What the meter shows. `echo` has hysteresis (see EchoLatch): it turns on at `minCorr` and
   * off only once the correlation falls clearly below it, so a fading echo does not flicker.
   * `judged`: whether it had enough evidence (kept for the next mic-on, see `prior`).
   * @returns {{corr: number, lagMs: number, couplingDb: number, echo: boolean, judged: boolean}}
   */
  report() {
    const echo = this.latch.update(this.corr, this.couplingDb);
    return {
      corr: this.corr,
      lagMs: this.lag * this.hopMs,
      couplingDb: echo ? this.latch.couplingDb : this.couplingDb,
      echo,
      judged: this.judged,
    };
  }

  /** Whether the reference is playing now (within the echo lag). */
  playing() {
    for (let k = 0; k <= this.maxLag; k++) if (this.at(this.ref, k) >= ACTIVE_DB) return true;
    return false;
  }

  /**
   * Whether the last `hops` of mic audio are explained by the echo of what played (within
   * `marginDb` of the predicted echo level); false when no echo path was found. Before the
   * meter could judge: whether the mic is no louder than the loudest reference within the lag
   * reach (+ `marginDb`), i.e. an echo at up to 0 dB coupling.
   * @param {number} [hops] @param {number} [marginDb]
   */
  isEcho(hops = 2, marginDb = 6) {
    if (this.count < hops) return false;
    if (!this.judged) return this.underReference(hops, marginDb);
    if (this.corr < this.minCorr) return false;
    for (let k = 0; k < hops; k++) {
      const predicted = this.at(this.ref, k + this.lag) + this.couplingDb;
      if (this.at(this.mic, k) > predicted + marginDb) return false;
    }
    return true;
  }

  /** @param {number} hops @param {number} marginDb */
  underReference(hops, marginDb) {
    let loudest = FLOOR_DB;
    for (let k = 0; k < hops + this.maxLag; k++) loudest = Math.max(loudest, this.at(this.ref, k));
    for (let k = 0; k < hops; k++) if (this.at(this.mic, k) > loudest + marginDb) return false;
    return true;
  }
}

/**
 * The echo warning's hysteresis: on once the correlation reaches `on`, off only when it falls
 * below `on - gap`; while on, the coupling shown is the last one measured with a path (the
 * estimate drops it to the floor as soon as the correlation dips under the threshold).
 */
export class EchoLatch {
  /** @param {number} on @param {number} [gap] */
  constructor(on, gap = 0.1) {
    this.on = on;
    this.off = on - gap;
    this.echo = false;
    this.couplingDb = FLOOR_DB;
  }

  /** @param {number} corr @param {number} couplingDb @returns {boolean} */
  update(corr, couplingDb) {
    if (corr >= this.on) this.echo = true;
    else if (corr < this.off) this.echo = false;
    if (this.echo && couplingDb > FLOOR_DB) this.couplingDb = couplingDb;
    return this.echo;
  }
}

/**
 * Mic frames in capture order, each released with its `echo` verdict. While the meter cannot
 * judge yet, a frame it would call echo (conservatively) waits here, and so does every frame
 * after it (the order is kept), until the meter judges: with no echo path found they go as
 * they are (a barge-in said as the reply starts reaches the model whole, late by at most the
 * warm-up); with one, the waiting suspects go as echo, as before. Frames that waited `maxHeld`
 * frames without a verdict (a reply too short to judge) go with the conservative verdict.
 * @template {{playing: boolean}} F
 */
export class EchoGate {
  /** @param {EchoMeter} meter fed before each frame @param {number} [maxHeld] frames */
  constructor(meter, maxHeld = 100) {
    this.meter = meter;
    this.maxHeld = maxHeld;
    /** @type {{frame: F, suspect: boolean}[]} */
    this.held = [];
  }

  /**
   * The frame captured now (its audio already pushed to the meter): the frames that may go.
   * @param {F} frame @returns {(F & {echo: boolean})[]}
   */
  push(frame) {
    const m = this.meter;
    if (m.judged) {
      const path = m.corr >= m.minCorr;
      return [...this.release(path), { ...frame, echo: frame.playing && m.isEcho() }];
    }
    const suspect = frame.playing && m.isEcho();
    if (!suspect && !this.held.length) return [{ ...frame, echo: false }];
    this.held.push({ frame, suspect });
    return this.held.length > this.maxHeld ? this.release(true) : [];
  }

  /** Every held frame; suspects as echo when `path` (an echo path, or no verdict). @param {boolean} path */
  release(path) {
    const out = this.held.map(({ frame, suspect }) => ({ ...frame, echo: suspect && path }));
    this.held = [];
    return out;
  }
}
