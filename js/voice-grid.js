// @ts-check
// The VoiceExplorer's pure parts: which voices show, in which order, and how keys move
// between the cards (tested under Node).

/** @typedef {{name: string, style: string}} VoiceInfo */
/** @typedef {{status?: string, error?: string, duration_s?: number|null, words_per_s?: number|null,
 *   pitch_hz?: number|null, latency_first_audio?: number|null, wer?: number|null,
 *   transcript?: string, peaks?: number[]}} Card */

/** Keyboard help, read with the grid's name (and in the README). */
export const KEYS = "Arrow keys move between voices, Enter or Space plays, P pins, F favourites.";

/** Sort keys: label, how to read a card, does bigger come first. */
export const SORTS = {
  "": ["catalog order", null, false],
  name: ["name", (/** @type {Card} */ c, /** @type {string} */ n) => n, false],
  duration_s: ["duration", (/** @type {Card} */ c) => c.duration_s, false],
  words_per_s: ["speaking rate", (/** @type {Card} */ c) => c.words_per_s, true],
  pitch_hz: ["median pitch", (/** @type {Card} */ c) => c.pitch_hz, false],
  latency_first_audio: ["first audio", (/** @type {Card} */ c) => c.latency_first_audio, false],
  wer: ["word error rate", (/** @type {Card} */ c) => c.wer, false],
};

/**
 * The voices to show, in order: filtered by style and search, then sorted (cards without the
 * value go last, catalog order breaks ties).
 * @param {VoiceInfo[]} voices @param {Record<string, Card>} cards
 * @param {{style: string, search: string, sort: string}} view
 * @returns {VoiceInfo[]}
 */
export function visibleVoices(voices, cards, view) {
  const q = view.search.trim().toLowerCase();
  const shown = voices.filter(
    (v) =>
      (!view.style || v.style === view.style) &&
      (!q || v.name.toLowerCase().includes(q) || v.style.toLowerCase().includes(q)),
  );
  const spec = /** @type {any} */ (SORTS)[view.sort];
  if (!spec || !spec[1]) return shown;
  const read = spec[1];
  const order = new Map(voices.map((v, i) => [v.name, i]));
  return [...shown].sort((a, b) => {
    const x = read(cards[a.name] ?? {}, a.name);
    const y = read(cards[b.name] ?? {}, b.name);
    const xm = x === null || x === undefined;
    const ym = y === null || y === undefined;
    if (xm || ym) return xm === ym ? (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0) : xm ? 1 : -1;
    if (x < y) return spec[2] ? 1 : -1;
    if (x > y) return spec[2] ? -1 : 1;
    return (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0);
  });
}

/** A deterministic shuffle (blind mode must not reveal the catalog order). @param {string[]} xs @param {number} seed */
export function shuffled(xs, seed) {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Where a key moves the active card: ±1 across, ±cols down/up, Home/End; null for other keys.
 * @param {number} at @param {string} key @param {number} count @param {number} cols
 * @returns {number|null}
 */
export function gridMove(at, key, count, cols) {
  if (!count) return null;
  const step = /** @type {Record<string, number>} */ ({
    ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -at, End: count - 1 - at,
  })[key];
  return step === undefined ? null : Math.min(count - 1, Math.max(0, at + step));
}
