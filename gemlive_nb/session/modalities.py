"""Response modalities on the mixroute proxy: ask as its docs say, fall back once as Google needs.

The proxy's FAQ says output transcripts need ``"TEXT"`` in ``responseModalities``, so on its
``liveStream`` path the kit asks for ``["AUDIO", "TEXT"]`` (see
:meth:`gemlive_nb.config.LiveConfig.to_setup`). The same docs call the proxy a passthrough with
no protocol conversion, and Google's service accepts one response modality per session: it
closes such a setup with 1007 :data:`~gemlive_nb.protocol.constants.MODALITY_REFUSAL` (public
reports, 2026; older ones show the generic "Request contains an invalid argument.",
go-genai#490, js-genai#382).

So when the setup of a connection that asked for TEXT beside AUDIO is refused that way,
:class:`ModalityFallback` asks again, at once and only once, with ``["AUDIO"]`` plus output
transcription (input transcription stays as configured, on by default), says so in one line
(a warning in the log and a :class:`~gemlive_nb.session.SessionStatus` in the events and the
recording) and keeps ``["AUDIO"]`` for every later connect of the session (reconnects,
resumptions). A refusal of that setup too is a clear error, never another retry.

The generic reason is taken as a modality refusal only in answer to such a setup, before
``setupComplete``: the retry changes nothing but the modalities, so if the generic refusal had
another cause it comes again and is reported with both attempts. Example::

    fb = ModalityFallback("mixroute")
    fb.falls_back(setup, SessionClosed(1007, MODALITY_REFUSAL))   # True: ask again
    fb.active   # True: the next setups are built with audio_only=True (config._wire.build_setup)
"""

from __future__ import annotations

import logging
from typing import Any

from ..exceptions import SessionClosed
from ..protocol.constants import MODALITY_REFUSAL

__all__ = ["ModalityFallback"]

log = logging.getLogger("gemlive_nb.session")

_GENERIC = "invalid argument"  # "Request contains an invalid argument." (see the module doc)
_FALLBACK = ["AUDIO"]


def _asked(setup: dict[str, Any]) -> list[str]:
    gen = setup.get("setup", {}).get("generationConfig") or {}
    return [str(m).upper() for m in gen.get("responseModalities") or ()]


def _is_refusal(error: SessionClosed) -> bool:
    reason = error.reason.lower()
    return error.code == 1007 and (
        MODALITY_REFUSAL.lower() in reason or "response modalities" in reason or _GENERIC in reason
    )


class ModalityFallback:
    """Whether this session asks for ``["AUDIO"]`` instead of AUDIO+TEXT (see the module doc).

    ``note`` is the one line said when it fell back (None until then); ``active`` tells the
    setup builder to ask for ``["AUDIO"]`` plus output transcription.
    """

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.active = False
        self.note: str | None = None
        self._first: SessionClosed | None = None

    def falls_back(self, setup: dict[str, Any], error: SessionClosed) -> bool:
        """True when ``error`` refused TEXT beside AUDIO on mixroute: fall back now (once).

        ``setup`` is what was sent. Returns False (the error stands) otherwise.
        """
        asked = _asked(setup)
        if self.active or self.dialect != "mixroute" or "TEXT" not in asked or len(asked) < 2:
            return False
        if not _is_refusal(error):
            return False
        self.active = True
        self._first = error
        self.note = (
            f"the endpoint refused responseModalities {asked} ({error.code} {error.reason}); "
            f"asking again with {_FALLBACK} and output transcription for the rest of the session"
        )
        log.warning("%s", self.note)
        return True

    def refused_again(self, error: SessionClosed) -> SessionClosed:
        """The error to raise when the fallback setup is refused too (no further retry)."""
        if not (self.active and _is_refusal(error)):
            return error
        first = self._first
        before = f" after {first.code} {first.reason!r} for AUDIO+TEXT" if first else ""
        return SessionClosed(
            error.code,
            f"{error.reason} (refused with responseModalities {_FALLBACK} too{before})",
            "the endpoint refused both AUDIO+TEXT and AUDIO — check the model and the "
            "LiveConfig (session.config)",
        )
