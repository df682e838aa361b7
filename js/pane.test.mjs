import { test } from "node:test";
import assert from "node:assert/strict";
import { addText } from "./pane.js";

const words = (entries) => entries.filter((e) => e.kind === "model").map((e) => e.text).join("|");

test("deltas of one reply join into one entry", () => {
  const entries = [];
  addText(entries, "model", "Hello! ", false, { reply: 0 });
  addText(entries, "model", "Sure.", false, { reply: 0 });
  assert.equal(words(entries), "Hello! Sure.");
});

test("a replace takes the place of the reply's words, never beside them", () => {
  const entries = [];
  addText(entries, "model", "Hello! Sure.", false, { reply: 0 }); // text parts came first
  addText(entries, "model", "Hello!", false, { reply: 0, replace: true }); // then transcription
  addText(entries, "model", " Sure.", false, { reply: 0 });
  assert.equal(words(entries), "Hello! Sure.");
  assert.equal(entries.length, 1);
});

test("a replace reaches the reply's entries split by a mark and leaves other replies", () => {
  const entries = [];
  addText(entries, "model", "Old reply", false, { reply: 0 });
  entries.forEach((e) => { e.final = true; });
  addText(entries, "model", "Hi", false, { reply: 1 });
  entries.push({ kind: "mark", text: "tool call: f({})", final: true, v: 0 });
  entries.forEach((e) => { e.final = true; });
  addText(entries, "model", " there", false, { reply: 1 });
  addText(entries, "model", "Hi there", true, { reply: 1, replace: true });
  assert.equal(words(entries), "Old reply||Hi there");
});

test("a replace with nothing of the reply shown yet starts its entry", () => {
  const entries = [];
  addText(entries, "model", "Hi", false, { reply: 3, replace: true });
  assert.deepEqual(entries.map((e) => [e.text, e.reply]), [["Hi", 3]]);
});

test("diarized user deltas: each speaker's words on their own line, labelled", async () => {
  const { addText } = await import("./pane.js");
  /** @type {any[]} */
  const entries = [];
  addText(entries, "user", "Where is", false, { speaker: "A" });
  addText(entries, "user", " the station?", false, { speaker: "A" });
  addText(entries, "user", " I think it's left.", true, { speaker: "B" });
  assert.deepEqual(entries.map((e) => [e.speaker, e.text, e.final]), [
    ["A", "Where is the station?", true],
    ["B", " I think it's left.", true],
  ]);
});
