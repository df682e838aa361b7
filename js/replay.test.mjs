import { test } from "node:test";
import assert from "node:assert/strict";
import { cueAt } from "./replay.js";

test("cueAt follows the playhead through both speakers' cues", () => {
  /** @type {[number, number, string, string][]} */
  const cues = [[0.2, 1.5, "User", "hi"], [2.0, 4.0, "Model", "hello"], [4.5, 4.6, "User", "ok"]];
  assert.equal(cueAt(cues, 0.1), -1);
  assert.equal(cueAt(cues, 1.0), 0);
  assert.equal(cueAt(cues, 3.9), 1);
  assert.equal(cueAt(cues, 4.9), 2); // short cues stay lit for half a second
  assert.equal(cueAt(cues, 5.2), -1);
});
