"""Spoken scenarios across configs on the emulator (offline), reruns, prices and budgets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

import gemlive_nb as gl
from gemlive_nb import evaluation as gle
from gemlive_nb.emulator import Emulator
from gemlive_nb.evaluation.expectations import Observed
from gemlive_nb.evaluation.pricing import default_prices
from gemlive_nb.exceptions import ConfigError, SessionClosed
from gemlive_nb.protocol import Usage

VOICES = ["Puck", "Kore", "Charon"]


@pytest.fixture(scope="module")
def live_emulator() -> Iterator[Emulator]:
    """Replies stream at playback speed (like the service), so a barge-in can cut one."""
    with Emulator(realtime=True, speech="builtin") as emu:
        yield emu


def _scenario(wrong: bool = False) -> gle.Scenario:
    return (
        gle.Scenario("weather")
        .say("What's the weather in Paris?", expect=gle.Expect(interrupted=True, max_latency_s=5))
        .barge_in("Stop. What about Rome?", after_s=0.5,
                  expect=gle.Expect(mentions=["Rome"], language="en-US", interrupted=False))
        .type("Thanks!", expect=gle.Expect(tool_called=None,
                                          mentions=["Berlin"] if wrong else None))
    )  # fmt: skip


def test_three_steps_across_three_voices_give_nine_rows_every_expectation_evaluated(
    live_emulator: Emulator, tmp_path: Path
) -> None:
    sc = _scenario()
    configs = {v: {"voice": v} for v in VOICES}
    ev = asyncio.run(gle.evaluate(sc, configs, endpoint=live_emulator.url, progress=False))
    assert len(ev) == 9 and ev.concurrency == 3 and ev.simulated
    assert ev.checks == 3 * (2 + 3 + 1)
    assert ev.passed, [r.reasons for r in ev.failures]
    for voice in VOICES:
        said, barge, typed = (ev[voice, i] for i in (1, 2, 3))
        assert said.turn.status == "interrupted" and said.interrupted
        assert "Rome" in barge.transcript and barge.turn.status == "answered"
        assert barge.turn.index == said.turn.index + 1 and barge.language == "en"
        assert typed.tokens and typed.cost == pytest.approx(typed.turn.cost) and typed.cost > 0
    frame = ev.to_pandas()
    assert len(frame) == 9 and {"status", "transcript", "latency_s", "wer", "language",
                                "tokens", "cost_usd"} <= set(frame.columns)  # fmt: skip
    html = ev._repr_html_()
    assert "<audio" in html and "✓ passed" in html and "simulated" in html
    back = gle.Evaluation.load(ev.save(tmp_path / "ev"))
    assert back.records() == ev.records() and back.passed
    assert back["Kore", 2].audio == ev["Kore", 2].audio


def test_a_wrong_expectation_fails_with_what_was_expected_and_what_came(
    live_emulator: Emulator,
) -> None:
    ev = gle.evaluate_sync(_scenario(wrong=True), {"Puck": {"voice": "Puck"}},
                          endpoint=live_emulator.url, progress=False)  # fmt: skip
    assert not ev.passed
    (failed,) = ev.failures
    assert failed.index == 2 and failed.status == "failed"
    (reason,) = failed.reasons
    assert "expected a mention of 'Berlin'" in reason and failed.transcript[:20] in reason
    assert "Berlin" in ev._repr_html_()


def test_rerun_of_a_saved_recording_with_another_voice_gives_a_per_turn_diff(
    live_emulator: Emulator, tmp_path: Path
) -> None:
    async def record() -> gl.Recording:
        async with gl.connect(endpoint=live_emulator.url, voice="Puck") as s:
            await s.ask("Tell me about volcanoes.")
            await s.ask("And about rivers?")
            return s.recording

    rec = asyncio.run(record())
    rec.save(tmp_path / "rec")
    loaded = gl.Recording.load(tmp_path / "rec")
    assert [t.cost for t in loaded.turns] == [t.cost for t in rec.turns]
    assert loaded.cost == pytest.approx(rec.cost) and rec.cost > 0
    ev = gle.rerun_sync(tmp_path / "rec", {"voice": "Kore"}, endpoint=live_emulator.url,
                       progress=False)  # fmt: skip
    assert ev.configs == {"voice=Kore": {"voice": "Kore"}}
    diff = ev.diff()
    assert list(diff["turn"]) == [0, 1]
    assert list(diff["transcript_before"]) == [t.transcript_full for t in rec.turns]
    assert all("volcanoes" in t for t in diff["transcript_before"][:1])
    assert list(diff["transcript_after"]) == list(diff["transcript_before"])  # same words
    assert diff["latency_after"].notna().all() and diff["tokens_after"].notna().all()
    assert list(diff["tokens_before"]) == [t.metrics["total_tokens"] for t in rec.turns]


def test_cost_is_tokens_times_prices_per_modality_checked_by_hand() -> None:
    usage = Usage(
        prompt_tokens=3500, response_tokens=600, total_tokens=4100,
        prompt_details={"text": 1000, "audio": 2000}, response_details={"audio": 500},
        thoughts_tokens=0,
    )  # fmt: skip
    prices = gle.Prices({"m": {"text_in": 0.5, "audio_in": 3, "text_out": 2, "audio_out": 12}})
    # text in: 1000 + 500 undetailed prompt tokens; audio in 2000; audio out 500 + 100 undetailed
    expected = (1500 * 0.5 + 2000 * 3 + 600 * 12) / 1e6
    assert prices.cost(usage, "m") == pytest.approx(expected) == pytest.approx(0.01395)
    assert prices.cost(usage, "other") is None and prices.cost(None, "m") is None
    text_only = Usage(prompt_tokens=100, response_tokens=40, response_details={"text": 40})
    assert prices.cost(text_only, "models/m") == pytest.approx((100 * 0.5 + 40 * 2) / 1e6)
    turn = gl.Turn(index=0, usage=usage, model="gemini-2.5-flash-native-audio-preview-12-2025")
    assert turn.cost == pytest.approx((1500 * 0.5 + 2000 * 3.0 + 600 * 12.0) / 1e6)
    table = default_prices()
    assert table.as_of and "ai.google.dev" in table.source and "change" in table.source


def test_bad_prices_and_expectations_say_what_to_pass() -> None:
    with pytest.raises(ConfigError, match="audio_out"):
        gle.Prices({"m": {"text_in": 1, "audio_in": 1, "text_out": 1}})
    with pytest.raises(ConfigError, match="-1"):
        gle.Prices({"m": {"text_in": -1, "audio_in": 1, "text_out": 1, "audio_out": 1}})
    with pytest.raises(ConfigError, match="regex"):
        gle.Expect(regex="(")
    with pytest.raises(ConfigError, match="tool_called"):
        gle.Expect(tool_called=3)
    with pytest.raises(ConfigError, match="barge_in"):
        gle.Scenario("x").barge_in("Stop")
    with pytest.raises(ConfigError, match="budget_usd"):
        gl.connect_sync(budget_usd=-1, endpoint="ws://127.0.0.1:9")
    with pytest.raises(ConfigError, match=r"model 'gemini-3.1-flash-live-preview'.*prices="):
        gl.connect_sync(budget_usd=1, model="gemini-3.1-flash-live-preview",
                        endpoint="ws://127.0.0.1:9")  # fmt: skip


def test_each_expectation_field_checks_what_came() -> None:
    calls = [{"name": "get_weather", "args": {"city": "Paris"}}]
    seen = Observed(transcript="Hier ist eine kurze Antwort zu Paris.", language="de",
                    latency_s=1.5, wer=0.2, tool_calls=calls)  # fmt: skip
    ok = gle.Expect(mentions="Paris", not_mentions=["Rome"], regex=r"kurze\s+Antwort",
                   language="de-DE", tool_called=("get_weather", {"city": "paris"}),
                   max_latency_s=2, max_wer=0.25, interrupted=False,
                   check=lambda turn: True)  # fmt: skip
    assert [c.ok for c in ok.evaluate(seen)] == [True] * 9
    bad = gle.Expect(language="fr", tool_called={"name": "get_weather", "args": {"city": "Rome"}},
                    max_latency_s=1, max_wer=0.1, check=lambda turn: "too long")  # fmt: skip
    reasons = [c.reason for c in bad.evaluate(seen)]
    assert reasons == [
        "expected a reply in 'fr'; it was in 'de'",
        "'get_weather' was called, but 'city' was 'Paris', not 'Rome'",
        "expected first audio within 1 s; it came after 1.50 s",
        "expected a word error rate of at most 10%; it was 20%",
        "too long",
    ]
    assert gle.Expect(tool_called=None).evaluate(seen)[0].reason == (
        "expected no tool call; got ['get_weather']"
    )


def test_a_budget_ends_the_session_cleanly_and_keeps_the_recording(
    live_emulator: Emulator,
) -> None:
    async def go() -> None:
        async with gl.connect(endpoint=live_emulator.url, budget_usd=0.0002) as s:
            turn = await s.ask("Hello there, tell me about Paris.")
            assert turn.status == "answered" and turn.cost > 0.0002
            await gl.waiting.wait_until(lambda: s.status == "closed", timeout=5)
            with pytest.raises(SessionClosed, match=r"budget_usd=0.0002 reached"):
                await s.ask("And Rome?")
            assert s.recording.turns[0] is turn and "Paris" in turn.transcript
            assert s.recording.cost == pytest.approx(turn.cost)
            assert any(e["type"] == "budget_reached" for e in s.recording.events)

    asyncio.run(go())


def get_weather(city: str) -> dict:
    """The weather in a city."""
    return {"temp_c": 21}


def test_a_fixed_tool_result_answers_instead_of_the_tool(live_emulator: Emulator) -> None:
    def hot(turn: gl.Turn) -> bool | str:
        return turn.tool_results[0]["response"] == {"temp_c": 99} or "the tool itself answered"

    sc = (
        gle.Scenario("tools")
        .tool_result("get_weather", {"temp_c": 99})
        .type("What's the weather in Paris?",
              expect=gle.Expect(tool_called={"name": "get_weather", "args": {"city": "Paris"}},
                               mentions=["99"], check=hot))
    )  # fmt: skip
    ev = gle.evaluate_sync(sc, {"tools": {"tools": [get_weather]}}, endpoint=live_emulator.url,
                          progress=False)  # fmt: skip
    assert ev.passed, [r.reasons for r in ev.failures]
    assert [r.status for r in ev] == ["done", "passed"]


def test_say_takes_a_wav_file_and_streams_it_like_a_microphone(
    live_emulator: Emulator, tmp_path: Path
) -> None:
    from gemlive_nb.evaluation.runner import speak

    path = tmp_path / "question.wav"
    speak("Tell me about the moon.", "Kore", "en-US").to_wav(path)
    sc = gle.Scenario("wav").say(path, expect=gle.Expect(mentions=["moon"]))
    ev = gle.evaluate_sync(sc, endpoint=live_emulator.url, progress=False)
    assert ev.passed, [r.reasons for r in ev.failures]
    row = ev["default", 1]
    assert row.turn.source == "speech" and row.user == "Tell me about the moon."
    assert row.turn.audio_in_s > 1.0  # streamed, not sent as one clip


def test_cancelling_an_evaluation_closes_its_sessions(live_emulator: Emulator) -> None:
    sc = gle.Scenario("long").say("Tell me a long story about the sea.").pause(30)

    async def go() -> None:
        before = len(live_emulator.sessions)
        configs = {v: {"voice": v} for v in VOICES}
        run = gle.evaluate(sc, configs, endpoint=live_emulator.url, progress=False)
        task = asyncio.ensure_future(run)
        mine = lambda: live_emulator.sessions[before:]  # noqa: E731
        await gl.waiting.wait_until(lambda: len(mine()) == 3 and all(r.turns for r in mine()),
                            timeout=60, what="three sessions to answer")  # fmt: skip
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await gl.waiting.wait_until(
            lambda: all(r.ended is not None for r in mine()), timeout=10,
            what="every session of the cancelled evaluation to close",
        )  # fmt: skip

    asyncio.run(go())


@pytest.mark.emulator
def test_the_issue_example_on_the_default_endpoint_cuts_the_first_reply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no endpoint, evaluations use an embedded emulator that streams in real time."""
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "MIXROUTE_API_KEY", "GEMLIVE_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    sc = (
        gle.Scenario("weather")
        .say("What's the weather in Paris?", expect=gle.Expect(interrupted=True))
        .pause(1.0)
        .barge_in("Stop. What about Rome?", after_s=1.0, expect=gle.Expect(mentions=["Rome"]))
    )  # fmt: skip
    ev = gle.evaluate_sync(sc, {"Puck": {"voice": "Puck"}}, progress=False)
    assert ev.passed and ev.simulated, [r.reasons for r in ev.failures]


