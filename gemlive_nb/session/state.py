"""What the parts of a LiveSession share: its attributes, declared once for the type checker.

:class:`~gemlive_nb.session.live.LiveSession` is assembled from mixins (the link, the sender,
the inputs); each derives from :class:`SessionState`, which only declares the state and the
methods they call across — :class:`LiveSession` sets and defines them.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..audio import StreamResamplers
    from ..config import LiveConfig
    from ..conversation import Recorder, Recording, Turn
    from ..endpoints import Endpoint, LinkPlan
    from ..exceptions import SessionClosed
    from ..tools import ToolRegistry
    from .modalities import ModalityFallback
    from .sender import Outbox

__all__ = ["SessionState"]


class SessionState:
    """Declarations only (see the module docstring)."""

    if TYPE_CHECKING:
        config: LiveConfig
        endpoint: Endpoint
        recording: Recording
        _recorder: Recorder
        tools: ToolRegistry
        status: str
        max_failures: int
        backoff_s: float
        _loop: asyncio.AbstractEventLoop | None
        _ws: Any
        _ws_options: dict[str, Any]
        _setup: dict[str, Any]
        _plan: LinkPlan | None
        _modalities: ModalityFallback
        _outbox: Outbox
        _writing: bool
        _handle: str | None
        _failures: int
        _reconnects: int
        _planned: bool
        _closing: bool
        _error: SessionClosed | None
        _waiters: dict[int, asyncio.Future[Turn]]
        _resend: dict[int, list[tuple[str, float]]]
        _partial_frames: list[tuple[str, float]]
        _resamplers: StreamResamplers
        _tasks: list[asyncio.Task[Any]]
        _goaway_task: asyncio.Future[Any] | None
        _audio_chunks: int
        _audio_s: float
        _dropped_reported: float

        def _emit(self, event: Any) -> None: ...
        def _finish(self, error: SessionClosed | None) -> None: ...
        def _set_status(self, state: str, detail: str = "", code: int | None = None) -> None: ...
        def _resolve(self, turn: Turn) -> None: ...
        def _on_frame(self, frame: str | bytes) -> None: ...
        async def _housekeeping(self) -> None: ...
        async def _send(self, frame: str, audio_s: float = 0.0) -> None: ...
        async def _writer(self) -> None: ...
