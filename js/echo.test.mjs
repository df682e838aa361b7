import { test } from "node:test";
import assert from "node:assert/strict";
import { EchoGate, EchoMeter } from "./echo.js";

const RATE = 48000;

/** Speech-like: a tone under a syllable envelope that changes every ~150 ms. @param {number} seconds @param {number} seed */
function speech(seconds, seed, syllable = 7200) {
  const n = Math.round(RATE * seconds);
  const x = new Float32Array(n);
  let s = seed;
  let gain = 0;
  for (let i = 0; i < n; i++) {
    if (i % syllable === 0) {
      s = (s * 1103515245 + 12345) % 2147483648;
      gain = 0.05 + 0.4 * (s / 2147483648);
    }
    x[i] = gain * Math.sin((2 * Math.PI * (180 + (seed % 7) * 20) * i) / RATE);
  }
  return x;
}

/** @param {EchoMeter} m @param {Float32Array} mic @param {Float32Array} ref */
function feed(m, mic, ref) {
  for (let i = 0; i + 128 <= mic.length; i += 128) m.push(mic.subarray(i, i + 128), ref.subarray(i, i + 128));
}

test("EchoMeter finds the speakers feeding the mic: lag and coupling", () => {
  const ref = speech(3, 1);
  const lag = Math.round(0.08 * RATE);
  const mic = new Float32Array(ref.length);
  for (let i = lag; i < ref.length; i++) mic[i] = 0.1 * ref[i - lag]; // -20 dB echo, 80 ms late
  const m = new EchoMeter(RATE);
  feed(m, mic, ref);
  const r = m.estimate();
  assert.ok(r.echo && r.corr > 0.9, JSON.stringify(r));
  assert.ok(Math.abs(r.lagMs - 80) <= 10, JSON.stringify(r));
  assert.ok(Math.abs(r.couplingDb + 20) < 2, JSON.stringify(r));
  assert.ok(m.isEcho(), "echo-only mic audio is the echo");
});

test("EchoMeter: a voice unrelated to the playback is not echo", () => {
  const ref = speech(3, 1);
  const mic = speech(3, 5, 5300); // another talker's own rhythm
  const m = new EchoMeter(RATE);
  feed(m, mic, ref);
  const r = m.estimate();
  assert.ok(!r.echo, JSON.stringify(r));
  assert.equal(m.isEcho(), false);
});

test("EchoMeter: someone talking over the echo is louder than the echo would be", () => {
  const ref = speech(3, 1);
  const mic = new Float32Array(ref.length);
  const lag = Math.round(0.05 * RATE);
  for (let i = lag; i < ref.length; i++) mic[i] = 0.05 * ref[i - lag];
  const m = new EchoMeter(RATE);
  feed(m, mic, ref);
  assert.ok(m.isEcho());
  const talk = speech(0.1, 9);
  const echo = new Float32Array(talk.length);
  for (let i = 0; i < talk.length; i++) echo[i] = talk[i] * 2 + mic[mic.length - talk.length + i];
  feed(m, echo, ref.subarray(ref.length - talk.length));
  assert.equal(m.isEcho(), false);
});

test("EchoMeter reports nothing while nothing plays", () => {
  const m = new EchoMeter(RATE);
  const mic = speech(2, 3);
  feed(m, mic, new Float32Array(mic.length));
  assert.equal(m.estimate().echo, false);
  assert.equal(m.playing(), false);
});

test("EchoMeter: before it can judge, echo no louder than the playback counts as echo", () => {
  const ref = speech(1, 1);
  const mic = new Float32Array(ref.length);
  const lag = Math.round(0.12 * RATE);
  for (let i = lag; i < ref.length; i++) mic[i] = 0.5 * ref[i - lag]; // -6 dB, 120 ms late
  const m = new EchoMeter(RATE);
  const leaked = [];
  for (let i = 0; i + 128 <= mic.length; i += 128) {
    m.push(mic.subarray(i, i + 128), ref.subarray(i, i + 128));
    if (i >= lag && m.playing() && !m.isEcho()) leaked.push(i / RATE);
  }
  assert.deepEqual(leaked, [], "echo frames let through while the meter converged");
  assert.ok(m.report().echo, JSON.stringify(m.report())); // and it converged within 1 s
});

test("EchoMeter: before it can judge, a talker louder than the playback is not echo", () => {
  const ref = speech(0.3, 1);
  const talk = speech(0.3, 9, 5300);
  const mic = talk.map((x, i) => 8 * x + 0.1 * ref[i]);
  const m = new EchoMeter(RATE);
  feed(m, mic, ref);
  assert.equal(m.judged, false);
  assert.equal(m.isEcho(), false);
});

test("EchoMeter keeps the learned path between replies and hands it to a new meter", () => {
  const reply = speech(3, 1);
  const ref = new Float32Array(reply.length + RATE * 4); // then 4 s without playback
  ref.set(reply);
  const lag = Math.round(0.08 * RATE);
  const mic = new Float32Array(ref.length);
  for (let i = lag; i < ref.length; i++) mic[i] = 0.1 * ref[i - lag];
  const m = new EchoMeter(RATE);
  feed(m, mic.subarray(0, reply.length), ref.subarray(0, reply.length));
  const learned = m.report();
  assert.ok(learned.echo);
  feed(m, mic.subarray(reply.length), ref.subarray(reply.length)); // longer than the window
  assert.ok(!m.playing());
  const kept = m.estimate();
  assert.ok(kept.echo && kept.lagMs === 80 && Math.abs(kept.couplingDb + 20) < 1, JSON.stringify(kept));
  // the next reply starts: its echo is recognised from its first hops
  const start = lag + 1280;
  feed(m, mic.subarray(0, start), ref.subarray(0, start));
  assert.ok(m.isEcho());
  const next = new EchoMeter(RATE, { prior: learned });
  feed(next, mic.subarray(0, start), ref.subarray(0, start));
  assert.ok(next.judged && next.isEcho());
  assert.equal(next.report().lagMs, learned.lagMs);
});

