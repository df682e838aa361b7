"""Audio as numpy: PCM16 bytes <-> arrays, resampling, WAV I/O, chunking, levels, and ``Audio``.

Audio in gemlive_nb is ``numpy.int16`` mono at a known rate; every conversion is explicit.
The Live API takes 16 kHz PCM16 in and sends 24 kHz PCM16 out (``gemlive_nb.protocol``'s
``INPUT_RATE`` and ``OUTPUT_RATE``).

Example::

    import gemlive_nb as gl
    a = gl.Audio.tone(440, 1.0, 24000)          # Audio(1.00 s @ 24000 Hz, -9.0 dBFS)
    mic = a.resample(16000)                     # windowed-sinc polyphase, numpy only
    wire = mic.to_pcm16()                       # bytes for the socket
    gl.Audio.from_pcm16(wire, 16000) == mic     # True
    a                                           # in a notebook: an <audio> player

What lives where: ``_value`` (Audio, read_wav, the bounded player), ``_convert`` (sample
conversions and shared checks), ``_resampling``, ``_wav`` and ``_levels`` (chunking, dBFS).
"""

from __future__ import annotations

from ._convert import SILENCE_DBFS, array_to_pcm16, float_to_int16, int16_to_float, pcm16_to_array
from ._levels import chunk, chunk_ms, levels, peak_dbfs, rms_dbfs
from ._resampling import Resampler, StreamResamplers, resample
from ._value import Audio, read_wav
from ._wav import write_wav

__all__ = [
    "SILENCE_DBFS",
    "Audio",
    "Resampler",
    "StreamResamplers",
    "array_to_pcm16",
    "chunk",
    "chunk_ms",
    "float_to_int16",
    "int16_to_float",
    "levels",
    "pcm16_to_array",
    "peak_dbfs",
    "read_wav",
    "resample",
    "rms_dbfs",
    "write_wav",
]
