// @ts-check
// What this page can do before the user hits a wall: each problem found comes with what to do.

/**
 * @typedef {object} Probe
 * @property {boolean} secure a secure context (https or localhost): needed for the mic
 * @property {boolean} audioWorklet AudioWorklet is available
 * @property {boolean} getUserMedia navigator.mediaDevices.getUserMedia is available
 * @property {boolean} micAllowed the page's permissions policy allows the microphone
 * @property {string} host "vscode" | "colab" | "jupyter" | "unknown"
 * @property {string} browser "firefox" | "safari" | "chromium" | "other"
 * @property {string[]} problems human explanations, each with the way around it
 */

const FALLBACK =
  "You can still type messages, use the kernel machine's own microphone and speakers " +
  "(`gl.VoiceWidget(audio=\"kernel\")`, with `pip install 'gemlive-nb[local-audio]'`), " +
  "or send a recorded file from Python: `await w.session.send_audio(gl.Audio.from_wav('question.wav'))`.";

/** @param {any} [g] the global object (a parameter so Node can test it) @returns {Probe} */
export function probeEnvironment(g = globalThis) {
  const nav = g.navigator ?? {};
  const loc = g.location ?? {};
  const ua = String(nav.userAgent ?? "");
  const host = loc.protocol === "vscode-webview:" || typeof g.acquireVsCodeApi === "function"
    ? "vscode"
    : /(^|\.)googleusercontent\.com$|(^|\.)colab\.research\.google\.com$/.test(String(loc.hostname ?? ""))
      ? "colab"
      : g.jupyterapp || g.document?.querySelector?.("[data-jp-theme-name], #notebook") ? "jupyter" : "unknown";
  const browser = /firefox\//i.test(ua) ? "firefox" : /chrom(e|ium)\//i.test(ua) ? "chromium" : /safari\//i.test(ua) ? "safari" : "other";
  const policy = g.document?.permissionsPolicy ?? g.document?.featurePolicy;
  const micAllowed = policy?.allowsFeature ? !!policy.allowsFeature("microphone") : true;
  const probe = {
    secure: !!g.isSecureContext,
    audioWorklet: typeof g.AudioWorkletNode === "function",
    getUserMedia: typeof nav.mediaDevices?.getUserMedia === "function",
    micAllowed,
    host,
    browser,
    /** @type {string[]} */
    problems: [],
  };
  if (!probe.secure) {
    probe.problems.push(
      `The microphone needs a secure page (https:// or http://localhost); this one is ${loc.origin}. ` +
        `Open Jupyter through localhost or https. ${FALLBACK}`,
    );
  }
  if (!probe.audioWorklet) {
    probe.problems.push(`This browser has no AudioWorklet, so the widget cannot capture or play audio. Use a current Chrome, Edge, Firefox or Safari. ${FALLBACK}`);
  }
  if (probe.secure && (!probe.getUserMedia || !micAllowed)) {
    const where = host === "vscode" ? "VS Code's notebook view" : host === "colab" ? "Colab's output frame" : "This page";
    probe.problems.push(`${where} does not let widgets use the microphone. Playback and typed messages work. ${FALLBACK}`);
  }
  return probe;
}

/**
 * Why getUserMedia failed, in words, with what to do.
 * @param {unknown} err @param {Probe} probe
 */
export function micErrorText(err, probe) {
  const e = /** @type {{name?: string, message?: string}} */ (err ?? {});
  if (e.name === "NotAllowedError" || e.name === "SecurityError") {
    if (probe.host === "vscode" || probe.host === "colab") return probe.problems.join(" ") || `Microphone blocked here (${e.name}). ${FALLBACK}`;
    return `Microphone access was refused (${e.name}). Allow the microphone for this page in the browser's site settings, then press Start mic again.`;
  }
  if (e.name === "NotFoundError" || e.name === "OverconstrainedError") {
    return `No usable microphone was found (${e.name}). Plug one in or pick another input device, then press Start mic again.`;
  }
  if (e.name === "NotSupportedError" && probe.browser === "firefox") {
    return `Firefox cannot connect a microphone running at another sample rate than the page's audio (${e.message}). Reload the page, or pick the microphone's rate in the system sound settings (48 kHz usually works).`;
  }
  return `The microphone could not be started: ${e.name ?? "Error"}: ${e.message ?? err}`;
}
