"""The seed's endpoint whichever way the proxy treats modalities: ask as its docs say, else AUDIO.

On the mixroute path the kit asks for ["AUDIO", "TEXT"] (the proxy's FAQ). A proxy that passes
the setup through to Google gets 1007 "The requested combination of response modalities (TEXT)
is not supported by the model"; the kit then asks once more with ["AUDIO"] + transcription,
says so in one line, and keeps that for the session.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator
from gemlive_nb.exceptions import SessionClosed
from gemlive_nb.protocol.constants import MODALITY_REFUSAL
from gemlive_nb.session import SessionStatus
from gemlive_nb.session.modalities import ModalityFallback

KEY = "sk-test-0123456789"
GENERIC = "Request contains an invalid argument."


def modalities(record: Any) -> list[str] | None:
    return ((record.setup or {}).get("generationConfig") or {}).get("responseModalities")


def sent_setups(s: Any) -> list[dict[str, Any]]:
    frames = [json.loads(f["frame"]) for f in s.recording.frames if f["dir"] == "send"]
    return [f["setup"] for f in frames if "setup" in f]


async def test_seed_proxy_takes_audio_and_text_and_each_turn_has_its_words_once() -> None:
    async with Emulator(speech="builtin", dialect="mixroute", proxy_modalities="seed") as emu:
        async with gl.connect(endpoint=emu.proxy_url(), api_key=KEY) as s:
            first = await s.ask("Hello")
            second = await s.ask("What is the capital of France?")
            assert s.modality_note is None
        assert [modalities(r) for r in emu.sessions] == [["AUDIO", "TEXT"]]
    for turn in (first, second):
        assert turn.text and turn.output_transcript  # both kinds of words arrived ...
        assert turn.transcript == turn.output_transcript  # ... and the reply shows them once


async def test_google_passthrough_refusal_falls_back_once_says_so_and_answers() -> None:
    async with Emulator(speech="builtin", dialect="mixroute", proxy_modalities="google") as emu:
        s = await gl.connect(endpoint=emu.proxy_url(), api_key=KEY, record_frames=True)
        events: list[Any] = []
        s.subscribe(events.append)
        try:
            first = await s.ask("Hello")
            second = await s.ask("What is the capital of France?")
        finally:
            await s.close()
        refused, used = emu.sessions
    assert (refused.close_code, refused.close_reason) == (1007, MODALITY_REFUSAL)
    assert modalities(used) == ["AUDIO"]
    assert "outputAudioTranscription" in used.setup and "inputAudioTranscription" in used.setup
    for turn in (first, second):
        assert turn.status == "answered" and turn.transcript.strip()
        assert turn.transcript == turn.output_transcript and turn.text == ""
    note = s.modality_note
    assert note is not None and "['AUDIO', 'TEXT']" in note and MODALITY_REFUSAL in note
    assert "['AUDIO']" in note and "\n" not in note  # one line
    said = [e for e in s.recording.events if e.get("type") == "SessionStatus"]
    assert any(e.get("detail") == note for e in said)  # in the recording
    # both setups are in the frames kept, the refused one first
    assert [st["generationConfig"]["responseModalities"] for st in sent_setups(s)] == [
        ["AUDIO", "TEXT"],
        ["AUDIO"],
    ]
    assert not any(isinstance(e, SessionStatus) and e.state == "closed" and e.code != 1000
                   for e in events)  # fmt: skip


async def test_after_the_fallback_a_reconnect_and_a_resumption_keep_audio_only() -> None:
    async with Emulator(
        speech="builtin", dialect="mixroute", proxy_modalities="google", fail_after_turns=1
    ) as emu:
        async with gl.connect(endpoint=emu.proxy_url(), api_key=KEY, resumption=True) as s:
            first = await s.ask("Hello")
            second = await s.ask("What is the capital of France?")  # cut 1011, asked again
            assert s.stats.reconnects == 1
        records = list(emu.sessions)
    assert len(records) == 3 and records[1].close_code == 1011
    assert [modalities(r) for r in records[1:]] == [["AUDIO"], ["AUDIO"]]
    assert records[2].setup["sessionResumption"].get("handle")  # resumed, still AUDIO
    assert first.transcript.strip() and second.transcript.strip()
    assert second.status == "answered"


async def test_a_second_refusal_is_a_clear_error_and_no_loop() -> None:
    script = [{"expect": "setup"}, {"close": 1007, "reason": GENERIC}]
    async with Emulator(dialect="mixroute", script=script) as emu:
        with pytest.raises(SessionClosed) as info:
            await gl.connect(endpoint=emu.proxy_url(), api_key=KEY)
        assert len(emu.sessions) == 2  # AUDIO+TEXT, then AUDIO once; never a third
        asked = [r.messages[0]["setup"]["generationConfig"] for r in emu.sessions]
        assert [a["responseModalities"] for a in asked] == [["AUDIO", "TEXT"], ["AUDIO"]]
    err = info.value
    assert err.code == 1007 and GENERIC in err.reason
    assert "refused with responseModalities ['AUDIO'] too" in err.reason
    assert "both AUDIO+TEXT and AUDIO" in err.hint


async def test_the_google_endpoint_never_falls_back() -> None:
    # one modality is asked there already; a 1007 is the user's to fix, at once
    script = [{"expect": "setup"}, {"close": 1007, "reason": MODALITY_REFUSAL}]
    async with Emulator(script=script) as emu:
        with pytest.raises(SessionClosed, match="response modalities"):
            await gl.connect(endpoint=emu.google_url(), api_key="AIza-test")
        assert len(emu.sessions) == 1


def _setup(*mods: str) -> dict[str, Any]:
    return {"setup": {"generationConfig": {"responseModalities": list(mods)}}}


def test_which_closes_are_taken_as_the_modality_refusal() -> None:
    both = _setup("AUDIO", "TEXT")
    assert ModalityFallback("mixroute").falls_back(both, SessionClosed(1007, MODALITY_REFUSAL))
    assert ModalityFallback("mixroute").falls_back(both, SessionClosed(1007, GENERIC))
    # another close code, another endpoint, or a setup that did not ask for TEXT beside AUDIO
    assert not ModalityFallback("mixroute").falls_back(both, SessionClosed(1011, GENERIC))
    assert not ModalityFallback("mixroute").falls_back(both, SessionClosed(1008, "bad key"))
    assert not ModalityFallback("google").falls_back(both, SessionClosed(1007, MODALITY_REFUSAL))
    one = _setup("AUDIO")
    assert not ModalityFallback("mixroute").falls_back(one, SessionClosed(1007, MODALITY_REFUSAL))
    fb = ModalityFallback("mixroute")
    assert fb.falls_back(both, SessionClosed(1007, MODALITY_REFUSAL))
    assert not fb.falls_back(both, SessionClosed(1007, MODALITY_REFUSAL))  # once per session


def test_the_fallback_setup_keeps_everything_but_the_modalities() -> None:
    """The fallback is built by the one setup builder (audio_only=True), never patched in."""
    cfg = gl.LiveConfig(model="m", temperature=0.7, allow_unknown_model=True,
                        transcribe_output=False, modalities=["AUDIO", "TEXT"])  # fmt: skip
    setup = cfg.to_setup(dialect="mixroute")
    assert setup["setup"]["generationConfig"]["responseModalities"] == ["AUDIO", "TEXT"]
    assert "outputAudioTranscription" not in setup["setup"]
    fallback = cfg.to_setup(dialect="mixroute", audio_only=True)
    assert fallback["setup"]["generationConfig"] == dict(
        setup["setup"]["generationConfig"], responseModalities=["AUDIO"])  # fmt: skip
    assert fallback["setup"]["generationConfig"]["temperature"] == 0.7
    assert fallback["setup"]["outputAudioTranscription"] == {}
    assert {k: v for k, v in fallback["setup"].items()
            if k not in ("generationConfig", "outputAudioTranscription")} == {
        k: v for k, v in setup["setup"].items() if k != "generationConfig"}  # fmt: skip
