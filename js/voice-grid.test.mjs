import assert from "node:assert/strict";
import { test } from "node:test";
import { gridMove, KEYS } from "./voice-grid.js";
import { meterValue } from "./view.js";
import { speakerName } from "./replay.js";

test("arrow keys move the active card across, by a row, and to the ends, never off the grid", () => {
  // 10 cards, 4 columns
  assert.equal(gridMove(0, "ArrowRight", 10, 4), 1);
  assert.equal(gridMove(0, "ArrowLeft", 10, 4), 0);
  assert.equal(gridMove(1, "ArrowDown", 10, 4), 5);
  assert.equal(gridMove(8, "ArrowDown", 10, 4), 9);
  assert.equal(gridMove(5, "ArrowUp", 10, 4), 1);
  assert.equal(gridMove(2, "ArrowUp", 10, 4), 0);
  assert.equal(gridMove(6, "Home", 10, 4), 0);
  assert.equal(gridMove(3, "End", 10, 4), 9);
  assert.equal(gridMove(3, "Enter", 10, 4), null); // Enter/Space are the buttons' own
  assert.equal(gridMove(0, "ArrowRight", 0, 4), null);
  assert.match(KEYS, /Enter or Space plays/);
});

test("a meter states its level as a number and as text", () => {
  const attrs = new Map();
  const node = /** @type {any} */ ({ setAttribute: (k, v) => attrs.set(k, v) });
  meterValue(node, -23.4);
  assert.equal(attrs.get("aria-valuenow"), "-23");
  assert.equal(attrs.get("aria-valuetext"), "-23 dB");
  meterValue(node, -Infinity);
  assert.equal(attrs.get("aria-valuenow"), "-60");
  assert.equal(attrs.get("aria-valuetext"), "silent");
  meterValue(node, 3);
  assert.equal(attrs.get("aria-valuenow"), "0");
});

test("caption speakers: you, Gemini, or the diarization label", () => {
  assert.equal(speakerName("User"), "You");
  assert.equal(speakerName("Model"), "Gemini");
  assert.equal(speakerName("A"), "A");
});

test("the camera line says 'on' only while connected, and waits during a reconnect", async () => {
  const { describeVideo } = await import("./view.js");
  const on = { note: "", state: "on", kind: "camera", framesSent: 3 };
  assert.equal(describeVideo(on, true), "· camera on, 3 frames sent");
  assert.equal(describeVideo(on, false), "· camera on, waiting for the connection");
  assert.equal(describeVideo({ ...on, state: "off", kind: null }, false), "");
  assert.equal(describeVideo({ ...on, note: "Camera access was denied." }, true), "Camera access was denied.");
});
