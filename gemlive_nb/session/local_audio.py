"""The kernel machine's own microphone and speakers for a session (the ``local-audio`` extra).

Where the browser cannot capture (VS Code's notebook webview, a page on plain http, some
remote setups), the kernel can, when it runs on the machine you sit at: ``sounddevice``
(PortAudio) records 16 kHz PCM16 from the default input in 20 ms blocks, each sent with
``session.send_audio``; reply audio plays on the default output at 24 kHz, an interruption
flushes it, and what has played is reported (``session.report_playback``) so the transcript
of a cut reply keeps the words heard. The same loop as the cookbook's PyAudio scripts, behind
``pip install 'gemlive-nb[local-audio]'``. Use headphones: there is no echo guard here.
Example::

    audio = await s.talk()          # LiveSession.talk: mic and speakers on
    await asyncio.sleep(30)
    await audio.stop()
    gl.VoiceWidget(audio="kernel")  # the widget's transcript pane, the kernel's audio
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
from typing import Any

import numpy as np

from ..audio import resample
from ..exceptions import AudioError, ConfigError
from ..protocol import INPUT_RATE, OUTPUT_RATE, AudioChunk, Interrupted

__all__ = ["LocalAudio", "load_sounddevice"]

_INSTALL = "pip install 'gemlive-nb[local-audio]'"


def load_sounddevice() -> Any:
    """The ``sounddevice`` module, or a clear error saying how to install it."""
    try:
        return importlib.import_module("sounddevice")  # the optional extra
    except (ImportError, OSError) as exc:  # OSError: the PortAudio library is missing
        raise ConfigError(
            f"audio='kernel' needs the sounddevice package and PortAudio ({exc}); install them "
            f"with `{_INSTALL}` (and `apt-get install libportaudio2` on Debian/Ubuntu)"
        ) from exc


class LocalAudio:
    """Mic and speakers of the kernel's machine for one session (see the module docstring).

    ``sd``: the ``sounddevice`` module, or any object with its ``RawInputStream`` and
    ``RawOutputStream`` (tests pass a fake). ``frame_ms``: mic block length.
    """

    def __init__(
        self, session: Any, *, sd: Any = None, frame_ms: int = 20, loop: Any = None
    ) -> None:
        if not 10 <= frame_ms <= 100:
            raise ConfigError(f"frame_ms must be between 10 and 100 ms, got {frame_ms!r}")
        self.session = session
        self._sd = sd if sd is not None else load_sounddevice()
        self._loop: asyncio.AbstractEventLoop | None = loop
        self._frame = INPUT_RATE * frame_ms // 1000
        self._out = bytearray()  # reply PCM16 at 24 kHz waiting for the speaker
        self._lock = threading.Lock()
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._unsubscribe: Any = None
        self._speaker: Any = None
        self._mic: Any = None
        self._pump: asyncio.Task[None] | None = None
        self.played = 0  # reply samples played (24 kHz), as reported to the session
        self.frames_in = 0  # mic blocks captured
        self.frames_sent = 0  # ... and sent

    @property
    def mic_on(self) -> bool:
        """Whether the microphone is recording."""
        return self._mic is not None

    def start(self) -> None:
        """Play the session's reply audio on the speakers (the mic stays off)."""
        if self._speaker is not None:
            return
        self._loop = self._loop or asyncio.get_running_loop()
        self._unsubscribe = self.session.subscribe(self._on_event)
        self._speaker = self._open(
            self._sd.RawOutputStream, OUTPUT_RATE, self._play, OUTPUT_RATE * 20 // 1000
        )

    def start_mic(self) -> None:
        """Record the microphone and send it to the session."""
        self.start()
        if self._mic is not None:
            return
        self._mic = self._open(self._sd.RawInputStream, INPUT_RATE, self._capture, self._frame)
        assert self._loop is not None
        self._pump = self._loop.create_task(self._send_mic())

    def stop_mic(self) -> None:
        """Stop recording (what was captured is still sent)."""
        mic, self._mic = self._mic, None
        if mic is not None:
            with contextlib.suppress(Exception):
                mic.stop()
                mic.close()
            self._queue.put_nowait(b"")  # the pump sends what is left, then ends

    async def stop(self) -> None:
        """Stop the mic and the speakers and let go of the session."""
        self.stop_mic()
        if self._pump is not None:
            with contextlib.suppress(Exception):
                await self._pump
            self._pump = None
        speaker, self._speaker = self._speaker, None
        if speaker is not None:
            with contextlib.suppress(Exception):
                speaker.stop()
                speaker.close()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # ------------------------------------------------------------------ internals

    def _open(self, kind: Any, rate: int, callback: Any, block: int) -> Any:
        try:
            stream = kind(samplerate=rate, channels=1, dtype="int16", blocksize=block,
                          callback=callback)  # fmt: skip
            stream.start()
        except Exception as exc:  # PortAudioError: no device, a rate it refuses, ...
            raise AudioError(
                f"the kernel's audio device could not open at {rate} Hz mono ({exc}); check "
                "`python -m sounddevice` lists a default input and output"
            ) from exc
        return stream

    def _on_event(self, event: Any) -> None:
        if isinstance(event, AudioChunk):
            pcm = event.data
            if event.rate != OUTPUT_RATE:
                x = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
                y = resample(x, event.rate, OUTPUT_RATE)
                pcm = np.clip(np.round(y * 32767), -32768, 32767).astype("<i2").tobytes()
            with self._lock:
                self._out += pcm
        elif isinstance(event, Interrupted):
            with self._lock:  # the reply was cut: what is queued is never heard
                self._out.clear()

    def _play(self, outdata: Any, frames: int, _time: Any, _status: Any) -> None:
        """PortAudio's output callback (its own thread): queued reply audio, else silence."""
        want = frames * 2
        with self._lock:
            take = bytes(self._out[:want])
            del self._out[:want]
        outdata[: len(take)] = take
        if len(take) < want:
            outdata[len(take) : want] = b"\0" * (want - len(take))
        if take:
            self.played += len(take) // 2
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self.session.report_playback, self.played)

    def _capture(self, indata: Any, _frames: int, _time: Any, _status: Any) -> None:
        """PortAudio's input callback (its own thread): hand the block to the session loop."""
        self.frames_in += 1
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._queue.put_nowait, bytes(indata))

    async def _send_mic(self) -> None:
        while True:
            block = await self._queue.get()
            if not block:
                return
            await self.session.send_audio(block)
            self.frames_sent += 1
