"""A voice other than a prebuilt one: a speaker id, or a voice replicated from a sample.

The SDK's ``VoiceConfig`` (google-genai ``types.py``) holds, beside ``prebuilt_voice_config``,
``voice`` ("the speaker identifier for synthesis") and ``replicated_voice_config`` (a clone of
a user's voice: ``mime_type``, ``voice_sample_audio``, ``consent_audio`` and
``voice_consent_signature``). :class:`CustomVoice` carries those two to
``generationConfig.speechConfig.voiceConfig`` exactly as the SDK's converter writes them
(bytes as URL-safe base64, ``_common.encode_unserializable_types``). ``consent_audio`` and
``voice_consent_signature`` exist on the Gemini API only: the SDK refuses them for Vertex AI
(``_live_converters._ReplicatedVoiceConfig_to_vertex``), and so does :meth:`LiveConfig.check`.

Example::

    gl.connect(voice=None, custom_voice={"replicated_voice_config": {
        "mime_type": "audio/wav", "voice_sample_audio": wav_bytes,
        "voice_consent_signature": {"signature": sig}}})
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._plain import as_mapping as _as_mapping
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError, ProtocolError
from ..protocol import decode_b64, normalize_keys
from ._checks import set_field

__all__ = ["GEMINI_API_ONLY", "CustomVoice"]

_REPLICATED = ("mimeType", "voiceSampleAudio", "consentAudio", "voiceConsentSignature")
# replicatedVoiceConfig keys the SDK refuses on Vertex AI (see the module docstring)
GEMINI_API_ONLY = ("consentAudio", "voiceConsentSignature")


def _audio(name: str, value: Any) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return decode_b64(value, f"custom_voice.{name}")
        except ProtocolError as e:
            raise ConfigError(f"{e} — pass the WAV bytes themselves") from None
    raise ConfigError(f"custom_voice.{name} must be bytes (a WAV file), not {value!r:.40}")


def _text(name: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"custom_voice.{name} must be a str, not {value!r:.40}")
    return value


@dataclass(frozen=True, kw_only=True)
class CustomVoice:
    """``voiceConfig.voice`` (``speaker``) and ``voiceConfig.replicatedVoiceConfig``.

    ``speaker`` is the SDK's ``voice`` (a speaker id); the others are the replicated voice's
    fields: ``mime_type``, ``voice_sample_audio`` and ``consent_audio`` (WAV bytes; base64 text
    is read too) and ``consent_signature`` (``voice_consent_signature.signature``). Each field
    is sent when set; ``replicated=True`` / ``has_signature=True`` with nothing inside send
    the empty objects, as the SDK does for empty ones.

    Example::

        CustomVoice(speaker="spk-7").to_wire()    # {'voice': 'spk-7'}
    """

    speaker: str | None = None
    replicated: bool = False
    mime_type: str | None = None
    voice_sample_audio: bytes | None = None
    consent_audio: bytes | None = None
    consent_signature: str | None = None
    has_signature: bool = False

    def __post_init__(self) -> None:
        set_field(self, "speaker", _text("voice", self.speaker))
        set_field(self, "mime_type", _text("mime_type", self.mime_type))
        set_field(self, "consent_signature", _text("signature", self.consent_signature))
        for name in ("voice_sample_audio", "consent_audio"):
            set_field(self, name, _audio(name, getattr(self, name)))
        if self.consent_signature is not None:
            set_field(self, "has_signature", True)
        if self.has_signature or any(
            getattr(self, n) is not None
            for n in ("mime_type", "voice_sample_audio", "consent_audio")
        ):
            set_field(self, "replicated", True)

    @classmethod
    def coerce(cls, value: Any) -> CustomVoice | None:
        """From a CustomVoice, None, or a dict shaped like the SDK's ``VoiceConfig``.

        Any casing; ``prebuilt_voice_config`` is not taken here (that one is ``voice=``).
        """
        value = _as_mapping(value)
        if value is None or isinstance(value, CustomVoice):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(
                "custom_voice must be a dict such as {'voice': 'speaker-id'} or "
                f"{{'replicated_voice_config': {{…}}}}, not {value!r:.60}"
            )
        wire = normalize_keys(dict(value))
        for key in wire:
            if key not in ("voice", "replicatedVoiceConfig"):
                known = ["voice", "replicated_voice_config"]
                raise _unknown("key in custom_voice:", key, known, "Use voice= for a prebuilt one.")
        kwargs: dict[str, Any] = {"speaker": wire.get("voice")}
        replicated = _as_mapping(wire.get("replicatedVoiceConfig"))
        if replicated is not None:
            if not isinstance(replicated, Mapping):
                raise ConfigError(
                    f"custom_voice.replicated_voice_config must be a dict, not {replicated!r:.40}"
                )
            replicated = normalize_keys(dict(replicated))
            for key in replicated:
                if key not in _REPLICATED:
                    hint = f"Known: {', '.join(_REPLICATED)}."
                    raise _unknown("key in replicated_voice_config:", key, list(_REPLICATED), hint)
            kwargs.update(
                replicated=True,
                mime_type=replicated.get("mimeType"),
                voice_sample_audio=replicated.get("voiceSampleAudio"),
                consent_audio=replicated.get("consentAudio"),
            )
            signature = _as_mapping(replicated.get("voiceConsentSignature"))
            if signature is not None:
                if not isinstance(signature, Mapping) or set(signature) - {"signature"}:
                    raise ConfigError(
                        "custom_voice.replicated_voice_config.voice_consent_signature must be "
                        f"{{'signature': '…'}}, not {signature!r:.40}"
                    )
                kwargs.update(has_signature=True, consent_signature=signature.get("signature"))
        return cls(**kwargs)

    def gemini_api_only(self) -> list[str]:
        """The fields set here that only the Gemini API takes (snake_case)."""
        names = []
        if self.consent_audio is not None:
            names.append("consent_audio")
        if self.has_signature:
            names.append("voice_consent_signature")
        return names

    def to_wire(self) -> dict[str, Any]:
        """The ``voiceConfig`` keys in camelCase (without ``prebuiltVoiceConfig``)."""
        wire: dict[str, Any] = {}
        if self.speaker is not None:
            wire["voice"] = self.speaker
        if self.replicated:
            replicated: dict[str, Any] = {}
            if self.mime_type is not None:
                replicated["mimeType"] = self.mime_type
            for name, key in (("voice_sample_audio", "voiceSampleAudio"),
                              ("consent_audio", "consentAudio")):  # fmt: skip
                data = getattr(self, name)
                if data is not None:
                    replicated[key] = base64.urlsafe_b64encode(data).decode("ascii")
            if self.has_signature:
                signature = self.consent_signature
                replicated["voiceConsentSignature"] = (
                    {} if signature is None else {"signature": signature}
                )
            wire["replicatedVoiceConfig"] = replicated
        return wire

    def __repr__(self) -> str:
        shown = {
            "speaker": self.speaker,
            "mime_type": self.mime_type,
            "voice_sample_audio": self.voice_sample_audio and f"<{len(self.voice_sample_audio)} B>",
            "consent_audio": self.consent_audio and f"<{len(self.consent_audio)} B>",
            "consent_signature": self.consent_signature and "…",
        }
        body = ", ".join(f"{k}={v!r}" if k == "speaker" else f"{k}={v}"
                         for k, v in shown.items() if v is not None)  # fmt: skip
        if self.replicated and not body:
            body = "replicated=True"
        return f"CustomVoice({body})"
