"""A spending cap for one session: ``gl.connect(budget_usd=0.05)``.

After each ``usageMetadata`` the session's spend (every turn's usage at ``prices``; default: the
dated table of :mod:`gemlive_nb.evaluation.pricing`) is compared with the cap. Past it, the
session closes cleanly (a normal close, code 1000) with a message naming the spend and the cap;
the recording keeps everything so far, and the next ``ask`` raises ``SessionClosed`` with that
message. Token counts arrive with each turn's end, so the turn that crosses the cap completes.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import ConfigError

__all__ = ["Budget"]


class Budget:
    """``limit_usd`` and the prices it is counted at. Example: ``Budget(0.05).over(rec)``."""

    def __init__(self, limit_usd: float, prices: Any = None, model: str | None = None) -> None:
        if isinstance(limit_usd, bool) or not isinstance(limit_usd, (int, float)) or limit_usd <= 0:
            raise ConfigError(
                f"budget_usd must be a positive number of US dollars, e.g. 0.05, not {limit_usd!r}"
            )
        from ..evaluation.pricing import check_prices

        self.limit_usd = float(limit_usd)
        self.prices = check_prices(prices)
        if model is not None and self.prices.for_model(model) is None:
            raise ConfigError(
                f"budget_usd needs the price of model {model!r}, which the price table lacks "
                f"(it has {self.prices.models}); pass prices=gl.evaluation.Prices({{{model!r}: "
                "{'text_in': …, 'audio_in': …, 'text_out': …, 'audio_out': …}})"
            )

    def spent(self, recording: Any) -> float:
        """USD spent so far by the turns of ``recording`` (unpriced usage counts 0)."""
        model = recording.meta.get("model")
        return sum(self.prices.cost(t.usage, model) or 0.0 for t in recording.turns)

    def over(self, recording: Any) -> str | None:
        """The message to close with when the spend is past the cap, else None.

        The model's price was checked when the budget was made, so no spend goes uncounted.
        """
        spent = self.spent(recording)
        if spent <= self.limit_usd:
            return None
        model = recording.meta.get("model")
        return (
            f"budget_usd={self.limit_usd:g} reached: this session spent ${spent:.4f} "
            f"(prices as of {self.prices.as_of or '?'}, model {model}); the recording keeps "
            "everything so far — connect again with a higher budget_usd to go on"
        )
