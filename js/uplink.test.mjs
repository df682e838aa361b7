import { test } from "node:test";
import assert from "node:assert/strict";
import { RATES } from "./messages.js";
import { PlayedCount, Uplink, nextInterval } from "./uplink.js";

/** @param {number} seq @param {number} value @param {number} rate */
const frame = (seq, value = seq, rate = RATES.MIC) => ({
  seq,
  pcm: new Int16Array(320).fill(value).buffer,
  rate,
  t: 1000 + 20 * seq,
});

test("Uplink sends everything pending as one batch, in order, numbered by its first frame", () => {
  const u = new Uplink({ prerollMs: 3000, frameMs: 20 });
  for (let s = 0; s < 7; s++) u.push(frame(s), "live");
  const b = u.take();
  assert.ok(b);
  assert.equal(b.seq, 0);
  assert.equal(b.frames, 7);
  assert.equal(b.t, 1000);
  assert.equal(b.rate, RATES.MIC);
  const pcm = new Int16Array(b.buffer);
  assert.equal(pcm.length, 7 * 320);
  for (let s = 0; s < 7; s++) assert.equal(pcm[s * 320], s);
  assert.equal(u.take(), null);
});

test("Uplink never joins frames of different rates: each batch names its frames' rate", () => {
  const u = new Uplink({ prerollMs: 3000, frameMs: 20 });
  u.push(frame(0, 1, 48000), "live");
  u.push(frame(1, 2, 48000), "live");
  u.push(frame(2, 3, 16000), "live");
  const a = u.take();
  const b = u.take();
  assert.ok(a && b);
  assert.deepEqual([a.seq, a.frames, a.rate], [0, 2, 48000]);
  assert.deepEqual([b.seq, b.frames, b.rate], [2, 1, 16000]);
  assert.deepEqual(Array.from(new Int16Array(b.buffer).subarray(0, 2)), [3, 3]);
  assert.equal(u.take(), null);
});

test("Uplink holds frames while connecting up to the pre-roll, dropping and counting the oldest", () => {
  const u = new Uplink({ prerollMs: 100, frameMs: 20 }); // 5 frames
  for (let s = 0; s < 8; s++) u.push(frame(s), "hold");
  const b = u.take();
  assert.ok(b);
  assert.deepEqual([b.seq, b.frames, b.lost], [3, 5, 3]);
});

test("Uplink discards frames while idle (not lost: nobody was listening)", () => {
  const u = new Uplink({ prerollMs: 100, frameMs: 20 });
  u.push(frame(0), "hold");
  u.push(frame(1), "drop");
  assert.equal(u.take(), null);
  assert.equal(u.discarded, 2);
  assert.equal(u.lost, 0);
});

test("Uplink keeps an echo frame's number and length but sends silence", () => {
  const u = new Uplink({ prerollMs: 100, frameMs: 20 });
  u.push(frame(0, 5), "live");
  u.push({ ...frame(1, 9), echo: true }, "live");
  const b = u.take();
  assert.ok(b);
  const pcm = new Int16Array(b.buffer);
  assert.equal(b.frames, 2);
  assert.equal(pcm[0], 5);
  assert.ok(pcm.subarray(320).every((v) => v === 0));
  assert.equal(u.echoFrames, 1);
});

test("nextInterval grows when ticks come late and eases back to the base", () => {
  assert.equal(nextInterval(60, 200, 60, 240), 120);
  assert.equal(nextInterval(120, 200, 60, 240), 240);
  assert.equal(nextInterval(240, 500, 60, 240), 240);
  assert.equal(nextInterval(240, 0, 60, 240), 192);
  assert.equal(nextInterval(61, 0, 60, 240), 60);
});

test("PlayedCount counts each session's played samples from zero, named by its epoch", () => {
  const p = new PlayedCount(1);
  p.update(48000); // one second at a 48 kHz context in session 1
  assert.equal(p.samples24k(48000), 24000);
  assert.equal(p.epoch, 1);
  p.update(96000); // the first reply went on playing until Disconnect
  p.restart(2); // Connect again: the kernel attached session 2
  assert.equal(p.samples24k(48000), 0);
  assert.equal(p.epoch, 2);
  p.update(96000 + 24000); // 0.5 s of the new reply before a barge-in cut it
  assert.equal(p.samples24k(48000), 12000);
});
