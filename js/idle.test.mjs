import assert from "node:assert/strict";
import { test } from "node:test";
import { BATCH_MS, FrameBatch } from "./capture-core.js";
import { EchoLatch } from "./echo.js";
import { IDLE_MS, IdleAudio } from "./idle.js";

function fakeCtx() {
  const ctx = {
    state: "running",
    calls: /** @type {string[]} */ ([]),
    async suspend() { ctx.calls.push("suspend"); ctx.state = "suspended"; },
    async resume() { ctx.calls.push("resume"); ctx.state = "running"; },
  };
  return ctx;
}

test("the context sleeps after IDLE_MS of nothing, and wakes before the next sound", async () => {
  const ctx = fakeCtx();
  let busy = true;
  const idle = new IdleAudio({ busy: () => busy, ctx: () => ctx });
  assert.equal(idle.check(0), false); // playing
  busy = false;
  assert.equal(idle.check(100), false); // idle from now on
  assert.equal(idle.check(100 + IDLE_MS - 1), false);
  assert.equal(idle.check(100 + IDLE_MS), true); // the ticks may stop
  assert.deepEqual(ctx.calls, ["suspend"]);
  assert.ok(idle.suspended && idle.asleep);
  assert.equal(await idle.wake(), true); // restart the ticks
  assert.equal(ctx.state, "running");
  assert.ok(!idle.suspended && !idle.asleep);
  assert.equal(await idle.wake(), false); // nothing to do twice
  assert.deepEqual(ctx.calls, ["suspend", "resume"]);
});

test("busy moments restart the idle clock; a context the browser paused is left alone", () => {
  const ctx = fakeCtx();
  let busy = false;
  const idle = new IdleAudio({ busy: () => busy, ctx: () => ctx }, 1000);
  idle.check(0);
  busy = true;
  idle.check(900);
  busy = false;
  assert.equal(idle.check(1500), false); // idle again only since 1500
  assert.equal(idle.check(2499), false);
  ctx.state = "suspended"; // autoplay policy: not ours to manage
  assert.equal(idle.check(5000), false);
  assert.deepEqual(ctx.calls, []);
});

test("with no context yet only the ticks sleep", async () => {
  const idle = new IdleAudio({ busy: () => false, ctx: () => null }, 10);
  idle.check(0);
  assert.equal(idle.check(10), true);
  assert.ok(idle.asleep && !idle.suspended);
  assert.equal(await idle.wake(), true);
});

test("capture frames go in batches of BATCH_MS, the first at once", () => {
  const batch = new FrameBatch(20);
  assert.equal(batch.size, Math.round(BATCH_MS / 20));
  assert.deepEqual(batch.add(0), [0]); // the mic shows live at once
  const posts = [];
  for (let i = 1; i <= 50; i++) {
    const out = batch.add(i);
    if (out) posts.push(out);
  }
  assert.ok(posts.length <= 50 / 3, `${posts.length} posts for 50 frames`);
  assert.deepEqual(posts.flat(), Array.from({ length: posts.flat().length }, (_, i) => i + 1)); // in order, none lost
  batch.reset();
  assert.deepEqual(batch.add(99), [99]); // after a reset, at once again
  assert.equal(new FrameBatch(40).size, 2);
});

test("the echo warning has hysteresis and keeps the coupling it measured", () => {
  const latch = new EchoLatch(0.85);
  assert.equal(latch.update(0.8, -100), false); // not yet
  assert.equal(latch.update(0.9, -20), true);
  assert.equal(latch.update(0.8, -100), true); // a dip under the threshold: still on
  assert.equal(latch.couplingDb, -20);
  assert.equal(latch.update(0.74, -100), false); // clearly gone
  assert.equal(latch.update(0.8, -100), false); // and it takes the full threshold to return
});
