"""What a Live session costs: :class:`Prices`, per million tokens, per model and modality.

Prices change. The default table (:func:`default_prices`) is dated and names where its numbers
come from; pass your own :class:`Prices` for your contract, region or a newer price list::

    rates = {"text_in": 0.5, "audio_in": 3, "text_out": 2, "audio_out": 12}
    prices = gl.evaluation.Prices({"my-model": rates}, as_of="2026-12-01", source="our contract")
    prices.cost(turn.usage, "my-model")       # USD, or None when the model has no price
    turn.cost, s.recording.cost               # with the default table

How tokens are billed (Gemini API pricing page, see ``SOURCE``): input and output are priced
apart, and audio apart from text; image and video input are priced like audio. Prompt tokens the
usage does not break down by modality (the service leaves a small gap, e.g. 25 of 522 in a report
on discuss.ai.google.dev) are priced as text input, and thinking tokens as text output
(unverified: the pricing page says output prices include thinking tokens).

This module is a leaf: it imports only the catalog, protocol and exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..catalog import bare_model
from ..exceptions import ConfigError
from ..protocol import Usage

__all__ = ["AS_OF", "DEFAULT_TABLE", "SOURCE", "ModelPrice", "Prices", "default_prices"]

AS_OF = "2026-12-07"
SOURCE = (
    "https://ai.google.dev/gemini-api/docs/pricing (Gemini Developer API, paid tier). "
    "UNVERIFIED: the page could not be read when this table was written; the native-audio "
    "rates are as last published there for the 2.5 Flash native-audio Live models (text rates "
    "$0.50 in / $2.00 out agree with a third-party listing, getmaxim.ai); the 2.0 Flash Live "
    "rates were quoted by a Google forum answer (discuss.ai.google.dev, 'Pricing and usages "
    "for S2S models'). Prices change: pass your own gl.evaluation.Prices."
)

_FIELDS = ("text_in", "audio_in", "text_out", "audio_out")


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens of one model: text and audio, in and out.

    Example: ``ModelPrice(text_in=0.5, audio_in=3.0, text_out=2.0, audio_out=12.0)``
    """

    text_in: float
    audio_in: float
    text_out: float
    audio_out: float

    def __post_init__(self) -> None:
        for name in _FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(
                    f"price {name}={value!r} must be a number of USD per million tokens >= 0"
                )

    @classmethod
    def coerce(cls, value: Any, model: str = "") -> ModelPrice:
        """A ModelPrice from itself or a dict with the four keys."""
        if isinstance(value, ModelPrice):
            return value
        if isinstance(value, Mapping):
            missing = [k for k in _FIELDS if k not in value]
            extra = sorted(set(value) - set(_FIELDS))
            if missing or extra:
                raise ConfigError(
                    f"price of {model!r} needs exactly the keys {list(_FIELDS)} (USD per "
                    f"million tokens); missing {missing}, unknown {extra}"
                )
            return cls(**{k: value[k] for k in _FIELDS})
        raise ConfigError(
            f"price of {model!r} must be a ModelPrice or a dict with {list(_FIELDS)}, "
            f"not {value!r:.60}"
        )


_NATIVE_25 = ModelPrice(text_in=0.50, audio_in=3.00, text_out=2.00, audio_out=12.00)
DEFAULT_TABLE: dict[str, ModelPrice] = {
    "gemini-live-2.5-flash-native-audio": _NATIVE_25,
    "gemini-2.5-flash-native-audio-preview-12-2025": _NATIVE_25,
    "gemini-2.5-flash-native-audio-latest": _NATIVE_25,
    "gemini-2.5-flash-native-audio-preview-09-2025": _NATIVE_25,
    "gemini-2.0-flash-live-001": ModelPrice(
        text_in=0.35, audio_in=2.10, text_out=1.50, audio_out=8.50
    ),
}


@dataclass(frozen=True)
class Prices:
    """A price table: model name -> :class:`ModelPrice` (USD per million tokens).

    ``as_of`` (a date) and ``source`` say where the numbers come from; prices change, so the
    default table is a starting point, not a bill. Example::

        prices = gl.evaluation.Prices({"gemini-2.5-flash-native-audio-preview-12-2025":
                            {"text_in": 0.5, "audio_in": 3, "text_out": 2, "audio_out": 12}},
                           as_of="2026-12-01", source="ai.google.dev/gemini-api/docs/pricing")
        prices.cost(turn.usage, turn.model)
    """

    table: Mapping[str, Any]
    as_of: str = ""
    source: str = ""
    _models: dict[str, ModelPrice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.table, Mapping):
            raise ConfigError(
                f"Prices takes a dict of model name -> prices, not {type(self.table).__name__}"
            )
        models = {bare_model(str(k)): ModelPrice.coerce(v, str(k)) for k, v in self.table.items()}
        object.__setattr__(self, "_models", models)

    @property
    def models(self) -> list[str]:
        """The models with a price."""
        return sorted(self._models)

    def for_model(self, model: str | None) -> ModelPrice | None:
        """The price of ``model`` (None when the table has none)."""
        return None if model is None else self._models.get(bare_model(model))

    def cost(self, usage: Usage | None, model: str | None) -> float | None:
        """USD for ``usage`` on ``model``; None when either is unknown.

        Example (hand-checkable): 1000 text + 2000 audio tokens in, 500 audio out at
        0.5/3/2/12 USD per million: ``0.0005 + 0.006 + 0.006 = 0.0125``.
        """
        price = self.for_model(model)
        if usage is None or price is None:
            return None
        tokens = split_tokens(usage)
        return (
            tokens["text_in"] * price.text_in
            + tokens["audio_in"] * price.audio_in
            + tokens["text_out"] * price.text_out
            + tokens["audio_out"] * price.audio_out
        ) / 1e6

    def __repr__(self) -> str:
        return f"<Prices of {len(self._models)} models, as of {self.as_of or '?'}>"


def split_tokens(usage: Usage) -> dict[str, int]:
    """Tokens of ``usage`` by price class: text_in, audio_in, text_out, audio_out.

    Non-text input modalities (audio, image, video) count as audio_in; prompt tokens not broken
    down count as text_in; response tokens not broken down count as audio_out when audio was
    reported, else text_out; thinking tokens count as text_out.
    """
    p_details = usage.prompt_details
    audio_in = sum(n for k, n in p_details.items() if k != "text")
    text_in = p_details.get("text", 0)
    text_in += max(0, (usage.prompt_tokens or 0) - text_in - audio_in)
    r_details = usage.response_details
    audio_out = r_details.get("audio", 0)
    text_out = sum(n for k, n in r_details.items() if k != "audio")
    rest = max(0, (usage.response_tokens or 0) - text_out - audio_out)
    if audio_out:
        audio_out += rest
    else:
        text_out += rest
    text_out += usage.thoughts_tokens or 0
    return {"text_in": text_in, "audio_in": audio_in, "text_out": text_out, "audio_out": audio_out}


_DEFAULT: Prices | None = None


def default_prices() -> Prices:
    """The built-in table (dated ``AS_OF``, from ``SOURCE``; unverified — prices change)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Prices(DEFAULT_TABLE, as_of=AS_OF, source=SOURCE)
    return _DEFAULT


def check_prices(prices: Any) -> Prices:
    """``prices`` as a Prices (None: the default table); ConfigError for anything else."""
    if prices is None:
        return default_prices()
    if isinstance(prices, Prices):
        return prices
    if isinstance(prices, Mapping):
        return Prices(prices)
    raise ConfigError(
        f"prices must be a gl.evaluation.Prices or a dict of model -> prices, not {prices!r:.60}"
    )
