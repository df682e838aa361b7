import { test } from "node:test";
import assert from "node:assert/strict";
import { CaptureFramer } from "./capture-core.js";
import { RATES } from "./messages.js";

test("frames are 20 ms of 16 kHz PCM16, numbered in order", () => {
  const f = new CaptureFramer(44100);
  const frames = [];
  const block = new Float32Array(128);
  for (let i = 0; i < 44100 / 128; i++) {
    for (let j = 0; j < 128; j++) block[j] = 0.25 * Math.sin((2 * Math.PI * 1000 * (i * 128 + j)) / 44100);
    frames.push(...f.push(block));
  }
  assert.ok(frames.length >= 48 && frames.length <= 50, `${frames.length} frames`);
  frames.forEach((fr, i) => {
    assert.equal(fr.seq, i);
    assert.equal(fr.pcm.length, 320);
    assert.ok(fr.pcm instanceof Int16Array);
  });
  const last = frames[frames.length - 1];
  assert.ok(Math.abs(last.level - 20 * Math.log10(0.25 / Math.SQRT2)) < 0.1, `level ${last.level}`);
  const peak = Math.max(...Array.from(last.pcm, Math.abs));
  assert.ok(Math.abs(peak - 8192) < 20, `peak ${peak}`);
});

test("frame length is clamped to 20..40 ms", () => {
  assert.equal(new CaptureFramer(48000, { frameMs: 5 }).frameSize, 320);
  assert.equal(new CaptureFramer(48000, { frameMs: 40 }).frameSize, 640);
  assert.equal(new CaptureFramer(48000, { frameMs: 100 }).frameSize, 640);
});

test("loud input is clamped, not wrapped", () => {
  const f = new CaptureFramer(16000);
  const frames = f.push(new Float32Array(16000).fill(3));
  const pcm = frames[frames.length - 1].pcm;
  assert.ok(pcm.every((v) => v === 32767));
});

test("reset drops the partial frame but keeps numbering", () => {
  const f = new CaptureFramer(16000);
  assert.equal(f.push(new Float32Array(300)).length, 0);
  f.reset();
  const frames = f.push(new Float32Array(330));
  assert.equal(frames.length, 0);
  // 730 samples in, minus the filter's look-ahead: two whole frames, numbered from 0.
  const more = f.push(new Float32Array(400));
  assert.deepEqual(more.map((fr) => fr.seq), [0, 1]);
});

test("each frame names its rate: RATES.MIC by default, the framer's outRate otherwise", () => {
  const block = new Float32Array(4800).fill(0.1);
  const plain = new CaptureFramer(48000).push(block);
  assert.ok(plain.length > 0 && plain.every((fr) => fr.rate === RATES.MIC));
  const wide = new CaptureFramer(48000, { outRate: 24000 }).push(block);
  assert.ok(wide.length > 0 && wide.every((fr) => fr.rate === 24000 && fr.pcm.length === 480));
});
