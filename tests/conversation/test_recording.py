"""Recording: turns built from events, interruption cuts, export and reload (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gemlive_nb import protocol as p
from gemlive_nb.audio import read_wav
from gemlive_nb.conversation import Cut, Recorder, Recording


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _chunk(n: int, value: int) -> p.AudioChunk:
    return p.AudioChunk(np.full(n, value, "<i2").tobytes())


def _usage(prompt: int, response: int) -> p.Usage:
    return p.Usage.from_dict(
        {
            "promptTokenCount": prompt,
            "responseTokenCount": response,
            "totalTokenCount": prompt + response,
            "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": response}],
        }
    )


def _conversation() -> tuple[Recorder, Clock]:
    clock = Clock()
    rec = Recorder(meta={"model": "m", "endpoint": "local emulator"}, clock=clock)
    # turn 0: typed text, 0.5 s of reply audio in two chunks
    clock.t += 1.0
    rec.begin_turn("Hello")
    rec.mark_user_end()
    clock.t += 0.2
    rec.on_event(p.OutputTranscript("Hi "))
    rec.on_event(_chunk(6000, 100))
    rec.on_event(p.OutputTranscript("there."))
    rec.on_event(_chunk(6000, 100))
    clock.t += 0.1
    done = rec.on_event(p.TurnComplete()).completed
    rec.on_event(_usage(10, 20))
    assert done is rec.turns[0] and done.complete
    # turn 1: spoken input (VAD), reply cut by the user after 0.25 s were played
    clock.t = 103.0
    rec.add_input_audio(np.full(8000, 7, np.int16))  # 0.5 s sent, ending now
    rec.on_event(p.InputTranscript("tell me a story"))
    clock.t += 0.3
    rec.on_event(_chunk(24000, 200))  # 1 s received
    rec.report_playback(12000 + 6000)  # everything of turn 0 plus 0.25 s of turn 1
    clock.t += 0.1
    cut = rec.on_event(p.Interrupted()).cut
    rec.on_event(_chunk(2400, 300))  # late audio of the cut reply: never played
    rec.on_event(p.TurnComplete())
    assert cut == Cut(rec.turns[1], 6000)
    return rec, clock


def test_turns_metrics_and_cut() -> None:
    rec, _ = _conversation()
    t0, t1 = rec.turns
    assert (t0.user, t0.output_transcript, t0.audio.duration) == ("Hello", "Hi there.", 0.5)
    assert t0.metrics["latency_first_audio"] == 0.2
    assert t0.metrics["latency_complete"] == 0.3
    assert t0.metrics["total_tokens"] == 30 and t0.metrics["audio_out_s"] == 0.5
    assert t1.user_text is None and t1.user == "tell me a story"
    assert t1.audio_in_s == 0.5 and t1.t_user_start == 2.5 and t1.t_user_end == 3.0
    # the late chunk was received (and flushed): heard + cut = received
    assert t1.interrupted and t1.cut_sample == 6000 and t1.received_samples == 24000 + 2400
    assert t1.heard_samples + t1.cut_samples == t1.received_samples and t1.status == "interrupted"
    assert len(t1.audio.samples) == 6000 and set(t1.audio.samples.tolist()) == {200}
    assert t1.complete and "interrupted" in repr(t1)
    assert "<audio" in t0._repr_html_() and "Hi there." in t0._repr_html_()


def test_timeline_placement_and_stereo() -> None:
    rec, _ = _conversation()
    out = rec.recording.output.samples
    # turn 0 starts at 1.2 s; turn 1 at 3.3 s; both as heard
    assert rec.turns[0].output_offset == round(1.2 * 24000)
    assert rec.turns[1].output_offset == round(3.3 * 24000)
    assert np.all(out[28800 : 28800 + 12000] == 100)
    assert np.all(out[79200 : 79200 + 6000] == 200) and len(out) == 79200 + 6000
    inp = rec.recording.input.render()
    assert len(inp) == 48000 and np.all(inp[40000:] == 7) and not inp[:40000].any()
    stereo = rec.recording.stereo()
    assert stereo.shape == (85200, 2)
    assert np.all(stereo[28800:40800, 1] == 100) and not stereo[28800:40800, 0].any()
    assert abs(int(stereo[66000, 0]) - 7) <= 1  # user audio at 2.75 s, left channel


def test_usage_totals_in_both_dialects() -> None:
    rec, _ = _conversation()
    assert rec.recording.usage is not None and rec.recording.usage.total_tokens == 30
    assert rec.recording.usage_dict("google")["responseTokenCount"] == 20
    mix = rec.recording.usage_dict("mixroute")
    assert mix["inputTokenCount"] == 10 and mix["outputTokenCount"] == 20
    assert mix["outputTokenDetails"] == {"audioTokens": 20}


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    rec, _ = _conversation()
    rec.recording.save(tmp_path)
    names = sorted(f.name for f in tmp_path.iterdir())
    assert names == [
        "events.jsonl",
        "input.wav",
        "manifest.json",
        "output.wav",
        "stereo.wav",
        "transcript.srt",
        "transcript.vtt",
    ]
    loaded = Recording.load(tmp_path)
    assert loaded == rec.recording
    assert loaded.turns[1].cut_sample == 6000 and loaded.turns[0].usage == rec.turns[0].usage
    assert read_wav(tmp_path / "output.wav").rate == 24000
    assert read_wav(tmp_path / "input.wav").rate == 16000
    lines = (tmp_path / "events.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["type"] == "OutputTranscript"
    srt = (tmp_path / "transcript.srt").read_text()
    assert "00:00:01,200 --> 00:00:01,700\nModel: Hi there." in srt
    assert "User: tell me a story" in srt
    vtt = (tmp_path / "transcript.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "<v Model>Hi there." in vtt
    # a changed turn makes them differ
    loaded.turns[0].output_transcript = "other"
    assert loaded != rec


def test_tool_turn_stays_open_until_the_answer_arrives() -> None:
    rec = Recorder(clock=Clock())
    rec.begin_turn("weather in Paris?")
    call = p.ToolCall(calls=(p.FunctionCall("c1", "get_weather", {"city": "Paris"}),))
    rec.on_event(call)
    assert rec.on_event(p.TurnComplete()).completed is None  # the call is not answered yet
    rec.add_tool_result({"id": "c1", "name": "get_weather", "response": {"temp": 21}})
    assert rec.on_event(p.TurnComplete()).completed is None  # the model has not spoken since
    rec.on_event(p.OutputTranscript("It is 21 degrees."))
    turn = rec.on_event(p.TurnComplete()).completed
    assert turn is rec.turns[0] and turn.tool_results[0]["response"] == {"temp": 21}
    assert rec.current_turn is None


def test_turns_are_answered_in_order() -> None:
    rec = Recorder(clock=Clock())
    first = rec.begin_turn("one")
    second = rec.begin_turn("two")  # sent before the first was answered
    rec.on_event(_chunk(240, 1))
    rec.on_event(p.Interrupted())  # the server cuts the first reply
    assert rec.on_event(p.TurnComplete()).completed is first and first.interrupted
    rec.on_event(_chunk(480, 2))
    assert rec.on_event(p.TurnComplete()).completed is second and second.audio_out_s == 0.02


def test_a_clip_sent_at_once_starts_when_sent_and_never_overlaps() -> None:
    clock = Clock()
    rec = Recorder(clock=clock)
    clock.t += 1.0
    rec.begin_turn("Hello")
    rec.mark_user_end()
    clock.t += 0.5
    rec.on_event(_chunk(2400, 1))
    rec.on_event(p.TurnComplete())
    ended = rec.turns[0].t_turn_complete
    clock.t += 0.5  # t = 2.0: a 3 s clip sent in one go (ask(Audio))
    rec.add_input_audio(np.full(48000, 5, np.int16), streamed=False)
    spoken = rec.begin_turn()
    rec.on_event(p.InputTranscript("Tell me about the moon."))
    assert spoken.t_user_start == 2.0 >= ended and spoken.audio_in_s == 3.0
    clock.t += 0.5  # another clip while the first would still be "playing": placed after it
    rec.add_input_audio(np.full(16000, 6, np.int16), streamed=False)
    assert rec.begin_turn().t_user_start == 5.0
    inp = rec.recording.input.render()
    assert not inp[:32000].any() and np.all(inp[32000:80000] == 5) and np.all(inp[80000:] == 6)
    assert "00:00:02,000 --> 00:00:05,000\nUser: Tell me about the moon." in rec.recording.srt()
    # streamed microphone chunks still end when sent, back to back
    rec.add_input_audio(np.full(320, 7, np.int16))
    rec.add_input_audio(np.full(320, 7, np.int16))
    assert rec.recording.input.end == 96640 and len(rec.recording.input.segments) == 1


def test_input_transcripts_are_split_into_utterances() -> None:
    rec = Recorder(clock=Clock())
    # one message per utterance (the emulator): both heard before the first reply
    rec.on_event(p.InputTranscript("Turn on the lights."))
    rec.on_event(p.InputTranscript("And close the door."))
    rec.on_event(_chunk(240, 1))
    rec.on_event(p.TurnComplete())
    rec.on_event(_chunk(240, 1))
    rec.on_event(p.TurnComplete())
    assert [t.input_transcript for t in rec.turns] == ["Turn on the lights.", "And close the door."]
    # service-style deltas keep their own spaces; none is invented inside a word
    rec.on_event(p.InputTranscript(" What's the"))
    rec.on_event(p.InputTranscript(" weath"))
    rec.on_event(p.InputTranscript("er like?"))
    rec.on_event(p.OutputTranscript("Sunny."))  # the reply starts: that utterance is over
    rec.on_event(p.InputTranscript(" And tomorrow?"))  # heard while the model speaks
    rec.on_event(p.TurnComplete())
    rec.on_event(p.OutputTranscript("Rain."))
    rec.on_event(p.TurnComplete())
    assert [t.input_transcript for t in rec.turns[2:]] == [
        " What's the weather like?",
        " And tomorrow?",
    ]
    # `finished` and the server's end of voice activity close an utterance too
    rec.on_event(p.InputTranscript(" One", finished=True))
    rec.on_event(p.InputTranscript(" two"))
    rec.on_event(p.VoiceActivity("ACTIVITY_END"))
    rec.on_event(p.InputTranscript(" three"))
    for _ in range(3):
        rec.on_event(_chunk(240, 1))
        rec.on_event(p.TurnComplete())
    assert [t.input_transcript for t in rec.turns[4:]] == [" One", " two", " three"]
    # a spoken turn (ask(Audio)) gets the transcript that follows it
    spoken = rec.begin_turn()
    rec.on_event(p.InputTranscript(" Hi"))
    rec.on_event(p.InputTranscript(" there."))
    assert spoken.input_transcript == " Hi there."


def test_metrics_is_a_property_like_the_turns() -> None:
    rec, _ = _conversation()
    assert rec.recording.metrics == [{"turn": t.index, **t.metrics} for t in rec.turns]
    assert rec.recording.metrics[0]["latency_first_audio"] == 0.2