test("EchoMeter: a mic gone digitally silent says nothing; one hearing only room noise, no echo", () => {
  const ref = speech(6, 1);
  const lag = Math.round(0.08 * RATE);
  const mic = new Float32Array(ref.length);
  const half = RATE * 3;
  for (let i = lag; i < half; i++) mic[i] = 0.1 * ref[i - lag]; // then exact zeros: a cut track
  const m = new EchoMeter(RATE);
  feed(m, mic, ref);
  assert.ok(m.estimate().echo && m.isEcho(), JSON.stringify(m.report()));
  let s = 7;
  for (let i = half; i < mic.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    mic[i] = 0.0005 * (s / 2147483648 - 0.5); // room noise near -75 dBFS, the reply still plays
  }
  const n = new EchoMeter(RATE);
  feed(n, mic, ref);
  assert.equal(n.estimate().echo, false, JSON.stringify(n.report()));
});

/**
 * Feed mic and reference through a meter and a gate as the capture worklet does, one 20 ms frame
 * at a time; the frames the gate releases, each {seq, playing, echo, at} (at: release time, s).
 * @param {Float32Array} mic @param {Float32Array} ref @param {any} [prior]
 */
function gated(mic, ref, prior = null) {
  const m = new EchoMeter(RATE, { prior });
  const gate = new EchoGate(m);
  const frame = RATE / 50;
  /** @type {any[]} */
  const out = [];
  for (let seq = 0; (seq + 1) * frame <= mic.length; seq++) {
    for (let i = seq * frame; i < (seq + 1) * frame; i += 120) m.push(mic.subarray(i, i + 120), ref.subarray(i, i + 120));
    for (const f of gate.push({ seq, playing: m.playing() })) out.push({ ...f, at: ((seq + 1) * frame) / RATE });
  }
  return { out, meter: m };
}

/** Room noise near -75 dBFS. @param {number} n */
function noise(n) {
  const x = new Float32Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = 0.0005 * (s / 2147483648 - 0.5);
  }
  return x;
}

test("EchoGate: with no echo path (headphones) a barge-in as the reply starts goes whole", () => {
  // #24 item 15: ~0.7 s of the first 1.9 s of such a barge-in was judged echo (sent as silence)
  const ref = speech(4, 1);
  const mic = noise(ref.length);
  const talk = speech(2.5, 9, 5300);
  for (let i = 0; i < talk.length; i++) mic[i] += talk[i]; // "Stop, ..." as loud as the reply
  const { out, meter } = gated(mic, ref);
  assert.deepEqual(out.map((f) => f.seq), [...Array(out.length).keys()], "every frame, in order");
  assert.ok(out.length >= 199, String(out.length));
  const barge = out.filter((f) => f.seq < 95); // its first 1.9 s
  assert.deepEqual(barge.filter((f) => f.echo).map((f) => f.seq), [], "barge-in frames sent as silence");
  assert.ok(meter.judged && !meter.report().echo, JSON.stringify(meter.report()));
  assert.ok(Math.max(...barge.map((f) => f.at - (f.seq + 1) / 50)) < 1.0, "held no longer than the warm-up");
});

test("EchoGate: with an echo path the frames held while the meter converged go as echo", () => {
  const ref = speech(2, 1);
  const mic = new Float32Array(ref.length);
  const lag = Math.round(0.12 * RATE);
  for (let i = lag; i < ref.length; i++) mic[i] = 0.5 * ref[i - lag]; // -6 dB, 120 ms late
  const { out } = gated(mic, ref);
  const leaked = out.filter((f) => f.playing && f.at > 0.15 && !f.echo).map((f) => f.seq);
  assert.deepEqual(leaked, [], "echo frames let through while the meter converged");
  assert.deepEqual(out.map((f) => f.seq), [...Array(out.length).keys()]);
});

test("EchoGate: a meter that found no echo path before judges the next reply at once", () => {
  const ref = speech(3, 1);
  const mic = noise(ref.length);
  const first = gated(mic, ref).meter.report();
  assert.ok(first.judged && !first.echo, JSON.stringify(first));
  const talk = speech(1, 9, 5300);
  for (let i = 0; i < talk.length; i++) mic[i] += talk[i];
  const { out } = gated(mic, ref, first); // the mic was turned off and on again
  assert.ok(out.every((f) => !f.echo && f.at === (f.seq + 1) / 50), "nothing held, nothing silenced");
});

test("EchoGate: frames never judged (a reply too short) go conservatively after maxHeld", () => {
  const m = new EchoMeter(RATE);
  const gate = new EchoGate(m, 3);
  m.push(new Float32Array(960).fill(0.01), new Float32Array(960).fill(0.1)); // plays, mic quieter
  assert.deepEqual(gate.push({ seq: 0, playing: true }), []);
  assert.deepEqual(gate.push({ seq: 1, playing: true }), []);
  assert.deepEqual(gate.push({ seq: 2, playing: true }), []);
  const out = gate.push({ seq: 3, playing: true });
  assert.deepEqual(out.map((f) => [f.seq, f.echo]), [[0, true], [1, true], [2, true], [3, true]]);
});
