"""What the Live API offers: the 30 voices, the 24 languages and the known models.

Lookups are case-insensitive; an unknown name raises :class:`ConfigError` with the closest
matches. Model entries carry the capabilities that shape a valid setup, derived from the
service rules table (:mod:`gemlive_nb.protocol.service_rules`, each rule with its public source).

Example::

    import gemlive_nb as gl
    gl.VOICES["zephyr"].style          # 'Bright'
    gl.LANGUAGES["German"].code        # 'de-DE'
    gl.MODELS["gemini-live-2.5-flash-native-audio"].accepts_language_code
    gl.MODELS["gemini-3.1-flash-live-preview"].text_route   # 'realtime_text'
    gl.VOICES["Zephir"]    # ConfigError: unknown voice 'Zephir' — did you mean 'Zephyr'?
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Generic, TypeVar

from .exceptions import ConfigError
from .protocol.service_rules import ModelRules, all_rules, rules_for

__all__ = [
    "DEFAULT_GOOGLE_MODEL",
    "DEFAULT_LANGUAGE",
    "DEFAULT_MIXROUTE_MODEL",
    "DEFAULT_VOICE",
    "LANGUAGES",
    "LANGUAGE_CODES",
    "MODELS",
    "VOICES",
    "Catalog",
    "Language",
    "Model",
    "Voice",
    "bare_model",
    "closest",
    "normalize_language_code",
    "unknown_name_error",
]


@dataclass(frozen=True)
class Voice:
    """A prebuilt voice: its name as the API spells it and its style."""

    name: str
    style: str


@dataclass(frozen=True)
class Language:
    """A supported language: BCP-47 code and display name."""

    code: str
    name: str

    @property
    def base(self) -> str:
        """The language part of the code (``'de'`` for ``'de-DE'``)."""
        return self.code.split("-")[0].lower()


@dataclass(frozen=True)
class Model:
    """A Live model and what it accepts, derived from its service rules.

    The rules' one home is :mod:`gemlive_nb.protocol.service_rules`, each with a public source.

    - ``accepts_language_code``: ``speechConfig.languageCode`` is honoured (native-audio models
      on Google's endpoint pick the language themselves and may reject it).
    - ``text_modality``: ``responseModalities: ["TEXT"]`` is allowed.
    - ``affective_dialog`` / ``proactive_audio``: available, on the v1alpha API.
    - ``non_blocking_tools``: ``behavior: NON_BLOCKING`` and response ``scheduling`` work.
    - ``client_content_after_first_turn``: ``clientContent`` may be sent mid-session under every
      dated regime of the service's rules (3.1 took it only as initial history at launch).
    - ``translation``: speech translation (``translationConfig``) is configurable.
    - ``code_execution`` / ``url_context``: those built-in tools work; ``thinking`` is
      ``"budget"``, ``"level"`` or ``"none"`` (which thinking config the model takes).

    ``rules`` is the full entry with sources and dated regimes. Build entries with
    :meth:`from_rules`, never by hand: the flags must not drift from the rules.
    """

    name: str
    description: str
    native_audio: bool
    accepts_language_code: bool
    text_modality: bool
    affective_dialog: bool
    proactive_audio: bool
    non_blocking_tools: bool
    client_content_after_first_turn: bool
    context_window: int
    endpoints: tuple[str, ...]
    current: bool = True
    translation: bool = False
    code_execution: bool = False
    url_context: bool = False
    thinking: str = "none"

    @classmethod
    def from_rules(cls, rules: ModelRules) -> Model:
        """The catalog entry of one model's service rules."""
        return cls(
            name=rules.name,
            description=rules.description,
            native_audio=rules.native_audio.value,
            accepts_language_code=rules.language_code.value,
            text_modality=rules.text_modality.value,
            affective_dialog=rules.affective_dialog.value,
            proactive_audio=rules.proactive_audio.value,
            non_blocking_tools=rules.non_blocking_tools.value,
            client_content_after_first_turn=not rules.turns_only_as_history,
            context_window=rules.context_window.value,
            endpoints=rules.endpoints,
            current=rules.current,
            translation=rules.translation.value,
            code_execution=rules.code_execution.value,
            url_context=rules.url_context.value,
            thinking=rules.thinking.value,
        )

    @property
    def rules(self) -> ModelRules:
        """This model's service rules (sources, dated regimes, the service's refusals)."""
        found = rules_for(self.name)
        if found is None:  # only a hand-built entry gets here
            raise ConfigError(f"model {self.name!r} has no service rules; use MODELS[name]")
        return found

    @property
    def text_route(self) -> str:
        """How user text goes mid-conversation: ``'client_content'`` or ``'realtime_text'``."""
        return self.rules.text_route


VOICES_TABLE: tuple[tuple[str, str], ...] = (
    ("Zephyr", "Bright"), ("Puck", "Cheerful"), ("Charon", "Informative"),
    ("Kore", "Firm"), ("Fenrir", "Excited"), ("Leda", "Youthful"),
    ("Orus", "Firm"), ("Aoede", "Light"), ("Callirrhoe", "Easy-going"),
    ("Autonoe", "Bright"), ("Enceladus", "Breathy"), ("Iapetus", "Clear"),
    ("Umbriel", "Relaxed"), ("Algieba", "Smooth"), ("Despina", "Flowing"),
    ("Erinome", "Clear"), ("Algenib", "Raspy"), ("Rasalgethi", "Informative"),
    ("Laomedeia", "Cheerful"), ("Achernar", "Soft"), ("Alnilam", "Strong"),
    ("Schedar", "Steady"), ("Gacrux", "Mature"), ("Pulcherrima", "Positive"),
    ("Achird", "Friendly"), ("Zubenelgenubi", "Casual"), ("Vindemiatrix", "Gentle"),
    ("Sadachbia", "Lively"), ("Sadaltager", "Scholarly"), ("Sulafat", "Warm"),
)  # fmt: skip

LANGUAGES_TABLE: tuple[tuple[str, str], ...] = (
    ("ar-EG", "Arabic (Egypt)"), ("de-DE", "German (Germany)"), ("en-US", "English (US)"),
    ("es-US", "Spanish (US)"), ("fr-FR", "French (France)"), ("hi-IN", "Hindi (India)"),
    ("id-ID", "Indonesian"), ("it-IT", "Italian (Italy)"), ("ja-JP", "Japanese (Japan)"),
    ("ko-KR", "Korean (Korea)"), ("pt-BR", "Portuguese (Brazil)"), ("ru-RU", "Russian (Russia)"),
    ("nl-NL", "Dutch (Netherlands)"), ("pl-PL", "Polish (Poland)"), ("th-TH", "Thai (Thailand)"),
    ("tr-TR", "Turkish (Turkey)"), ("vi-VN", "Vietnamese (Vietnam)"), ("ro-RO", "Romanian"),
    ("uk-UA", "Ukrainian"), ("bn-BD", "Bengali"), ("en-IN", "English (India)"),
    ("mr-IN", "Marathi (India)"), ("ta-IN", "Tamil (India)"), ("te-IN", "Telugu (India)"),
    ("zh-CN", "Chinese (Simplified)"),
)  # fmt: skip

# The wider list of base language codes the docs name (PROTOCOL.md §5); accepted as well.
LANGUAGE_CODES: frozenset[str] = frozenset(
    """af ak sq am ar hy as az eu be bn bs bg my ca ceb zh hr cs da nl en et fo fil fi fr gl ka de
    el gu ha iw hi hu is id ga it ja kn kk km rw ko ku ky lo lv lt mk ms ml mt mi mr mn ne no or om
    ps fa pl pt pa qu ro rm ru sr sd si sk sl so st es sw sv tg ta te th tn tr tk uk ur uz vi cy fy
    wo yo zu he""".split()
)

MODELS_TABLE: tuple[Model, ...] = tuple(Model.from_rules(r) for r in all_rules())

DEFAULT_VOICE = "Zephyr"
DEFAULT_LANGUAGE = "en-US"
DEFAULT_MIXROUTE_MODEL = "gemini-live-2.5-flash-native-audio"
DEFAULT_GOOGLE_MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"

T = TypeVar("T")


def closest(name: str, candidates: list[str], n: int = 3) -> list[str]:
    """The candidates closest to ``name`` (case-insensitive), best first."""
    lowered = {c.lower(): c for c in candidates}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    prefix = [c for k, c in lowered.items() if name and k.startswith(name.lower()[:3])]
    ordered = [lowered[h] for h in hits] + prefix
    return list(dict.fromkeys(ordered))[:n]


def bare_model(name: str) -> str:
    """``models/x``, ``publishers/google/models/x`` or ``projects/…/models/x`` → ``x``.

    Tuned models keep their full name. Example: ``bare_model("models/gemini-x")`` → ``'gemini-x'``.
    """
    if "tunedModels/" in name:
        return name
    return name.rsplit("models/", 1)[-1]


# Google API keys, mixroute/OpenAI-style keys, OAuth access tokens and ephemeral tokens.
_SECRET_SHAPES = re.compile(
    r"AIza[0-9A-Za-z_-]{20,}|\bsk-[0-9A-Za-z_-]{12,}|\bya29\.[0-9A-Za-z._-]{8,}|auth_tokens/\S+"
)


def _looks_like_secret(value: object) -> bool:
    """True for text shaped like an API key or token, which an error message must never echo.

    A stand-in until ``gemlive_nb.secret.looks_like_secret`` exists (integrator: import that).
    Besides the known key shapes, any single word of 24+ characters mixing upper case, lower case
    and digits counts: voice names, language codes and model ids never look like that.
    """
    if not isinstance(value, str):
        return False
    text = value.strip()
    if _SECRET_SHAPES.search(text):
        return True
    return (
        len(text) >= 24
        and not any(c.isspace() for c in text)
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
    )


def unknown_name_error(kind: str, name: object, candidates: list[str], hint: str) -> ConfigError:
    """A ConfigError for an unknown ``kind`` named ``name``, suggesting the closest candidates.

    A ``name`` that looks like an API key is never repeated (it was pasted into the wrong place).
    """
    if _looks_like_secret(name):
        return ConfigError(
            f"unknown {kind}: the value given looks like an API key, so it is not shown — "
            f"pass the key as api_key= (or an environment variable), not as the {kind}. {hint}"
        )
    near = closest(str(name), candidates)
    if near:
        suggestion = " or ".join(repr(c) for c in near)
        return ConfigError(f"unknown {kind} {name!r} — did you mean {suggestion}? {hint}")
    return ConfigError(f"unknown {kind} {name!r}. {hint}")


class Catalog(Generic[T]):
    """A read-only, case-insensitive table of catalog entries.

    Iterating yields the entries in catalog order; indexing by name (or any alias, such as a
    language's display name) returns one entry or raises ConfigError with the closest names.
    """

    def __init__(
        self, kind: str, entries: tuple[T, ...], keys: Callable[[T], tuple[str, ...]], hint: str
    ) -> None:
        self._kind = kind
        self._entries = entries
        self._hint = hint
        self._index: dict[str, T] = {}
        for entry in entries:
            for key in keys(entry):
                self._index.setdefault(key.lower(), entry)
        self._primary = [keys(e)[0] for e in entries]

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.strip().lower() in self._index

    def __getitem__(self, name: str) -> T:
        if not isinstance(name, str):
            raise ConfigError(f"{self._kind} must be a str, not {type(name).__name__} ({name!r})")
        try:
            return self._index[name.strip().lower()]
        except KeyError:
            raise unknown_name_error(self._kind, name, self._primary, self._hint) from None

    def get(self, name: str, default: T | None = None) -> T | None:
        """The entry called ``name``, or ``default``."""
        return self._index.get(name.strip().lower(), default) if isinstance(name, str) else default

    @property
    def names(self) -> list[str]:
        """The canonical names (voice names, language codes, model ids) in catalog order."""
        return list(self._primary)

    def __repr__(self) -> str:
        return f"<{len(self)} {self._kind}s: {', '.join(self._primary)}>"

    def _repr_html_(self) -> str:
        entries = list(self._entries)
        cols = [f.name for f in fields(entries[0])]  # type: ignore[arg-type]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(getattr(e, c)))}</td>" for c in cols) + "</tr>"
            for e in entries
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


VOICES: Catalog[Voice] = Catalog(
    "voice",
    tuple(Voice(n, s) for n, s in VOICES_TABLE),
    lambda v: (v.name,),
    "See gl.VOICES for the 30 voices.",
)
LANGUAGES: Catalog[Language] = Catalog(
    "language",
    tuple(Language(c, n) for c, n in LANGUAGES_TABLE),
    lambda lang: (lang.code, lang.name, lang.name.split(" (")[0], lang.code.replace("-", "_")),
    "Use a BCP-47 code such as 'en-US' (see gl.LANGUAGES).",
)
MODELS: Catalog[Model] = Catalog(
    "model",
    MODELS_TABLE,
    lambda m: (m.name, f"models/{m.name}"),
    "See gl.MODELS for the known models, or pass allow_unknown_model=True.",
)


def normalize_language_code(code: str) -> str:
    """Canonical BCP-47 spelling of a language code or display name.

    The 24 catalog languages are found by code or name ('german' → 'de-DE'); any other code whose
    base language is in :data:`LANGUAGE_CODES` is accepted as given ('sw', 'fil-PH').
    """
    entry = LANGUAGES.get(code) if isinstance(code, str) else None
    if entry is not None:
        return entry.code
    if isinstance(code, str):
        parts = code.strip().replace("_", "-").split("-")
        if parts[0].lower() in LANGUAGE_CODES and all(p.isalnum() and len(p) <= 8 for p in parts):
            return "-".join(
                [parts[0].lower(), *[p.upper() if len(p) == 2 else p for p in parts[1:]]]
            )
    raise unknown_name_error(
        "language", code, [*LANGUAGES.names, *(lang.name for lang in LANGUAGES)], LANGUAGES._hint
    )
