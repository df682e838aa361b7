import { test } from "node:test";
import assert from "node:assert/strict";
import { EchoMeter } from "./echo.js";

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
