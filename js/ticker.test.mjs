import { test } from "node:test";
import assert from "node:assert/strict";
import { RATES, TO_KERNEL } from "./messages.js";
import { UplinkClock } from "./ticker.js";
import { PlayedCount, Uplink } from "./uplink.js";

/** The engine's parts a tick reads, at 48 kHz, in session `epoch`. @param {number} epoch */
function fakeEngine(epoch) {
  /** @type {Record<string, any>[]} */
  const sent = [];
  const traits = { connected: false, status: "closed" };
  const played = new PlayedCount(epoch);
  const engine = {
    model: { get: (/** @type {string} */ k) => traits[k], set() {}, save_changes() {} },
    played,
    played24k: () => played.samples24k(48000),
    sentPlayed: -1,
    acks: [],
    uplink: new Uplink({ prerollMs: 3000, frameMs: 20 }),
    lastLevelSync: 0,
    inputDb: -100,
    outputDb: -100,
    sentLevels: [-100, -100],
    echo: null,
    sentEchoDb: -100,
    sent: { audio: 0, played: 0, levels: 0, echo: 0 },
    stats: { framesSent: 0 },
    idle: { check: () => true }, // each tick is the last one: no timers left behind
    send: (/** @type {Record<string, any>} */ content) => sent.push(content),
  };
  return { engine, sent, traits };
}

test("the uplink tick's playback report names the session it counts for (_session_epoch)", () => {
  const { engine, sent, traits } = fakeEngine(3);
  const clock = new UplinkClock(/** @type {any} */ (engine));
  clock.stop();
  engine.played.update(48000); // 1 s rendered at 48 kHz
  clock.tick();
  assert.deepEqual(sent.at(-1), { type: TO_KERNEL.PLAYED, samples: 24000, epoch: 3, acks: [] });

  // a new session: the count restarts and the reports carry its epoch, riding on mic audio too
  engine.played.restart(4);
  engine.sentPlayed = -1;
  engine.played.update(48000 + 24000);
  traits.connected = true;
  engine.uplink.push({ seq: 0, pcm: new Int16Array(320).buffer, rate: RATES.MIC, t: 1000 }, "live");
  clock.tick();
  const last = sent.at(-1) ?? {};
  assert.equal(last.type, TO_KERNEL.AUDIO);
  assert.deepEqual([last.samples, last.epoch], [12000, 4]);
});

test("a mic message declares its PCM's actual rate, not a fixed 16 kHz", () => {
  const { engine, sent, traits } = fakeEngine(1);
  const clock = new UplinkClock(/** @type {any} */ (engine));
  clock.stop();
  traits.connected = true;
  engine.uplink.push({ seq: 0, pcm: new Int16Array(960).buffer, rate: 48000, t: 1000 }, "live");
  clock.tick();
  const last = sent.at(-1) ?? {};
  assert.equal(last.type, TO_KERNEL.AUDIO);
  assert.equal(last.rate, 48000);
});