def test_max_wer_has_the_reply_re_transcribed_by_a_second_session(live_emulator: Emulator) -> None:
    sc = gle.Scenario("clear").type("Tell me about the sea.", expect=gle.Expect(max_wer=0.0))
    before = len(live_emulator.sessions)
    ev = gle.evaluate_sync(sc, endpoint=live_emulator.url, progress=False)
    row = ev["default", 1]
    assert ev.passed and row.wer == 0.0 and row.retranscribed == row.transcript
    assert len(live_emulator.sessions) - before == 2  # the reply, then its re-transcription
    plain = gle.evaluate_sync(gle.Scenario("plain").type("Tell me about the sea."),
                             endpoint=live_emulator.url, progress=False)  # fmt: skip
    assert plain["default", 1].wer is None and plain["default", 1].status == "done"


def test_rerun_streams_the_recorded_speech_again(live_emulator: Emulator, tmp_path: Path) -> None:
    from gemlive_nb.evaluation.runner import speak

    async def record() -> gl.Recording:
        async with gl.connect(endpoint=live_emulator.url, voice="Puck") as s:
            await s.stream_audio(speak("Tell me about the moon.", "Zephyr", "en-US"), end=True)
            await gl.waiting.wait_until(
                lambda: s.turns and s.turns[0].status != "pending", timeout=30
            )
            return s.recording

    rec = asyncio.run(record())
    assert rec.turns[0].source == "speech" and rec.turns[0].status == "answered"
    ev = gle.rerun_sync(rec.save(tmp_path / "spoken"), {"voice": "Kore"},
                       endpoint=live_emulator.url, progress=False)  # fmt: skip
    (row,) = ev.rows
    assert row.step.kind == "say" and row.turn.source == "speech"
    assert row.user == "Tell me about the moon." and "moon" in row.transcript
    assert list(ev.diff()["transcript_after"]) == [rec.turns[0].transcript_full]


def test_spoken_steps_use_the_offline_voice_without_loading_the_emulator_server() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from gemlive_nb.evaluation.runner import speak\n"
        "a = speak('Hello there.', 'Puck', 'en-US')\n"
        "print(a.rate, a.duration > 0.5, 'gemlive_nb.emulator.server' in sys.modules, "
        "'websockets.asyncio.server' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["16000", "True", "False", "False"]


def test_a_session_that_ends_mid_scenario_keeps_the_steps_that_ended() -> None:
    sc = (
        gle.Scenario("drop")
        .type("Tell me about the sea.", expect=gle.Expect(mentions=["sea"]))
        .type("And the mountains?", expect=gle.Expect(mentions=["mountains"]))
    )
    with Emulator(speech="builtin") as emu:
        ev = gle.evaluate_sync(sc, endpoint=emu.url, progress=False, budget_usd=0.0002)
    first, second = ev.rows
    assert first.status == "passed" and "sea" in first.transcript
    assert second.status == "error" and "budget_usd=0.0002 reached" in (second.error or "")
    assert second.reasons == [f"expected a reply; the step failed: {second.error}"]
