"""The acoustic text channel: each phrase's text as faint tones above the voice, and the reader."""

from __future__ import annotations

import itertools
import zlib

import numpy as np

from .voices import PEAK, RATE

# The text band: each phrase's text as 10 ms tones (17 frequencies, 100 Hz apart, 5.4-7.0 kHz,
# inside the pass band of a 16 kHz signal). A symbol is a nibble sent as the step from the previous
# tone, so consecutive tones always differ and the reader can find symbol edges. A message is a
# 30 ms start tone, then [length][text in a compact code][crc16], high nibble first.

_TONE_BASE = 5400.0
_TONE_STEP = 100.0
_N_TONES = 17
_START_TONE = 16
_SYMBOL_S = 0.010
_PREAMBLE = 3
_MSG_LEAD_S = 0.03  # after the phrase's first vowel starts (where any VAD has started)
_MSG_TAIL_S = 0.02  # before its last vowel ends
_TONE_LEVEL = PEAK * 10 ** (-40 / 20)  # 40 dB under the voice's peak
MAX_PHRASE_CHARS = 60  # keeps every message under 255 bytes
_READ_RATE = 16000


def _pack_text(text: str) -> bytes:
    """``text`` in a compact byte code.

    ASCII as is; other characters as one byte (0x80 + offset) inside the 128-character block of
    the previous one, else 0xFE + 3-byte code point (which sets the block).
    """
    out = bytearray()
    block = -1
    for ch in text:
        cp = ord(ch)
        if cp < 0x80:
            out.append(cp)
        elif cp >> 7 == block and (cp & 0x7F) < 0x7E:
            out.append(0x80 + (cp & 0x7F))
        else:
            out += bytes((0xFE, cp >> 16, (cp >> 8) & 0xFF, cp & 0xFF))
            block = cp >> 7
    return bytes(out)


def _unpack_text(data: bytes) -> str | None:
    chars: list[str] = []
    block = -1
    i = 0
    while i < len(data):
        b = data[i]
        if b < 0x80:
            chars.append(chr(b))
        elif b == 0xFE and i + 3 < len(data):
            cp = int.from_bytes(data[i + 1 : i + 4], "big")
            if cp > 0x10FFFF:
                return None
            chars.append(chr(cp))
            block = cp >> 7
            i += 3
        elif b < 0xFE and block >= 0:
            chars.append(chr((block << 7) + b - 0x80))
        else:
            return None
        i += 1
    return "".join(chars)


def _crc16(data: bytes) -> bytes:
    return (zlib.crc32(data) & 0xFFFF).to_bytes(2, "big")


def _message_tones(text: str) -> list[int]:
    payload = _pack_text(text)[:255]
    body = bytes((len(payload),)) + payload + _crc16(payload)
    tones = [_START_TONE] * _PREAMBLE
    prev = _START_TONE
    for byte in body:
        for nibble in (byte >> 4, byte & 15):
            prev = (prev + 1 + nibble) % _N_TONES
            tones.append(prev)
    return tones


def message_seconds(text: str) -> float:
    """How long the phrase ``text`` must sound to carry its message."""
    return _MSG_LEAD_S + len(_message_tones(text)) * _SYMBOL_S + _MSG_TAIL_S


def embed_text(y: np.ndarray, spans: list[tuple[int, int, str]]) -> np.ndarray:
    """Add each phrase's text as faint tones above the voice (read back by :func:`decode_text`)."""
    per_symbol = round(_SYMBOL_S * RATE)
    for start, _end, text in spans:
        tones = np.asarray(_message_tones(text))
        freqs = np.repeat(_TONE_BASE + _TONE_STEP * tones, per_symbol)
        t0 = start + round(_MSG_LEAD_S * RATE)
        if t0 + freqs.size > y.size:
            y = np.concatenate([y, np.zeros(t0 + freqs.size - y.size, y.dtype)])
        phase = np.cumsum(2 * np.pi * freqs / RATE)
        ramp = np.minimum(1.0, np.minimum(np.arange(freqs.size), np.arange(freqs.size)[::-1]) / 48)
        y[t0 : t0 + freqs.size] += (_TONE_LEVEL * ramp * np.sin(phase)).astype(y.dtype)
    return y


