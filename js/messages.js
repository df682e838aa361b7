// @ts-check
// GENERATED from gemlive_nb/widget/messages.py (python -m gemlive_nb.widget.messages):
// do not edit; change the Python table and regenerate (a test checks they match).

/** Kernel -> browser message kinds. */
export const TO_BROWSER = Object.freeze({
  /** {t, items}: coalesced items, sent at most once per interval */
  BATCH: "batch",
  /** {seq, rate, reply, buffer}: reply PCM16, buffer: index */
  AUDIO: "audio",
  /** {role, text, final, reply, replace?}: deltas, merged per role+reply; replace: text is the reply's words so far (its transcription came after its text parts) */
  TRANSCRIPT: "transcript",
  /** {}: the model was interrupted, drop queued playback */
  INTERRUPTED: "interrupted",
  /** {heard}: a barge-in cut the reply; heard = the words that were played */
  CUT: "cut",
  /** {reason, ttfa_ms}: the reply ended; ttfa_ms = time to first audio */
  TURN: "turn",
  /** {calls}: the model called notebook functions */
  TOOL: "tool",
  /** {text, tone}: a note in the transcript (tone: info | warn | error) */
  MARK: "mark",
  /** {}: ReplayWidget's WAV (both sides), one buffer */
  REPLAY_AUDIO: "replay_audio",
  /** {sources: [{title, uri}]}: the reply's sources (http/https only) */
  GROUNDING: "grounding",
});

/** Browser -> kernel message kinds. */
export const TO_KERNEL = Object.freeze({
  /** {probe}: a view is up; probe describes the browser environment */
  READY: "ready",
  /** {seq, frames, rate, t, lost, samples?, epoch?, acks?, levels?}: mic frames, one buffer; rate: the PCM's, RATES.MIC_MIN..MIC_MAX (the kernel resamples it to 16 kHz) */
  AUDIO: "audio",
  /** {samples, epoch, acks, levels?}: playback progress when no mic audio is going; samples played in the session numbered epoch (_session_epoch) */
  PLAYED: "played",
  /** {}: the Connect (or Mic) button asks for a session */
  CONNECT: "connect",
  /** {}: the Disconnect button */
  DISCONNECT: "disconnect",
  /** {text}: a typed message */
  TEXT: "text",
  /** {state}: push-to-talk start | end */
  ACTIVITY: "activity",
  /** {coupling_db}: how loud the played reply comes back through the mic */
  ECHO: "echo",
  /** {mime, source}: one camera or screen frame (JPEG), one buffer */
  VIDEO: "video",
});

/** VoiceExplorer: kernel -> browser. */
export const EXPLORER_TO_BROWSER = Object.freeze({
  /** {voice, text, language, rate, request, error?}: a card's PCM16, one buffer */
  AUDIO: "audio",
});

/** VoiceExplorer: browser -> kernel. */
export const EXPLORER_TO_KERNEL = Object.freeze({
  /** {voice, request}: play a voice card (generated first if needed) */
  PLAY: "play",
  /** {voices}: generate the samples of these voices */
  GENERATE: "generate",
  /** {voice}: toggle a voice's favourite star */
  FAVOURITE: "favourite",
});

/** Sample rates (Hz): defaults and the mic range. */
export const RATES = Object.freeze({
  MIC: 16000,
  REPLY: 24000,
  MIC_MIN: 8000,
  MIC_MAX: 48000,
});

/** Message budget and cadences. */
export const BUDGET = Object.freeze({
  MAX_MESSAGES_PER_S: 25,
  FLUSH_MS: 40,
  GATHER_MS: 4,
  FLUSH_MAX_MS: 250,
  LAG_HIGH_MS: 120,
  UPLINK_MS: 100,
  UPLINK_MAX_MS: 240,
  UPLINK_QUIET_MS: 250,
  QUIET_AFTER_MS: 1500,
  VOICE_DB: -50,
  LEVEL_SYNC_MS: 1000,
  METER_FPS: 15,
  PREROLL_MS: 3000,
  VIDEO_FRAME_MS: 1000,
  VIDEO_MAX_SIDE: 768,
  VIDEO_JPEG_QUALITY: 0.7,
});
