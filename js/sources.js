// @ts-check
// Grounding sources under a reply: numbered titles linking to http/https pages only. Titles and
// links come from the service, so they are only ever set as textContent and attributes.

/** @typedef {{title: string, uri: string}} Source */

/** `uri` if it is an absolute http(s) URL, else null. @param {unknown} uri @returns {string | null} */
export function httpUrl(uri) {
  if (typeof uri !== "string") return null;
  try {
    const url = new URL(uri.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * `known` plus the http(s) sources of `incoming` not already listed (by URL), in order.
 * @param {Source[]} known @param {unknown} incoming @returns {Source[]}
 */
export function mergeSources(known, incoming) {
  const out = [...known];
  const seen = new Set(known.map((s) => s.uri));
  for (const s of Array.isArray(incoming) ? incoming : []) {
    const uri = httpUrl(s?.uri);
    if (!uri || seen.has(uri)) continue;
    seen.add(uri);
    out.push({ title: String(s.title ?? "") || new URL(uri).hostname, uri });
  }
  return out;
}

/**
 * The numbered list of `sources` (an <ol>; links open in a new tab without an opener).
 * @param {Source[]} sources @param {Document} [doc] @returns {HTMLOListElement}
 */
export function sourceList(sources, doc = document) {
  const list = doc.createElement("ol");
  list.className = "gl-sources";
  for (const s of sources) {
    const uri = httpUrl(s.uri);
    if (!uri) continue;
    const link = doc.createElement("a");
    link.setAttribute("href", uri);
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener noreferrer");
    link.textContent = s.title;
    const item = doc.createElement("li");
    item.append(link);
    list.append(item);
  }
  return list;
}
