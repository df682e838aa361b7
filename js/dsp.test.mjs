import { test } from "node:test";
import assert from "node:assert/strict";
import { RingBuffer, Resampler, floatToPcm16, pcm16ToFloat, rmsDb } from "./dsp.js";

/** @param {number} f @param {number} rate @param {number} n @param {number} [amp] */
function tone(f, rate, n, amp = 0.5) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * f * i) / rate);
  return x;
}

/** Least-squares fit of a sinusoid at f; returns {amp, phase, residualDb}. */
function fitTone(y, f, rate, skip) {
  let ss = 0, sc = 0, cc = 0, yy = 0, ys = 0, yc = 0;
  for (let i = skip; i < y.length - skip; i++) {
    const s = Math.sin((2 * Math.PI * f * i) / rate);
    const c = Math.cos((2 * Math.PI * f * i) / rate);
    ss += s * s; cc += c * c; sc += s * c;
    ys += y[i] * s; yc += y[i] * c; yy += y[i] * y[i];
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  const count = y.length - 2 * skip;
  let res = 0;
  for (let i = skip; i < y.length - skip; i++) {
    const m = a * Math.sin((2 * Math.PI * f * i) / rate) + b * Math.cos((2 * Math.PI * f * i) / rate);
    res += (y[i] - m) ** 2;
  }
  return {
    amp: Math.hypot(a, b),
    phase: Math.atan2(b, a),
    residualDb: 10 * Math.log10(res / count + 1e-30),
    totalDb: 10 * Math.log10(yy / count + 1e-30),
  };
}

test("floatToPcm16 clamps, rounds to nearest and maps NaN to 0", () => {
  const out = floatToPcm16(new Float32Array([0, 1, -1, 2, -2, 0.5, NaN, 1.4 / 32768, 1.6 / 32768, -1.6 / 32768]));
  assert.deepEqual(Array.from(out), [0, 32767, -32768, 32767, -32768, 16384, 0, 1, 2, -2]);
});

test("pcm16ToFloat and floatToPcm16 round-trip every int16 value exactly", () => {
  const all = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) all[i] = i - 32768;
  const back = floatToPcm16(pcm16ToFloat(all));
  assert.deepEqual(back, all);
  assert.equal(pcm16ToFloat(new Int16Array([-32768]))[0], -1);
});

test("rmsDb reads -3 dB for a full-scale sine and the floor for silence", () => {
  assert.ok(Math.abs(rmsDb(tone(1000, 48000, 4800, 1)) + 3.01) < 0.01);
  assert.equal(rmsDb(new Float32Array(100)), -100);
  assert.equal(rmsDb(new Float32Array(0), -90), -90);
});

test("RingBuffer keeps FIFO order across wraparound", () => {
  const rb = new RingBuffer(8);
  const out = new Float32Array(5);
  rb.push(Float32Array.from([1, 2, 3, 4, 5, 6]));
  assert.equal(rb.read(out, 5), 5);
  assert.deepEqual(Array.from(out), [1, 2, 3, 4, 5]);
  rb.push(Float32Array.from([7, 8, 9, 10, 11])); // wraps around the end
  assert.equal(rb.capacity, 8);
  const all = new Float32Array(6);
  assert.equal(rb.read(all), 6);
  assert.deepEqual(Array.from(all), [6, 7, 8, 9, 10, 11]);
  assert.equal(rb.length, 0);
});

test("RingBuffer grows instead of overwriting unread samples", () => {
  const rb = new RingBuffer(4);
  const tmp = new Float32Array(2);
  rb.push(Float32Array.from([1, 2, 3]));
  rb.read(tmp, 2); // read position is now mid-buffer
  rb.push(Float32Array.from([4, 5, 6, 7, 8, 9]));
  assert.equal(rb.capacity, 8);
  const out = new Float32Array(7);
  assert.equal(rb.read(out), 7);
  assert.deepEqual(Array.from(out), [3, 4, 5, 6, 7, 8, 9]);
});

test("RingBuffer underrun returns what is there and leaves the rest of out untouched", () => {
  const rb = new RingBuffer(8);
  rb.push(Float32Array.from([1, 2]));
  const out = new Float32Array([9, 9, 9, 9]);
  assert.equal(rb.read(out), 2);
  assert.deepEqual(Array.from(out), [1, 2, 9, 9]);
  assert.equal(rb.read(out), 0);
});

test("RingBuffer clear drops unread samples", () => {
  const rb = new RingBuffer(8);
  rb.push(Float32Array.from([1, 2, 3]));
  rb.clear();
  assert.equal(rb.length, 0);
  rb.push(Float32Array.from([4]));
  const out = new Float32Array(1);
  rb.read(out);
  assert.equal(out[0], 4);
});

