"""Tests for gemlive_nb.audio: conversions, resampling quality and streaming, WAV, levels, Audio."""

from __future__ import annotations

import base64
import io
import math
import pickle
import re
import struct
from array import array

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemlive_nb.audio import (
    SILENCE_DBFS,
    Audio,
    Resampler,
    array_to_pcm16,
    chunk,
    chunk_ms,
    float_to_int16,
    int16_to_float,
    levels,
    pcm16_to_array,
    peak_dbfs,
    read_wav,
    resample,
    rms_dbfs,
    write_wav,
)
from gemlive_nb.exceptions import AudioError

# ----------------------------------------------------------------- spectral measurement helpers


def _tone(freq: float, rate: int, seconds: float = 2.0, amplitude: float = 0.5) -> np.ndarray:
    return amplitude * np.sin(2 * np.pi * freq * np.arange(round(seconds * rate)) / rate)


def _spectrum(y: np.ndarray, rate: int) -> np.ndarray:
    """Tone amplitudes per 1 Hz bin of the steady-state second in the middle of `y`.

    A Kaiser(β=20) window keeps leakage far below -120 dB; tones on integer Hz sit on bins.
    """
    seg = np.asarray(y, np.float64)[rate // 2 : rate // 2 + rate]
    assert len(seg) == rate
    w = np.kaiser(rate, 20.0)
    amp = np.abs(np.fft.rfft(seg * w)) * 2 / w.sum()
    amp[0] /= 2
    return amp


def _db(ratio: float) -> float:
    return 20 * math.log10(max(ratio, 1e-15))


def _alias(freq: float, rate: int) -> int:
    return round(abs(freq - rate * round(freq / rate)))


# ----------------------------------------------------------------- resampler acceptance

# the named tones, plus a 100 Hz grid over the whole band, so "any tone" is really checked
STOP_TONES_48K = sorted({8500, 9000, 10000, 12000, 16000, 20000, 23900, *range(8500, 24000, 100)})
PASS_TONES = sorted({100, 250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 6500, 7000, 6950})
PASS_TONES += list(range(200, 7000, 100))


def test_48k_to_16k_alias_rejection_at_least_70_db():
    worst, worst_f = -math.inf, 0
    for f in STOP_TONES_48K:
        y = resample(_tone(f, 48000), 48000, 16000)
        amp = _spectrum(y, 16000)
        level = _db(amp.max() / 0.5)  # anything left in the output, wherever it folded to
        at_alias = _db(amp[_alias(f, 16000)] / 0.5)
        assert level <= -70, f"tone {f} Hz leaks at {level:.1f} dB"
        assert at_alias <= level + 1e-9
        worst, worst_f = max((worst, worst_f), (level, f))
    print(f"\n48k->16k worst alias level (8.5-23.9 kHz): {worst:.1f} dB at {worst_f} Hz")


def test_48k_to_16k_passband_flat_within_0_1_db():
    errors = []
    for f in PASS_TONES:
        y = resample(_tone(f, 48000), 48000, 16000)
        gain = _db(_spectrum(y, 16000)[f] / 0.5)
        errors.append(abs(gain))
    worst = max(errors)
    assert worst < 0.1, dict(zip(PASS_TONES, errors, strict=True))
    worst_f = PASS_TONES[errors.index(worst)]
    print(f"\n48k->16k worst passband deviation (100 Hz-7 kHz): {worst:.4f} dB at {worst_f} Hz")


@pytest.mark.parametrize(
    ("src", "dst"),
    [(44100, 16000), (16000, 24000), (24000, 48000), (22050, 24000), (24000, 16000)],
)
def test_other_ratios_flat_and_clean(src, dst):
    """Pass-band tones keep their level (< 0.1 dB) and come out pure: images and aliases, which
    would show up anywhere else in the spectrum, are >= 70 dB down. Stop-band tones vanish."""
    edge = 0.875 * min(src, dst) / 2
    worst_gain, worst_spur = 0.0, -math.inf
    for f in [100, 1000, 3000, round(edge * 0.6), round(edge)]:
        amp = _spectrum(resample(_tone(f, src), src, dst), dst)
        worst_gain = max(worst_gain, abs(_db(amp[f] / 0.5)))
        others = amp.copy()
        others[max(f - 12, 0) : f + 13] = 0
        worst_spur = max(worst_spur, _db(others.max() / 0.5))
    if src > dst:
        for f in [dst // 2 + dst // 32, round(dst * 0.75), src // 2 - 100]:
            amp = _spectrum(resample(_tone(f, src), src, dst), dst)
            worst_spur = max(worst_spur, _db(amp.max() / 0.5))
    assert worst_gain < 0.1
    assert worst_spur <= -70
    print(f"\n{src}->{dst}: passband {worst_gain:.4f} dB, worst spur {worst_spur:.1f} dB")


def test_resample_keeps_timing_and_phase():
    x = _tone(440, 48000, 1.0)
    y = resample(x, 48000, 16000)
    expected = _tone(440, 16000, 1.0)
    assert len(y) == 16000
    assert np.max(np.abs(y[200:-200] - expected[200:-200])) < 1e-3


def test_ten_minutes_48k_to_16k_in_one_call():
    # Its speed is measured in bench/bench_resample.py (timing is never asserted in a test).
    x = (np.random.default_rng(1).standard_normal(48000 * 600) * 3000).astype(np.int16)
    y = resample(x, 48000, 16000)
    assert len(y) == 16000 * 600 and y.dtype == np.int16
    # It runs in blocks internally: a stretch deep inside matches resampling just the stretch
    # (with 2 s of lead-in, started on a whole output sample), whose blocks fall elsewhere.
    lead = 48000 * 298
    alone = resample(x[lead : lead + 48000 * 3], 48000, 16000)
    inside, part = y[16000 * 299 : 16000 * 300], alone[16000 : 16000 * 2]
    assert np.abs(inside.astype(int) - part.astype(int)).max() <= 1


def _naive(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Textbook upfirdn with the same filter, straight from the definition:
    y[n] = sum_i x[i] * h[n * down + delay - i * up] (h is zero outside its support)."""
    from gemlive_nb.audio._resampling import _design, _ratio

    up, down = _ratio(src, dst)
    d = _design(up, down)
    n = np.arange(-(-len(x) * up // down))[:, None]
    t = n * down + d.delay - np.arange(len(x))[None, :] * up
    inside = (t >= 0) & (t < len(d.h))
    return (np.where(inside, d.h[np.clip(t, 0, len(d.h) - 1)], 0.0) * x).sum(axis=1)


RATIOS = [
    (48000, 16000),
    (16000, 24000),
    (24000, 48000),
    (44100, 16000),
    (22050, 24000),
    (24000, 16000),
    (16000, 48000),
    (8000, 44100),
]


@pytest.mark.parametrize(("src", "dst"), RATIOS)
def test_polyphase_matches_textbook_upfirdn(src, dst):
    x = np.random.default_rng(2).standard_normal(1201) * 0.1
    assert np.max(np.abs(resample(x, src, dst) - _naive(x, src, dst))) < 1e-6


@pytest.mark.parametrize(("src", "dst"), [*RATIOS, (16000, 16000)])
def test_streaming_equals_one_shot(src, dst):
    rng = np.random.default_rng(3)
    x16 = (rng.standard_normal(src // 2) * 8000).astype(np.int16)
    for x, tol in ((x16, 1), (int16_to_float(x16), 1e-6)):
        whole = resample(x, src, dst)
        r = Resampler(src, dst)
        parts, i = [], 0
        for size in rng.integers(0, 900, 10_000):
            parts.append(r.process(x[i : i + size]))
            i += size
            if i >= len(x):
                break
        parts.append(r.flush())
        streamed = np.concatenate(parts)
        assert streamed.dtype == whole.dtype == (np.int16 if x.dtype == np.int16 else np.float32)
        assert len(streamed) == len(whole) == math.ceil(len(x) * dst / src)
        assert np.max(np.abs(streamed.astype(float) - whole.astype(float))) <= tol


def test_resampler_resets_after_flush_and_rejects_mixed_dtypes():
    r = Resampler(24000, 16000)
    x = Audio.tone(300, 0.1, 24000).samples
    first = np.concatenate([r.process(x), r.flush()])
    second = np.concatenate([r.process(x), r.flush()])
    assert np.array_equal(first, second)
    r.process(x)
    with pytest.raises(AudioError, match=r"float64.*int16"):
        r.process(np.zeros(10))
    assert r.flush().dtype == np.int16
    assert "24000 -> 16000" in repr(r)


def test_resample_refuses_ratios_needing_huge_filters():
    with pytest.raises(AudioError, match=r"16001 -> 16000 Hz.*16000/16001"):
        resample(np.zeros(10), 16001, 16000)
    assert len(resample(np.zeros(11025), 11025, 48000)) == 48000  # 640/147 is fine


def test_resample_dtypes_lengths_and_clipping():
    assert resample(np.zeros(0, np.int16), 48000, 16000).shape == (0,)
    assert resample(np.zeros(10), 16000, 16000).dtype == np.float32
    x = (np.arange(100) * 300 - 15000).astype(np.int16)
    assert np.array_equal(resample(x, 16000, 16000), x)
    assert len(resample(np.zeros(1000, np.int16), 44100, 16000)) == math.ceil(1000 * 16 / 44.1)
    # a full-scale square wave overshoots (Gibbs): int16 output clips instead of wrapping around
    square = np.where(np.arange(4800) % 480 < 240, 32767, -32768).astype(np.int16)
    y = resample(square, 48000, 16000)
    ref = resample(int16_to_float(square), 48000, 16000) * 32768
    assert y.max() == 32767 and y.min() == -32768 and ref.max() > 32767
    assert np.all(np.sign(y[100:-100]) == np.sign(ref[100:-100]))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((np.zeros(4, np.int32), 16000, 8000), "int32"),
        ((np.zeros((4, 2)), 16000, 8000), r"\(4, 2\).*mean\(axis=1\)"),
        ((np.zeros(4), 0, 8000), "from_rate.* 0"),
        ((np.zeros(4), 16000, -1), "to_rate.*-1"),
        ((np.zeros(4), 16000.5, 8000), "16000.5"),
        ((np.zeros(4), "16k", 8000), "'16k'"),
    ],
)
def test_resample_errors_name_the_value(args, match):
    with pytest.raises(AudioError, match=match):
        resample(*args)


# ----------------------------------------------------------------- PCM16 and float conversion


def test_pcm16_round_trip_and_byte_order():
    x = np.array([0, 1, -1, 32767, -32768, 256], np.int16)
    data = array_to_pcm16(x)
    assert data[:6] == b"\x00\x00\x01\x00\xff\xff"
    back = pcm16_to_array(data)
    assert back.dtype == np.int16 and np.array_equal(back, x)
    back[0] = 5  # writable, not a view on immutable bytes
    assert np.array_equal(pcm16_to_array(bytearray(data)), x)
    assert np.array_equal(pcm16_to_array(memoryview(data)), x)
    assert np.array_equal(pcm16_to_array(memoryview(array("h", x.tolist()))), x)
    assert np.array_equal(pcm16_to_array(memoryview(data)[::-1][::-1]), x)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-32768, 32767), max_size=200))
def test_pcm16_round_trip_property(values):
    x = np.array(values, np.int16)
    assert np.array_equal(pcm16_to_array(array_to_pcm16(x)), x)
    assert np.array_equal(float_to_int16(int16_to_float(x)), x)


def test_pcm16_errors():
    with pytest.raises(AudioError, match="odd length of 5 bytes"):
        pcm16_to_array(b"\x00" * 5)
    with pytest.raises(AudioError, match="str"):
        pcm16_to_array("abcd")  # type: ignore[arg-type]
    with pytest.raises(AudioError, match="int32"):
        array_to_pcm16(np.zeros(3, np.int32))
    with pytest.raises(AudioError, match=r"shape \(2, 3\)"):
        array_to_pcm16(np.zeros((2, 3), np.int16))


def test_float_conversion_clips_without_wraparound():
    x = np.array([0.0, 0.5, 1.0, 1.5, 1e9, -1.0, -1.5, -1e9, np.nan, -0.5])
    assert float_to_int16(x).tolist() == [
        0,
        16384,
        32767,
        32767,
        32767,
        -32768,
        -32768,
        -32768,
        0,
        -16384,
    ]
    assert array_to_pcm16(np.array([1.0, -1.0, 2.0], np.float32)) == b"\xff\x7f\x00\x80\xff\x7f"
    f = int16_to_float(np.array([-32768, 0, 16384], np.int16))
    assert f.dtype == np.float32 and f.tolist() == [-1.0, 0.0, 0.5]
    with pytest.raises(AudioError, match="int64"):
        float_to_int16(np.array([1, 2]))
    with pytest.raises(AudioError, match="uint8"):
        int16_to_float(np.array([1], np.uint8))


# ----------------------------------------------------------------- WAV


def _wav_bytes(
    fmt_tag: int, channels: int, rate: int, bits: int, frames: bytes, ext=False
) -> bytes:
    align = channels * bits // 8
    if ext:  # WAVE_FORMAT_EXTENSIBLE: real format in the first two bytes of the subformat GUID
        guid = (
            struct.pack("<H", fmt_tag) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        )
        fmt = struct.pack(
            "<HHIIHHHHI", 0xFFFE, channels, rate, rate * align, align, bits, 22, bits, 0
        )
        fmt += guid
    else:
        fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * align, align, bits)
    junk = b"LIST" + struct.pack("<I", 3) + b"abc\x00"  # odd-sized chunk with a pad byte
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + junk
    body += b"data" + struct.pack("<I", len(frames)) + frames
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_wav_16bit_round_trip(tmp_path):
    a = Audio.tone(523.25, 0.3, 22050, amplitude=0.8)
    p = tmp_path / "a.wav"
    a.to_wav(p)
    b = Audio.from_wav(p)
    assert b == a and b.rate == 22050
    buf = io.BytesIO()
    write_wav(buf, a.samples, a.rate)
    assert read_wav(io.BytesIO(buf.getvalue())) == a
    assert read_wav(buf.getvalue()) == a
    assert read_wav(str(p)) == a


def test_write_stereo_and_read_back_mixed_or_first(tmp_path):
    left = np.full(100, 1000, np.int16)
    right = np.full(100, 3000, np.int16)
    p = tmp_path / "s.wav"
    write_wav(p, np.stack([left, right], axis=1), 16000)
    assert p.read_bytes()[22:24] == b"\x02\x00"  # two channels in the header
    assert np.all(read_wav(p).samples == 2000)
    assert np.all(read_wav(p, channels="first").samples == 1000)
    with pytest.raises(AudioError, match="'left'"):
        read_wav(p, channels="left")  # type: ignore[arg-type]


@pytest.mark.parametrize("ext", [False, True])
def test_read_float32_24bit_32bit_8bit_wavs(ext):
    expected = np.array([0, 16384, -16384, 32767, -32768], np.int16)
    as_float = np.array([0.0, 0.5, -0.5, 1.5, -1.0], "<f4")  # 1.5 clips to 32767
    cases = {
        "float32": _wav_bytes(3, 1, 8000, 32, as_float.tobytes(), ext),
        "float64": _wav_bytes(3, 1, 8000, 64, as_float.astype("<f8").tobytes(), ext),
        "int32": _wav_bytes(1, 1, 8000, 32, (expected.astype("<i4") << 16).tobytes(), ext),
        "int24": _wav_bytes(
            1, 1, 8000, 24, b"".join(struct.pack("<i", int(v) << 8)[:3] for v in expected), ext
        ),
        "uint8": _wav_bytes(1, 1, 8000, 8, bytes([128, 192, 64, 255, 0]), ext),
    }
    for name, data in cases.items():
        a = read_wav(data)
        want = expected if name != "uint8" else np.array([0, 16384, -16384, 32512, -32768])
        assert a.rate == 8000, name
        assert a.samples.tolist() == want.tolist(), name


def test_read_24bit_stereo_keeps_precision_when_mixing():
    frames = b"".join(struct.pack("<i", v)[:3] for v in [256 * 100, 256 * 301, -256, -256 * 3])
    a = read_wav(_wav_bytes(1, 2, 44100, 24, frames))
    assert a.samples.tolist() == [200, -2]  # (100 + 301) / 2 = 200.5 rounds to even


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"ID3\x03" + b"\x00" * 40, r"not a WAV file .*b'ID3"),
        (_wav_bytes(2, 1, 8000, 4, b"\x00" * 8), "format 2 with 4-bit"),
        (_wav_bytes(1, 1, 8000, 12, b"\x00" * 8), "12-bit"),
        (_wav_bytes(1, 1, 8000, 16, b"")[:-8], "no 'data' chunk"),
        (b"RIFF\x04\x00\x00\x00WAVEdata\x00\x00\x00\x00", "no 'fmt ' chunk"),
    ],
)
def test_bad_wav_files_name_the_problem(tmp_path, data, match):
    p = tmp_path / "bad.wav"
    p.write_bytes(data)
    with pytest.raises(AudioError, match=match) as info:
        read_wav(p)
    assert str(p) in str(info.value)


def test_wav_io_errors(tmp_path):
    missing = tmp_path / "nope.wav"
    with pytest.raises(AudioError, match=r"nope\.wav"):
        read_wav(missing)
    with pytest.raises(AudioError, match="needs the sample rate"):
        write_wav(tmp_path / "x.wav", np.zeros(3))
    with pytest.raises(AudioError, match="int32"):
        write_wav(tmp_path / "x.wav", np.zeros(3, np.int32), 8000)
    with pytest.raises(AudioError, match=r"rate.*-8000"):
        write_wav(tmp_path / "x.wav", np.zeros(3), -8000)
    with pytest.raises(AudioError, match="text mode"):
        read_wav(io.StringIO("RIFF"))
    with pytest.raises(AudioError, match="int"):
        read_wav(42)


# ----------------------------------------------------------------- chunking and levels


def test_chunk_and_chunk_ms():
    x = np.arange(10, dtype=np.int16)
    assert [c.tolist() for c in chunk(x, 4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    padded = list(chunk(x, 4, pad=True))
    assert padded[-1].tolist() == [8, 9, 0, 0] and padded[-1].dtype == np.int16
    assert list(chunk(x[:0], 4)) == []
    assert [len(c) for c in chunk_ms(np.zeros(16000, np.int16), 16000, 20)] == [320] * 50
    assert [len(c) for c in chunk_ms(np.zeros(1000), 16000, 30)] == [480, 480, 40]
    with pytest.raises(AudioError, match="0"):
        list(chunk(x, 0))
    with pytest.raises(AudioError, match=r"0\.01 ms at 16000 Hz"):
        list(chunk_ms(x, 16000, 0.01))


def test_levels_of_known_signals():
    full = np.sin(2 * np.pi * 1000 * np.arange(16000) / 16000)
    assert rms_dbfs(full) == pytest.approx(-3.0103, abs=0.001)
    assert peak_dbfs(full) == pytest.approx(0.0, abs=0.001)
    as_int = float_to_int16(full)
    assert rms_dbfs(as_int) == pytest.approx(-3.01, abs=0.01)
    assert peak_dbfs(np.array([0.5, -0.25])) == pytest.approx(-6.0206, abs=1e-4)
    assert rms_dbfs(np.zeros(100, np.int16)) == SILENCE_DBFS == -120.0
    assert rms_dbfs(np.zeros(0)) == SILENCE_DBFS and peak_dbfs(np.zeros(0)) == SILENCE_DBFS
    half = np.concatenate([0.5 * full[:8000], np.zeros(8000), 0.5 * full[:1000]])
    lv = levels(half, 16000, window_ms=50)
    assert len(lv) == 22  # 17000 samples in 800-sample windows: 21 full + one of 200
    assert np.allclose(lv[:10], -9.03, atol=0.01)
    assert np.all(lv[10:20] == SILENCE_DBFS)
    assert lv[21] == pytest.approx(-9.03, abs=0.05)
    assert levels(np.zeros(0), 16000).shape == (0,)
    with pytest.raises(AudioError, match="window_ms"):
        levels(full, 16000, window_ms=0)


# ----------------------------------------------------------------- Audio


def test_audio_value_semantics():
    a = Audio(np.array([1, 2, 3], np.int16), 8000)
    assert a == Audio(np.array([1, 2, 3], np.int16), 8000)
    assert a != Audio(np.array([1, 2, 3], np.int16), 16000)
    assert a != Audio(np.array([1, 2, 4], np.int16), 8000)
    assert a != "audio"
    assert hash(a) == hash(Audio(np.array([1, 2, 3], np.int16), 8000.0))
    assert len({a, Audio(np.array([1, 2, 3], np.int16), 8000)}) == 1
    with pytest.raises(ValueError, match="read-only"):
        a.samples[0] = 9
    with pytest.raises(AttributeError):
        a.rate = 16000  # type: ignore[misc]
    c = pickle.loads(pickle.dumps(a))
    assert c == a and not c.samples.flags.writeable
    src = np.array([1, 2, 3], np.int16)
    b = Audio(src, 8000)
    src[0] = 100
    assert b.samples[0] == 1  # copied, not aliased


def test_audio_conversions():
    f = Audio(np.array([0.5, -0.5, 2.0], np.float32), 16000)
    assert f.samples.dtype == np.int16 and f.samples.tolist() == [16384, -16384, 32767]
    col = Audio(np.zeros((5, 1), np.int16), 16000)
    assert col.samples.shape == (5,)
    assert Audio(np.zeros(3), np.int64(16000)).rate == 16000
    assert Audio(np.zeros(3), 16000.0).rate == 16000
    a = Audio.tone(440, 0.5, 24000)
    assert Audio.from_pcm16(a.to_pcm16(), 24000) == a
    assert a.to_float().dtype == np.float32
    assert np.allclose(a.to_float(), a.samples / 32768)


@pytest.mark.parametrize(
    ("samples", "rate", "match"),
    [
        (np.zeros(3, np.int32), 16000, "dtype int32.*astype"),
        (np.zeros(3, np.uint8), 16000, "uint8"),
        (np.zeros((3, 2)), 16000, r"2 channels \(shape \(3, 2\)\).*mean\(axis=1\)"),
        (np.zeros((2, 2, 2)), 16000, r"shape \(2, 2, 2\)"),
        (np.zeros(3), 0, "rate must be a positive.* 0"),
        (np.zeros(3), -16000, "-16000"),
        (np.zeros(3), 22050.5, "22050.5"),
        (np.zeros(3), "24000", "'24000'"),
        (np.zeros(3), True, "True"),
        (np.zeros(3), float("nan"), "nan"),
        (b"\x00\x00", 16000, "from_pcm16"),
    ],
)
def test_audio_validation_errors_name_the_value(samples, rate, match):
    with pytest.raises(AudioError, match=match):
        Audio(samples, rate)


def test_audio_measures_slices_and_joins():
    a = Audio.tone(1000, 2.5, 24000, amplitude=0.5)
    assert a.duration == 2.5 and len(a) == 60000
    assert a.rms_dbfs == pytest.approx(-9.03, abs=0.01)
    assert a.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert a.slice(0.5, 1.0) == Audio(a.samples[12000:24000], 24000)
    assert a.slice(2.0).duration == 0.5
    assert a.slice(-0.25).duration == 0.25
    assert a.slice(3.0, 4.0).duration == 0.0
    s = Audio.silence(0.5, 24000)
    assert s.rms_dbfs == SILENCE_DBFS and len(s) == 12000
    joined = a + s
    assert joined.duration == 3.0 and joined == Audio.concat(a, s)
    assert joined.slice(2.5) == s
    with pytest.raises(AudioError, match=r"\[16000, 24000\].*resample"):
        Audio.concat(a, Audio.silence(0.1, 16000))
    with pytest.raises(AudioError, match="at least one"):
        Audio.concat()
    with pytest.raises(TypeError):
        a + np.zeros(3)  # type: ignore[operator]
    pieces = list(a.chunks(20))
    assert len(pieces) == 125 and all(p.rate == 24000 and len(p) == 480 for p in pieces)
    assert Audio.concat(*pieces) == a


def test_audio_tone_and_silence_validation():
    assert Audio.tone(440, 1, 16000).duration == 1.0
    with pytest.raises(AudioError, match=r"9000.*8000"):
        Audio.tone(9000, 1, 16000)
    with pytest.raises(AudioError, match="amplitude 2"):
        Audio.tone(440, 1, 16000, amplitude=2)
    with pytest.raises(AudioError, match="-1"):
        Audio.silence(-1, 16000)


def test_audio_resample():
    a = Audio.tone(440, 1.0, 24000)
    b = a.resample(16000)
    assert b.rate == 16000 and len(b) == 16000
    assert b.rms_dbfs == pytest.approx(a.rms_dbfs, abs=0.05)
    assert a.resample(24000) is a
    with pytest.raises(AudioError, match="-5"):
        a.resample(-5)


def test_audio_repr_and_html_player():
    a = Audio.tone(440, 2.5, 24000, amplitude=0.1)
    assert repr(a) == f"Audio(2.50 s @ 24000 Hz, {a.rms_dbfs:.1f} dBFS)"
    assert re.fullmatch(r"Audio\(2\.50 s @ 24000 Hz, -23\.0 dBFS\)", repr(a))
    assert repr(Audio.silence(1, 16000)) == "Audio(1.00 s @ 16000 Hz, silent)"
    page = a._repr_html_()
    assert "<audio" in page and "controls" in page
    m = re.search(r'src="data:audio/wav;base64,([A-Za-z0-9+/=]+)"', page)
    assert m is not None
    assert read_wav(base64.b64decode(m.group(1))) == a
    assert "Audio(2.50 s @ 24000 Hz" in page


def test_html_player_embeds_only_the_start_of_long_audio(monkeypatch):
    import gemlive_nb.audio._value as audio_module

    monkeypatch.setattr(audio_module, "HTML_MAX_SECONDS", 1.0)
    a = Audio.tone(440, 3.0, 8000)
    page = a._repr_html_()
    m = re.search(r"base64,([A-Za-z0-9+/=]+)", page)
    assert m is not None
    assert read_wav(base64.b64decode(m.group(1))) == a.slice(0, 1.0)
    assert "first 1 s" in page and "3.00 s" in page
