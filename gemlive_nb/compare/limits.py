"""How many sessions a comparison or evaluation runs at once, and what re-transcription costs.

An emulator (the embedded one, or any loopback URL such as ``ws://127.0.0.1:9000``) takes every
entry at once; the service gets :data:`SERVICE_CONCURRENCY`::

    default_concurrency("ws://127.0.0.1:9000", entries=30)   # 30
    is_local_endpoint("ws://127.0.0.2:9000")                  # True
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from ..catalog import DEFAULT_GOOGLE_MODEL
from ..config import LiveConfig

__all__ = ["SERVICE_CONCURRENCY", "cost_notice", "default_concurrency", "is_local_endpoint"]

logger = logging.getLogger("gemlive_nb.compare")

# Sessions at once against the real service. Live API sessions count against a per-project cap
# on concurrent sessions that depends on the quota tier (a handful on the free tier, more on
# paid tiers) and each entry opens two (the reply, then its re-transcription) one after the
# other; 8 keeps a paid project well inside its cap while 30 voices finish in four waves. Pass
# concurrency= to go higher (paid tiers) or lower (free tier).
SERVICE_CONCURRENCY = 8


def is_local_endpoint(endpoint: Any = None, api_key: Any = None) -> bool:
    """True for an emulator: the embedded one, or any loopback URL (``ws://127.0.0.1:…``).

    Example: ``is_local_endpoint("ws://127.0.0.2:9000")`` → True
    """
    from ..endpoints import resolve_endpoint

    resolved = resolve_endpoint(endpoint, api_key=api_key)
    if resolved.kind == "emulator":
        return True
    host = (urlsplit(resolved.url).hostname or "") if resolved.url else ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_concurrency(endpoint: Any = None, api_key: Any = None, entries: int = 1) -> int:
    """How many sessions a comparison runs at once when ``concurrency`` is not given.

    Every entry at once on a local emulator (it answers as fast as the machine allows), else
    :data:`SERVICE_CONCURRENCY` (bounded by the number of entries). Example::

        default_concurrency("emulator", entries=30)   # 30
        default_concurrency("google", api_key=key, entries=30)   # 8
    """
    local = is_local_endpoint(endpoint, api_key)
    return max(1, entries if local else min(entries, SERVICE_CONCURRENCY))


# Reference reply for the cost notice of score="retranscribe" (seconds, and tokens per second
# of audio: 32 per the Gemini API token docs; the service has also reported 25 — unverified).
_NOTICE_REPLY_S, _AUDIO_TOKENS_PER_S = 5.0, 32


def cost_notice(entries: int, config: LiveConfig) -> None:
    """Say what re-transcription costs on the service before it runs (printed and logged)."""
    from ..evaluation.pricing import default_prices

    table = default_prices()
    price = table.for_model(config.model or DEFAULT_GOOGLE_MODEL)
    tokens = _NOTICE_REPLY_S * _AUDIO_TOKENS_PER_S
    each = "" if price is None else (
        f", about ${tokens * (price.audio_in + price.audio_out) / 1e6:.4f} each for a "
        f"{_NOTICE_REPLY_S:g} s reply (its audio in, a spoken answer out; prices as of "
        f"{table.as_of}, unverified)"
    )  # fmt: skip
    message = (
        f"gemlive_nb: score='retranscribe' opens {entries} extra session(s), one per reply{each}; "
        "score=True reads the replies' own transcripts at no extra cost"
    )
    logger.warning(message)
    print(message)
