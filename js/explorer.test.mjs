import assert from "node:assert/strict";
import { test } from "node:test";
import { shuffled, visibleVoices } from "./explorer.js";

const voices = [
  { name: "Zephyr", style: "Bright" },
  { name: "Puck", style: "Upbeat" },
  { name: "Charon", style: "Informative" },
  { name: "Kore", style: "Firm" },
  { name: "Autonoe", style: "Bright" },
];
const cards = {
  Puck: { status: "ready", pitch_hz: 120, wer: 0.1 },
  Kore: { status: "ready", pitch_hz: 190, wer: 0 },
  Zephyr: { status: "ready", pitch_hz: 150, wer: null },
};
const view = (o) => ({ style: "", search: "", sort: "", ...o });

test("filters by style and searches names and styles", () => {
  assert.deepEqual(visibleVoices(voices, {}, view({ style: "Bright" })).map((v) => v.name), ["Zephyr", "Autonoe"]);
  assert.deepEqual(visibleVoices(voices, {}, view({ search: "or" })).map((v) => v.name), ["Charon", "Kore"]);
  assert.deepEqual(visibleVoices(voices, {}, view({ search: "UPBEAT" })).map((v) => v.name), ["Puck"]);
});

test("sorts by a measure, cards without it last in catalog order", () => {
  const byPitch = visibleVoices(voices, cards, view({ sort: "pitch_hz" })).map((v) => v.name);
  assert.deepEqual(byPitch, ["Puck", "Zephyr", "Kore", "Charon", "Autonoe"]);
  const byWer = visibleVoices(voices, cards, view({ sort: "wer" })).map((v) => v.name);
  assert.deepEqual(byWer, ["Kore", "Puck", "Zephyr", "Charon", "Autonoe"]);
  const byName = visibleVoices(voices, cards, view({ sort: "name" })).map((v) => v.name);
  assert.deepEqual(byName, ["Autonoe", "Charon", "Kore", "Puck", "Zephyr"]);
});

test("blind shuffle is a permutation, fixed per seed", () => {
  const names = voices.map((v) => v.name);
  const a = shuffled(names, 42);
  assert.deepEqual([...a].sort(), [...names].sort());
  assert.deepEqual(shuffled(names, 42), a);
  assert.notDeepEqual(shuffled(names, 7), shuffled(names, 8));
});
