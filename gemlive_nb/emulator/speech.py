"""Speech for the emulator: text -> reply audio (24 kHz) and user audio (16 kHz) -> text.

Two backends share one interface, :class:`SpeechBackend`:

- ``"builtin"`` (always there, numpy only): :mod:`.synth` renders speech-like audio whose pitch,
  timbre and rhythm differ per voice and per language. Its :meth:`~BuiltinSpeech.transcribe`
  recovers the words of audio that the built-in voice produced (the voice carries each phrase's
  text as faint tones in a 5.4-7.0 kHz band that survives resampling to 16 kHz, level changes,
  low noise and VAD cuts); any other audio (a person, a real TTS) gives a marker with its
  duration, e.g. ``"[speech 1.2 s]"``, since there is no real recogniser offline without the
  extra. A phrase whose tones were damaged is left out, never guessed.
- ``"real"`` (the ``gemlive_nb[speech]`` extra): real offline TTS/ASR. It lives in
  ``gemlive_nb/emulator/speech_real.py``, which defines ``RealSpeech`` (a :class:`SpeechBackend`
  with ``name = "real"``) and raises ImportError on import when the extra is not installed.

``get_speech("auto")`` picks ``"real"`` when that module imports, else ``"builtin"``. Backends are
shared (one instance per kind per process) so that many sessions share one synthesis cache.

Example::

    speech = get_speech("builtin")
    pcm = speech.synthesize("Hello there!", voice="Puck", language="en-US")  # int16 @ 24 kHz
    speech.transcribe(resample(pcm, 24000, 16000), "en-US")                   # 'Hello there!'
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from ..catalog import VOICES, normalize_language_code
from ..exceptions import AudioError, ConfigError
from ..protocol import INPUT_RATE, OUTPUT_RATE  # transcribe() takes / synthesize() returns
from . import synth

__all__ = [
    "INPUT_RATE",
    "OUTPUT_RATE",
    "SPEECH_KINDS",
    "BuiltinSpeech",
    "SpeechBackend",
    "get_speech",
]

UNRECOGNISED_PREFIX = "[speech "
SPEECH_KINDS = ("auto", "builtin", "real")
REAL_MODULE = "gemlive_nb.emulator.speech_real"


@runtime_checkable
class SpeechBackend(Protocol):
    """Text-to-speech and speech-to-text for emulated sessions.

    ``synthesize`` returns int16 mono samples at 24 kHz (may be a shared read-only array: copy
    before changing it in place); ``transcribe`` takes int16 mono samples at 16 kHz.
    ``voice`` is a catalog voice name, ``language`` a BCP-47 code such as ``"de-DE"``.
    """

    name: str

    def synthesize(self, text: str, voice: str, language: str) -> np.ndarray:
        """``text`` spoken by ``voice`` in ``language``: int16 mono samples at 24 kHz."""
        ...

    def transcribe(self, samples: np.ndarray, language: str) -> str:
        """The words heard in int16 mono ``samples`` at 16 kHz, spoken in ``language``."""
        ...


def _int16_mono(samples: np.ndarray, what: str) -> np.ndarray:
    x = np.asarray(samples)
    if x.ndim != 1 or x.dtype != np.int16:
        raise AudioError(
            f"{what} expects int16 mono samples at {INPUT_RATE} Hz, got {x.dtype} with shape "
            f"{x.shape}; convert with gemlive_nb.audio.float_to_int16 / resample first"
        )
    return x


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise ConfigError(f"text to speak must be a str, not {type(text).__name__} ({text!r})")


def unrecognised(seconds: float) -> str:
    """What a transcriber returns for speech it could not read: ``"[speech 1.2 s]"``."""
    return f"{UNRECOGNISED_PREFIX}{seconds:.1f} s]"


def _transcribe(samples: np.ndarray, recognize: Callable[[np.ndarray], str] | None = None) -> str:
    """What ``samples`` say, from the best source available.

    The built-in voice's embedded text, else ``recognize``'s words, else a duration marker
    (``""`` for empty audio).
    """
    x = _int16_mono(samples, "transcribe()")
    if x.size == 0:
        return ""
    text = synth.decode_text(x, INPUT_RATE)
    if not text and recognize is not None:
        text = recognize(x)
    return text or unrecognised(x.size / INPUT_RATE)


class BuiltinSpeech:
    """The dependency-free backend: :mod:`.synth` voices and a transcriber for them.

    ``transcribe`` returns the text the built-in voice spoke (from its embedded text band), else
    ``"[speech N.N s]"`` with the duration of the audio, or ``""`` for empty audio.

    Example::

        speech = BuiltinSpeech()
        audio = speech.synthesize("Wie spät ist es?", "Kore", "de-DE")
    """

    name = "builtin"

    def __init__(self, cache_size: int = 256) -> None:
        self._synth = synth.Synthesizer(cache_size=cache_size)

    def synthesize(self, text: str, voice: str, language: str) -> np.ndarray:
        """Render ``text`` as int16 mono at 24 kHz (read-only; shared with the cache)."""
        _check_text(text)
        name = VOICES[voice].name
        code = normalize_language_code(language)
        return self._synth.render(text, name, code)

    def transcribe(self, samples: np.ndarray, language: str) -> str:
        """Text of int16 mono 16 kHz audio: the built-in voice's words, else a duration marker."""
        return _transcribe(samples)


_shared: dict[str, SpeechBackend] = {}
_lock = threading.Lock()


def _real() -> SpeechBackend:
    module = importlib.import_module(REAL_MODULE)
    return module.RealSpeech()


def get_speech(kind: str = "auto") -> SpeechBackend:
    """The shared speech backend of that kind: ``"auto"``, ``"builtin"`` or ``"real"``.

    ``"auto"`` is ``"real"`` when the ``gemlive_nb[speech]`` extra is installed, else
    ``"builtin"``. Asking for ``"real"`` without the extra raises ConfigError saying what to
    install; an unknown kind raises ConfigError (a ValueError) naming the choices.

    Example::

        get_speech().name            # 'builtin' without the extra
        get_speech("nope")           # ConfigError: unknown speech backend 'nope' ...
    """
    key = kind.strip().lower() if isinstance(kind, str) else kind
    if key not in SPEECH_KINDS:
        choices = ", ".join(repr(k) for k in SPEECH_KINDS)
        raise ConfigError(f"unknown speech backend {kind!r}; choose one of {choices}")
    with _lock:
        if key in _shared:
            return _shared[key]
        if key == "builtin":
            backend: SpeechBackend = BuiltinSpeech()
        else:
            try:
                backend = _shared.get("real") or _real()
                _shared["real"] = backend  # "auto" and "real" share one backend and cache
            except ImportError as exc:
                if key == "real":
                    raise ConfigError(
                        f"speech backend 'real' needs the speech extra ({exc}); install it with "
                        "pip install 'gemlive_nb[speech]' or use speech='builtin'"
                    ) from exc
                backend = _shared.get("builtin") or BuiltinSpeech()
                _shared["builtin"] = backend
        _shared[key] = backend
        return backend
