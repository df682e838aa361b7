import { test } from "node:test";
import assert from "node:assert/strict";
import { VideoCapture, encodeFrame, openVideo, scaledSize, videoErrorText } from "./camera.js";
import { httpUrl, mergeSources } from "./sources.js";

test("scaledSize: the long side is at most 768 px, the aspect kept, never scaled up", () => {
  assert.deepEqual(scaledSize(1280, 720), { width: 768, height: 432 });
  assert.deepEqual(scaledSize(720, 1280), { width: 432, height: 768 });
  assert.deepEqual(scaledSize(640, 480), { width: 640, height: 480 });
  assert.deepEqual(scaledSize(4000, 3), { width: 768, height: 1 });
  assert.deepEqual(scaledSize(0, 480), { width: 0, height: 0 });
  for (const [w, h] of [[1920, 1080], [3840, 2160], [769, 769], [100, 5000]]) {
    const s = scaledSize(w, h);
    assert.ok(Math.max(s.width, s.height) <= 768, `${w}x${h}`);
    assert.ok(Math.abs(s.width / s.height - w / h) < 0.05 * (w / h) + 1 / s.height, `${w}x${h}`);
  }
});

/** A canvas that records what was drawn and encodes to fixed bytes. */
function fakeCanvas() {
  const calls = { drawn: /** @type {any[]} */ ([]), encoded: /** @type {any[]} */ ([]) };
  return {
    calls,
    width: 0,
    height: 0,
    getContext() { return { drawImage: (...a) => calls.drawn.push(a) }; },
    toBlob(cb, type, quality) {
      calls.encoded.push([type, quality, this.width, this.height]);
      cb(new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type }));
    },
  };
}

test("encodeFrame: draws scaled and encodes JPEG at quality 0.7", async () => {
  const canvas = fakeCanvas();
  const source = { videoWidth: 1920, videoHeight: 1080 };
  const bytes = await encodeFrame(source, canvas);
  assert.deepEqual([...new Uint8Array(/** @type {ArrayBuffer} */ (bytes))], [0xff, 0xd8, 0xff]);
  assert.deepEqual(canvas.calls.encoded, [["image/jpeg", 0.7, 768, 432]]);
  assert.deepEqual(canvas.calls.drawn[0].slice(1), [0, 0, 768, 432]);
  assert.equal(await encodeFrame({ videoWidth: 0, videoHeight: 0 }, fakeCanvas()), null);
});

test("videoErrorText: denied, missing and unsupported in words", () => {
  assert.match(videoErrorText({ name: "NotAllowedError" }, "camera"), /denied/);
  assert.match(videoErrorText({ name: "NotFoundError" }, "camera"), /No camera/);
  assert.match(videoErrorText({ name: "Unsupported" }, "screen"), /not supported/);
  assert.match(videoErrorText({ name: "Unsupported" }, "camera"), /https/);
  assert.match(videoErrorText({ name: "Weird", message: "boom" }, "camera"), /Camera failed: Weird: boom/);
});

test("openVideo: a host without the API fails as Unsupported", async () => {
  await assert.rejects(openVideo("camera", {}), { name: "Unsupported" });
  await assert.rejects(openVideo("screen", { mediaDevices: { getUserMedia() {} } }), { name: "Unsupported" });
});

test("VideoCapture: a failed start leaves it off with the reason as its note", async () => {
  const changes = [];
  const cap = new VideoCapture({ send() {}, connected: () => true, changed: () => changes.push(cap.state), setOn() {} });
  const saved = globalThis.navigator;
  Object.defineProperty(globalThis, "navigator", { value: { mediaDevices: {} }, configurable: true });
  try {
    await cap.toggle("camera");
  } finally {
    Object.defineProperty(globalThis, "navigator", { value: saved, configurable: true });
  }
  assert.equal(cap.state, "off");
  assert.match(cap.note, /camera is not available/);
  assert.ok(changes.includes("starting"));
});

test("sources: only http(s) links survive, duplicates merge", () => {
  assert.equal(httpUrl("javascript:alert(1)"), null);
  assert.equal(httpUrl("data:text/html,<b>x</b>"), null);
  assert.equal(httpUrl(" https://example.com/a "), "https://example.com/a");
  assert.equal(httpUrl(42), null);
  const merged = mergeSources([{ title: "A", uri: "https://a.example/" }], [
    { title: "A again", uri: "https://a.example/" },
    { title: "evil", uri: "javascript:x()" },
    { title: "", uri: "http://b.example/page" },
    null,
  ]);
  assert.deepEqual(merged, [
    { title: "A", uri: "https://a.example/" },
    { title: "b.example", uri: "http://b.example/page" },
  ]);
});
