import { test } from "node:test";
import assert from "node:assert/strict";
import { PlaybackBuffer } from "./playback-core.js";

const RATE = 48000;
const block = () => new Float32Array(128);
const ones = (n) => new Float32Array(n).fill(0.5);

test("waits for the 100 ms jitter target before playing", () => {
  const pb = new PlaybackBuffer(RATE);
  pb.push(ones(4799)); // just under 100 ms
  const out = block();
  assert.equal(pb.render(out), 0);
  assert.ok(out.every((v) => v === 0));
  pb.push(ones(1));
  assert.equal(pb.render(out), 128);
  assert.ok(out.every((v) => v === 0.5));
  assert.equal(pb.stats().played, 128);
});

test("an underrun plays silence and grows the target", () => {
  const pb = new PlaybackBuffer(RATE);
  pb.push(ones(4800 + 64));
  const out = block();
  for (let i = 0; i < 37; i++) pb.render(out); // 4736 samples
  assert.equal(pb.render(out), 128);
  assert.equal(pb.render(out), 0); // starved: silence
  assert.ok(out.every((v) => v === 0));
  assert.equal(pb.stats().underruns, 1);
  assert.equal(pb.stats().targetMs, 150);
  pb.push(ones(4800)); // 100 ms is no longer enough
  assert.equal(pb.render(out), 0);
  pb.push(ones(2400));
  assert.equal(pb.render(out), 128);
});

test("partial block at an underrun is zero-padded", () => {
  const pb = new PlaybackBuffer(RATE, { startMs: 1 });
  pb.push(ones(48 + 100));
  const out = block();
  assert.equal(pb.render(out), 128);
  assert.equal(pb.render(out), 20);
  assert.ok(out.subarray(0, 20).every((v) => v === 0.5));
  assert.ok(out.subarray(20).every((v) => v === 0));
});

test("drain plays a tail shorter than the target without counting an underrun", () => {
  const pb = new PlaybackBuffer(RATE);
  pb.push(ones(1000));
  const out = block();
  assert.equal(pb.render(out), 0);
  pb.drain();
  let played = 0;
  for (let i = 0; i < 10; i++) played += pb.render(out);
  assert.equal(played, 1000);
  assert.equal(pb.stats().underruns, 0);
  assert.equal(pb.stats().targetMs, 100);
  pb.push(ones(1000)); // next turn waits for the target again
  assert.equal(pb.render(out), 0);
});

test("flush drops buffered audio at once", () => {
  const pb = new PlaybackBuffer(RATE);
  pb.push(ones(48000));
  const out = block();
  pb.render(out);
  pb.flush();
  assert.equal(pb.stats().buffered, 0);
  assert.equal(pb.render(out), 0);
  assert.ok(out.every((v) => v === 0));
  assert.equal(pb.stats().played, 128);
  assert.equal(pb.stats().underruns, 0);
});

test("the target never grows past its maximum", () => {
  const pb = new PlaybackBuffer(RATE, { startMs: 1, maxMs: 120 });
  const out = block();
  for (let i = 0; i < 10; i++) {
    pb.push(ones(pb.targetMs * 48 + 10));
    while (pb.render(out) === 128);
  }
  assert.equal(pb.stats().targetMs, 120);
});
