"""``VoiceWidget(audio="kernel")``: the kernel machine's mic and speakers, the widget's pane.

For hosts where the page cannot capture (VS Code's notebook webview, plain http, some remote
setups) while the kernel runs on the machine you sit at. The widget works as usual (Connect,
Start mic, the transcript pane, typed messages); only the audio takes another way: the kernel
records and plays it through :class:`~gemlive_nb.session.local_audio.LocalAudio`
(``sounddevice``, the ``local-audio`` extra), and no reply audio goes to the page. Example::

    w = gl.VoiceWidget(audio="kernel")   # then Connect and Start mic as usual
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from ..exceptions import ConfigError
from ..session import local_audio

__all__ = ["AUDIO_PATHS", "KernelAudio", "kernel_audio_for"]

AUDIO_PATHS = ("browser", "kernel")

Spawn = Callable[[Coroutine[Any, Any, Any]], Any]


def kernel_audio_for(
    audio: str, loop: Callable[[], asyncio.AbstractEventLoop | None], spawn: Spawn
) -> KernelAudio | None:
    """The widget's kernel audio when ``audio == "kernel"``; None for the browser's."""
    if audio not in AUDIO_PATHS:
        raise ConfigError(f"audio must be 'browser' or 'kernel', not {audio!r}")
    return KernelAudio(loop, spawn) if audio == "kernel" else None


class KernelAudio:
    """Starts and stops the kernel's mic and speakers with the widget's session and ``mic_on``.

    ``loop()``: the loop the session runs on; ``spawn(coro)`` runs a coroutine there.
    """

    def __init__(self, loop: Callable[[], asyncio.AbstractEventLoop | None], spawn: Spawn) -> None:
        self._loop = loop
        self._spawn = spawn
        self._sd = local_audio.load_sounddevice()  # a missing extra fails here, clearly
        self.local: local_audio.LocalAudio | None = None

    def attach(self, session: Any, mic_on: bool) -> None:
        """A session is up: play its replies; record if the mic is on."""
        self.local = local_audio.LocalAudio(session, sd=self._sd, loop=self._loop())
        self.local.start()
        if mic_on:
            self.local.start_mic()

    def detach(self) -> None:
        """The session is gone: stop recording and playing."""
        local, self.local = self.local, None
        if local is not None:
            local.stop_mic()
            with contextlib.suppress(RuntimeError):  # no loop left to finish on: nothing to do
                self._spawn(local.stop())

    def mic(self, on: bool) -> None:
        """The widget's ``mic_on`` changed: record or stop (once a session is attached)."""
        if self.local is None:
            return  # attach() starts it once connected
        if on:
            self.local.start_mic()
        else:
            self.local.stop_mic()
