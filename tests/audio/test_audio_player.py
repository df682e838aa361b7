"""The notebook player never stores unbounded audio in the notebook."""

from __future__ import annotations

import base64
import re

import numpy as np

from gemlive_nb.audio import Audio, read_wav
from gemlive_nb.audio import _value as value
from gemlive_nb.exceptions import AudioError


def _embedded(page: str) -> Audio:
    m = re.search(r'src="data:audio/wav;base64,([A-Za-z0-9+/=]+)"', page)
    assert m is not None
    return read_wav(base64.b64decode(m.group(1)))


def test_short_audio_is_embedded_whole() -> None:
    a = Audio.tone(440, 5.0, 24000)
    page = a._repr_html_()
    assert _embedded(page) == a
    assert "player holds" not in page


def test_a_ten_minute_reply_is_embedded_as_a_small_preview() -> None:
    rng = np.random.default_rng(1)
    a = Audio((rng.standard_normal(600 * 24000) * 3000).astype(np.int16), 24000)
    page = a._repr_html_()
    assert len(page) < 1.4 * value.HTML_MAX_BYTES  # was ~38 MB
    clip = _embedded(page)
    assert clip.rate == value.HTML_PREVIEW_RATE
    assert clip.samples.nbytes <= value.HTML_MAX_BYTES
    assert 100 < clip.duration < a.duration
    # the preview is the start of the reply, band-limited (same level, minus the top octaves)
    same = a.slice(0, clip.duration).resample(value.HTML_PREVIEW_RATE)
    assert clip == same
    assert "Audio(600.00 s @ 24000 Hz" in page
    assert f"first {clip.duration:g} s" in page and "8000 Hz" in page and "to_wav" in page


def test_long_low_rate_audio_is_cut_not_resampled() -> None:
    a = Audio(np.ones(200 * 8000, np.int16), 8000)
    clip = _embedded(a._repr_html_())
    assert clip.rate == 8000
    assert clip.samples.nbytes <= value.HTML_MAX_BYTES
    assert clip == a.slice(0, clip.duration)


def test_huge_durations_and_rates_are_audio_errors() -> None:
    for call in (
        lambda: Audio.silence(10**400, 16000),
        lambda: Audio.tone(440, 10**12, 16000),
        lambda: Audio(np.zeros(3, np.int16), 10**400),
        lambda: Audio.tone(440, 1, 16000).resample(10**400),
    ):
        try:
            call()
        except AudioError as e:
            assert len(str(e)) < 300
        else:
            raise AssertionError("expected AudioError")
