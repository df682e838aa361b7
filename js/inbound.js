// @ts-check
// What the kernel sends the VoiceWidget's page, item by item: reply audio to the player,
// transcript deltas, interruptions and cuts, turn ends, tool calls, marks and grounding sources
// to the pane. A batch (TO_BROWSER.BATCH) carries several items and their audio buffers.

import { RATES, TO_BROWSER } from "./messages.js";

/** @typedef {import("./engine.js").AudioEngine} AudioEngine */

/** Wall-clock milliseconds with sub-millisecond resolution (comparable to the kernel's time). */
export const now = () => performance.timeOrigin + performance.now();

/** @param {AudioEngine} e @param {any} msg @param {DataView[]} buffers */
export function receive(e, msg, buffers) {
  e.arrived = now();
  if (typeof msg?.t === "number") {
    e.transit.push(e.arrived - msg.t);
    if (e.transit.length > 400) e.transit.splice(0, 200);
  }
  if (msg?.type === TO_BROWSER.BATCH) {
    for (const item of msg.items ?? []) handle(e, item, buffers);
  } else if (msg && typeof msg.type === "string") {
    handle(e, { ...msg, buffer: msg.buffer ?? 0 }, buffers);
  }
}

/** @param {AudioEngine} e @param {any} item @param {DataView[]} buffers */
export function handle(e, item, buffers) {
  // A short trace of what arrived when (for tests, benchmarks and the console).
  e.trace.push([now(), item.type, item.seq ?? item.text ?? ""]);
  if (e.trace.length > 400) e.trace.splice(0, 200);
  switch (item.type) {
    case TO_BROWSER.AUDIO: {
      const view = buffers[item.buffer];
      if (item.reply === e.cutReply) {
        e.stats.dropped++; // late audio of a reply the user already cut off
      } else if (view) {
        if (typeof item.reply === "number") e.reply = item.reply;
        e.markedCut = false;
        e.play(view, item.rate ?? RATES.REPLY, item.seq);
      }
      break;
    }
    case TO_BROWSER.TRANSCRIPT:
      // The rest of a reply the user cut off here was never heard: it is not shown either.
      if (item.role === "model" && item.reply === e.cutReply) break;
      e.addText(item.role === "user" ? "user" : "model", item.text ?? "", !!item.final, {
        replace: !!item.replace,
        reply: typeof item.reply === "number" ? item.reply : undefined,
        speaker: typeof item.speaker === "string" ? item.speaker : undefined,
      });
      break;
    case TO_BROWSER.INTERRUPTED:
      e.flush();
      if (!e.markedCut) e.addMark("interrupted", "info");
      e.markedCut = true;
      break;
    case TO_BROWSER.CUT:
      if (typeof item.heard === "string") e.markHeard(item.heard);
      break;
    case TO_BROWSER.TURN:
      e.player?.port.postMessage({ type: "drain" });
      if (typeof item.ttfa_ms === "number") e.addMeta(`first audio after ${(item.ttfa_ms / 1000).toFixed(2)} s`);
      e.finishAll();
      e.emit({ kind: "entries" });
      break;
    case TO_BROWSER.TOOL:
      for (const c of item.calls ?? []) e.addMark(`tool call: ${c.name}(${JSON.stringify(c.args ?? {})})`, "info");
      break;
    case TO_BROWSER.MARK:
      e.addMark(String(item.text ?? ""), item.tone ?? "info");
      break;
    case TO_BROWSER.GROUNDING:
      e.addSources(item.sources);
      break;
    default:
      break;
  }
}
