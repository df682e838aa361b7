"""The emulator's speech backends: built-in voices, languages, transcription, get_speech."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gemlive_nb.audio import resample
from gemlive_nb.catalog import LANGUAGES, VOICES
from gemlive_nb.emulator import synth
from gemlive_nb.emulator.speech import BuiltinSpeech, SpeechBackend, get_speech
from gemlive_nb.emulator.vad import EnergyVad
from gemlive_nb.exceptions import AudioError, ConfigError

SR = 24000
SENTENCE = "The quick brown fox jumps over the lazy dog."
NON_LATIN = {
    "ar-EG": "مرحبا، كيف حالك اليوم؟",
    "hi-IN": "नमस्ते, आप कैसे हैं?",
    "mr-IN": "नमस्कार, तुम्ही कसे आहात?",
    "bn-BD": "নমস্কার, আপনি কেমন আছেন?",
    "ta-IN": "வணக்கம், எப்படி இருக்கிறீர்கள்?",
    "te-IN": "నమస్కారం, మీరు ఎలా ఉన్నారు?",
    "ja-JP": "こんにちは、今日はいい天気ですね。",
    "zh-CN": "你好，今天天气很好。",
    "ko-KR": "안녕하세요, 잘 지내세요?",
    "th-TH": "สวัสดีครับ คุณสบายดีไหม",
    "ru-RU": "Привет, как дела сегодня?",
    "uk-UA": "Привіт, як справи сьогодні?",
}


@pytest.fixture(scope="module")
def speech() -> BuiltinSpeech:
    backend = get_speech("builtin")
    assert isinstance(backend, BuiltinSpeech)
    return backend


def autocorrelations(
    x: np.ndarray, size: int, loudness: float, nfft: int, keep: int
) -> Iterator[np.ndarray]:
    """The first ``keep`` autocorrelation lags of each frame (``size`` samples, half-overlapping)
    whose energy is over ``loudness`` times the loudest frame's."""
    frames = np.lib.stride_tricks.sliding_window_view(x.astype(float), size)[:: size // 2]
    energy = (frames**2).mean(1)
    for frame in frames[energy > loudness * energy.max()]:
        frame = frame - frame.mean()
        yield np.fft.irfft(np.abs(np.fft.rfft(frame, nfft)) ** 2)[:keep]


def f0_estimate(x: np.ndarray, rate: int = SR) -> float:
    """Median autocorrelation pitch of the loud 50 ms frames."""
    found = []
    for ac in autocorrelations(x, 1200, 0.1, 4096, 700):
        lo, hi = rate // 450, rate // 60
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.3 * ac[0]:
            a, b, c = ac[lag - 1 : lag + 2]
            found.append(rate / (lag + 0.5 * (a - c) / (a - 2 * b + c)))  # parabolic peak
    return float(np.median(found))


def centroid(x: np.ndarray, rate: int = SR) -> float:
    power = np.abs(np.fft.rfft(x.astype(float))) ** 2
    return float((power * np.fft.rfftfreq(x.size, 1 / rate)).sum() / power.sum())


def periodicity(x: np.ndarray, rate: int = SR) -> float:
    """Mean normalised autocorrelation peak of voiced frames (1 = perfectly periodic)."""
    peaks = [
        ac[rate // 400 : rate // 60].max() / ac[0]
        for ac in autocorrelations(x, 960, 0.2, 2048, 500)
    ]
    return float(np.mean(peaks))


def band_spectrum(x: np.ndarray, bands: int = 24) -> np.ndarray:
    """Long-term spectrum in dB over 0-6 kHz in equal bands, normalised to its mean."""
    power = np.abs(np.fft.rfft(x.astype(float))) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / SR)
    edges = np.linspace(0, 6000, bands + 1)
    db = np.array([10 * np.log10(power[(freqs >= a) & (freqs < b)].sum() + 1e-9)
                   for a, b in itertools.pairwise(edges)])  # fmt: skip
    return db - db.mean()


# --- interface ---------------------------------------------------------------------------------


def test_get_speech_kinds() -> None:
    builtin = get_speech("builtin")
    assert builtin.name == "builtin" and isinstance(builtin, SpeechBackend)
    assert get_speech("BUILTIN") is builtin  # shared, so sessions share one cache
    # `make test` installs the speech extra: "auto" picks the real backend then (the fallback
    # without it is tested in a subprocess in test_speech_real.py)
    assert get_speech().name == "real"
    assert get_speech("auto") is get_speech("real")


def test_get_speech_rejects_unknown_kind_naming_it_and_the_choices() -> None:
    with pytest.raises(ValueError, match=r"'nope'.*'auto', 'builtin', 'real'"):
        get_speech("nope")


def test_output_format_and_level(speech: BuiltinSpeech) -> None:
    audio = speech.synthesize("Hello there! How are you doing today?", "Puck", "en-US")
    assert audio.dtype == np.int16 and audio.ndim == 1
    assert 1.5 < audio.size / SR < 4.5
    peak_dbfs = 20 * np.log10(np.abs(audio.astype(float)).max() / 32768)
    assert -6.0 <= peak_dbfs <= -3.0
    assert abs(int(audio[0])) < 200 and abs(int(audio[-1])) < 200  # faded edges, no click
    assert not audio.flags.writeable


def test_same_input_same_samples_and_cache(speech: BuiltinSpeech) -> None:
    a = speech.synthesize(SENTENCE, "Kore", "de-DE")
    assert speech.synthesize(SENTENCE, "Kore", "de-DE") is a  # cached
    fresh = synth.Synthesizer().render(SENTENCE, "Kore", "de-DE")
    assert np.array_equal(fresh, a)  # deterministic across instances
    assert not np.array_equal(speech.synthesize(SENTENCE + " ", "Kore", "de-DE")[:100], a[:50])


def test_cache_is_bounded() -> None:
    s = synth.Synthesizer(cache_size=2)
    first = s.render("one", "Puck", "en-US")
    s.render("two", "Puck", "en-US")
    s.render("three", "Puck", "en-US")
    assert len(s._cache) == 2
    assert s.render("one", "Puck", "en-US") is not first


def test_names_are_validated(speech: BuiltinSpeech) -> None:
    with pytest.raises(ConfigError, match=r"Zephir.*Zephyr"):
        speech.synthesize("hi", "Zephir", "en-US")
    with pytest.raises(ConfigError, match="xx-YY"):
        speech.synthesize("hi", "Puck", "xx-YY")
    assert speech.synthesize("hi", "puck", "german").size > 0  # catalog spellings are accepted


def test_digits_are_spoken(speech: BuiltinSpeech) -> None:
    audio = speech.synthesize("42", "Puck", "en-US")
    assert audio.size > SR // 4
    assert speech.transcribe(to_mic(audio), "en-US") == "42"


def test_nothing_to_say_gives_empty_audio(speech: BuiltinSpeech) -> None:
    for text in ("", "   ", "?!", "..."):
        assert speech.synthesize(text, "Puck", "en-US").size == 0


# --- voices ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def voice_features(speech: BuiltinSpeech) -> dict[str, tuple[float, float, float]]:
    out = {}
    for v in VOICES:
        audio = speech.synthesize(SENTENCE, v.name, "en-US")
        out[v.name] = (f0_estimate(audio), centroid(audio), audio.size / SR)
    return out


def test_voices_have_distinct_pitches(
    voice_features: dict[str, tuple[float, float, float]],
) -> None:
    names = [v.name for v in VOICES]
    estimated = np.array([voice_features[n][0] for n in names])
    configured = np.array([synth.voice_params(n).f0 for n in names])
    assert len(set(configured)) == 30
    assert estimated.min() > 80 and estimated.max() < 300
    rank = lambda a: np.argsort(np.argsort(a))  # noqa: E731
    assert np.corrcoef(rank(estimated), rank(configured))[0, 1] > 0.95
    semitones = np.round(12 * np.log2(estimated / 55.0))
    assert len(set(semitones)) >= 14


def test_every_pair_of_voices_differs(
    voice_features: dict[str, tuple[float, float, float]],
) -> None:
    for a, b in itertools.combinations(voice_features, 2):
        fa, fb = voice_features[a], voice_features[b]
        pitch = abs(np.log2(fa[0] / fb[0])) * 12  # semitones
        timbre = abs(np.log2(fa[1] / fb[1])) * 12
        tempo = abs(fa[2] / fb[2] - 1) * 100  # percent
        assert pitch + timbre + tempo / 2 > 0.6, (a, b, fa, fb)


def test_female_voices_are_higher_and_brighter(
    voice_features: dict[str, tuple[float, float, float]],
) -> None:
    female = [n for n in voice_features if n in synth.voices._FEMALE]
    male = [n for n in voice_features if n not in synth.voices._FEMALE]
    assert min(voice_features[n][0] for n in female) > max(voice_features[n][0] for n in male)
    assert np.mean([voice_features[n][1] for n in female]) > 1.15 * np.mean(
        [voice_features[n][1] for n in male]
    )


def test_breathy_and_raspy_voices_are_less_periodic(speech: BuiltinSpeech) -> None:
    scores = {v.name: periodicity(speech.synthesize(SENTENCE, v.name, "en-US")) for v in VOICES}
    median = float(np.median(list(scores.values())))
    assert scores["Enceladus"] < median - 0.03
    assert scores["Algenib"] < median - 0.03
    assert scores["Iapetus"] > scores["Enceladus"]


def test_every_rule_and_inventory_names_known_phones() -> None:
    def known(p):
        return (
            synth.languages.is_vowel(p)
            or p in synth.languages.CONSONANTS
            or p in synth.languages.AFFRICATES
        )

    for code in [lang.code for lang in LANGUAGES] + ["sw", "el"]:
        prof = synth.language_profile(code)
        for key, value in prof.rules.items():
            assert all(known(p) or p == ":" for p in value.split()), (code, key, value)
        for unit in prof.onsets + prof.nuclei:
            assert all(known(p) for p in unit.split("_")), (code, unit)


def test_voice_parameters_follow_style_words() -> None:
    p = synth.voice_params
    assert p("Enceladus").breathiness == max(p(v.name).breathiness for v in VOICES)
    assert p("Algenib").jitter == max(p(v.name).jitter for v in VOICES)
    assert p("Fenrir").rate > p("Umbriel").rate  # Excited vs Relaxed
    assert p("Zephyr").tilt < p("Achernar").tilt  # Bright vs Soft (lower tilt = brighter)


# --- languages ---------------------------------------------------------------------------------


def test_languages_differ_for_the_same_sentence(speech: BuiltinSpeech) -> None:
    text = "Hello, the weather is nice today. Shall we go to the park?"
    renders = {lang.code: speech.synthesize(text, "Charon", lang.code) for lang in LANGUAGES}
    spectra = {code: band_spectrum(a) for code, a in renders.items()}
    durations = {code: a.size / SR for code, a in renders.items()}
    for a, b in itertools.combinations(renders, 2):
        spectral = float(np.abs(spectra[a] - spectra[b]).mean())
        tempo = abs(durations[a] / durations[b] - 1)
        assert spectral > 0.4 or tempo > 0.04, (a, b, spectral, tempo)
    assert max(durations.values()) > 1.15 * min(durations.values())


def pitch_movement(audio: np.ndarray) -> float:
    """Mean frame-to-frame pitch change (semitones) over clearly voiced 30 ms frames."""
    frames = np.lib.stride_tricks.sliding_window_view(audio.astype(float), 720)[::240]
    energy = (frames**2).mean(1)
    track = []
    for frame, e in zip(frames, energy, strict=True):
        frame = frame - frame.mean()
        ac = np.fft.irfft(np.abs(np.fft.rfft(frame, 2048)) ** 2)[:500]
        lag = 40 + int(np.argmax(ac[40:400]))
        voiced = e > 0.1 * energy.max() and ac[lag] > 0.5 * ac[0]
        track.append(12 * np.log2(SR / lag) if voiced else np.nan)
    steps = np.abs(np.diff(np.array(track)))
    return float(np.nanmean(steps[steps < 4]))  # octave slips of the estimator are ignored


def test_tonal_languages_move_pitch_more(speech: BuiltinSpeech) -> None:
    text = "Hello, the weather is nice today. Shall we go to the park?"
    flat = pitch_movement(speech.synthesize(text, "Orus", "es-US"))
    for code in ("zh-CN", "th-TH", "vi-VN"):
        assert pitch_movement(speech.synthesize(text, "Orus", code)) > 1.3 * flat, code


def test_vietnamese_tone_marks_shape_pitch(speech: BuiltinSpeech) -> None:
    rising = speech.synthesize("má má má má má má", "Orus", "vi-VN")
    falling = speech.synthesize("mà mà mà mà mà mà", "Orus", "vi-VN")
    assert f0_estimate(rising) > 1.1 * f0_estimate(falling)


def test_questions_rise_at_the_end(speech: BuiltinSpeech) -> None:
    q = speech.synthesize("You are coming with us tonight?", "Schedar", "en-US")
    s = speech.synthesize("You are coming with us tonight.", "Schedar", "en-US")
    tail = int(0.35 * SR)
    assert f0_estimate(q[-tail:]) > 1.1 * f0_estimate(s[-tail:])


@pytest.mark.parametrize("code", sorted(NON_LATIN))
def test_non_latin_text_speaks(speech: BuiltinSpeech, code: str) -> None:
    audio = speech.synthesize(NON_LATIN[code], "Aoede", code)
    seconds = audio.size / SR
    assert 0.6 < seconds < 6.0, seconds
    loud = np.abs(audio.astype(float)) > 1000
    assert loud.mean() > 0.15  # sounding, not silence
    other = speech.synthesize(NON_LATIN[code][::-1], "Aoede", code)
    assert not np.array_equal(other[: audio.size], audio[: other.size])


def test_unlisted_language_codes_and_scripts_still_speak(speech: BuiltinSpeech) -> None:
    assert speech.synthesize("Habari ya asubuhi", "Puck", "sw").size > SR // 2
    assert speech.synthesize("Γειά σου κόσμε", "Puck", "el").size > SR // 2  # hashed syllables
    assert speech.synthesize("שלום עולם", "Puck", "he").size > SR // 3


# --- speed -------------------------------------------------------------------------------------


def test_synthesis_renders_a_long_sentence() -> None:
    s = synth.Synthesizer()
    text = "This sentence is long enough to take about five seconds when it is spoken aloud."
    audio = s.render(text + " Twice.", "Sulafat", "en-US")
    assert audio.size / SR > 4.0  # its speed: bench/bench_speech.py (no timing asserts in tests)


# --- transcription -----------------------------------------------------------------------------

ROUND_TRIPS = [
    ("What is the weather in Paris?", "Puck", "en-US"),
    ("Hello there! How are you doing today? I am fine, thanks.", "Kore", "en-US"),
    ("Wie spät ist es? Es ist 10:30 Uhr.", "Algenib", "de-DE"),
    ("¿Dónde está la estación de tren?", "Enceladus", "es-US"),
    ("Xin chào, bạn khỏe không?", "Sulafat", "vi-VN"),
    *((text, "Leda", code) for code, text in NON_LATIN.items()),
    (" ".join(["this sentence has no punctuation and keeps going"] * 4), "Zephyr", "en-US"),
]


def to_mic(audio: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """What the emulator hears: the reply played into a 16 kHz microphone."""
    mic = resample(audio, SR, 16000).astype(float) * gain
    return np.clip(np.round(mic), -32768, 32767).astype(np.int16)


@pytest.mark.parametrize(("text", "voice", "code"), ROUND_TRIPS)
def test_builtin_voice_round_trips_through_a_16k_microphone(
    speech: BuiltinSpeech, text: str, voice: str, code: str
) -> None:
    audio = speech.synthesize(text, voice, code)
    assert speech.transcribe(to_mic(audio), code) == text


def test_round_trip_survives_level_noise_and_other_rates(speech: BuiltinSpeech) -> None:
    text = "Could you book a table for two at eight, please?"
    audio = speech.synthesize(text, "Charon", "en-US")
    assert speech.transcribe(to_mic(audio, 0.03), "en-US") == text  # 30 dB quieter
    assert speech.transcribe(to_mic(audio, 1.4), "en-US") == text  # louder
    rng = np.random.default_rng(5)
    mic = to_mic(audio).astype(float) + rng.standard_normal(to_mic(audio).size) * 32768 * 10 ** (
        -55 / 20
    )
    assert speech.transcribe(np.round(mic).astype(np.int16), "en-US") == text
    assert synth.decode_text(audio, SR) == text
    for rate in (44100, 48000):
        assert synth.decode_text(resample(audio, SR, rate), rate) == text
    assert synth.decode_text(resample(audio, SR, 8000), 8000) == ""  # the band is gone at 8 kHz


def test_round_trip_per_utterance_after_vad_segmentation(speech: BuiltinSpeech) -> None:
    text = "Hello there. Could you tell me the weather in Paris? Thanks a lot!"
    mic = to_mic(speech.synthesize(text, "Fenrir", "en-US"))
    x = np.concatenate([np.zeros(8000, np.int16), mic, np.zeros(16000, np.int16)])
    vad = EnergyVad({"silenceDurationMs": 200})
    spans, start = [], 0
    for i in range(0, x.size, 320):
        for event in vad.feed(x[i : i + 320]):
            if event.kind == "start":
                start = event.sample_offset
            else:
                spans.append((start, event.sample_offset))
    heard = [speech.transcribe(x[a:b], "en-US") for a, b in spans]
    assert heard == ["Hello there.", "Could you tell me the weather in Paris?", "Thanks a lot!"]


def test_a_damaged_phrase_is_left_out_not_guessed(speech: BuiltinSpeech) -> None:
    mic = to_mic(speech.synthesize("One two three. Four five six.", "Orus", "en-US")).astype(float)
    half = mic.size // 3
    t = np.arange(half) / 16000
    mic[:half] += 3000 * np.sin(2 * np.pi * 6000 * t)  # a loud whistle in the band
    assert speech.transcribe(mic.astype(np.int16), "en-US") == "Four five six."


def test_the_text_band_is_faint(speech: BuiltinSpeech) -> None:
    audio = speech.synthesize("The text rides along quietly above the voice.", "Puck", "en-US")
    power = np.abs(np.fft.rfft(audio.astype(float))) ** 2
    freqs = np.fft.rfftfreq(audio.size, 1 / SR)
    above = power[freqs > 5300].sum() / power.sum()
    assert 10 * np.log10(above) < -30


def test_transcribe_gives_a_duration_marker_for_foreign_audio(speech: BuiltinSpeech) -> None:
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(24000) * 3000).astype(np.int16)
    assert speech.transcribe(noise, "en-US") == "[speech 1.5 s]"
    assert speech.transcribe(np.zeros(0, np.int16), "en-US") == ""
    with pytest.raises(AudioError, match="int16"):
        speech.transcribe(np.zeros(100, np.float32), "en-US")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(min_size=1, max_size=90),
    voice=st.sampled_from([v.name for v in VOICES]),
    code=st.sampled_from([lang.code for lang in LANGUAGES]),
)
@example(text="Hi \ud800 there", voice="Puck", code="en-US")  # a lone surrogate from JSON
@example(text="k", voice="Zephyr", code="ar-EG")  # consonants only
@example(text="0?Ù", voice="Zephyr", code="ar-EG")  # no space after "?": still one sentence
@example(text="x" * 59 + "?" + "Y" * 20, voice="Puck", code="en-US")  # ... at a length cut
def test_any_text_synthesizes_and_reads_back(text: str, voice: str, code: str) -> None:
    speech = get_speech("builtin")
    audio = speech.synthesize(text, voice, code)
    assert audio.dtype == np.int16 and audio.ndim == 1
    if audio.size:
        assert speech.transcribe(to_mic(audio), code) == text.strip()


def test_two_clips_spoken_one_after_the_other_read_back_as_two_sentences() -> None:
    # a user who says two sentences with a short pause is transcribed like the service does it:
    # one utterance, the sentences separated by a space (not "lights.And", which the client's
    # turn model would rightly take for two utterances)
    s = synth.Synthesizer()
    first = s.render("Turn on the lights.", "Kore", "en-US")
    second = s.render("And close the door.", "Kore", "en-US")
    pause = np.zeros(SR // 2, np.int16)
    both = np.concatenate([first, pause, second])
    assert synth.decode_text(both, SR) == "Turn on the lights. And close the door."
