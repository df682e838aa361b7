"""Reading ``serverContent`` (PROTOCOL.md §3): the model's turn, transcripts, grounding, status.

What is read of each object is in :mod:`._known` (``KNOWN_FIELDS``, ``READ``); anything else on
an object is kept on its event as ``extra`` (and ``raw``), and an unknown ``serverContent`` key
becomes an :class:`~gemlive_nb.protocol.Unknown` event — nothing the service sends is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exceptions import ProtocolError
from ._codec import as_flag, as_list, as_object, decode_b64, opt_flag, opt_str, wire_seconds
from ._known import KNOWN_FIELDS, READ, extra_fields, unread
from .constants import OUTPUT_RATE
from .events import (
    AudioChunk,
    CodePart,
    Event,
    GenerationComplete,
    GroundingMetadata,
    GroundingSource,
    GroundingSupport,
    InlineData,
    InputTranscript,
    InteractionStatus,
    InterimInputTranscript,
    Interrupted,
    OutputTranscript,
    TextPart,
    Transcript,
    TurnComplete,
    TurnCompleteReason,
    Unknown,
    UrlContextMetadata,
    UrlStatus,
    WaitingForInput,
    Word,
)

__all__ = ["server_content"]


def _audio_rate(mime_type: str, path: str) -> int:
    """The ``rate=`` parameter of an ``audio/pcm`` mime type (24000 when absent)."""
    for param in mime_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "rate":
            value = value.strip()
            if not value.isdecimal() or not 0 < int(value) < 10_000_000:
                raise ProtocolError(f"{path} has a bad rate {value!r}: expected e.g. rate=24000")
            return int(value)
    return OUTPUT_RATE


_PCM_MIME_PREFIXES = ("audio/pcm", "audio/l16")


def _part_inline(value: Any, part: dict[str, Any], path: str) -> Event:
    blob = as_object(value, path)
    mime = opt_str(blob.get("mimeType"), f"{path}.mimeType") or ""
    data = decode_b64(blob.get("data") or "", f"{path}.data")
    extra = unread(part, READ["inlinePart"])
    if mime.lower().startswith(_PCM_MIME_PREFIXES):
        rate = _audio_rate(mime, f"{path}.mimeType")
        return AudioChunk(data, rate, mime, raw=part, extra=extra)
    return InlineData(data, mime, raw=part, extra=extra)


def _part_text(value: Any, part: dict[str, Any], path: str) -> Event:
    text = opt_str(value, path) or ""
    thought = as_flag(part.get("thought"), path.rpartition(".")[0] + ".thought")
    return TextPart(text, thought, raw=part, extra=unread(part, READ["textPart"]))


def _part_code(kind: str) -> Callable[[Any, dict[str, Any], str], Event]:
    def handler(value: Any, part: dict[str, Any], path: str) -> Event:
        # CodePart models only its kind: the code or result and any sibling reach ``extra``
        return CodePart(kind, raw=as_object(value, path), extra=unread(part, {}))

    return handler


_PART_HANDLERS: dict[str, Callable[[Any, dict[str, Any], str], Event]] = {
    "text": _part_text,
    "inlineData": _part_inline,
    "executableCode": _part_code("executableCode"),
    "codeExecutionResult": _part_code("codeExecutionResult"),
}

Events = list[Event]
_ContentHandler = Callable[[Any, dict[str, Any], str], Events]


def _model_turn(value: Any, content: dict[str, Any], path: str) -> Events:
    events: Events = []
    turn = as_object(value, path)
    for i, part in enumerate(as_list(turn.get("parts"), f"{path}.parts")):
        where = f"{path}.parts[{i}]"
        part = as_object(part, where)
        key = next((k for k in part if k in _PART_HANDLERS), None)
        if key is not None:
            events.append(_PART_HANDLERS[key](part[key], part, f"{where}.{key}"))
        elif part:
            events.append(Unknown(f"modelTurn.parts.{next(iter(part))}", raw=part))
    for key, item in turn.items():  # fields beside parts; "role" is always "model" (real frames)
        if key not in ("parts", "role"):
            events.append(
                Unknown(f"modelTurn.{key}", raw=item if isinstance(item, dict) else {key: item})
            )
    return events


def _words(value: Any, path: str) -> tuple[Word, ...]:
    words = []
    for i, item in enumerate(as_list(value, path)):
        w = as_object(item, f"{path}[{i}]")
        words.append(
            Word(
                opt_str(w.get("word"), f"{path}[{i}].word") or "",
                wire_seconds(w.get("startOffset"), f"{path}[{i}].startOffset"),
                wire_seconds(w.get("endOffset"), f"{path}[{i}].endOffset"),
            )
        )
    return tuple(words)


def _transcript(cls: type[Transcript]) -> _ContentHandler:
    def handler(value: Any, content: dict[str, Any], path: str) -> Events:
        t = as_object(value, path)
        return [
            cls(
                opt_str(t.get("text"), f"{path}.text") or "",
                opt_flag(t.get("finished"), f"{path}.finished"),
                language_code=opt_str(t.get("languageCode"), f"{path}.languageCode"),
                speaker=opt_str(t.get("speakerLabel"), f"{path}.speakerLabel"),
                words=_words(t.get("words"), f"{path}.words"),
                start=wire_seconds(t.get("startOffset"), f"{path}.startOffset"),
                end=wire_seconds(t.get("endOffset"), f"{path}.endOffset"),
                raw=t,
                extra=unread(t, READ["transcription"]),
            )
        ]

    return handler


def _flag_event(cls: type[Event]) -> _ContentHandler:
    def handler(value: Any, content: dict[str, Any], path: str) -> Events:
        return [cls(raw=content)] if as_flag(value, path) else []

    return handler


def _turn_complete(value: Any, content: dict[str, Any], path: str) -> Events:
    if not as_flag(value, path):
        return []
    reason = opt_str(content.get("turnCompleteReason"), "serverContent.turnCompleteReason")
    return [TurnComplete(reason, raw=content)]


def _turn_complete_reason(value: Any, content: dict[str, Any], path: str) -> Events:
    reason = opt_str(value, path)
    if not reason or content.get("turnComplete") is True:
        return []  # said on the TurnComplete event itself
    return [TurnCompleteReason(reason, raw=content)]


def _interaction_status(value: Any, content: dict[str, Any], path: str) -> Events:
    status = opt_str(value, path)
    return [InteractionStatus(status, raw=content)] if status else []


def _strings(value: Any, path: str) -> tuple[str, ...]:
    items = as_list(value, path)
    for i, q in enumerate(items):
        opt_str(q, f"{path}[{i}]")
    return tuple(q for q in items if q is not None)


def _grounding_sources(g: dict[str, Any], path: str) -> tuple[GroundingSource, ...]:
    sources = []
    for i, chunk in enumerate(as_list(g.get("groundingChunks"), f"{path}.groundingChunks")):
        where = f"{path}.groundingChunks[{i}]"
        for key, source in as_object(chunk, where).items():  # web | retrievedContext | maps | image
            if isinstance(source, dict):
                sources.append(
                    GroundingSource(
                        opt_str(source.get("title"), f"{where}.{key}.title"),
                        opt_str(source.get("uri"), f"{where}.{key}.uri"),
                        opt_str(source.get("domain"), f"{where}.{key}.domain"),
                        key,
                    )
                )
                break
    return tuple(sources)


def _grounding_supports(g: dict[str, Any], path: str) -> tuple[GroundingSupport, ...]:
    supports = []
    for i, item in enumerate(as_list(g.get("groundingSupports"), f"{path}.groundingSupports")):
        where = f"{path}.groundingSupports[{i}]"
        s = as_object(item, where)
        segment = as_object(s.get("segment"), f"{where}.segment")
        indices = as_list(s.get("groundingChunkIndices"), f"{where}.groundingChunkIndices")
        scores = as_list(s.get("confidenceScores"), f"{where}.confidenceScores")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in indices):
            raise ProtocolError(f"{where}.groundingChunkIndices must hold integers")
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in scores):
            raise ProtocolError(f"{where}.confidenceScores must hold numbers")
        start, end = segment.get("startIndex"), segment.get("endIndex")
        for name, v in (("startIndex", start), ("endIndex", end)):
            if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                raise ProtocolError(f"{where}.segment.{name} must be an integer")
        supports.append(
            GroundingSupport(
                opt_str(segment.get("text"), f"{where}.segment.text"),
                start,
                end,
                tuple(indices),
                tuple(float(x) for x in scores),
            )
        )
    return tuple(supports)


def _grounding(value: Any, content: dict[str, Any], path: str) -> Events:
    g = as_object(value, path)
    entry = as_object(g.get("searchEntryPoint"), f"{path}.searchEntryPoint")
    return [
        GroundingMetadata(
            _grounding_sources(g, path),
            _strings(g.get("webSearchQueries"), f"{path}.webSearchQueries"),
            _grounding_supports(g, path),
            opt_str(entry.get("renderedContent"), f"{path}.searchEntryPoint.renderedContent"),
            _strings(g.get("retrievalQueries"), f"{path}.retrievalQueries"),
            _strings(g.get("imageSearchQueries"), f"{path}.imageSearchQueries"),
            raw=g,
            extra=unread(g, READ["groundingMetadata"]),
        )
    ]


def _url_context(value: Any, content: dict[str, Any], path: str) -> Events:
    body = as_object(value, path)
    urls = []
    for i, item in enumerate(as_list(body.get("urlMetadata"), f"{path}.urlMetadata")):
        u = as_object(item, f"{path}.urlMetadata[{i}]")
        urls.append(
            UrlStatus(
                opt_str(u.get("retrievedUrl"), f"{path}.urlMetadata[{i}].retrievedUrl"),
                opt_str(u.get("urlRetrievalStatus"), f"{path}.urlMetadata[{i}].status"),
            )
        )
    return [
        UrlContextMetadata(tuple(urls), raw=body, extra=unread(body, READ["urlContextMetadata"]))
    ]


# Table order is event order inside one serverContent (the order the service sends them in).
_CONTENT_HANDLERS: dict[str, _ContentHandler] = {
    "interimInputTranscription": _transcript(InterimInputTranscript),
    "inputTranscription": _transcript(InputTranscript),
    "modelTurn": _model_turn,
    "outputTranscription": _transcript(OutputTranscript),
    "interrupted": _flag_event(Interrupted),
    "generationComplete": _flag_event(GenerationComplete),
    "groundingMetadata": _grounding,
    "urlContextMetadata": _url_context,
    "interactionStatus": _interaction_status,
    "waitingForInput": _flag_event(WaitingForInput),
    "turnCompleteReason": _turn_complete_reason,
    "turnComplete": _turn_complete,
}
assert set(_CONTENT_HANDLERS) == KNOWN_FIELDS["serverContent"]


# The keys that close a turn: their events come last, after any field this version does not
# know, so that the message's usage (parsed right after) meets its TurnComplete.
_CLOSING = ("turnCompleteReason", "turnComplete")


def server_content(value: Any, path: str) -> Events:
    """The events of one ``serverContent`` object, in the order the service means them."""
    content = as_object(value, path)
    events: Events = []
    for key, handler in _CONTENT_HANDLERS.items():
        if key in content and key not in _CLOSING:
            events.extend(handler(content[key], content, f"{path}.{key}"))
    for key, item in extra_fields(content, "serverContent").items():
        events.append(
            Unknown(f"serverContent.{key}", raw=item if isinstance(item, dict) else {key: item})
        )
    for key in _CLOSING:
        if key in content:
            events.extend(_CONTENT_HANDLERS[key](content[key], content, f"{path}.{key}"))
    return events
