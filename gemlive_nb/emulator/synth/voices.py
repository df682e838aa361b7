"""Signal constants and the catalog voices' parameters (pitch, tract length, rate, timbre)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from ...catalog import VOICES

RATE = 24000
HOP = 128  # 5.33 ms frames, hann windows overlapping by half
WIN = 256
NFFT = 512  # room after each window for the (causal) resonators' ringing
PEAK = 0.6  # about -4.4 dBFS
SPEECH_TOP_HZ = 4400.0  # the voice rolls off above this, leaving the text band clean
BAND_EDGE_HZ = (4700.0, 5250.0)  # the whole voice fades out over this range
AH_GAIN = 5.0  # aspiration/breath noise through the formants, relative to voicing
AF_GAIN = 1.0  # frication noise bands


# Voices


@dataclass(frozen=True)
class VoiceParams:
    """How one catalog voice sounds.

    ``f0`` mean pitch (Hz); ``formant_scale`` vocal-tract length factor (>1 = shorter tract,
    higher formants); ``rate`` speaking-rate factor; ``breathiness`` aspiration mixed into the
    voicing (0-1); ``jitter``/``shimmer`` cycle-to-cycle pitch/amplitude variation;
    ``subharmonic`` alternate-cycle damping (raspiness); ``tilt`` spectral roll-off (higher =
    darker); ``pitch_range`` intonation excursion factor.
    """

    f0: float
    formant_scale: float
    rate: float
    breathiness: float
    jitter: float
    shimmer: float
    subharmonic: float
    tilt: float
    pitch_range: float


# Apparent gender of the 30 voices (per Google's voice list) sets the pitch and tract ranges.
_FEMALE = frozenset(
    "Zephyr Kore Leda Aoede Callirrhoe Autonoe Despina Erinome Laomedeia Achernar Gacrux "
    "Pulcherrima Vindemiatrix Sulafat".split()
)
# style word -> (pitch-rank nudge, rate, breathiness, tilt (higher = darker), pitch_range)
_STYLE = {
    "Bright": (1, 1.03, 0.04, 0.55, 1.10),
    "Cheerful": (1, 1.06, 0.05, 0.70, 1.35),
    "Informative": (0, 1.00, 0.03, 0.85, 0.85),
    "Firm": (-1, 0.98, 0.02, 0.75, 0.90),
    "Excited": (2, 1.14, 0.05, 0.65, 1.50),
    "Youthful": (2, 1.08, 0.06, 0.70, 1.25),
    "Light": (1, 1.05, 0.08, 0.80, 1.10),
    "Easy-going": (0, 0.92, 0.08, 1.00, 1.00),
    "Breathy": (0, 0.95, 0.32, 1.15, 0.95),
    "Clear": (0, 1.00, 0.02, 0.60, 1.00),
    "Relaxed": (-1, 0.88, 0.10, 1.05, 0.90),
    "Smooth": (0, 0.95, 0.07, 1.10, 0.95),
    "Flowing": (0, 1.02, 0.07, 0.95, 1.15),
    "Raspy": (-1, 0.97, 0.12, 0.90, 0.95),
    "Soft": (0, 0.93, 0.18, 1.25, 0.90),
    "Strong": (-1, 1.00, 0.02, 0.60, 1.05),
    "Steady": (0, 0.96, 0.04, 0.90, 0.75),
    "Mature": (-2, 0.93, 0.06, 1.00, 0.90),
    "Positive": (1, 1.05, 0.05, 0.75, 1.25),
    "Friendly": (0, 1.02, 0.06, 0.85, 1.20),
    "Casual": (0, 0.97, 0.08, 0.95, 1.05),
    "Gentle": (0, 0.92, 0.15, 1.20, 0.95),
    "Lively": (1, 1.12, 0.04, 0.70, 1.40),
    "Scholarly": (0, 0.94, 0.04, 0.95, 0.80),
    "Warm": (-1, 0.95, 0.10, 1.15, 1.00),
}


def crc(text: str) -> int:
    """A stable 32-bit hash of ``text`` (the same on every run, unlike ``hash``)."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _spread(names: list[str], lo: float, hi: float, salt: str) -> dict[str, float]:
    """Geometrically spaced values over [lo, hi], given to names in a fixed pseudo-random order."""
    order = sorted(names, key=lambda n: crc(salt + n))
    return _even(order, lo, hi)


def _even(order: list[str], lo: float, hi: float) -> dict[str, float]:
    ratio = (hi / lo) ** (1 / max(1, len(order) - 1))
    return {n: lo * ratio**i for i, n in enumerate(order)}


def _build_voices() -> dict[str, VoiceParams]:
    params = {}
    female = [v.name for v in VOICES if v.name in _FEMALE]
    male = [v.name for v in VOICES if v.name not in _FEMALE]
    styles = {v.name: _STYLE.get(v.style, (0, 1.0, 0.06, 0.9, 1.0)) for v in VOICES}
    pitch: dict[str, float] = {}
    for group, lo, hi in ((male, 85.0, 150.0), (female, 165.0, 255.0)):
        # a hashed rank nudged by the style (Excited higher, Mature lower), then evenly spaced so
        # that no two voices share a pitch
        order = sorted(group, key=lambda n: (crc("f0" + n) % 1000) / 1000 + 0.35 * styles[n][0])
        pitch.update(_even(order, lo, hi))
    tract = {**_spread(male, 0.92, 1.04, "vt"), **_spread(female, 1.10, 1.24, "vt")}
    for voice in VOICES:
        _step, rate, breath, tilt, prange = styles[voice.name]
        raspy = voice.style == "Raspy"
        params[voice.name] = VoiceParams(
            f0=round(pitch[voice.name], 1),
            formant_scale=round(tract[voice.name], 3),
            rate=round(rate * (0.97 + 0.06 * (crc("rate" + voice.name) % 1000) / 1000), 3),
            breathiness=breath,
            jitter=0.03 if raspy else 0.004,
            shimmer=0.14 if raspy else 0.03,
            subharmonic=0.45 if raspy else 0.0,
            tilt=tilt,
            pitch_range=prange,
        )
    return params


VOICE_PARAMS = _build_voices()


def voice_params(name: str) -> VoiceParams:
    """The synthesis parameters of a catalog voice (case-insensitive; ConfigError if unknown)."""
    return VOICE_PARAMS[VOICES[name].name]
