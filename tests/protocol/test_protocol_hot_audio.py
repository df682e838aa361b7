"""The lean receive path (issue 25, item 6): the reply's audio frames are read without the
general path's copies, or without JSON at all when they are exactly as the service writes them.
Whatever the frame, the events (fields, ``raw`` and ``extra``) are the general path's."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from testdata import PUBLIC_CASSETTES

from gemlive_nb import protocol as p
from gemlive_nb.emulator.frames import audio_frame, frame, with_transcript, without_rate
from gemlive_nb.exceptions import ProtocolError
from gemlive_nb.protocol import _parse

PCM = bytes(range(256)) * 4
B64 = base64.b64encode(PCM).decode()
HOT = audio_frame(B64)


def _general(frame: str | bytes) -> list[p.Event]:
    """The general path alone (no hot path), as parse_server_message read every frame before."""
    return _parse._guarded(lambda f: _parse._general(_parse._json(f)), frame)


def _described(events: list[Any]) -> list[tuple[Any, ...]]:
    return [(type(e), e, e.raw, e.extra) for e in events]


def _variants() -> list[str | bytes]:
    text = HOT.decode()
    urlsafe = base64.urlsafe_b64encode(b"\xfb\xff" * 30).decode()
    return [
        HOT,
        text,
        without_rate(HOT),  # Vertex: "audio/pcm"
        with_transcript(HOT, " Hello"),  # 3.1: words in the audio's message
        with_transcript(HOT, "")[:-2] + b',"turnComplete":true}}',
        HOT[:-2] + b',"generationComplete":true,"turnComplete":true}}',
        HOT[:-2] + b',"interrupted":true}}',  # parsed before modelTurn: the general way
        HOT[:-2] + b',"modelTurn":{"parts":[]}}}',  # a second modelTurn: JSON keeps the last
        HOT[:-2] + b',"brandNew":{"x":1}}}',  # unknown: an Unknown event, the general way
        HOT[:-2] + b',"output_transcription":{"language_code":"en","text":"Hi"}}}',
        frame({"serverContent": {"outputTranscription": {"text": " Hello"}}}),  # 2.5's words
        frame({"serverContent": {"outputTranscription": {"text": "Hi", "finished": True}}}),
        frame({"serverContent": {"outputTranscription": {}}}),  # Vertex's wordless piece
        frame({"serverContent": {"outputTranscription": {"text": "Hi", "language_code": "en"}}}),
        frame({"serverContent": {"outputTranscription": {"words": [{"word": "Hi"}]}}}),
        HOT.replace(B64.encode(), b""),  # no samples
        HOT.replace(B64.encode(), B64.rstrip("=").encode()),  # unpadded
        HOT.replace(B64.encode(), urlsafe.encode()),  # URL-safe alphabet
        HOT.replace(b"/", b"\\/"),  # a JSON escape in the data and the mime type
        HOT.replace(b"rate=24000", b"rate=16000"),
        HOT.replace(b'"mimeType"', b'"mime_type"'),
        b"\xef\xbb\xbf" + HOT,  # a byte-order mark
        json.dumps(json.loads(HOT)).encode(),  # spaces after the separators
        json.dumps(json.loads(HOT), indent=1),
        frame({"serverContent": {"modelTurn": {"role": "model", "parts": [{"inlineData": {
            "mimeType": "audio/pcm;rate=24000", "data": B64}}]}}}),
        frame({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
            "data": B64, "mimeType": "audio/pcm;rate=24000"}, "thoughtSignature": "c2ln"}]}}}),
        frame({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
            "mimeType": "audio/pcm;rate=24000", "data": B64}}]}},
            "usageMetadata": {"totalTokenCount": 3}}),
    ]  # fmt: skip


@pytest.mark.parametrize("frame", _variants(), ids=range(len(_variants())))
def test_every_audio_frame_gives_the_general_paths_events(frame: str | bytes) -> None:
    fast = p.parse_server_message(frame)
    assert _described(fast) == _described(_general(frame))


def test_the_exact_shape_skips_json_and_gives_the_samples() -> None:
    (chunk,) = _parse._hot_frame(HOT) or []
    assert isinstance(chunk, p.AudioChunk)
    assert (chunk.data, chunk.rate, chunk.mime_type) == (PCM, 24000, "audio/pcm;rate=24000")
    assert chunk.raw == {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": B64}}
    assert _parse._hot_frame(HOT.replace(b"/", b"\\/")) is None  # escaped: JSON reads it


def test_every_recorded_server_frame_reads_as_before() -> None:
    frames = [
        entry["frame"]
        for path in PUBLIC_CASSETTES
        for line in path.read_text(encoding="utf-8").splitlines()
        if (entry := json.loads(line)).get("dir") == "recv"
    ]
    assert sum('"inlineData"' in f for f in frames) > 50  # audio frames among them
    for f in frames:
        for form in (f, f.encode()):
            assert _described(p.parse_server_message(form)) == _described(_general(form))


@pytest.mark.parametrize(
    "bad, message",
    [
        (HOT.replace(B64.encode(), b"QUJD\\u0000"), "not base64"),  # decoded, then refused
        (HOT[:-1], "not JSON"),  # cut short
        (HOT + b"x", "not JSON"),  # trailing garbage
        (HOT.replace(B64.encode(), b"QUJ\nD"), "not JSON"),  # a raw control character
        (HOT.replace(B64.encode(), "QUJDé".encode()), "not base64"),
        (HOT[:-2] + b',"outputTranscription":{"text":5}}}', "text must be"),
    ],
)
def test_a_bad_audio_frame_is_refused_as_before(bad: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        p.parse_server_message(bad)
    with pytest.raises(ProtocolError, match=message):
        _general(bad)
