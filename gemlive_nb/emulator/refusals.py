"""Client messages the service refuses under its rules per model and dated regime.

The rules come from :mod:`gemlive_nb.protocol.service_rules` (``Emulator(rules=...)``), which
cites the evidence for each. Each check raises :class:`~.setup.Rejected` with the service's close
code and reason, or returns::

    check_client_content(cfg, completed_turns=0)            # None: taken
    check_media_chunks(cfg, "/ws/...v1alpha.GenerativeService.BidiGenerateContent")  # Rejected

Not a public API.
"""

from __future__ import annotations

from ..protocol.service_rules import REFUSE_MEDIA_CHUNKS_V1ALPHA, Refusal
from .routes import api_version
from .setup import INVALID, Rejected, SessionSetup

__all__ = ["check_client_content", "check_media_chunks"]


def check_client_content(cfg: SessionSetup, completed_turns: int) -> None:
    """Refuse ``clientContent`` where the regime takes it only as initial history."""
    rules, regime = cfg.rules, cfg.regime
    if rules is None or rules.client_content_mid_session.at(regime).value:
        return
    if rules.history_needs_config.at(regime).value and not cfg.seed_history:
        raise Rejected(
            1007,
            f"{INVALID} clientContent needs historyConfig.initialHistoryInClientContent "
            f"on {rules.name}",
        )
    if completed_turns:
        raise Rejected(1007, f"{INVALID} clientContent is only for initial history on {rules.name}")


def check_media_chunks(cfg: SessionSetup, path: str) -> None:
    """Refuse ``realtimeInput.mediaChunks`` where the model does, and on v1alpha (``path``)."""
    refusal: Refusal | None = None
    if cfg.rules is not None:
        refusal = cfg.rules.refuse_media_chunks.value
    if refusal is None and api_version(path) == "v1alpha":
        refusal = REFUSE_MEDIA_CHUNKS_V1ALPHA.value
    if refusal is not None:
        raise Rejected(refusal.code, refusal.reason)
