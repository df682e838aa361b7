// @ts-check
// Camera and screen frames for the VoiceWidget: getUserMedia({video}) / getDisplayMedia(), one
// frame every BUDGET.VIDEO_FRAME_MS drawn to a canvas no larger than BUDGET.VIDEO_MAX_SIDE on its
// long side, encoded as JPEG and sent to the kernel as one binary buffer (TO_KERNEL.VIDEO), which
// hands it to session.send_video. One source at a time; pressing again stops the track.

import { BUDGET, TO_KERNEL } from "./messages.js";

/** @typedef {'camera'|'screen'} VideoKind */

/**
 * The size a `width`×`height` frame is drawn at: scaled down (never up) so that its long side
 * is at most `maxSide`, each side at least 1 px.
 * @param {number} width @param {number} height @param {number} [maxSide]
 * @returns {{width: number, height: number}}
 */
export function scaledSize(width, height, maxSide = BUDGET.VIDEO_MAX_SIDE) {
  if (!(width > 0 && height > 0)) return { width: 0, height: 0 };
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Draw `source` (a playing <video>) scaled onto `canvas` and encode it as JPEG.
 * Resolves to the bytes, or null when the source has no picture yet or encoding failed.
 * @param {{videoWidth: number, videoHeight: number}} source
 * @param {{width: number, height: number, getContext(kind: '2d'): any,
 *   toBlob(cb: (b: Blob | null) => void, type: string, quality: number): void}} canvas
 * @returns {Promise<ArrayBuffer | null>}
 */
export function encodeFrame(source, canvas, maxSide = BUDGET.VIDEO_MAX_SIDE, quality = BUDGET.VIDEO_JPEG_QUALITY) {
  const { width, height } = scaledSize(source.videoWidth, source.videoHeight, maxSide);
  if (!width) return Promise.resolve(null);
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")?.drawImage(source, 0, 0, width, height);
  return new Promise((resolve) => {
    canvas.toBlob((blob) => resolve(blob ? blob.arrayBuffer() : null), "image/jpeg", quality);
  });
}

/**
 * What went wrong starting a camera or a screen share, in words.
 * @param {any} err @param {VideoKind} kind
 */
export function videoErrorText(err, kind) {
  const what = kind === "camera" ? "Camera" : "Screen sharing";
  const name = String(err?.name ?? "");
  if (name === "Unsupported") return kind === "camera"
    ? "The camera is not available here: the page needs https (or localhost) and a browser that allows it."
    : "Screen sharing is not supported in this browser or notebook host.";
  if (name === "NotAllowedError" || name === "SecurityError") return kind === "camera"
    ? "Camera access was denied: allow it in the browser's site settings, then press Camera again."
    : "Screen sharing was cancelled or denied.";
  if (name === "NotFoundError" || name === "OverconstrainedError") return kind === "camera"
    ? "No camera was found." : "No screen or window could be shared.";
  if (name === "NotReadableError" || name === "AbortError") return `${what} could not start: another application may be using it.`;
  return `${what} failed: ${name || "error"}${err?.message ? `: ${err.message}` : ""}`;
}

/** @param {string} name */
const unsupported = (name) => Object.assign(new Error(name), { name: "Unsupported" });

/**
 * Open the camera or a screen share.
 * @param {VideoKind} kind @param {any} [nav] @returns {Promise<MediaStream>}
 */
export async function openVideo(kind, nav = globalThis.navigator) {
  const devices = nav?.mediaDevices;
  if (kind === "camera") {
    if (typeof devices?.getUserMedia !== "function") throw unsupported("getUserMedia");
    return devices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  }
  if (typeof devices?.getDisplayMedia !== "function") throw unsupported("getDisplayMedia");
  return devices.getDisplayMedia({ video: true, audio: false });
}

/** One camera or screen capture per widget model: its state, its stream and the frame timer. */
export class VideoCapture {
  /**
   * @param {{send(content: object, buffers?: ArrayBuffer[]): void, connected(): boolean,
   *   changed(): void, setOn(on: boolean): void}} host
   */
  constructor(host) {
    this.host = host;
    /** @type {'off'|'starting'|'on'} */
    this.state = "off";
    /** @type {VideoKind | null} */
    this.kind = null;
    /** @type {MediaStream | null} */
    this.stream = null;
    this.note = ""; // what the status line says about video (an error, in words)
    this.framesSent = 0;
    this.busy = false; // a frame is being encoded: skip ticks instead of queueing them
    /** @type {ReturnType<typeof setInterval> | 0} */
    this.timer = 0;
    /** @type {HTMLVideoElement | null} */
    this.video = null;
    /** @type {HTMLCanvasElement | null} */
    this.canvas = null;
  }

  /** The button for `kind` was pressed: start it, or stop it if it is the one running. @param {VideoKind} kind */
  async toggle(kind) {
    const same = this.kind === kind && this.state !== "off";
    this.stop();
    if (!same) await this.start(kind);
  }

  /** @param {VideoKind} kind */
  async start(kind) {
    this.kind = kind;
    this.state = "starting";
    this.note = "";
    this.host.changed();
    let stream;
    try {
      stream = await openVideo(kind);
    } catch (err) {
      if (this.kind === kind && this.state === "starting") {
        this.state = "off";
        this.kind = null;
        this.note = videoErrorText(err, kind);
        this.host.changed();
      }
      return;
    }
    if (this.kind !== kind || this.state !== "starting") {
      for (const track of stream.getTracks()) track.stop(); // stopped while the prompt was up
      return;
    }
    this.stream = stream;
    // The browser's own "Stop sharing" (or an unplugged camera) ends the track: stop here too.
    for (const track of stream.getVideoTracks()) track.addEventListener("ended", () => { if (this.stream === stream) this.stop(); });
    const video = (this.video ??= document.createElement("video"));
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    video.play().catch(() => {});
    this.canvas ??= document.createElement("canvas");
    this.state = "on";
    this.host.setOn(true);
    this.timer = setInterval(() => this.tick(), BUDGET.VIDEO_FRAME_MS);
    this.host.changed();
  }

  async tick() {
    const video = this.video;
    const canvas = this.canvas;
    if (this.busy || this.state !== "on" || !video || !canvas || !this.host.connected()) return;
    this.busy = true;
    try {
      const bytes = await encodeFrame(video, canvas);
      if (bytes && this.state === "on") {
        this.host.send({ type: TO_KERNEL.VIDEO, mime: "image/jpeg", source: this.kind }, [bytes]);
        this.framesSent++;
        this.host.changed();
      }
    } finally {
      this.busy = false;
    }
  }

  stop() {
    const wasOn = this.state === "on";
    if (this.timer) clearInterval(this.timer);
    this.timer = 0;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    if (this.video) this.video.srcObject = null;
    this.state = "off";
    this.kind = null;
    if (wasOn) this.host.setOn(false);
    this.host.changed();
  }
}
