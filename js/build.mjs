// Bundle js/ into one ES module (gemlive_nb/static/widget.js) plus widget.css.
// anywidget loads `_esm` through a Blob URL, so relative imports would not resolve: everything,
// including the two AudioWorklet processors (as source text for Blob URLs), goes in one file.
// The first line stamps a hash of the sources so a Python test can tell a stale bundle.
//   node js/build.mjs [OUTDIR]      (default: gemlive_nb/static)
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, "..", "gemlive_nb", "static"));

/** The files whose content defines the bundle (tests excluded), sorted by name. */
export function sourceFiles() {
  return readdirSync(here)
    .filter((f) => /\.(js|mjs|css)$/.test(f) && !f.includes(".test."))
    .sort();
}

function sourceHash() {
  const h = createHash("sha256");
  for (const f of sourceFiles()) {
    h.update(`${f}\n`);
    h.update(readFileSync(join(here, f)));
  }
  return h.digest("hex");
}

/** What every bundle here shares: one self-contained ES module, returned in memory. */
const bundleOptions = {
  bundle: true,
  format: "esm",
  write: false,
  target: "es2020",
  legalComments: "none",
  absWorkingDir: here,
};

async function bundleWorklet(entry) {
  const out = await esbuild.build({ ...bundleOptions, entryPoints: [join(here, entry)] });
  return out.outputFiles[0].text;
}

const worklets = {
  capture: await bundleWorklet("capture-worklet.js"),
  playback: await bundleWorklet("playback-worklet.js"),
};

/** @type {import("esbuild").Plugin} */
const workletText = {
  name: "worklet-text",
  setup(build) {
    build.onResolve({ filter: /^worklet:/ }, (a) => ({ path: a.path.slice(8), namespace: "worklet" }));
    build.onLoad({ filter: /.*/, namespace: "worklet" }, (a) => ({
      contents: `export default ${JSON.stringify(worklets[a.path])};`,
      loader: "js",
    }));
  },
};

const result = await esbuild.build({
  ...bundleOptions,
  entryPoints: [join(here, "widget.js")],
  plugins: [workletText],
});
mkdirSync(outDir, { recursive: true });
const stamp = `// gemlive_nb widget bundle, built from js/ by js/build.mjs. source-sha256: ${sourceHash()}\n`;
writeFileSync(join(outDir, "widget.js"), stamp + result.outputFiles[0].text);
writeFileSync(join(outDir, "widget.css"), readFileSync(join(here, "widget.css")));
console.log(`wrote ${join(outDir, "widget.js")} and widget.css`);

// The VoiceExplorer: its own bundle (same stamp), so a notebook with only the explorer stays small.
const explorer = await esbuild.build({ ...bundleOptions, entryPoints: [join(here, "explorer.js")] });
writeFileSync(join(outDir, "explorer.js"), stamp + explorer.outputFiles[0].text);
writeFileSync(join(outDir, "explorer.css"), readFileSync(join(here, "explorer.css")));
console.log(`wrote ${join(outDir, "explorer.js")} and explorer.css`);
