// @ts-check
// The transcript pane's words: deltas of the user and of the model, joined per utterance. The
// kernel decides which words a reply shows (gemlive_nb/conversation/reply_words.py: the output
// transcription wins over text parts); when a reply's transcription arrives after its text
// parts were shown, it sends the reply's words with `replace`, and they take the text's place.
// Marks (interrupted, tool calls), typed messages, meta and sources join the same list.

import { mergeSources } from "./sources.js";

/**
 * @typedef {{kind: 'user'|'model'|'mark', text: string, final: boolean, v: number,
 *   tone?: string, meta?: string, sources?: import("./sources.js").Source[], reply?: number,
 *   speaker?: string}} Entry
 */

/**
 * Add a transcript delta of `role` to `entries` (in place).
 * @param {Entry[]} entries
 * @param {'user'|'model'} role
 * @param {string} text
 * @param {boolean} final ends the utterance
 * @param {{replace?: boolean, reply?: number, speaker?: string}} [opts] replace: `text` is the
 *   reply's words so far (they replace what its entries show); reply: the kernel's reply number;
 *   speaker: the diarization label (a new speaker starts a new entry)
 */
export function addText(entries, role, text, final, opts = {}) {
  const { replace = false, reply, speaker } = opts;
  if (replace) {
    const mine = entries.filter((e) => e.kind === role && e.reply === reply && reply !== undefined);
    const last = mine[mine.length - 1];
    if (last) {
      for (const e of mine) {
        if (e !== last && e.text) {
          e.text = ""; // the words live in the reply's last entry now
          e.v++;
        }
      }
      last.text = text;
      last.final = final;
      last.v++;
      return;
    }
  }
  let last = null;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === role && !e.final) {
      last = e;
      break;
    }
  }
  if (last && speaker !== undefined && last.speaker !== speaker) {
    last.final = true; // another speaker: their own line
    last.v++;
    last = null;
  }
  if (last) {
    last.text = replace ? text : last.text + text;
    last.final = final;
    if (reply !== undefined) last.reply = reply;
    last.v++;
  } else if (text) {
    entries.push({ kind: role, text, final, v: 0, ...(reply !== undefined ? { reply } : {}),
      ...(speaker !== undefined ? { speaker } : {}) });
  }
}

/** Mark every entry final. @param {Entry[]} entries */
export function finishAll(entries) {
  for (const e of entries) {
    if (!e.final) {
      e.final = true;
      e.v++;
    }
  }
}

/** A message typed in the widget: its own, finished user entry. @param {Entry[]} entries @param {string} text */
export function addTyped(entries, text) {
  finishAll(entries);
  entries.push({ kind: "user", text, final: true, v: 0 });
}

/** @param {Entry[]} entries @param {string} text @param {string} [tone] */
export function addMark(entries, text, tone = "info") {
  finishAll(entries);
  entries.push({ kind: "mark", text, final: true, v: 0, tone });
}

/** A detail under the latest model entry (time to first audio). @param {Entry[]} entries @param {string} meta */
export function addMeta(entries, meta) {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === "model") {
      e.meta = meta;
      e.v++;
      return;
    }
    if (e.kind === "user") return;
  }
}

/** Grounding sources under the latest reply (started here if it has no words yet). @param {Entry[]} entries @param {unknown} sources */
export function addSources(entries, sources) {
  /** @type {Entry | null} */
  let target = null;
  for (let i = entries.length - 1; i >= 0 && !target; i--) {
    const e = entries[i];
    if (e.kind === "model") target = e;
    else if (e.kind === "user") break;
  }
  if (!target) {
    target = /** @type {Entry} */ ({ kind: "model", text: "", final: false, v: 0 });
    entries.push(target);
  }
  target.sources = mergeSources(target.sources ?? [], sources);
  target.v++;
}

/** The latest 'interrupted' mark says where the reply was cut; true if one did. @param {Entry[]} entries @param {string} heard */
export function markHeard(entries, heard) {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === "mark" && e.text.startsWith("interrupted")) {
      const words = heard.trim();
      e.text = words ? `interrupted after “…${words.slice(-60)}”` : "interrupted before any word was heard";
      e.v++;
      return true;
    }
  }
  return false;
}
