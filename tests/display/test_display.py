"""Plots (Agg backend) and transcript rendering."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from gemlive_nb.audio import Audio
from gemlive_nb.conversation import Recorder, Turn
from gemlive_nb.display import (
    plot_latency,
    plot_levels,
    plot_spectrogram,
    plot_waveform,
    show_transcript,
    waveform_svg,
)
from gemlive_nb.display.spectrum import stft_db
from gemlive_nb.exceptions import AudioError, ConfigError

RATE = 24_000


def tone(freq: float, seconds: float, rate: int = RATE, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def make_turn(index: int = 0, freq: float = 440, seconds: float = 1.0, **kw) -> Turn:
    turn = Turn(index=index, **kw)
    turn.add_audio(tone(freq, seconds))
    return turn


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def assert_in_order(text: str, parts: list[str]) -> None:
    """Every part occurs in ``text``, in this order."""
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)


def test_importing_display_and_compare_loads_no_heavy_modules():
    code = (
        "import sys, gemlive_nb, gemlive_nb.display, gemlive_nb.compare; "
        "print([m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_waveform_of_audio_has_one_line_and_spans_the_duration():
    audio = Audio(tone(440, 2.5), RATE)
    ax = plot_waveform(audio)
    assert len(ax.lines) == 1
    assert ax.get_xlim() == pytest.approx((0.0, 2.5))
    assert ax.get_ylim() == (-1.0, 1.0)
    y = ax.lines[0].get_ydata()
    assert np.nanmax(y) == pytest.approx(0.5, abs=0.01)
    assert np.nanmin(y) == pytest.approx(-0.5, abs=0.01)


def test_waveform_of_long_audio_is_decimated_to_the_axes_width():
    audio = Audio(tone(100, 60.0), RATE)
    ax = plot_waveform(audio)
    points = len(ax.lines[0].get_xdata())
    assert points <= 4 * ax.get_window_extent().width + 4
    assert ax.get_xlim()[1] == pytest.approx(60.0)


def test_waveform_of_a_turn_uses_its_reply_and_an_existing_axes():
    _fig, ax = plt.subplots()
    out = plot_waveform(make_turn(seconds=0.75), ax=ax)
    assert out is ax
    assert ax.get_xlim() == pytest.approx((0.0, 0.75))


def test_waveform_of_a_bare_array_needs_a_rate():
    with pytest.raises(AudioError, match="rate"):
        plot_waveform(np.zeros(100, np.int16))
    ax = plot_waveform(np.zeros(1600, np.int16), rate=16_000)
    assert ax.get_xlim() == pytest.approx((0.0, 0.1))


def test_stft_peaks_at_the_tone_frequency():
    spec = stft_db(tone(3000, 1.0), RATE, nfft=512)
    bin_hz = RATE / 512
    assert abs(spec.peak_frequency - 3000) <= bin_hz / 2
    assert spec.db.shape[0] == 257
    assert spec.db.dtype == np.float32


def test_stft_pooling_keeps_the_peak_and_limits_columns():
    x = tone(1000, 30.0)
    spec = stft_db(x, RATE, nfft=256, max_columns=300)
    assert spec.db.shape[1] <= 300
    assert abs(spec.peak_frequency - 1000) <= RATE / 256 / 2
    assert spec.times[-1] <= 30.0


def test_spectrogram_image_extent_and_peak_row():
    audio = Audio(tone(2000, 3.0), RATE)
    ax = plot_spectrogram(audio, nfft=512)
    assert len(ax.images) == 1
    assert ax.get_xlim() == pytest.approx((0.0, 3.0))
    assert ax.get_ylim() == pytest.approx((0.0, RATE / 2))
    data = np.asarray(ax.images[0].get_array())
    assert data.shape[0] == 257
    assert data.shape[1] <= 2 * ax.get_window_extent().width
    peak_row = int(data.mean(axis=1).argmax())
    assert abs(peak_row * RATE / 512 - 2000) <= RATE / 512


def test_levels_plot_is_in_dbfs():
    ax = plot_levels(Audio(tone(440, 1.0, amp=0.5), RATE), window_ms=100)
    assert len(ax.lines) == 1
    assert ax.get_ylim() == (-80.0, 0.0)
    assert ax.get_xlim() == pytest.approx((0.0, 1.0))
    y = ax.lines[0].get_ydata()
    assert np.count_nonzero(~np.isnan(y)) == 10
    # A sine at half scale: 20·log10(0.5 / √2) ≈ -9.03 dBFS.
    assert np.nanmean(y) == pytest.approx(-9.03, abs=0.1)


def test_latency_waterfall_has_two_bars_per_timed_turn():
    turns = [
        make_turn(0, t_user_end=1.0, t_first_audio=1.3, t_turn_complete=2.5),
        make_turn(1, t_user_end=4.0, t_first_audio=4.45, t_turn_complete=5.0),
        make_turn(2),  # no timings: left out
    ]

    class Rec:  # plot_latency only reads .turns
        pass

    rec = Rec()
    rec.turns = turns
    ax = plot_latency(rec)
    assert len(ax.patches) == 4
    widths = sorted(round(p.get_width(), 3) for p in ax.patches)
    assert widths == [0.3, 0.45, 0.55, 1.2]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["turn 0", "turn 1"]
    texts = [t.get_text() for t in ax.texts]  # one label per row, right of its bars
    assert texts == [
        " first audio 300 ms · complete 1500 ms",
        " first audio 450 ms · complete 1000 ms",
    ]


def test_waveform_svg_is_small_and_sized():
    svg = waveform_svg(Audio(tone(440, 1.0), RATE), width=120, height=30)
    assert svg.startswith("<svg") and 'width="120"' in svg and 'height="30"' in svg
    assert svg.count(",") == 240  # 120 points on top, 120 below
    assert waveform_svg(object()) == ""


def tool_turn() -> Turn:
    return make_turn(
        0,
        user_text="What's the weather in <Paris>?",
        output_transcript="It is sunny & 21 °C.",
        tool_calls=[{"id": "c1", "name": "get_weather", "args": {"city": "Paris"}}],
        tool_results=[{"id": "c1", "name": "get_weather", "response": {"temp": 21}}],
        t_user_start=0.5,
        t_user_end=1.0,
        t_first_audio=1.4,
        t_turn_complete=3.0,
    )


def test_transcript_html_escapes_and_keeps_order():
    second = make_turn(
        1,
        user_text="And tomorrow?",
        output_transcript="Rain <script>alert(1)</script>",
        interrupted=True,
        t_user_start=5.0,
        t_first_audio=5.5,
        t_turn_complete=6.0,
    )
    html = show_transcript([tool_turn(), second])._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&lt;Paris&gt;" in html and "sunny &amp; 21" in html
    assert_in_order(
        html,
        [
            "What&#x27;s the weather",
            "get_weather(city=&#x27;Paris&#x27;)",
            "get_weather → {&quot;temp&quot;: 21}",
            "It is sunny",
            "And tomorrow?",
            "Rain &lt;script",
            "interrupted by the user",
        ],
    )
    assert "00:00.50" in html and "00:05.50" in html


def test_transcript_plain_text_for_terminals():
    text = str(show_transcript(tool_turn()))
    assert text.splitlines() == [
        "[00:00.50] user: What's the weather in <Paris>?",
        "tool: → get_weather(city='Paris')",
        'tool: ← get_weather → {"temp": 21}',
        "[00:01.40] model: It is sunny & 21 °C.",
    ]
    assert repr(show_transcript(tool_turn())) == text
    assert str(show_transcript([])) == "(empty transcript)"


def make_recording():
    """Two turns on a fake clock: speech in, VAD, a tool call with a grounded reply, an
    interrupted second reply."""
    from gemlive_nb import protocol as p

    now = [0.0]
    rec = Recorder(clock=lambda: now[0])
    rec.add_input_audio(tone(300, 1.0, 16_000), t=1.0)  # user speaks 0.0–1.0 s
    rec.on_event(p.VoiceActivity("ACTIVITY_START"), t=0.1)
    rec.on_event(p.VoiceActivity("ACTIVITY_END"), t=1.0)
    rec.begin_turn(t=1.0)
    rec.on_event(p.InputTranscript("Weather in <Paris>?"), t=1.05)
    rec.mark_user_end(t=1.0)
    rec.on_event(p.ToolCall((p.FunctionCall("c1", "get_weather", {"city": "Paris"}),)), t=1.1)
    rec.add_tool_result({"id": "c1", "name": "get_weather", "response": {"temp": 21}})
    rec.on_event(p.AudioChunk(tone(600, 1.0).tobytes()), t=1.4)
    rec.on_event(p.OutputTranscript("Sunny & warm."), t=1.5)
    source = p.GroundingSource("Météo <France>", "https://meteo.example/paris")
    rec.on_event(p.GroundingMetadata(sources=(source,)), t=1.6)
    rec.on_event(p.TurnComplete(), t=2.5)
    rec.begin_turn("Tell me a long story", t=3.0)
    rec.mark_user_end(t=3.0)
    rec.on_event(p.AudioChunk(tone(700, 2.0).tobytes()), t=3.3)
    rec.on_event(p.OutputTranscript("Once upon a time"), t=3.4)
    rec.report_playback(rec.turns[0].received_samples + 12_000)  # half a second heard
    rec.on_event(p.Interrupted(), t=3.8)
    rec.on_event(p.TurnComplete(), t=3.9)
    return rec.recording


def test_recording_waveform_puts_user_and_model_on_one_axis_with_markers():
    rec = make_recording()
    ax = plot_waveform(rec)
    speakers = [line for line in ax.lines if line.get_label() in ("user", "model")]
    assert [line.get_label() for line in speakers] == ["user", "model"]
    user_x = speakers[0].get_xdata()
    model_x = speakers[1].get_xdata()
    assert np.nanmin(user_x) == pytest.approx(0.0) and np.nanmax(user_x) < 1.0
    assert np.nanmin(model_x) == pytest.approx(1.4, abs=0.01)  # first reply starts at 1.4 s
    assert np.nanmax(model_x) == pytest.approx(3.8, abs=0.05)  # second reply cut after 0.5 s
    marker_x = sorted(line.get_xdata()[0] for line in ax.lines if line not in speakers)
    assert marker_x == pytest.approx([0.1, 1.0, 1.1, 3.8])  # VAD start/end, tool, interrupted
    assert ax.get_xlim()[1] == pytest.approx(rec.duration, abs=0.05)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["user", "model", "vad start", "vad end", "tool call", "interrupted"]


def test_recording_levels_and_spectrogram_share_the_timeline():
    rec = make_recording()
    ax = plot_levels(rec, window_ms=100)
    assert [line.get_label() for line in ax.lines[:2]] == ["user", "model"]
    assert ax.get_ylim() == (-80.0, 0.0)
    ax = plot_spectrogram(rec)
    assert len(ax.images) == 1
    assert ax.images[0].get_extent()[1] == pytest.approx(rec.duration, abs=0.05)


def test_recording_latency_waterfall():
    rec = make_recording()
    ax = plot_latency(rec)
    assert len(ax.patches) == 4
    firsts = [round(p.get_width(), 3) for p in ax.patches if p.get_x() == 0]
    assert firsts == [0.4, 0.3]


def test_recording_transcript_has_tool_grounding_and_interruption_in_order():
    t = show_transcript(make_recording())
    html = t._repr_html_()
    assert_in_order(
        html,
        [
            "Weather in &lt;Paris&gt;?",
            "get_weather(city=&#x27;Paris&#x27;)",
            "Sunny &amp; warm.",
            "Météo &lt;France&gt;",
            "Tell me a long story",
            "Once upon a time",
            "interrupted by the user",
        ],
    )
    assert 'href="https://meteo.example/paris"' in html
    text = str(t)
    assert "[00:01.10] tool: → get_weather(city='Paris')" in text
    assert "sources: Météo <France> <https://meteo.example/paris>" in text
    assert "[00:03.80] event: ⏹ interrupted by the user" in text


def test_provenance_names_the_emulator_and_the_service():
    from gemlive_nb.conversation import Recording
    from gemlive_nb.display.provenance import MEASURED_LABEL, SIMULATED_LABEL, provenance

    assert provenance("emulator") == SIMULATED_LABEL
    assert provenance("ws://127.0.0.1:9000/live") == SIMULATED_LABEL
    assert provenance("ws://[::1]:9000/live") == SIMULATED_LABEL
    assert provenance("wss://example.com/live") == MEASURED_LABEL
    assert provenance("google") == MEASURED_LABEL  # a named service, even with no key here
    emulated = Recording(meta={"endpoint": "local emulator at ws://127.0.0.1:1 · m"})
    served = Recording(meta={"endpoint": "Google AI (generativelanguage.googleapis.com) · m"})
    assert provenance(emulated) == SIMULATED_LABEL and provenance(served) == MEASURED_LABEL


def test_plot_latency_labels_an_emulator_recording_as_simulated():
    from gemlive_nb.conversation import Recording
    from gemlive_nb.display.provenance import SIMULATED_LABEL

    for described, labelled in [
        ("local emulator at ws://127.0.0.1:1 · m", True),
        ("Google AI (generativelanguage.googleapis.com) · m", False),
    ]:
        rec = Recording(meta={"endpoint": described})
        rec.turns.append(make_turn(0, t_user_end=1.0, t_first_audio=1.3, t_turn_complete=2.5))
        ax = plot_latency(rec)
        assert (SIMULATED_LABEL in ax.get_xlabel()) is labelled, ax.get_xlabel()
        plt.close(ax.figure)


def test_show_transcript_of_something_else_names_what_it_takes() -> None:
    with pytest.raises(ConfigError, match=r"takes a Turn, a Recording .* not dict"):
        show_transcript({"text": "hi"})
    with pytest.raises(ConfigError, match="not int"):
        show_transcript([tool_turn(), 3])


def test_show_transcript_of_a_session_or_recorder_shows_its_recording() -> None:
    rec = Recorder()
    turn = rec.begin_turn(user_text="Hello there")
    assert "Hello there" in str(show_transcript(rec)) and turn.index == 0
