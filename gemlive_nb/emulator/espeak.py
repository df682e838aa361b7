"""A minimal ctypes binding to the espeak-ng library shipped by PyPI ``espeakng-loader``.

espeak-ng is one global C engine per process, so every call goes through one lock. Output is
int16 mono at the library's native rate (22050 Hz for espeak-ng 1.52); callers resample.
Output is not bit-exact from call to call: the library keeps pitch-flutter state between
utterances, so periods (and the length) vary by a few samples; callers cache.

Raises ImportError on import when ``espeakng-loader`` is not installed (the speech extra).

Example::

    engine = Espeak()
    pcm = engine.synthesize("Hello there.", voice="en-us+f3", pitch=60, rate=170)
    engine.sample_rate      # 22050
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import espeakng_loader
import numpy as np

from ..exceptions import ConfigError

__all__ = ["Espeak", "get_espeak"]

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_POS_CHARACTER = 1
# espeak_PARAMETER
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class Espeak:
    """The espeak-ng speech engine, loaded through ctypes.

    ``synthesize`` speaks text with a voice name (``"de"``, ``"en-us+f3"``), pitch (0-100,
    50 normal), pitch range (0-100) and rate (words per minute, 80-450).

    One instance per process (see :func:`get_espeak`): the C library keeps global state.

    Example::

        Espeak().synthesize("Guten Tag.", voice="de", pitch=40, rate=160)
    """

    def __init__(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        self._lib = lib
        self._lock = threading.Lock()
        self._chunks: list[np.ndarray] = []
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0
        )
        if rate <= 0:
            raise ImportError(f"espeak-ng failed to initialise (returned {rate})")
        self.sample_rate = int(rate)
        self._callback = _CALLBACK(self._on_audio)  # kept alive: the library holds a pointer
        lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav: Any, count: int, _events: int) -> int:  # wav: POINTER(c_short)
        if wav and count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def synthesize(
        self, text: str, voice: str, pitch: int = 50, pitch_range: int = 50, rate: int = 175
    ) -> np.ndarray:
        """Speak ``text`` with espeak-ng voice ``voice``; int16 mono at :attr:`sample_rate`."""
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ConfigError(
                    f"espeak-ng has no voice {voice!r}; use a name from espeak-ng --voices"
                )
            for param, value in ((_PITCH, pitch), (_RANGE, pitch_range), (_RATE, rate)):
                self._lib.espeak_SetParameter(param, int(value), 0)
            self._lib.espeak_SetParameter(_VOLUME, 100, 0)
            self._chunks = []
            buf = ctypes.create_string_buffer(data)
            flags = _CHARS_UTF8 | _ENDPAUSE
            err = self._lib.espeak_Synth(buf, len(data), 0, _POS_CHARACTER, 0, flags, None, None)
            self._lib.espeak_Synchronize()
            chunks, self._chunks = self._chunks, []
        if err != 0:
            raise ConfigError(f"espeak-ng could not speak {text[:40]!r} (error {err})")
        return np.concatenate(chunks) if chunks else np.zeros(0, np.int16)


_engine: Espeak | None = None
_engine_lock = threading.Lock()


def get_espeak() -> Espeak:
    """The process-wide :class:`Espeak` (created on first use)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Espeak()
        return _engine
