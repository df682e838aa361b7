// @ts-check
// The transcript pane's words: deltas of the user and of the model, joined per utterance. The
// kernel decides which words a reply shows (gemlive_nb/conversation/reply_words.py: the output
// transcription wins over text parts); when a reply's transcription arrives after its text
// parts were shown, it sends the reply's words with `replace`, and they take the text's place.

/**
 * @typedef {{kind: 'user'|'model'|'mark', text: string, final: boolean, v: number,
 *   tone?: string, meta?: string, sources?: import("./sources.js").Source[], reply?: number}} Entry
 */

/**
 * Add a transcript delta of `role` to `entries` (in place).
 * @param {Entry[]} entries
 * @param {'user'|'model'} role
 * @param {string} text
 * @param {boolean} final ends the utterance
 * @param {{replace?: boolean, reply?: number}} [opts] replace: `text` is the reply's words so
 *   far (they replace what its entries show); reply: the kernel's reply number
 */
export function addText(entries, role, text, final, opts = {}) {
  const { replace = false, reply } = opts;
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
  if (last) {
    last.text = replace ? text : last.text + text;
    last.final = final;
    if (reply !== undefined) last.reply = reply;
    last.v++;
  } else if (text) {
    entries.push({ kind: role, text, final, v: 0, ...(reply !== undefined ? { reply } : {}) });
  }
}
