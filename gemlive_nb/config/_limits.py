"""Limits of the model and the endpoint dialect on a LiveConfig (:meth:`LiveConfig.check`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import MODELS, Model, bare_model
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..protocol import DIALECTS
from ._wire import check_declarations

if TYPE_CHECKING:
    from ._shape import Settings


def check_config(cfg: Settings, model: Model | str | None, dialect: str) -> None:
    """Raise ConfigError for settings ``model`` or the ``dialect`` cannot take."""
    if dialect == "emulator":
        dialect = "google"
    if dialect not in DIALECTS:
        raise _unknown("dialect", dialect, list(DIALECTS), f"Use one of {', '.join(DIALECTS)}.")
    if isinstance(model, str) or model is None:
        model = MODELS.get(bare_model(model or cfg.model or ""))
    modalities = cfg.modalities or ()
    if len(modalities) > 1 and dialect != "mixroute":
        raise ConfigError(
            f"responseModalities can hold one modality on Google's endpoint, not "
            f"{list(modalities)}; use transcribe_output=True for text"
        )
    if dialect != "vertex":
        if cfg.explicit_vad_signal is not None:
            raise ConfigError(
                "explicit_vad_signal exists on Vertex AI only — connect with "
                "endpoint='vertex' or leave it unset"
            )
        if any("method" in s for s in cfg.safety_settings):
            raise ConfigError(
                "a safety setting's method exists on Vertex AI only — drop 'method' or "
                "connect with endpoint='vertex'"
            )
    if dialect == "vertex" and cfg.custom_voice is not None:
        only = cfg.custom_voice.gemini_api_only()
        if only:
            raise ConfigError(
                f"custom_voice.replicated_voice_config.{only[0]} exists on the Gemini API only "
                "(the SDK refuses it for Vertex AI) — drop it or connect with endpoint='google'"
            )
    if cfg.transparent_resumption and dialect != "vertex":
        # google-genai's _SessionResumptionConfig_to_mldev refuses "transparent" on the Gemini
        # API; Vertex's converter sends it (PROTOCOL.md: sessionResumption.transparent, Vertex)
        raise ConfigError(
            "transparent_resumption=True exists on Vertex AI only (Google's SDK refuses "
            "sessionResumption.transparent on the Gemini API) — connect with "
            "endpoint='vertex' or drop transparent_resumption"
        )
    if model is None:
        return
    if cfg.language_code is not None and not model.accepts_language_code:
        # Google's docs: native-audio models "automatically choose the appropriate language and
        # don't support explicitly setting the language code" (PROTOCOL.md "Languages")
        raise ConfigError(
            f"speech_config.language_code={cfg.language_code!r} is not accepted by "
            f"{model.name!r} (native-audio models choose the language themselves) — use "
            f"language={cfg.language_code!r}, which asks for it in the system instruction"
        )
    if cfg.translation is not None and not model.translation:
        able = [m.name for m in MODELS if m.translation]
        raise ConfigError(
            f"translation is not available on {model.name!r} — use a translation model "
            f"({', '.join(able)}) or drop translation="
        )
    both = set(modalities) == {"AUDIO", "TEXT"}  # the proxy's documented mix
    if "TEXT" in modalities and not model.text_modality and not both:
        raise ConfigError(
            f"model {model.name!r} answers in audio only, so modalities={list(modalities)} "
            "fails — use modalities=('AUDIO',) with transcribe_output=True for text"
        )
    for name in ("affective_dialog", "proactive_audio"):
        if getattr(cfg, name) and not getattr(model, name):
            able = [m.name for m in MODELS if getattr(m, name) and m.current]
            raise ConfigError(
                f"{name}=True is not available on {model.name!r} — use a model that has it "
                f"({', '.join(able)}) or set {name}=False"
            )
    check_declarations([t for t in cfg.tools if isinstance(t, dict)], model)