def _read_region(power: np.ndarray, purity: np.ndarray, a: int, b: int, step: int) -> str | None:
    """Decode one message from the tone powers of positions a..b (one position per ms)."""
    best = max(range(step), key=lambda phi: float(purity[a + phi : b : step].sum()))
    # one symbol past the region: the last tone's aligned window may fall just outside it
    idx = np.arange(a + best, min(b + step, len(purity)), step)
    tones = np.argmax(power[idx], axis=1).tolist()
    if _START_TONE not in tones[: _PREAMBLE + 2]:
        return None
    lead = tones.index(_START_TONE)  # a stray symbol may precede the start tone
    while lead < len(tones) and tones[lead] == _START_TONE:
        lead += 1
    nibbles: list[int] = []
    need = 2
    for prev, tone in itertools.pairwise(tones[lead - 1 :]):
        value = (tone - prev - 1) % _N_TONES
        if value == _N_TONES - 1:
            return None
        nibbles.append(value)
        if len(nibbles) == 2:
            need = 2 * ((nibbles[0] << 4 | nibbles[1]) + 3)
        if len(nibbles) == need:
            break
    if len(nibbles) < need:
        return None
    data = bytes((hi << 4) | lo for hi, lo in zip(nibbles[::2], nibbles[1::2], strict=True))
    payload = data[1:-2]
    if _crc16(payload) != data[-2:]:
        return None
    return _unpack_text(payload)


def decode_text(samples: np.ndarray, rate: int) -> str:
    """The text the built-in voice embedded in ``samples`` ('' when none is found).

    Works on int16 or float mono audio at any rate ≥ 16 kHz, at any level, after resampling
    (the band sits under 7 kHz) and with moderate added noise; a phrase whose message is damaged
    is left out rather than guessed.
    """
    x = np.asarray(samples, dtype=np.float32)
    if rate < _READ_RATE or x.ndim != 1:
        return ""
    if rate != _READ_RATE:
        from ...audio import resample

        x = resample(x, rate, _READ_RATE)
    width = round(_SYMBOL_S * _READ_RATE)
    hop = _READ_RATE // 1000
    if x.size < 8 * width:
        return ""
    # keep only the tone band: short rectangular windows would leak the voice into it
    size = 1 << (x.size - 1).bit_length()
    spec = np.fft.rfft(x, n=size)
    freqs = np.arange(spec.size) * (_READ_RATE / size)
    spec[(freqs < _TONE_BASE - 250) | (freqs > _TONE_BASE + _N_TONES * _TONE_STEP + 150)] = 0
    x = np.fft.irfft(spec, n=size)[: x.size].astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(x, width)[::hop]
    k0 = round(_TONE_BASE / _TONE_STEP)
    power = np.abs(np.fft.rfft(frames, axis=1)[:, k0 : k0 + _N_TONES]) ** 2
    band = power.sum(axis=1)
    purity = power.max(axis=1) / (band + 1e-12)
    active = (purity > 0.55) & (band > 1e-3 * float(band.max()) + 1e-6)  # within 30 dB
    pos = np.flatnonzero(active)
    if pos.size == 0:
        return ""
    step = round(_SYMBOL_S * 1000)
    breaks = np.flatnonzero(np.diff(pos) > 2 * step)
    starts = np.concatenate([[pos[0]], pos[breaks + 1]])
    ends = np.concatenate([pos[breaks], [pos[-1]]]) + 1
    out = ""
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if b - a >= (_PREAMBLE + 6) * step:
            text = _read_region(power, purity, a, b, step)
            if text:
                out += " " + text if new_sentence(out, text) else text
    return out.strip()


def new_sentence(before: str, text: str) -> bool:
    """Whether ``text`` starts a sentence of another clip after ``before``.

    A phrase of the same clip carries its own leading space, one from a clip spoken after it does
    not (the service's transcripts put a space between sentences).
    """
    return before[-1:] in (".", "!", "?") and text[:1].isupper()
