"""The widgets' comm messages: every kind, the rates and the budget, once for Python and JS.

``js/messages.js`` is generated from this module (``python -m gemlive_nb.widget.messages``
rewrites it; ``tests/widget/test_widget_messages.py`` checks it is current), so the kernel and
the browser cannot disagree on a name or a limit. Example::

    from gemlive_nb.widget.messages import TO_BROWSER
    {"type": TO_BROWSER.BATCH, "items": [{"type": TO_BROWSER.MARK, "text": "connected"}]}

:data:`EXPLORER_TO_BROWSER` / :data:`EXPLORER_TO_KERNEL` are the VoiceExplorer's kinds (its
messages carry ``kind``, not ``type``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..images import MAX_SIDE
from ..protocol import INPUT_RATE, OUTPUT_RATE

__all__ = [
    "BUDGET",
    "EXPLORER_TO_BROWSER",
    "EXPLORER_TO_KERNEL",
    "RATES",
    "TO_BROWSER",
    "TO_KERNEL",
    "render_js",
]

# Kernel -> browser: one ``batch`` message per flush carries items of the other kinds.
_TO_BROWSER = {
    "BATCH": ("batch", "{t, items}: coalesced items, sent at most once per interval"),
    "AUDIO": ("audio", "{seq, rate, reply, buffer}: reply PCM16, buffer: index"),
    "TRANSCRIPT": (
        "transcript",
        "{role, text, final, reply, replace?}: deltas, merged per role+reply; replace: text is "
        "the reply's words so far (its transcription came after its text parts)",
    ),
    "INTERRUPTED": ("interrupted", "{}: the model was interrupted, drop queued playback"),
    "CUT": ("cut", "{heard}: a barge-in cut the reply; heard = the words that were played"),
    "TURN": ("turn", "{reason, ttfa_ms}: the reply ended; ttfa_ms = time to first audio"),
    "TOOL": ("tool", "{calls}: the model called notebook functions"),
    "MARK": ("mark", "{text, tone}: a note in the transcript (tone: info | warn | error)"),
    "REPLAY_AUDIO": ("replay_audio", "{}: ReplayWidget's WAV (both sides), one buffer"),
    "GROUNDING": ("grounding", "{sources: [{title, uri}]}: the reply's sources (http/https only)"),
}
# Browser -> kernel.
_TO_KERNEL = {
    "READY": ("ready", "{probe}: a view is up; probe describes the browser environment"),
    "AUDIO": (
        "audio",
        "{seq, frames, rate, t, lost, samples?, epoch?, acks?, levels?}: mic frames, one buffer; "
        "rate: the PCM's, RATES.MIC_MIN..MIC_MAX (the kernel resamples it to 16 kHz)",
    ),
    "PLAYED": (
        "played",
        "{samples, epoch, acks, levels?}: playback progress when no mic audio is going; samples "
        "played in the session numbered epoch (_session_epoch)",
    ),
    "CONNECT": ("connect", "{}: the Connect (or Mic) button asks for a session"),
    "DISCONNECT": ("disconnect", "{}: the Disconnect button"),
    "TEXT": ("text", "{text}: a typed message"),
    "ACTIVITY": ("activity", "{state}: push-to-talk start | end"),
    "ECHO": ("echo", "{coupling_db}: how loud the played reply comes back through the mic"),
    "VIDEO": ("video", "{mime, source}: one camera or screen frame (JPEG), one buffer"),
}

# VoiceExplorer (gemlive_nb/explorer.py <-> js/explorer.js): kernel -> browser ...
_EXPLORER_TO_BROWSER = {
    "AUDIO": (
        "audio",
        "{voice, text, language, rate, request, error?}: a card's PCM16, one buffer",
    ),
}
# ... and browser -> kernel.
_EXPLORER_TO_KERNEL = {
    "PLAY": ("play", "{voice, request}: play a voice card (generated first if needed)"),
    "GENERATE": ("generate", "{voices}: generate the samples of these voices"),
    "FAVOURITE": ("favourite", "{voice}: toggle a voice's favourite star"),
}

# Sample rates (Hz) of the PCM16 the page sends and plays. Every audio message names its rate;
# these are the defaults and the range the kernel accepts for mic audio.
RATES = SimpleNamespace(
    # the capture worklet resamples the mic to this (the service's native input rate)
    MIC=INPUT_RATE,
    # reply audio without a rate is at the service's output rate
    REPLY=OUTPUT_RATE,
    # a mic message's rate outside this range is refused: 8 kHz (telephone) to 48 kHz (the
    # usual AudioContext rates) covers every real capture; anything else is a bug in the page
    MIC_MIN=8000,
    MIC_MAX=48000,
)

# The message budget (per direction, steady state) and the cadences that keep under it.
BUDGET = SimpleNamespace(
    MAX_MESSAGES_PER_S=25,
    # kernel -> browser: flush interval, grown (up to MAX) while the browser lags behind
    FLUSH_MS=40,
    # a flush waits this long for events arriving together (a burst of reply audio chunks read
    # in separate steps), so a burst goes in one message instead of one chunk now, the rest later
    GATHER_MS=4,
    FLUSH_MAX_MS=250,
    LAG_HIGH_MS=120,
    # browser -> kernel: mic frames and playback reports go out once per uplink tick. Every
    # message makes the kernel go busy and idle, which JupyterLab redraws (status, favicon):
    # ~0.7 % of a core per message a second, so ticks are not made shorter than this.
    UPLINK_MS=100,
    UPLINK_MAX_MS=240,
    # ... and every UPLINK_QUIET_MS once no frame was louder than VOICE_DB (dBFS) for
    # QUIET_AFTER_MS (longer than the service's end-of-speech silence, so turns end on time)
    UPLINK_QUIET_MS=250,
    QUIET_AFTER_MS=1500,
    VOICE_DB=-50,
    # level traits synced to the kernel (they are saved in the notebook); levels = [in, out] dB
    # rides on an audio or played message when one goes
    LEVEL_SYNC_MS=1000,
    # meters drawn at most this often (and never while the widget is hidden)
    METER_FPS=15,
    # mic audio captured before the session is connected, held and sent once it is
    PREROLL_MS=3000,
    # camera / screen frames: one per interval, scaled to at most this many pixels on the long side
    VIDEO_FRAME_MS=1000,
    VIDEO_MAX_SIDE=MAX_SIDE,  # the same bound as send_video's (images.MAX_SIDE)
    VIDEO_JPEG_QUALITY=0.7,
)

TO_BROWSER = SimpleNamespace(**{k: v for k, (v, _) in _TO_BROWSER.items()})
TO_KERNEL = SimpleNamespace(**{k: v for k, (v, _) in _TO_KERNEL.items()})
EXPLORER_TO_BROWSER = SimpleNamespace(**{k: v for k, (v, _) in _EXPLORER_TO_BROWSER.items()})
EXPLORER_TO_KERNEL = SimpleNamespace(**{k: v for k, (v, _) in _EXPLORER_TO_KERNEL.items()})

JS_PATH = Path(__file__).resolve().parents[2] / "js" / "messages.js"


def _js_object(name: str, table: dict[str, Any], doc: str) -> list[str]:
    lines = [f"/** {doc} */", f"export const {name} = Object.freeze({{"]
    for key, value in table.items():
        if isinstance(value, tuple):
            lines.append(f"  /** {value[1]} */")
            value = value[0]
        lines.append(f"  {key}: {value!r},".replace("'", '"'))
    return [*lines, "});", ""]


def render_js() -> str:
    """The text of ``js/messages.js`` for the tables above."""
    head = [
        "// @ts-check",
        "// GENERATED from gemlive_nb/widget/messages.py (python -m gemlive_nb.widget.messages):",
        "// do not edit; change the Python table and regenerate (a test checks they match).",
        "",
    ]
    return "\n".join(
        head
        + _js_object("TO_BROWSER", _TO_BROWSER, "Kernel -> browser message kinds.")
        + _js_object("TO_KERNEL", _TO_KERNEL, "Browser -> kernel message kinds.")
        + _js_object(
            "EXPLORER_TO_BROWSER", _EXPLORER_TO_BROWSER, "VoiceExplorer: kernel -> browser."
        )
        + _js_object("EXPLORER_TO_KERNEL", _EXPLORER_TO_KERNEL, "VoiceExplorer: browser -> kernel.")
        + _js_object("RATES", vars(RATES), "Sample rates (Hz): defaults and the mic range.")
        + _js_object("BUDGET", vars(BUDGET), "Message budget and cadences.")
    )


if __name__ == "__main__":  # pragma: no cover - a developer tool
    JS_PATH.write_text(render_js())
    sys.stdout.write(f"wrote {JS_PATH}\n")
