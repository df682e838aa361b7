"""Every field of the SDK's server message types is read into a typed event (or listed here as
not applicable, with the reason), and a field this version does not know is never dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.genai import types

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recorder, Recording

# SDK type -> the fields this version reads (camelCase)
READ: dict[type, frozenset[str]] = {
    types.LiveServerMessage: frozenset({*p.SERVER_MESSAGE_TYPES, "usageMetadata"}),
    types.LiveServerContent: p.KNOWN_FIELDS["serverContent"],
    types.Transcription: p.KNOWN_FIELDS["transcription"],
    types.WordInfo: p.KNOWN_FIELDS["word"],
    types.GroundingMetadata: p.KNOWN_FIELDS["groundingMetadata"],
    types.UrlContextMetadata: p.KNOWN_FIELDS["urlContextMetadata"],
    types.LiveServerSetupComplete: frozenset({"sessionId", "voiceConsentSignature"}),
    types.LiveServerToolCall: frozenset({"functionCalls"}),
    types.FunctionCall: frozenset({"id", "name", "args", "partialArgs", "willContinue"}),
    types.LiveServerGoAway: frozenset({"timeLeft"}),
    types.LiveServerSessionResumptionUpdate: frozenset(
        {"newHandle", "resumable", "lastConsumedClientMessageIndex"}
    ),
    types.VoiceActivity: frozenset({"voiceActivityType", "audioOffset"}),  # wire: "type"
    types.VoiceActivityDetectionSignal: frozenset({"vadSignalType"}),
    types.UsageMetadata: frozenset(
        {
            "promptTokenCount",
            "cachedContentTokenCount",
            "responseTokenCount",
            "toolUsePromptTokenCount",
            "thoughtsTokenCount",
            "totalTokenCount",
            "promptTokensDetails",
            "cacheTokensDetails",
            "responseTokensDetails",
            "toolUsePromptTokensDetails",
            "trafficType",
            "serviceTier",
        }
    ),
}
# Fields kept only in ``raw`` / ``extra``, with the reason they get no typed attribute.
NOT_APPLICABLE = {
    "GroundingMetadata.googleMapsWidgetContextToken": "a Maps widget token; kept in raw",
    "GroundingMetadata.retrievalMetadata": "a dynamic-retrieval score; kept in raw",
    "GroundingMetadata.sourceFlaggingUris": "Maps review-flagging links; kept in raw",
}


@pytest.mark.parametrize("sdk_type", list(READ), ids=lambda t: t.__name__)
def test_every_sdk_server_field_is_read(sdk_type: type) -> None:
    missing = []
    for name in sdk_type.model_fields:
        camel = p.to_camel(name)
        if camel not in READ[sdk_type] and f"{sdk_type.__name__}.{camel}" not in NOT_APPLICABLE:
            missing.append(camel)
    assert not missing, (
        f"{sdk_type.__name__} has fields gemlive_nb does not read: {missing} — give them a typed "
        "event field (protocol/_known.py KNOWN_FIELDS) or a reason in NOT_APPLICABLE"
    )


CONTENT = {
    "serverContent": {
        "interimInputTranscription": {"text": "wha"},
        "inputTranscription": {
            "text": "what time", "languageCode": "en-US", "speakerLabel": "spk-1",
            "words": [{"word": "what", "startOffset": "0.1s", "endOffset": "0.4s"}],
            "startOffset": "0.1s", "endOffset": "0.9s", "confidence": 0.8,
        },
        "groundingMetadata": {
            "webSearchQueries": ["time in Paris"],
            "groundingChunks": [{"web": {"uri": "https://a.example", "title": "A", "domain": "a"}}],
            "groundingSupports": [{
                "segment": {"startIndex": 0, "endIndex": 9, "text": "It is 3pm"},
                "groundingChunkIndices": [0], "confidenceScores": [0.9],
            }],
            "searchEntryPoint": {"renderedContent": "<div>chips</div>"},
        },
        "urlContextMetadata": {"urlMetadata": [
            {"retrievedUrl": "https://b.example",
             "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_SUCCESS"}
        ]},
        "interactionStatus": "IDLE",
        "turnCompleteReason": "NEED_MORE_INPUT",
        "brandNewField": {"x": 1},
    },
    "usageMetadata": {"totalTokenCount": 3, "serviceTier": "standard",
                      "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 2}]},
}  # fmt: skip


def test_every_server_content_field_becomes_a_typed_event() -> None:
    events = p.parse_server_message(json.dumps(CONTENT))
    kinds = [type(e).__name__ for e in events]
    assert kinds == [
        "InterimInputTranscript", "InputTranscript", "GroundingMetadata", "UrlContextMetadata",
        "InteractionStatus", "Unknown", "TurnCompleteReason", "Usage",
    ]  # fmt: skip
    interim, said, grounding, urls, status, unknown, reason, usage = events
    assert not isinstance(interim, p.InputTranscript)  # provisional words are not the turn's
    assert (said.language_code, said.speaker, said.start, said.end) == ("en-US", "spk-1", 0.1, 0.9)
    assert said.words == (p.Word("what", 0.1, 0.4),)
    assert said.extra == {"confidence": 0.8}
    assert grounding.queries == ("time in Paris",)
    assert grounding.sources == (p.GroundingSource("A", "https://a.example", "a", "web"),)
    assert grounding.supports == (p.GroundingSupport("It is 3pm", 0, 9, (0,), (0.9,)),)
    assert grounding.search_entry_point == "<div>chips</div>"
    assert urls.urls == (p.UrlStatus("https://b.example", "URL_RETRIEVAL_STATUS_SUCCESS"),)
    assert status.status == "IDLE" and reason.reason == "NEED_MORE_INPUT"
    assert unknown.key == "serverContent.brandNewField" and unknown.raw == {"x": 1}
    assert usage.service_tier == "standard" and usage.cache_details == {"text": 2}


def test_turn_complete_carries_its_reason_once() -> None:
    events = p.parse_server_message(
        '{"serverContent":{"turnComplete":true,"turnCompleteReason":"NEED_MORE_INPUT"}}'
    )
    assert events == [p.TurnComplete("NEED_MORE_INPUT")]


def test_streamed_function_call_arguments_are_read() -> None:
    frame = {"toolCall": {"functionCalls": [{
        "id": "c1", "name": "f", "partialArgs": [{"jsonPath": "$.city", "stringValue": "Pa"}],
        "willContinue": True,
    }]}}  # fmt: skip
    (call,) = p.parse_server_message(json.dumps(frame))[0].calls
    assert call.partial_args == ({"jsonPath": "$.city", "stringValue": "Pa"},)
    assert call.will_continue is True and call.args == {}


def test_unknown_fields_reach_the_saved_event_log(tmp_path: Any) -> None:
    rec = Recorder()
    for event in p.parse_server_message(json.dumps(CONTENT)):
        rec.on_event(event, 0.5)
    saved = Recording.load(rec.recording.save(tmp_path / "rec"))
    by_type = {e["type"]: e for e in saved.events if "type" in e}
    assert by_type["InputTranscript"]["extra"] == {"confidence": 0.8}
    assert by_type["Unknown"]["raw"] == {"x": 1}
    assert by_type["GroundingMetadata"]["search_entry_point"] == "<div>chips</div>"
    assert "extra" not in by_type["InteractionStatus"]  # nothing unknown: nothing added


def test_vad_signals_date_the_users_speech_like_voice_activity() -> None:
    rec = Recorder(clock=lambda: 0.0)
    rec.begin_turn(user_text=None, expect_reply=True)
    for frame, t in (
        ('{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_SOS"}}', 1.0),
        ('{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_EOS"}}', 2.5),
    ):
        for event in p.parse_server_message(frame):
            assert isinstance(event, p.VoiceActivitySignal)
            rec.on_event(event, t)
    turn = rec.turns[-1]
    assert (turn.t_user_start, turn.t_user_end, turn.latency_source) == (1.0, 2.5, "server_vad")
