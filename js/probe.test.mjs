import { test } from "node:test";
import assert from "node:assert/strict";
import { micErrorText, probeEnvironment } from "./probe.js";

const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const good = () => ({
  isSecureContext: true,
  AudioWorkletNode: function AudioWorkletNode() {},
  navigator: { userAgent: chrome, mediaDevices: { getUserMedia() {} } },
  location: { protocol: "http:", hostname: "localhost", origin: "http://localhost:8888" },
  jupyterapp: {},
});

test("probe: a secure JupyterLab page in Chromium has no problems", () => {
  const p = probeEnvironment(good());
  assert.deepEqual([p.host, p.browser, p.problems], ["jupyter", "chromium", []]);
});

test("probe: an insecure origin is explained with the way around it", () => {
  const g = { ...good(), isSecureContext: false, location: { ...good().location, origin: "http://10.0.0.5:8888" } };
  const p = probeEnvironment(g);
  assert.equal(p.problems.length, 1);
  assert.match(p.problems[0], /secure page.*http:\/\/10\.0\.0\.5:8888.*localhost or https.*send_audio/);
  // the way around it: the kernel machine's own microphone (the local-audio extra)
  assert.match(p.problems[0], /VoiceWidget\(audio="kernel"\).*local-audio/);
});

test("probe: VS Code and Colab frames that block the mic, and no AudioWorklet", () => {
  const vs = probeEnvironment({ ...good(), acquireVsCodeApi() {}, navigator: { userAgent: chrome } });
  assert.equal(vs.host, "vscode");
  assert.match(vs.problems.join(), /VS Code's notebook view does not let widgets use the microphone/);
  const colab = probeEnvironment({
    ...good(),
    location: { protocol: "https:", hostname: "abc-123.colab.googleusercontent.com", origin: "x" },
    document: { permissionsPolicy: { allowsFeature: () => false } },
  });
  assert.equal(colab.host, "colab");
  assert.match(colab.problems.join(), /Colab's output frame/);
  const old = probeEnvironment({ ...good(), AudioWorkletNode: undefined });
  assert.match(old.problems.join(), /no AudioWorklet/);
});

test("micErrorText names the error and the fix, Firefox's sample-rate rule included", () => {
  const p = probeEnvironment(good());
  assert.match(micErrorText({ name: "NotAllowedError" }, p), /refused.*site settings/);
  assert.match(micErrorText({ name: "NotFoundError" }, p), /No usable microphone/);
  const ff = { ...p, browser: "firefox" };
  assert.match(micErrorText({ name: "NotSupportedError", message: "rates differ" }, ff), /sample rate/);
});
