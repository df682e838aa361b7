"""Wrong types and values across the public API: a typed error whose message names the argument.

One table per surface (config, audio, catalog, tools, endpoints, emulator, recording, session).
Each row is ``(call, error type, text the message must contain)``; the text is the argument's
name (or the bad value) so the user knows what to change.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gemlive_nb import catalog
from gemlive_nb.audio import Audio, resample
from gemlive_nb.config import LiveConfig
from gemlive_nb.conversation import Recording, store
from gemlive_nb.emulator import Emulator
from gemlive_nb.endpoints import Endpoint, resolve_endpoint
from gemlive_nb.exceptions import (
    AudioError,
    ConfigError,
    GemliveError,
    ProtocolError,
    ToolError,
)
from gemlive_nb.session import connect
from gemlive_nb.tools import ToolRegistry, declare

Row = tuple[str, Callable[[], Any], type[BaseException], str]

CONFIG: list[Row] = [
    ("voice int", lambda: LiveConfig(voice=3), ConfigError, "voice"),
    ("voice typo", lambda: LiveConfig(voice="Zephir"), ConfigError, "Zephyr"),
    ("language", lambda: LiveConfig(language=5), ConfigError, "language"),
    ("model", lambda: LiveConfig(model=5), ConfigError, "model"),
    ("temperature", lambda: LiveConfig(temperature="hot"), ConfigError, "temperature"),
    ("temperature range", lambda: LiveConfig(temperature=9), ConfigError, "temperature"),
    ("top_k", lambda: LiveConfig(top_k=1.5), ConfigError, "top_k"),
    ("tools int", lambda: LiveConfig(tools=5), ConfigError, "tools"),
    ("tools item", lambda: LiveConfig(tools=[5]), ConfigError, "tool 5"),
    ("modalities bool", lambda: LiveConfig(modalities=False), ConfigError, "modalities"),
    ("modalities", lambda: LiveConfig(modalities=["VIDEO"]), ConfigError, "modality"),
    ("vad", lambda: LiveConfig(vad="x"), ConfigError, "vad"),
    ("vad field", lambda: LiveConfig(vad={"silence_duration_ms": -5}), ConfigError, "silence"),
    ("compression", lambda: LiveConfig(compression="x"), ConfigError, "compression"),
    ("system_instruction", lambda: LiveConfig(system_instruction=5), ConfigError, "system_inst"),
    ("media_resolution", lambda: LiveConfig(media_resolution=5), ConfigError, "media_resolution"),
    ("resumption", lambda: LiveConfig(resumption=5), ConfigError, "resumption"),
    ("from_dict list", lambda: LiveConfig.from_dict([1]), ConfigError, "dict"),
    ("replace unknown", lambda: LiveConfig().replace(foo=1), ConfigError, "foo"),
    ("coerce int", lambda: LiveConfig.coerce(5), ConfigError, "config"),
    # a plain dataclass keyword that does not exist: Python's own TypeError names it
    ("unknown keyword", lambda: LiveConfig(foo=1), TypeError, "foo"),
]
AUDIO: list[Row] = [
    ("Audio str", lambda: Audio("x", 16000), AudioError, "samples"),
    ("Audio bytes", lambda: Audio(b"\0\0", 16000), AudioError, "from_pcm16"),
    ("Audio rate str", lambda: Audio(np.zeros(4, np.int16), "fast"), AudioError, "rate"),
    ("Audio rate 0", lambda: Audio(np.zeros(4, np.int16), 0), AudioError, "rate"),
    ("Audio 3-D", lambda: Audio(np.zeros((4, 3, 2), np.int16), 16000), AudioError, "mono"),
    ("Audio int32", lambda: Audio(np.zeros(4, np.int32), 16000), AudioError, "int32"),
    ("from_wav missing", lambda: Audio.from_wav("/nonexistent.wav"), AudioError, "nonexistent"),
    ("resample str", lambda: resample("abc", 16000, 24000), AudioError, "samples"),
    ("resample from_rate", lambda: resample(np.zeros(4, np.int16), -1, 24000), AudioError, "from"),
    ("resample to_rate", lambda: resample(np.zeros(4, np.int16), 16000, "x"), AudioError, "to_"),
    ("Audio.resample", lambda: Audio(np.zeros(4, np.int16), 16000).resample(0), AudioError, "rat"),
]
CATALOG: list[Row] = [
    ("voice typo", lambda: catalog.VOICES["Zephir"], ConfigError, "did you mean 'Zephyr'"),
    ("voice int", lambda: catalog.VOICES[5], ConfigError, "voice"),
    ("language", lambda: catalog.LANGUAGES["xx-YY"], ConfigError, "language"),
    ("model", lambda: catalog.MODELS["nope"], ConfigError, "model"),
]


class _Callable:
    def __call__(self, x: int) -> int:
        return x


def _star(*args: int) -> int:
    return 0


TOOLS: list[Row] = [
    ("lambda", lambda: declare(lambda x: x), ToolError, "<lambda>"),
    ("not callable", lambda: declare(5), ToolError, "int"),
    ("class", lambda: declare(dict), ToolError, "dict"),
    ("partial", lambda: declare(functools.partial(_star, 1)), ToolError, "partial"),
    ("registry item", lambda: ToolRegistry([5]), ToolError, "int"),
    ("registry timeout", lambda: ToolRegistry([], timeout=-1), ToolError, "tool_timeout"),
    ("registry timeout str", lambda: ToolRegistry([], timeout="x"), ToolError, "tool_timeout"),
]
ENDPOINTS: list[Row] = [
    ("endpoint int", lambda: resolve_endpoint(5), ConfigError, "endpoint"),
    ("endpoint name", lambda: resolve_endpoint("gogle", environ={}), ConfigError, "google"),
    ("api_key int", lambda: resolve_endpoint("google", api_key=5), ConfigError, "api_key"),
    ("key as endpoint", lambda: resolve_endpoint("AIzaSyFAKE0123456789abcdefghij"), ConfigError,
     "api_key="),
    ("api_version", lambda: resolve_endpoint("google", api_key="k", api_version="v9"),
     ConfigError, "v9"),
    ("Endpoint kind", lambda: Endpoint(kind="x", url=None, model="m"), ConfigError, "kind"),
    ("Endpoint api_key", lambda: Endpoint(kind="google", url="wss://h/x", model="m",
                                          api_key=5, auth="bearer"), ConfigError, "api_key"),
]  # fmt: skip
EMULATOR: list[Row] = [
    ("dialect", lambda: Emulator(dialect="x"), ValueError, "dialect"),
    ("speech", lambda: Emulator(speech="x"), ValueError, "speech"),
    ("latency str", lambda: Emulator(latency="x"), ValueError, "latency"),
    ("latency negative", lambda: Emulator(latency=-1), ValueError, "latency"),
    ("chunk_ms", lambda: Emulator(chunk_ms="x"), ValueError, "chunk_ms"),
    ("port", lambda: Emulator(port="x"), ValueError, "port"),
    ("port range", lambda: Emulator(port=70000), ValueError, "port"),
    ("go_away_at", lambda: Emulator(go_away_at="x"), ValueError, "go_away_at"),
    ("drop_after", lambda: Emulator(drop_after=-1), ValueError, "drop_after"),
    ("fail_after_turns", lambda: Emulator(fail_after_turns=1.5), ValueError, "fail_after"),
    ("script", lambda: Emulator(script=5), ValueError, "script"),
    ("realtime", lambda: Emulator(realtime="fast"), ValueError, "realtime"),
]
TABLE = [
    pytest.param(*row[1:], id=f"{group}:{row[0]}")
    for group, rows in (
        ("config", CONFIG),
        ("audio", AUDIO),
        ("catalog", CATALOG),
        ("tools", TOOLS),
        ("endpoints", ENDPOINTS),
        ("emulator", EMULATOR),
    )
    for row in rows
]


@pytest.mark.parametrize(("call", "error", "names"), TABLE)
def test_bad_input_gives_a_clear_typed_error(
    call: Callable[[], Any], error: type[BaseException], names: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert names in str(info.value)


def test_recording_load_missing_and_damaged(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"manifest\.json is missing"):
        Recording.load(tmp_path / "nothing")
    with pytest.raises(TypeError, match="directory"):
        Recording.load(5)  # type: ignore[arg-type]
    rec = Recording()
    rec.save(tmp_path)
    assert Recording.load(tmp_path) == rec
    damage = {
        "manifest.json": "{not json",
        "events.jsonl": "{oops\n",
        "input.wav": "RIFF-but-not-a-wav",
    }
    for name, text in damage.items():
        rec.save(tmp_path)
        (tmp_path / name).write_text(text)
        with pytest.raises(GemliveError, match=f"damaged: {re.escape(name)}"):
            Recording.load(tmp_path)
    rec.save(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "turns": [5]}))
    with pytest.raises(GemliveError, match=r"damaged: manifest\.json"):
        Recording.load(tmp_path)


def test_recording_load_refuses_deep_nesting_odd_files_and_huge_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#24 item 17: a deeply nested manifest raised RecursionError; events.jsonl pointing at
    /dev/zero was read until MemoryError."""
    rec = Recording()
    rec.save(tmp_path)
    (tmp_path / "manifest.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(GemliveError, match=r"damaged: manifest\.json .*RecursionError"):
        Recording.load(tmp_path)
    rec.save(tmp_path)
    (tmp_path / "events.jsonl").unlink()
    os.mkfifo(tmp_path / "events.jsonl")  # would block a reader forever
    with pytest.raises(GemliveError, match=r"damaged: events\.jsonl .*not a regular file"):
        Recording.load(tmp_path)
    (tmp_path / "events.jsonl").unlink()
    (tmp_path / "events.jsonl").symlink_to("/dev/zero")  # endless: never opened
    with pytest.raises(GemliveError, match=r"damaged: events\.jsonl .*not a regular file"):
        Recording.load(tmp_path)
    (tmp_path / "events.jsonl").unlink()
    monkeypatch.setattr(store, "MAX_FILE_BYTES", 1000)
    (tmp_path / "events.jsonl").write_text('{"t": 0}\n' * 200)
    with pytest.raises(GemliveError, match=r"damaged: events\.jsonl .*over 1,000"):
        Recording.load(tmp_path)


def test_a_recording_with_a_lone_surrogate_saves_whole_and_loads_back(tmp_path: Path) -> None:
    """#24 item 17: save() after send_text('\\ud800') failed half-way and wrote no manifest."""
    rec = Recording()
    rec.log("send", "text", text="\ud800", turn_complete=True)
    rec.begin_turn(user_text="caf\u00e9 \ud800")
    rec.save(tmp_path)
    assert (tmp_path / "manifest.json").is_file()
    loaded = Recording.load(tmp_path)
    assert loaded.events == rec.events and loaded.turns[0].user_text == "caf\u00e9 \ud800"
    assert "User: caf\u00e9 ?" in (tmp_path / "transcript.srt").read_text(encoding="utf-8")


CONNECT: list[tuple[dict[str, Any], type[BaseException], str]] = [
    ({"voice": 5}, ConfigError, "voice"),
    ({"api_key": 5}, ConfigError, "api_key"),
    ({"endpoint": 5}, ConfigError, "endpoint"),
    ({"config": 5}, ConfigError, "config"),
    ({"foo": 1}, ConfigError, "foo"),
    ({"max_queued_audio_s": "x"}, ConfigError, "max_queued_audio_s"),
    ({"max_queued_audio_s": 0}, ConfigError, "max_queued_audio_s"),
    ({"tool_timeout": "x"}, ConfigError, "tool_timeout"),
    ({"max_failures": 1.5}, ConfigError, "max_failures"),
    ({"backoff_s": -1}, ConfigError, "backoff_s"),
    ({"ping_interval": "x"}, ConfigError, "ping_interval"),
    ({"event_buffer": 0}, ConfigError, "event_buffer"),
]


async def test_connect_arguments(emulator: Emulator) -> None:
    before = len(emulator.sessions)
    for kwargs, error, names in CONNECT:
        kwargs = {"endpoint": emulator.google_url(), **kwargs}
        with pytest.raises(error) as info:
            await connect(**kwargs)
        assert names in str(info.value), kwargs
    assert len(emulator.sessions) == before  # rejected before any connection was opened


async def test_session_methods(emulator: Emulator) -> None:
    async with connect(endpoint=emulator.google_url()) as s:
        rows: list[tuple[Callable[[], Any], type[BaseException], str]] = [
            (lambda: s.send_audio(5), AudioError, "send_audio"),
            (lambda: s.send_audio("abc"), AudioError, "send_audio"),
            (lambda: s.send_audio(b"\0\1\2"), AudioError, "even number of bytes"),
            (lambda: s.send_audio(bytes(4), rate="x"), AudioError, "rate"),
            (lambda: s.send_audio(bytes(4), rate=0), AudioError, "rate"),
            (lambda: s.send_audio(np.zeros((4, 2), np.int16)), AudioError, "mono"),
            (lambda: s.send_audio(np.zeros(4, np.int32)), AudioError, "int32"),
            (lambda: s.send_text(5), ConfigError, "send_text"),
            (lambda: s.send_text(None), ConfigError, "send_text"),
            (lambda: s.send_realtime_text(5), ConfigError, "send_realtime_text"),
            (lambda: s.send_video("x"), ConfigError, "send_video"),
            (lambda: s.send_video(np.zeros((4, 4), np.float32)), AudioError, "uint8"),
            (lambda: s.send_video(b"\xff\xd8", mime_type=5), TypeError, "mime_type"),
            (lambda: s.send_tool_response(5), TypeError, "responses"),
            (lambda: s.send_tool_response([5]), TypeError, "responses[0]"),
            (lambda: s.send_tool_response({"foo": 1}), ProtocolError, "'name'"),
            (lambda: s.ask(5), ConfigError, "ask"),
            (lambda: s.ask("hi", timeout="x"), ConfigError, "timeout"),
            (lambda: s.wait_turn(5), ConfigError, "wait_turn"),
        ]
        for call, error, names in rows:
            with pytest.raises(error) as info:
                await call()
            assert names in str(info.value)
        with pytest.raises(ConfigError, match="played_samples"):
            s.report_playback("x")  # type: ignore[arg-type]
        with pytest.raises(ConfigError, match="subscribe"):
            s.subscribe(5)  # type: ignore[arg-type]
        # the session is still fine after all that
        assert (await s.ask("Tell me about Rome.", timeout=10)).complete
        assert s.stats.turns == 1
