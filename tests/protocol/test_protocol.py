"""The wire format: builders, key normalisation, base64, the server-frame parser, usage."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import numpy as np
import pytest
from testdata import PROTOCOL_FRAMES

from gemlive_nb import protocol as p
from gemlive_nb.exceptions import ProtocolError
from gemlive_nb.protocol import _parse

FRAMES_DIR = PROTOCOL_FRAMES


# --------------------------------------------------------------------------------------------
# Server frames (the examples of PROTOCOL.md §3, §7)
# --------------------------------------------------------------------------------------------

PCM = bytes(range(8))
PCM_B64 = base64.b64encode(PCM).decode()

SERVER_CASES: list[tuple[str, dict[str, Any], list[p.Event]]] = [
    ("setupComplete", {"setupComplete": {}}, [p.SetupComplete(None)]),
    (
        "setupComplete vertex",
        {"setupComplete": {"sessionId": "s-1", "voiceConsentSignature": "x"}},
        [p.SetupComplete("s-1", "x")],
    ),
    (
        "modelTurn audio",
        {
            "serverContent": {
                "modelTurn": {
                    "parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": PCM_B64}}]
                }
            }
        },
        [p.AudioChunk(PCM, 24000, "audio/pcm;rate=24000")],
    ),
    (
        "plain audio/pcm defaults to 24 kHz",
        {
            "serverContent": {
                "modelTurn": {"parts": [{"inlineData": {"mimeType": "audio/pcm", "data": PCM_B64}}]}
            }
        },
        [p.AudioChunk(PCM, 24000, "audio/pcm")],
    ),
    (
        "input transcription",
        {"serverContent": {"inputTranscription": {"text": "Hello there"}}},
        [p.InputTranscript("Hello there", None)],
    ),
    (
        "output transcription finished",
        {"serverContent": {"outputTranscription": {"text": "Hi!", "finished": True}}},
        [p.OutputTranscript("Hi!", True)],
    ),
    (
        "cookbook snake_case turn_complete + usage_metadata",
        {
            "server_content": {"turn_complete": True},
            "usage_metadata": {
                "prompt_token_count": 229,
                "response_token_count": 25,
                "total_token_count": 254,
                "prompt_tokens_details": [
                    {"modality": "AUDIO", "token_count": 200},
                    {"modality": "TEXT", "token_count": 29},
                ],
                "response_tokens_details": [{"modality": "AUDIO", "token_count": 25}],
            },
        },
        [
            p.TurnComplete(None),
            p.Usage(
                prompt_tokens=229,
                response_tokens=25,
                total_tokens=254,
                prompt_details={"audio": 200, "text": 29},
                response_details={"audio": 25},
                dialect="google",
            ),
        ],
    ),
    ("interrupted", {"serverContent": {"interrupted": True}}, [p.Interrupted()]),
    (
        "barge-in: interrupted then turnComplete",
        {"serverContent": {"turnComplete": True, "interrupted": True}},
        [p.Interrupted(), p.TurnComplete(None)],
    ),
    (
        "generationComplete",
        {"serverContent": {"generationComplete": True}},
        [p.GenerationComplete()],
    ),
    (
        "turnComplete with reason",
        {"serverContent": {"turnComplete": True, "turnCompleteReason": "NEED_MORE_INPUT"}},
        [p.TurnComplete("NEED_MORE_INPUT")],
    ),
    ("waitingForInput", {"serverContent": {"waitingForInput": True}}, [p.WaitingForInput()]),
    (
        "false flags give no event",
        {"serverContent": {"turnComplete": False, "interrupted": False}},
        [],
    ),
    ("goAway 50s", {"goAway": {"timeLeft": "50s"}}, [p.GoAway(50.0)]),
    ("goAway 9.5s", {"goAway": {"timeLeft": "9.5s"}}, [p.GoAway(9.5)]),
    ("goAway 0.250s", {"goAway": {"timeLeft": "0.250s"}}, [p.GoAway(0.25)]),
    ("goAway number", {"goAway": {"timeLeft": 3}}, [p.GoAway(3.0)]),
    (
        "goAway seconds/nanos",
        {"goAway": {"timeLeft": {"seconds": "2", "nanos": 500000000}}},
        [p.GoAway(2.5)],
    ),
    (
        "sessionResumptionUpdate",
        {"sessionResumptionUpdate": {"newHandle": "h-123", "resumable": True}},
        [p.SessionResumptionUpdate("h-123", True, None)],
    ),
    (
        "sessionResumptionUpdate not resumable",
        {"sessionResumptionUpdate": {"newHandle": "", "resumable": False}},
        [p.SessionResumptionUpdate(None, False, None)],
    ),
    (
        "sessionResumptionUpdate transparent (int64 as string)",
        {
            "sessionResumptionUpdate": {
                "newHandle": "h",
                "resumable": True,
                "lastConsumedClientMessageIndex": "42",
            }
        },
        [p.SessionResumptionUpdate("h", True, 42)],
    ),
    (
        "toolCall keeps snake_case args",
        {
            "toolCall": {
                "functionCalls": [
                    {
                        "id": "function-call-395220346347865271",
                        "name": "get_weather",
                        "args": {"city": "Paris", "unit_system": "metric"},
                    },
                    {"name": "no_args"},
                ]
            }
        },
        [
            p.ToolCall(
                (
                    p.FunctionCall(
                        "function-call-395220346347865271",
                        "get_weather",
                        {"city": "Paris", "unit_system": "metric"},
                    ),
                    p.FunctionCall(None, "no_args", {}),
                )
            )
        ],
    ),
    (
        "toolCallCancellation",
        {"toolCallCancellation": {"ids": ["function-call-1", "function-call-2"]}},
        [p.ToolCallCancellation(("function-call-1", "function-call-2"))],
    ),
    (
        "usage-only with empty serverContent (3.1)",
        {"serverContent": {}, "usageMetadata": {"totalTokenCount": 100}},
        [p.Usage(total_tokens=100)],
    ),
    (
        "proxy (mixroute) usage",
        {
            "usageMetadata": {
                "totalTokenCount": 120,
                "inputTokenCount": 100,
                "outputTokenCount": 20,
                "inputTokenDetails": {"textTokens": 10, "audioTokens": 90},
                "outputTokenDetails": {"audioTokens": 20},
            }
        },
        [
            p.Usage(
                prompt_tokens=100,
                response_tokens=20,
                total_tokens=120,
                prompt_details={"text": 10, "audio": 90},
                response_details={"audio": 20},
                dialect="mixroute",
            )
        ],
    ),
    (
        "vertex candidatesTokenCount",
        {
            "usageMetadata": {
                "promptTokenCount": 100,
                "candidatesTokenCount": 20,
                "totalTokenCount": 120,
                "candidatesTokensDetails": [{"modality": "AUDIO", "tokenCount": 20}],
                "trafficType": "ON_DEMAND",
            }
        },
        [
            p.Usage(
                prompt_tokens=100,
                response_tokens=20,
                total_tokens=120,
                response_details={"audio": 20},
                dialect="vertex",
                traffic_type="ON_DEMAND",
            )
        ],
    ),
    (
        "voiceActivity",
        {"voiceActivity": {"type": "ACTIVITY_START", "audioOffset": "1.2s"}},
        [p.VoiceActivity("ACTIVITY_START", 1.2)],
    ),
    (
        "voiceActivityDetectionSignal",
        {"voiceActivityDetectionSignal": {"vadSignalType": "VAD_SIGNAL_TYPE_EOS"}},
        [p.VoiceActivitySignal("VAD_SIGNAL_TYPE_EOS")],
    ),
    (
        "text, thought, image, code parts in order",
        {
            "serverContent": {
                "modelTurn": {
                    "role": "model",
                    "parts": [
                        {"text": "thinking…", "thought": True},
                        {"text": "Answer"},
                        {"inlineData": {"mimeType": "image/png", "data": "iVBORw"}},
                        {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
                        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1"}},
                        {"functionCallish": {"x": 1}},
                    ],
                }
            }
        },
        [
            p.TextPart("thinking…", True),
            p.TextPart("Answer", False),
            p.InlineData(b"\x89PNG", "image/png"),
            p.CodePart("executableCode", raw={"language": "PYTHON", "code": "print(1)"}),
            p.CodePart("codeExecutionResult", raw={"outcome": "OUTCOME_OK", "output": "1"}),
            p.Unknown("modelTurn.parts.functionCallish", raw={"functionCallish": {"x": 1}}),
        ],
    ),
    (
        "grounding",
        {
            "serverContent": {
                "groundingMetadata": {
                    "groundingChunks": [
                        {"web": {"uri": "https://a.example", "title": "A"}},
                        {"web": {"uri": "https://b.example"}},
                    ],
                    "webSearchQueries": ["weather paris"],
                }
            }
        },
        [
            p.GroundingMetadata(
                (
                    p.GroundingSource("A", "https://a.example"),
                    p.GroundingSource(None, "https://b.example"),
                ),
                ("weather paris",),
            )
        ],
    ),
    (
        "unknown top-level types are kept",
        {"error": {"code": 400, "message": "bad"}, "brandNew": 7},
        [
            p.Unknown("error", raw={"code": 400, "message": "bad"}),
            p.Unknown("brandNew", raw={"brandNew": 7}),
        ],
    ),
    ("empty object", {}, []),
]


def _frames(message: dict[str, Any]) -> list[str | bytes | bytearray | memoryview]:
    """The same message as compact text, binary, pretty-printed binary and buffer views."""
    compact = json.dumps(message, separators=(",", ":"))
    pretty = json.dumps(message, indent=2).encode()
    return [compact, compact.encode(), pretty, bytearray(pretty), memoryview(pretty)]


@pytest.mark.parametrize(
    ("message", "expected"), [c[1:] for c in SERVER_CASES], ids=[c[0] for c in SERVER_CASES]
)
def test_server_examples_parse_to_exact_events(message: dict, expected: list) -> None:
    for frame in _frames(message):
        events = p.parse_server_message(frame)
        assert events == expected
        assert [type(e) for e in events] == [type(e) for e in expected]


def test_one_frame_several_events_in_service_order() -> None:
    # Keys deliberately in proto-field order (turnComplete first); events follow the service order.
    message = {
        "serverContent": {
            "turnComplete": True,
            "outputTranscription": {"text": "Bonjour"},
            "modelTurn": {
                "parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": PCM_B64}}]
            },
            "inputTranscription": {"text": "Salut", "finished": True},
            "generationComplete": True,
        },
        "usageMetadata": {"totalTokenCount": 5},
        "sessionResumptionUpdate": {"newHandle": "h", "resumable": True},
    }
    events = p.parse_server_message(json.dumps(message))
    assert [type(e).__name__ for e in events] == [
        "InputTranscript",
        "AudioChunk",
        "OutputTranscript",
        "GenerationComplete",
        "TurnComplete",
        "SessionResumptionUpdate",
        "Usage",
    ]
    assert events[0].raw == {"text": "Salut", "finished": True}
    assert events[4].raw is not None and events[4].raw["turnComplete"] is True
    assert events[-1].raw == {"totalTokenCount": 5}


def test_events_are_frozen_and_slotted() -> None:
    event = p.parse_server_message('{"goAway":{"timeLeft":"1s"}}')[0]
    with pytest.raises(AttributeError):
        event.time_left = 2.0  # type: ignore[misc]
    assert not hasattr(event, "__dict__")
    assert isinstance(event, p.Event)
    assert isinstance(p.InputTranscript("a"), p.Transcript)
    assert p.InputTranscript("a") != p.OutputTranscript("a")


def test_raw_keeps_unknown_fields() -> None:
    frame = {"toolCall": {"functionCalls": [], "futureField": {"a": 1}}}
    (event,) = p.parse_server_message(json.dumps(frame))
    assert event == p.ToolCall(())
    assert event.raw == {"functionCalls": [], "futureField": {"a": 1}}


def test_audio_chunk_samples_rate_and_duration() -> None:
    pcm = np.array([0, 1, -1, 32767, -32768], dtype="<i2").tobytes()
    frame = {
        "serverContent": {
            "modelTurn": {
                "parts": [
                    {
                        "inline_data": {
                            "mime_type": "audio/pcm; rate=16000",
                            "data": base64.urlsafe_b64encode(pcm).decode().rstrip("="),
                        }
                    }
                ]
            }
        }
    }
    (chunk,) = p.parse_server_message(json.dumps(frame))
    assert isinstance(chunk, p.AudioChunk)
    assert chunk.rate == 16000
    assert chunk.samples.dtype == np.int16
    assert chunk.samples.tolist() == [0, 1, -1, 32767, -32768]
    assert chunk.duration == pytest.approx(5 / 16000)
    assert p.AudioChunk(b"\x01\x00\x02").samples.tolist() == [1]  # trailing odd byte dropped


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("not json", "frame is not JSON"),
        (b"\xff\xfe{}", "frame is not UTF-8"),
        ("[1, 2]", "frame must be a JSON object, got list"),
        ('"text"', "frame must be a JSON object, got str"),
        ("[" * 100_000, "frame is not JSON"),
        (
            json.dumps(
                {
                    "serverContent": {
                        "modelTurn": {
                            "parts": [
                                {"text": "a"},
                                {"text": "b"},
                                {"inlineData": {"mimeType": "audio/pcm", "data": "@@@"}},
                            ]
                        }
                    }
                }
            ),
            "serverContent.modelTurn.parts[2].inlineData.data is not base64",
        ),
        ('{"serverContent": []}', "serverContent must be an object, got list"),
        (
            '{"serverContent": {"turnComplete": "yes"}}',
            "serverContent.turnComplete must be true or false",
        ),
        ('{"goAway": {"timeLeft": "soon"}}', "goAway.timeLeft must be a duration"),
        (
            '{"toolCall": {"functionCalls": [{"id": "1"}]}}',
            "toolCall.functionCalls[0].name is missing",
        ),
        ('{"toolCallCancellation": {"ids": [1]}}', "toolCallCancellation.ids[0] must be a string"),
        (
            '{"usageMetadata": {"totalTokenCount": -3}}',
            "usageMetadata.totalTokenCount must be a non-negative count",
        ),
        (
            '{"usageMetadata": {"promptTokensDetails": {"textTokens": "x"}}}',
            "usageMetadata.promptTokensDetails.textTokens",
        ),
        (
            '{"serverContent": {"modelTurn": {"parts": [{"inlineData": '
            '{"mimeType": "audio/pcm;rate=fast", "data": ""}}]}}}',
            "serverContent.modelTurn.parts[0].inlineData.mimeType has a bad rate 'fast'",
        ),
        (12, "frame must be str or bytes, got int"),
        ('{"goAway": {"timeLeft": 1e999}}', "goAway.timeLeft must be a duration"),
        ('{"goAway": {"timeLeft": ' + "9" * 400 + "}}", "goAway.timeLeft must be a duration"),
        ('{"goAway": {"timeLeft": {"seconds": ' + "9" * 400 + "}}}", "goAway.timeLeft.seconds"),
        ('{"usageMetadata": {"totalTokenCount": true}}', "usageMetadata.totalTokenCount"),
        ('{"serverContent": {"modelTurn": {"parts": [7]}}}', "parts[0] must be an object, got int"),
    ],
)
def test_malformed_frames_raise_protocol_error_naming_the_problem(frame: Any, message: str) -> None:
    with pytest.raises(ProtocolError, match=re.escape(message)):
        p.parse_server_message(frame)


def test_deeply_nested_object_is_a_protocol_error() -> None:
    text = '{"serverContent":' + '{"a_b":' * 5000 + "{}" + "}" * 5000 + "}"
    with pytest.raises(ProtocolError, match="nested too deeply"):
        p.parse_server_message(text)


# --------------------------------------------------------------------------------------------
# Usage
# --------------------------------------------------------------------------------------------

GOOGLE_USAGE = {
    "promptTokenCount": 100,
    "responseTokenCount": 20,
    "totalTokenCount": 120,
    "promptTokensDetails": [
        {"modality": "TEXT", "tokenCount": 10},
        {"modality": "AUDIO", "tokenCount": 90},
    ],
    "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 20}],
}
MIXROUTE_USAGE = {
    "totalTokenCount": 120,
    "inputTokenCount": 100,
    "outputTokenCount": 20,
    "inputTokenDetails": {"textTokens": 10, "audioTokens": 90},
    "outputTokenDetails": {"audioTokens": 20},
}
FIELDS = (
    "prompt_tokens",
    "response_tokens",
    "total_tokens",
    "cached_tokens",
    "thoughts_tokens",
    "tool_use_prompt_tokens",
    "prompt_details",
    "response_details",
)


def _fields(u: p.Usage) -> tuple:
    return tuple(getattr(u, f) for f in FIELDS)


def test_usage_dialects_normalise_to_the_same_fields() -> None:
    google = p.Usage.from_dict(GOOGLE_USAGE)
    mixroute = p.Usage.from_dict(MIXROUTE_USAGE)
    assert (google.dialect, mixroute.dialect) == ("google", "mixroute")
    assert _fields(google) == _fields(mixroute)
    assert google.prompt_details == {"text": 10, "audio": 90}
    assert google.raw == GOOGLE_USAGE and mixroute.raw == MIXROUTE_USAGE


def test_usage_missing_counts_are_none_not_zero() -> None:
    u = p.Usage.from_dict({"totalTokenCount": 7})
    assert u.total_tokens == 7
    assert u.prompt_tokens is None and u.response_tokens is None and u.cached_tokens is None
    assert u.thoughts_tokens is None and u.tool_use_prompt_tokens is None
    assert u.prompt_details == {} and u.response_details == {}
    assert p.Usage.from_dict({}).total_tokens is None


def test_usage_reads_all_google_counts() -> None:
    u = p.Usage.from_dict(
        {
            "promptTokenCount": "5",
            "cachedContentTokenCount": 1,
            "responseTokenCount": 2.0,
            "toolUsePromptTokenCount": 3,
            "thoughtsTokenCount": 4,
            "totalTokenCount": 15,
            "promptTokensDetails": [{"modality": "VIDEO"}],  # proto3 omits a zero tokenCount
        }
    )
    assert (u.prompt_tokens, u.cached_tokens, u.response_tokens) == (5, 1, 2)
    assert (u.tool_use_prompt_tokens, u.thoughts_tokens, u.total_tokens) == (3, 4, 15)
    assert u.prompt_details == {"video": 0}


@pytest.mark.parametrize("dialect", ["google", "vertex", "mixroute"])
@pytest.mark.parametrize("source", [GOOGLE_USAGE, MIXROUTE_USAGE])
def test_usage_to_dict_round_trips(dialect: str, source: dict) -> None:
    u = p.Usage.from_dict(source)
    wire = u.to_dict(dialect)
    back = p.Usage.from_dict(wire)
    assert _fields(back) == _fields(u)
    assert back.dialect == dialect


def test_usage_to_dict_wire_shapes() -> None:
    u = p.Usage.from_dict(GOOGLE_USAGE)
    assert u.to_dict() == GOOGLE_USAGE
    assert u.to_dict("mixroute") == MIXROUTE_USAGE
    vertex = u.to_dict("vertex")
    assert vertex["candidatesTokenCount"] == 20 and "responseTokenCount" not in vertex
    assert p.Usage(total_tokens=3).to_dict() == {"totalTokenCount": 3}
    with pytest.raises(ProtocolError, match="dialect must be one of"):
        u.to_dict("openai")


def test_usage_addition() -> None:
    a = p.Usage(prompt_tokens=10, total_tokens=10, prompt_details={"audio": 10})
    b = p.Usage(
        prompt_tokens=5, response_tokens=3, total_tokens=8, prompt_details={"audio": 2, "text": 3}
    )
    s = a + b
    assert (s.prompt_tokens, s.response_tokens, s.total_tokens) == (15, 3, 18)
    assert s.cached_tokens is None
    assert s.prompt_details == {"audio": 12, "text": 3}
    assert s.raw == s.to_dict()
    assert sum([a, b]) == s
    assert (p.Usage() + p.Usage()).total_tokens is None


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------

BUILDER_CASES = [
    (
        p.setup_message(
            {"model": "models/m", "generation_config": {"response_modalities": ["AUDIO"]}}
        ),
        '{"setup":{"model":"models/m","generationConfig":{"responseModalities":["AUDIO"]}}}',
    ),
    (
        p.client_content("Hello"),
        '{"clientContent":{"turns":[{"role":"user","parts":[{"text":"Hello"}]}],"turnComplete":true}}',
    ),
    (p.client_content(), '{"clientContent":{"turnComplete":true}}'),
    (p.client_content(turn_complete=True), '{"clientContent":{"turnComplete":true}}'),
    (
        p.client_content(
            [
                {"role": "user", "parts": [{"text": "a"}]},
                {"role": "model", "parts": [{"text": "b"}]},
            ],
            turn_complete=False,
        ),
        '{"clientContent":{"turns":[{"role":"user","parts":[{"text":"a"}]},{"role":"model","parts":[{"text":"b"}]}],"turnComplete":false}}',
    ),
    (
        p.realtime_audio(b"\x00\x01\x02\x03"),
        '{"realtimeInput":{"audio":{"data":"AAECAw==","mimeType":"audio/pcm;rate=16000"}}}',
    ),
    (
        p.realtime_audio(b"\xfb\xff", rate=24000),
        '{"realtimeInput":{"audio":{"data":"+/8=","mimeType":"audio/pcm;rate=24000"}}}',
    ),
    (
        p.realtime_video(b"\xff\xd8\xff\xe0"),
        '{"realtimeInput":{"video":{"data":"/9j/4A==","mimeType":"image/jpeg"}}}',
    ),
    (
        p.realtime_video(b"\x89PNG", mime_type="image/png"),
        '{"realtimeInput":{"video":{"data":"iVBORw==","mimeType":"image/png"}}}',
    ),
    (
        p.realtime_text("Hello via realtime text"),
        '{"realtimeInput":{"text":"Hello via realtime text"}}',
    ),
    (p.realtime_text("héllo"), '{"realtimeInput":{"text":"h\\u00e9llo"}}'),
    (p.activity_start(), '{"realtimeInput":{"activityStart":{}}}'),
    (p.activity_end(), '{"realtimeInput":{"activityEnd":{}}}'),
    (p.audio_stream_end(), '{"realtimeInput":{"audioStreamEnd":true}}'),
    (
        p.media_chunks(b"\x00\x01\x02\x03", 16000, legacy=True),
        '{"realtimeInput":{"mediaChunks":[{"data":"AAECAw==","mimeType":"audio/pcm;rate=16000"}]}}',
    ),
    (
        p.media_chunks(b"\x00\x01\x02\x03", 16000, legacy=False),
        '{"realtimeInput":{"audio":{"data":"AAECAw==","mimeType":"audio/pcm;rate=16000"}}}',
    ),
    (
        p.tool_response(
            [
                p.FunctionResponse(
                    "call-1", "turn_on_lights", {"result": "ok"}, scheduling="INTERRUPT"
                ),
                p.FunctionResponse(
                    "call-2", "get_time", {"output": {"snake_case_key": 1}}, will_continue=False
                ),
            ]
        ),
        '{"toolResponse":{"functionResponses":[{"id":"call-1","name":"turn_on_lights","response":{"result":"ok"},"scheduling":"INTERRUPT"},'
        '{"id":"call-2","name":"get_time","response":{"output":{"snake_case_key":1}},"willContinue":false}]}}',
    ),
    (
        p.tool_response(
            {"name": "f", "response": {"a_b": 1}, "will_continue": True, "scheduling": "when_idle"}
        ),
        '{"toolResponse":{"functionResponses":[{"name":"f","response":{"a_b":1},"scheduling":"WHEN_IDLE","willContinue":true}]}}',
    ),
    (
        p.tool_response(p.FunctionResponse(None, "f", {})),
        '{"toolResponse":{"functionResponses":[{"name":"f","response":{}}]}}',
    ),
]


@pytest.mark.parametrize(
    ("message", "expected"), BUILDER_CASES, ids=[c[1][:40] for c in BUILDER_CASES]
)
def test_builders_produce_byte_exact_json(message: dict, expected: str) -> None:
    assert p.dumps(message) == expected
    kind, _ = p.parse_client_message(expected)
    assert kind in p.CLIENT_MESSAGE_TYPES


@pytest.mark.parametrize("pcm", [b"", b"\x00\x00", bytes(range(256)) * 3, bytes(640)])
@pytest.mark.parametrize("rate", [16000, 24000, 44100])
def test_realtime_audio_frame_equals_dumps(pcm: bytes, rate: int) -> None:
    assert p.realtime_audio_frame(pcm, rate) == p.dumps(p.realtime_audio(pcm, rate))
    assert p.realtime_audio_frame(bytearray(pcm), rate) == p.dumps(
        p.realtime_audio(memoryview(pcm), rate)
    )
    assert p.realtime_audio_frame(pcm) == p.dumps(p.realtime_audio(pcm))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: p.realtime_audio("abc"), TypeError, "pcm must be bytes"),
        (lambda: p.realtime_audio(np.zeros(4, np.int16)), TypeError, "tobytes"),
        (lambda: p.realtime_audio(b"\x00"), ProtocolError, "odd number of bytes"),
        (lambda: p.realtime_audio_frame(b"\x00"), ProtocolError, "odd number of bytes"),
        (lambda: p.realtime_audio_frame([0, 0]), TypeError, "pcm must be bytes"),
        (lambda: p.realtime_audio(b"", rate=16000.0), TypeError, "rate must be an int"),
        (lambda: p.realtime_audio_frame(b"", rate=True), TypeError, "rate must be an int"),
        (lambda: p.realtime_audio(b"", rate=0), ProtocolError, "rate must be a positive"),
        (
            lambda: p.realtime_video(b"x", mime_type="audio/pcm"),
            ProtocolError,
            "mime_type must start with 'image/'",
        ),
        (lambda: p.realtime_video("x"), TypeError, "data must be bytes"),
        (lambda: p.realtime_text(3), TypeError, "text must be a str"),
        (lambda: p.client_content(5), TypeError, "turns must be text"),
        (
            lambda: p.client_content("x", turn_complete=1),
            TypeError,
            "turn_complete must be True or False",
        ),
        (
            lambda: p.client_content([{"role": "system", "parts": []}]),
            ProtocolError,
            "turns[0].role",
        ),
        (lambda: p.client_content([{"role": "user"}]), ProtocolError, "turns[0].parts"),
        (lambda: p.setup_message({"setup": {}}), ProtocolError, "unwrap"),
        (lambda: p.setup_message("models/m"), TypeError, "setup must be a dict"),
        (lambda: p.media_chunks(b"", legacy="yes"), TypeError, "legacy must be True or False"),
        (
            lambda: p.FunctionResponse("1", "f", {}, scheduling="LATER"),
            ProtocolError,
            "scheduling must be one of SILENT, WHEN_IDLE, INTERRUPT",
        ),
        (lambda: p.FunctionResponse("1", "f", "ok"), TypeError, "response must be a dict"),
        (lambda: p.FunctionResponse(1, "f", {}), TypeError, "id must be a str"),
        (lambda: p.FunctionResponse("1", "", {}), ProtocolError, "name must be"),
        (lambda: p.FunctionResponse("1", "f", {}, will_continue="y"), TypeError, "will_continue"),
        (
            lambda: p.tool_response([{"id": "1", "name": "f"}]),
            ProtocolError,
            "needs 'name' and 'response'",
        ),
        (lambda: p.tool_response([3]), TypeError, "responses[0]"),
        (lambda: p.tool_response("x"), TypeError, "responses must be"),
    ],
)
def test_builders_validate_arguments(call: Any, error: type, message: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_dumps_is_compact_json() -> None:
    assert p.dumps({"a": [1, {"b": None}]}) == '{"a":[1,{"b":null}]}'


# --------------------------------------------------------------------------------------------
# Keys and base64
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "camel"),
    [
        ("voice_config", "voiceConfig"),
        ("voiceConfig", "voiceConfig"),
        ("start_of_speech_sensitivity", "startOfSpeechSensitivity"),
        ("x", "x"),
        ("_private_key", "_privateKey"),
    ],
)
def test_to_camel(key: str, camel: str) -> None:
    assert p.to_camel(key) == camel


def test_normalize_keys_keeps_free_form_payloads() -> None:
    message = {
        "tool_response": {"function_responses": [{"response": {"snake_key": {"deep_key": 1}}}]},
        "tool_call": {"function_calls": [{"args": {"unit_system": "metric"}}]},
        "function_declarations": [
            {
                "parameters": {
                    "type": "OBJECT",
                    "properties": {
                        "room_name": {"type": "STRING", "property_ordering": ["a_b"]},
                        "nested_obj": {
                            "type": "OBJECT",
                            "properties": {"inner_name": {"any_of": []}},
                        },
                    },
                },
                "parameters_json_schema": {"properties": {"city_name": {"type": "string"}}},
                "responseJsonSchema": {"additional_properties": True},
            }
        ],
    }
    original = json.loads(json.dumps(message))
    out = p.normalize_keys(message)
    assert message == original  # the input is not modified
    assert out["toolResponse"]["functionResponses"][0]["response"] == {"snake_key": {"deep_key": 1}}
    assert out["toolCall"]["functionCalls"][0]["args"] == {"unit_system": "metric"}
    decl = out["functionDeclarations"][0]
    props = decl["parameters"]["properties"]
    assert props["room_name"] == {"type": "STRING", "propertyOrdering": ["a_b"]}
    assert props["nested_obj"]["properties"] == {"inner_name": {"anyOf": []}}
    assert decl["parametersJsonSchema"] == {"properties": {"city_name": {"type": "string"}}}
    assert decl["responseJsonSchema"] == {"additional_properties": True}
    # a copy: mutating the output does not touch the input
    out["toolCall"]["functionCalls"][0]["args"]["unit_system"] = "imperial"
    assert message["tool_call"]["function_calls"][0]["args"]["unit_system"] == "metric"


@pytest.mark.parametrize(
    "text",
    ["AAECAw==", "AAECAw", "AAECAw=", " AAEC\nAw== ", b"AAECAw"],
)
def test_decode_b64_padding_variants(text: str | bytes) -> None:
    assert p.decode_b64(text) == b"\x00\x01\x02\x03"


def test_decode_b64_both_alphabets() -> None:
    raw = bytes(range(256))
    assert p.decode_b64(base64.b64encode(raw).decode()) == raw
    assert p.decode_b64(base64.urlsafe_b64encode(raw).decode()) == raw
    assert p.decode_b64(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw
    assert p.encode_b64(raw) == base64.b64encode(raw).decode()


@pytest.mark.parametrize("bad", ["A", "AA==AA", "!!!!", "héllo", b"\xff\xfe", 5, None])
def test_decode_b64_garbage_names_the_field(bad: Any) -> None:
    with pytest.raises(ProtocolError, match=r"^audio\.data "):
        p.decode_b64(bad, "audio.data")


# --------------------------------------------------------------------------------------------
# Captured SDK client frames
# --------------------------------------------------------------------------------------------


def _captured() -> list[tuple[str, str]]:
    if not FRAMES_DIR.is_dir():
        pytest.fail(
            f"captured frames folder {FRAMES_DIR} is missing (it is part of the repository)"
        )
    frames = []
    for path in sorted(FRAMES_DIR.glob("*.jsonl")):
        for n, line in enumerate(path.read_text().splitlines()):
            entry = json.loads(line)
            if entry.get("event") == "frame":
                frames.append((f"{path.name}:{n}", entry["raw"]))
    if len(frames) < 30:
        pytest.fail(f"expected the captured frames in {FRAMES_DIR}, found only {len(frames)}")
    return frames


_OPAQUE = {"args", "response", "parametersJsonSchema", "responseJsonSchema"}


def _snake_keys(obj: Any, path: str = "") -> list[str]:
    """Keys with an underscore outside free-form payloads (property names excepted)."""
    found = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if "_" in key:
                found.append(f"{path}.{key}")
            if key in _OPAQUE:
                continue
            if key == "properties":
                for schema in value.values():
                    found += _snake_keys(schema, f"{path}.properties")
            else:
                found += _snake_keys(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += _snake_keys(v, f"{path}[{i}]")
    return found


def test_captured_frames_normalise_and_parse() -> None:
    frames = _captured()
    kinds = set()
    for where, raw in frames:
        message = json.loads(raw)
        normal = p.normalize_keys(message)
        assert _snake_keys(normal) == [], where
        assert p.normalize_keys(normal) == normal, where  # idempotent
        kind, body = p.parse_client_message(raw)
        assert {kind: body} == normal, where
        kinds.add(kind)
    assert kinds == set(p.CLIENT_MESSAGE_TYPES)


def test_captured_cap1_meaning() -> None:
    lines = [json.loads(x) for x in (FRAMES_DIR / "cap1.jsonl").read_text().splitlines()]
    raw = {e["n"]: e["raw"] for e in lines if e.get("event") == "frame"}
    kind, setup = p.parse_client_message(raw[0])
    assert kind == "setup"
    assert setup["generationConfig"]["speechConfig"] == {
        "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}},
        "languageCode": "de-DE",
    }
    aad = setup["realtimeInputConfig"]["automaticActivityDetection"]
    assert (
        aad["startOfSpeechSensitivity"] == "START_SENSITIVITY_LOW"
        and aad["silenceDurationMs"] == 500
    )
    decls = setup["tools"][-1]["functionDeclarations"]
    assert decls[1]["parametersJsonSchema"] == {
        "type": "object",
        "properties": {"tz": {"type": "string"}},
    }
    assert setup["contextWindowCompression"] == {
        "triggerTokens": 25600,
        "slidingWindow": {"targetTokens": 12800},
    }

    kind, body = p.parse_client_message(raw[1])
    assert kind == "realtimeInput" and body["audio"]["mimeType"] == "audio/pcm;rate=16000"
    pcm = p.decode_b64(body["audio"]["data"], "realtimeInput.audio.data")
    assert pcm[:256] == bytes(range(256)) and pcm[512:] == bytes(len(pcm) - 512)
    _, video = p.parse_client_message(raw[3])
    assert p.decode_b64(video["video"]["data"]) == b"\xff\xd8\xff\xe0JPEG"
    assert p.parse_client_message(raw[7]) == ("realtimeInput", {"audioStreamEnd": True})

    kind, body = p.parse_client_message(raw[9])
    assert kind == "toolResponse"
    responses = body["functionResponses"]
    assert responses[0]["scheduling"] == "INTERRUPT"
    assert responses[1]["response"] == {"output": {"time": "12:00", "snake_case_key": 1}}
    assert p.parse_client_message(raw[13]) == ("clientContent", {"turnComplete": True})
    assert p.parse_client_message(raw[10])[0] == "contextUpdate"


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("{}", "got keys []"),
        ('{"setup": {}, "clientContent": {}}', "got keys ['clientContent', 'setup']"),
        ('{"realtime_input": {}, "extra": 1}', "got keys ['extra', 'realtimeInput']"),
        (
            '{"bogus": {}}',
            "exactly one of setup, clientContent, realtimeInput, toolResponse, contextUpdate",
        ),
        ('{"setup": "models/m"}', "setup must be an object, got str"),
        ("[]", "frame must be a JSON object, got list"),
    ],
)
def test_parse_client_message_rejects_bad_frames(frame: str, message: str) -> None:
    with pytest.raises(ProtocolError, match=re.escape(message)):
        p.parse_client_message(frame)


def test_constants() -> None:
    assert (p.INPUT_RATE, p.OUTPUT_RATE) == (16000, 24000)
    assert p.CloseCode.INVALID_ARGUMENT == 1007 and p.CloseCode(1008).name == "POLICY_VIOLATION"
    assert p.CloseCode.describe(1011) == "INTERNAL_ERROR (1011)"
    assert p.CloseCode.describe(4000) == "4000"
    assert set(p.SERVER_MESSAGE_TYPES) == {*_parse._MESSAGE_HANDLERS, "usageMetadata"}
    assert p.__all__ == sorted(p.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in p.__all__:
        assert hasattr(p, name), name