for (const [inRate, outRate] of [[44100, 16000], [48000, 16000], [32000, 16000], [22050, 16000]]) {
  test(`Resampler ${inRate}->${outRate}: flat passband, aligned phase`, () => {
    for (const f of [100, 1000, 3000, 5000, 6500, 7000]) {
      const r = new Resampler(inRate, outRate);
      const y = r.process(tone(f, inRate, inRate / 2));
      const fit = fitTone(y, f, outRate, 300);
      const gainDb = 20 * Math.log10(fit.amp / 0.5);
      assert.ok(Math.abs(gainDb) < 0.05, `${f} Hz gain ${gainDb.toFixed(4)} dB`);
      // Output sample n is input time n*in/out: the fitted phase is the input's (0).
      assert.ok(Math.abs(fit.phase) < 0.01, `${f} Hz phase ${fit.phase}`);
      assert.ok(fit.residualDb - fit.totalDb < -60, `${f} Hz distortion ${fit.residualDb - fit.totalDb} dB`);
    }
  });

  test(`Resampler ${inRate}->${outRate}: rejects aliases by more than 70 dB`, () => {
    for (let f = 9000; f < inRate / 2; f += 1300) {
      const r = new Resampler(inRate, outRate);
      const y = r.process(tone(f, inRate, inRate / 2));
      const level = rmsDb(y.subarray(300, y.length - 300)) - rmsDb(tone(f, inRate, 4800));
      assert.ok(level < -70, `${f} Hz leaks at ${level.toFixed(1)} dB`);
    }
  });
}

for (const [inRate, outRate] of [[24000, 48000], [24000, 44100]]) {
  test(`Resampler ${inRate}->${outRate}: passband kept, images rejected`, () => {
    for (const f of [200, 2000, 6000, 10000]) {
      const r = new Resampler(inRate, outRate);
      const y = r.process(tone(f, inRate, inRate / 2));
      const fit = fitTone(y, f, outRate, 600);
      assert.ok(Math.abs(20 * Math.log10(fit.amp / 0.5)) < 0.05, `${f} Hz gain`);
      assert.ok(Math.abs(fit.phase) < 0.01, `${f} Hz phase ${fit.phase}`);
      // Everything but the tone (its images at k*24000 +/- f) is below -70 dB.
      assert.ok(fit.residualDb - 20 * Math.log10(0.5 / Math.SQRT2) < -70, `${f} Hz image ${fit.residualDb}`);
    }
  });
}

test("Resampler output count follows the ratio and streaming equals one-shot", () => {
  const x = tone(440, 44100, 44100);
  const whole = new Resampler(44100, 16000).process(x);
  const r = new Resampler(44100, 16000);
  const parts = [];
  let i = 0;
  let k = 1;
  while (i < x.length) {
    const n = Math.min(x.length - i, (k * 37) % 500 + 1);
    parts.push(r.process(x.subarray(i, i + n)));
    i += n;
    k++;
  }
  const joined = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    joined.set(p, o);
    o += p.length;
  }
  assert.equal(joined.length, whole.length);
  assert.ok(Math.abs(whole.length - (16000 - new Resampler(44100, 16000).delay * 16000 / 44100)) < 3);
  for (let j = 0; j < whole.length; j++) assert.ok(Math.abs(joined[j] - whole[j]) < 1e-6);
});

test("Resampler reset forgets history and rejects bad rates", () => {
  const r = new Resampler(48000, 16000);
  r.process(tone(1000, 48000, 4800));
  r.reset();
  const y = r.process(new Float32Array(4800));
  assert.equal(rmsDb(y), -100);
  assert.throws(() => new Resampler(0, 16000), /positive integers/);
  assert.throws(() => new Resampler(44100.5, 16000), /positive integers/);
});

// The capture path's contract (16 kHz output): nothing from 8 kHz up folds back into the band
// (>= 70 dB down), and the band up to 7 kHz is flat (< 0.1 dB ripple). Swept finely through the
// transition band, where a filter centred on Nyquist would leak (-6 dB at 8 kHz).
for (const inRate of [44100, 48000, 32000, 22050]) {
  test(`Resampler ${inRate}->16000: stop band from 8 kHz (fine sweep through the transition)`, () => {
    const sweep = [];
    for (let f = 7900; f <= 9000; f += 25) sweep.push(f);
    for (let f = 9000; f < inRate / 2 - 100; f += 370) sweep.push(f);
    let worst = -Infinity;
    let worstAt = 0;
    for (const f of sweep) {
      const r = new Resampler(inRate, 16000);
      const y = r.process(tone(f, inRate, inRate / 4));
      const level = rmsDb(y.subarray(400, y.length - 400)) - rmsDb(tone(f, inRate, 4800));
      if (f >= 8000 && level > worst) [worst, worstAt] = [level, f];
    }
    assert.ok(worst <= -70, `${worstAt} Hz leaks at ${worst.toFixed(1)} dB (need <= -70 dB)`);
  });

  test(`Resampler ${inRate}->16000: passband ripple under 0.1 dB up to 7 kHz`, () => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let f = 50; f <= 7000; f += 97.5) {
      const r = new Resampler(inRate, 16000);
      const y = r.process(tone(f, inRate, inRate / 4));
      const gainDb = 20 * Math.log10(fitTone(y, f, 16000, 400).amp / 0.5);
      lo = Math.min(lo, gainDb);
      hi = Math.max(hi, gainDb);
    }
    assert.ok(hi - lo < 0.1 && Math.abs(hi) < 0.1 && Math.abs(lo) < 0.1, `gain ${lo}..${hi} dB`);
  });
}

test("Resampler rejects a passband fraction outside (0, 1)", () => {
  assert.throws(() => new Resampler(48000, 16000, { passband: 1 }), /passband/);
});
