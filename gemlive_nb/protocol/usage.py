"""Token usage in one shape for Google's, Vertex's and the mixroute proxy's ``usageMetadata``.

How the kit totals usage — the one rule, used by a turn and by a recording:

- **Each ``usageMetadata`` counts once, as the usage of the generation it closes; totals add
  them up** (``Usage.__add__``; a turn's usage is the sum of its messages, a recording's the sum
  of its turns). Evidence: the real frames recorded in August 2026 (pydantic/pydantic-ai
  ``tests/realtime/cassettes/``, MIT; converted in ``tests/data/cassettes/``) carry one
  ``usageMetadata`` per ``turnComplete``, in the same message, for 2.5 native audio, 3.1 and
  Vertex; a second turn's counts are that turn's alone (its ``totalTokenCount`` is its own
  prompt plus response, not the session's running total), so adding never double-counts.
- **Vertex closes a tool-call turn twice** (the same recordings): two ``turnComplete`` messages,
  each with the usage of its own generation (the tool call, then the spoken answer); both are
  billed, so one user turn's usage is their sum.
- Vertex names the response ``candidatesTokenCount``/``candidatesTokensDetails`` (PROTOCOL.md
  §3; the SDK maps them), the mixroute proxy ``inputTokenCount``/``outputTokenCount`` with
  ``{textTokens, audioTokens}`` details (its docs): read into the same fields. 3.1 may leave
  out ``responseTokenCount`` (recorded: a seeded-history turn with only the prompt count); it
  stays None (unknown), never 0.
- 3.1 "also sends usage-only messages with an empty ``serverContent``" (PROTOCOL.md, a
  third-party report): read the same way, once each. No public frame shows counts that run up
  cumulatively within a turn, so the kit does not subtract (unverified).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..exceptions import ProtocolError
from ._codec import as_count, as_list, as_object, normalize_keys, opt_str
from ._known import Spec, unread
from .constants import DIALECTS
from .events import Event

# (field, wire keys in preference order): the first key present wins (PROTOCOL.md §7).
_USAGE_COUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prompt_tokens", ("promptTokenCount", "inputTokenCount")),
    ("response_tokens", ("responseTokenCount", "candidatesTokenCount", "outputTokenCount")),
    ("total_tokens", ("totalTokenCount",)),
    ("cached_tokens", ("cachedContentTokenCount",)),
    ("thoughts_tokens", ("thoughtsTokenCount",)),
    ("tool_use_prompt_tokens", ("toolUsePromptTokenCount",)),
)
_USAGE_DETAILS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prompt_details", ("promptTokensDetails", "inputTokenDetails")),
    (
        "response_details",
        ("responseTokensDetails", "candidatesTokensDetails", "outputTokenDetails"),
    ),
    ("cache_details", ("cacheTokensDetails",)),
    ("tool_use_prompt_details", ("toolUsePromptTokensDetails",)),
)
_USAGE_LABELS: tuple[tuple[str, str], ...] = (
    ("traffic_type", "trafficType"),
    ("service_tier", "serviceTier"),
)
_MIXROUTE_KEYS = frozenset(
    {"inputTokenCount", "outputTokenCount", "inputTokenDetails", "outputTokenDetails"}
)
_VERTEX_KEYS = frozenset({"candidatesTokenCount", "candidatesTokensDetails", "trafficType"})


def _read_spec(d: dict[str, Any]) -> Spec:
    """What :meth:`Usage.from_dict` reads of ``d`` (the rest is kept as ``extra``)."""
    spec: Spec = {key: None for _, keys in _USAGE_COUNTS for key in keys}
    spec.update((key, None) for _, key in _USAGE_LABELS)
    for _, keys in _USAGE_DETAILS:
        for key in keys:  # a mixroute dict is read whole; Google's list item by item
            spec[key] = None if isinstance(d.get(key), dict) else _DETAIL_ITEM
    return spec


_DETAIL_ITEM: Spec = {"modality": None, "tokenCount": None}


def _details(value: Any, path: str) -> dict[str, int]:
    """``[{modality, tokenCount}]`` (Google) or ``{textTokens, audioTokens}`` (mixroute)."""
    out: dict[str, int] = {}
    if isinstance(value, dict):
        for key, n in value.items():
            name = key[: -len("Tokens")] if key.endswith("Tokens") else key
            out[name.lower()] = out.get(name.lower(), 0) + (as_count(n, f"{path}.{key}") or 0)
        return out
    for i, item in enumerate(as_list(value, path)):
        item = as_object(item, f"{path}[{i}]")
        modality = opt_str(item.get("modality"), f"{path}[{i}].modality") or "unspecified"
        n = as_count(item.get("tokenCount"), f"{path}[{i}].tokenCount") or 0  # proto3 omits 0
        out[modality.lower()] = out.get(modality.lower(), 0) + n
    return out


def _add_counts(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _add_details(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for key, n in b.items():
        out[key] = out.get(key, 0) + n
    return out


@dataclass(frozen=True, slots=True)
class Usage(Event):
    """Token usage, one shape for Google's, Vertex's and the mixroute proxy's ``usageMetadata``.

    Counts are None when the service did not send them (unknown, not zero). Details map a
    lower-case modality (``'text'``, ``'audio'``, …) to tokens. Example::

        u = Usage.from_dict({"inputTokenCount": 10, "outputTokenCount": 5, "totalTokenCount": 15})
        u.prompt_tokens, u.dialect            # (10, 'mixroute')
        u.to_dict("google")["responseTokenCount"]   # 5
        (u + u).total_tokens                  # 30
    """

    prompt_tokens: int | None = None
    response_tokens: int | None = None
    total_tokens: int | None = None
    cached_tokens: int | None = None
    thoughts_tokens: int | None = None
    tool_use_prompt_tokens: int | None = None
    prompt_details: dict[str, int] = field(default_factory=dict)
    response_details: dict[str, int] = field(default_factory=dict)
    dialect: str = "google"
    cache_details: dict[str, int] = field(default_factory=dict, kw_only=True)
    tool_use_prompt_details: dict[str, int] = field(default_factory=dict, kw_only=True)
    traffic_type: str | None = field(default=None, kw_only=True)
    service_tier: str | None = field(default=None, kw_only=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "usageMetadata") -> Usage:
        """Read a ``usageMetadata`` object in any dialect and either key casing."""
        d = normalize_keys(as_object(data, path))
        values: dict[str, Any] = {}
        for name, keys in _USAGE_COUNTS:
            key = next((k for k in keys if k in d), None)
            values[name] = None if key is None else as_count(d[key], f"{path}.{key}")
        for name, keys in _USAGE_DETAILS:
            key = next((k for k in keys if k in d), None)
            values[name] = {} if key is None else _details(d[key], f"{path}.{key}")
        for name, key in _USAGE_LABELS:
            values[name] = opt_str(d.get(key), f"{path}.{key}")
        dialect = "mixroute" if _MIXROUTE_KEYS & d.keys() else "google"
        if dialect == "google" and _VERTEX_KEYS & d.keys():
            dialect = "vertex"
        return cls(**values, dialect=dialect, raw=d, extra=unread(d, _read_spec(d)))

    def to_dict(self, dialect: str | None = None) -> dict[str, Any]:
        """The wire shape in ``dialect`` ('google', 'vertex' or 'mixroute'; default: own).

        Unknown (None) counts and empty details are left out.
        """
        dialect = self.dialect if dialect is None else dialect
        if dialect not in DIALECTS:
            raise ProtocolError(f"dialect must be one of {', '.join(DIALECTS)}, got {dialect!r}")
        if dialect == "mixroute":
            pairs: list[tuple[str, Any]] = [
                ("totalTokenCount", self.total_tokens),
                ("inputTokenCount", self.prompt_tokens),
                ("outputTokenCount", self.response_tokens),
                ("inputTokenDetails", {f"{k}Tokens": n for k, n in self.prompt_details.items()}),
                ("outputTokenDetails", {f"{k}Tokens": n for k, n in self.response_details.items()}),
                ("cachedContentTokenCount", self.cached_tokens),
                ("toolUsePromptTokenCount", self.tool_use_prompt_tokens),
                ("thoughtsTokenCount", self.thoughts_tokens),
            ]
        else:
            out_key = "candidates" if dialect == "vertex" else "response"
            pairs = [
                ("promptTokenCount", self.prompt_tokens),
                ("cachedContentTokenCount", self.cached_tokens),
                (f"{out_key}TokenCount", self.response_tokens),
                ("toolUsePromptTokenCount", self.tool_use_prompt_tokens),
                ("thoughtsTokenCount", self.thoughts_tokens),
                ("totalTokenCount", self.total_tokens),
                ("promptTokensDetails", _details_list(self.prompt_details)),
                (f"{out_key}TokensDetails", _details_list(self.response_details)),
                ("cacheTokensDetails", _details_list(self.cache_details)),
                ("toolUsePromptTokensDetails", _details_list(self.tool_use_prompt_details)),
                ("trafficType", self.traffic_type),
                ("serviceTier", self.service_tier),
            ]
        return {k: v for k, v in pairs if v is not None and v != {} and v != []}

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        summed = Usage(
            prompt_tokens=_add_counts(self.prompt_tokens, other.prompt_tokens),
            response_tokens=_add_counts(self.response_tokens, other.response_tokens),
            total_tokens=_add_counts(self.total_tokens, other.total_tokens),
            cached_tokens=_add_counts(self.cached_tokens, other.cached_tokens),
            thoughts_tokens=_add_counts(self.thoughts_tokens, other.thoughts_tokens),
            tool_use_prompt_tokens=_add_counts(
                self.tool_use_prompt_tokens, other.tool_use_prompt_tokens
            ),
            prompt_details=_add_details(self.prompt_details, other.prompt_details),
            response_details=_add_details(self.response_details, other.response_details),
            dialect=self.dialect,
            cache_details=_add_details(self.cache_details, other.cache_details),
            tool_use_prompt_details=_add_details(
                self.tool_use_prompt_details, other.tool_use_prompt_details
            ),
            traffic_type=self.traffic_type or other.traffic_type,
            service_tier=self.service_tier or other.service_tier,
        )
        object.__setattr__(summed, "raw", summed.to_dict())
        return summed

    def __radd__(self, other: object) -> Usage:
        if other == 0:  # so that sum(usages) works
            return self
        return NotImplemented


def _details_list(details: dict[str, int]) -> list[dict[str, Any]]:
    return [{"modality": k.upper(), "tokenCount": n} for k, n in details.items()]
