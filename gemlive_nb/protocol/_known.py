"""What this version reads of each wire object, and what it keeps of the rest. No I/O.

``KNOWN_FIELDS`` names, per wire object, the top-level fields an event models (an unknown
``serverContent`` key becomes an ``Unknown`` event); ``READ`` says, at every depth, what each
event reads, and :func:`unread` keeps everything else, in the wire's own shape, as the event's
``extra``: nothing the service sends is dropped. Example::

    extra_fields({"text": "Hi", "isFinal": True}, "transcription")   # {'isFinal': True}
    unread({"text": "Hi", "thoughtSignature": "c2ln"}, READ["textPart"])
    # {'thoughtSignature': 'c2ln'}
"""

from __future__ import annotations

from typing import Any

__all__ = ["KNOWN_FIELDS", "READ", "Spec", "extra_fields", "unread"]

# wire object -> the camelCase fields this version reads (the SDK's names; tests/protocol
# checks these against google-genai's types so a new server field cannot slip by unnoticed)
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "serverContent": frozenset({
        "modelTurn", "turnComplete", "interrupted", "groundingMetadata", "generationComplete",
        "inputTranscription", "outputTranscription", "urlContextMetadata", "turnCompleteReason",
        "waitingForInput", "interimInputTranscription", "interactionStatus",
    }),
    "transcription": frozenset({
        "text", "finished", "languageCode", "speakerLabel", "words", "startOffset", "endOffset",
    }),
    "word": frozenset({"word", "startOffset", "endOffset"}),
    "groundingMetadata": frozenset({
        "imageSearchQueries", "groundingChunks", "groundingSupports", "retrievalMetadata",
        "searchEntryPoint", "webSearchQueries", "googleMapsWidgetContextToken",
        "retrievalQueries", "sourceFlaggingUris",
    }),
    "urlContextMetadata": frozenset({"urlMetadata"}),
}  # fmt: skip


def extra_fields(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    """The entries of ``obj`` that ``KNOWN_FIELDS[kind]`` does not name."""
    known = KNOWN_FIELDS[kind]
    return {k: v for k, v in obj.items() if k not in known}


# What each event reads of its wire object, at every depth: a key maps to the spec of its
# value (applied to each item of a list), or to None when the value is read whole. ``unread``
# keeps everything else, in the wire's own shape, as the event's ``extra`` — so a field this
# version does not model (``thoughtSignature`` beside a part's text, a word's ``confidence``)
# reaches ``events.jsonl`` as the service sent it.
Spec = dict[str, "Spec | None"]
_WORD: Spec = {"word": None, "startOffset": None, "endOffset": None}
_SOURCE: Spec = {"title": None, "uri": None, "domain": None}
READ: dict[str, Spec] = {
    "transcription": {**dict.fromkeys(KNOWN_FIELDS["transcription"]), "words": _WORD},
    "textPart": {"text": None, "thought": None},
    "inlinePart": {"inlineData": {"mimeType": None, "data": None}},
    "groundingMetadata": {
        "groundingChunks": dict.fromkeys(("web", "retrievedContext", "maps", "image"), _SOURCE),
        "groundingSupports": {
            "segment": {"text": None, "startIndex": None, "endIndex": None},
            "groundingChunkIndices": None,
            "confidenceScores": None,
        },
        "searchEntryPoint": {"renderedContent": None},
        "webSearchQueries": None,
        "retrievalQueries": None,
        "imageSearchQueries": None,
    },
    "urlContextMetadata": {"urlMetadata": {"retrievedUrl": None, "urlRetrievalStatus": None}},
    "setupComplete": {"sessionId": None, "voiceConsentSignature": {"signature": None}},
    "toolCall": {
        "functionCalls": dict.fromkeys(("id", "name", "args", "partialArgs", "willContinue"))
    },
    "toolCallCancellation": {"ids": None},
    "goAway": {"timeLeft": None},
    "sessionResumptionUpdate": dict.fromkeys(
        ("newHandle", "resumable", "lastConsumedClientMessageIndex")
    ),
}


def unread(value: Any, spec: Spec | None) -> Any:
    """The parts of ``value`` that ``spec`` does not read, in the same shape (see ``READ``).

    Example::

        unread({"text": "Hi", "thoughtSignature": "c2ln"}, READ["textPart"])
        # {'thoughtSignature': 'c2ln'}
    """
    if spec is None:
        return {}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in spec:
                out[key] = item
            else:
                rest = unread(item, spec[key])
                if rest:
                    out[key] = rest
        return out
    if isinstance(value, list):
        items = [unread(item, spec) for item in value]
        return items if any(items) else []
    return {}  # a scalar where an object may stand (a signature as a plain string): read
