"""What the user sends: text, audio, activity signals, tool responses; ``ask()``.

Video, multi-turn content and context updates are in :mod:`.content`.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import protocol as p
from ..audio import Audio, StreamResamplers, float_to_int16, pcm16_to_array
from ..conversation import Turn
from ..conversation.vad import has_speech
from ..exceptions import AudioError, ConfigError, SessionClosed
from ..protocol import INPUT_RATE
from ..protocol.service_rules import text_route
from .content import check_turns_allowed
from .options import check_timeout
from .sender import Sender
from .turns import TurnBook

__all__ = ["Inputs"]

MIN_CHUNK_S = 0.01  # stream_audio's smallest piece (160 samples at 16 kHz); less only floods


class Inputs:
    """What the user sends to one session: audio, text, activity signals, tool responses.

    :class:`~gemlive_nb.session.LiveSession` owns one and offers its methods; it holds the
    resamplers of streamed audio. ``config()`` is the session's current config, ``error()``
    its closing error (None while it runs).
    """

    def __init__(
        self,
        recording: Any,
        sender: Sender,
        turns: TurnBook,
        config: Callable[[], Any],
        endpoint: Any,
        error: Callable[[], SessionClosed | None],
    ) -> None:
        self._recording = recording
        self._sender = sender
        self._turns = turns
        self._config = config
        self._endpoint = endpoint
        self._error = error
        self._resamplers = StreamResamplers(INPUT_RATE)

    @staticmethod
    def _as_samples(pcm: Any, rate: int, caller: str) -> tuple[np.ndarray, int]:
        """``pcm`` (PCM16 bytes, an int16/float array or an Audio) as mono int16 samples, rate.

        ``caller`` names the method in the error for anything else.
        """
        if isinstance(pcm, Audio):
            return pcm.samples, pcm.rate
        if isinstance(pcm, (bytes, bytearray, memoryview)):
            return pcm16_to_array(pcm), rate
        if isinstance(pcm, np.ndarray):
            samples = pcm if pcm.dtype == np.int16 else float_to_int16(pcm)
            if samples.ndim != 1:
                raise AudioError(f"audio must be mono (1-D), got shape {pcm.shape}")
            return samples, rate
        raise AudioError(
            f"{caller} takes bytes (PCM16), a numpy array or an Audio, not {type(pcm).__name__}"
        )

    def _input_samples(self, pcm: Any, rate: int) -> np.ndarray:
        return self._resamplers.process(*self._as_samples(pcm, rate, "send_audio"))

    async def send_audio(self, pcm: bytes | np.ndarray | Audio, rate: int = INPUT_RATE) -> None:
        """Stream microphone audio (PCM16 bytes, an int16/float array or an Audio).

        Audio at another rate is resampled to 16 kHz. On a stalled network the oldest queued
        audio is dropped (see ``stats``). Example::

            await s.send_audio(chunk_bytes)              # 16 kHz PCM16
            await s.send_audio(samples_48k, rate=48000)
        """
        if type(pcm) is bytes and rate == INPUT_RATE and not len(pcm) & 1:
            data = pcm
            samples = np.frombuffer(pcm, "<i2")
        else:
            samples = self._input_samples(pcm, rate)
            data = samples.astype("<i2", copy=False).tobytes()
        n = len(samples)
        if not n:
            return
        seconds = n / INPUT_RATE
        self._recording.add_input_audio(samples)
        self._sender.count_audio(1, seconds)
        await self._sender.send(p.realtime_audio_frame(data, INPUT_RATE), seconds)

    async def stream_audio(
        self,
        audio: bytes | np.ndarray | Audio,
        rate: int = INPUT_RATE,
        chunk_s: float = 0.1,
        end: bool = False,
        on_chunk: Callable[[], object] | None = None,
    ) -> None:
        """Send recorded audio in real time, like a microphone.

        A ``chunk_s`` piece (at least 0.01 s) at a time goes, each once it would have been
        recorded (``chunk_s`` after it began). ``end=True`` then sends :meth:`audio_stream_end`
        (the user stopped talking); ``on_chunk()`` runs before each piece goes (e.g. to report
        playback). Example::

            await s.stream_audio(gl.Audio.from_wav("question.wav"), end=True)
        """
        if (
            isinstance(chunk_s, bool)
            or not isinstance(chunk_s, (int, float))
            or not MIN_CHUNK_S <= chunk_s < math.inf
        ):
            raise ConfigError(
                f"chunk_s must be a number of seconds from {MIN_CHUNK_S} up (0.02 to 0.1 is "
                f"usual), not {chunk_s!r}"
            )
        if not isinstance(audio, Audio) and (
            isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or rate <= 0
        ):
            raise ConfigError(
                f"rate must be the audio's sample rate in Hz, a whole number > 0 such as 16000, "
                f"not {rate!r}"
            )
        samples, rate = self._as_samples(audio, rate, "stream_audio")
        step = max(1, round(rate * chunk_s))
        loop = asyncio.get_running_loop()
        start = loop.time()
        for n, i in enumerate(range(0, len(samples), step)):
            await asyncio.sleep(max(0.0, start + (n + 1) * chunk_s - loop.time()))
            if on_chunk is not None:
                on_chunk()
            await self.send_audio(samples[i : i + step], rate=rate)
        if end:
            await self.audio_stream_end()

    async def send_text(self, text: str, turn_complete: bool = True) -> Turn | None:
        """Send user text; returns the new Turn (the model answers it).

        The text goes the way the session's model takes it mid-conversation under every dated
        regime of the service's rules (:mod:`gemlive_nb.protocol.service_rules`): as
        ``clientContent`` on most models, as ``realtimeInput.text`` on those that once took
        ``clientContent`` only as initial history (3.1). ``ask(str)``, the widget's typed text
        and ``%%gemlive`` go through here. With ``turn_complete=False`` the text is added to the
        context as ``clientContent`` and waits for more (history seeding: the rules of
        :meth:`send_turns` apply). Example::

            turn = await s.send_text("Hello!")
            await s.wait_turn(turn)
        """
        if not isinstance(text, str):
            raise ConfigError(f"send_text takes text (a str), not {type(text).__name__}")
        if turn_complete and self._text_route() == "realtime_text":
            return await self.send_realtime_text(text)
        if not turn_complete:
            check_turns_allowed(self._config(), self._endpoint, self._recording)
        frame = p.dumps(p.client_content(text, turn_complete=turn_complete))
        self._recording.log("send", "text", text=text, turn_complete=turn_complete)
        if not turn_complete:
            await self._turns.send_history(frame)
            return None
        return await self._turns.send_turn(text, frame)

    def _text_route(self) -> str:
        """``'client_content'`` or ``'realtime_text'``: how this session's model takes text."""
        return text_route(self._config().model or self._endpoint.model)

    async def send_realtime_text(self, text: str) -> Turn:
        """Send streaming text input (``realtimeInput.text``); the model answers it.

        History seeded before it (``turn_complete=False``) is sent again with it if the turn
        must be asked again on a new connection.
        """
        if not isinstance(text, str):
            raise ConfigError(f"send_realtime_text takes text (a str), not {type(text).__name__}")
        frame = p.dumps(p.realtime_text(text))
        self._recording.log("send", "realtime_text", text=text)
        return await self._turns.send_turn(text, frame)

    async def activity_start(self) -> None:
        """Manual VAD (``vad={'disabled': True}``): the user started speaking."""
        self._recording.log("send", "activity_start")
        await self._sender.send(p.dumps(p.activity_start()))

    async def activity_end(self) -> None:
        """Manual VAD: the user stopped speaking; the model answers."""
        self._recording.log("send", "activity_end")
        self._recording.mark_user_end()
        await self._sender.send(p.dumps(p.activity_end()))

    async def audio_stream_end(self) -> None:
        """The microphone paused or closed (automatic VAD): flush the speech heard so far."""
        self._recording.log("send", "audio_stream_end")
        self._recording.mark_user_end()
        await self._sender.send(p.dumps(p.audio_stream_end()))

    async def send_tool_response(
        self, responses: p.FunctionResponse | dict[str, Any] | list[Any]
    ) -> None:
        """Answer tool calls yourself (for functions declared as dicts, or ``auto_tools=False``).

        Example::

            await s.send_tool_response({"id": call.id, "name": call.name,
                                        "response": {"temp_c": 21}})
        """
        message = p.tool_response(responses)
        for item in message["toolResponse"]["functionResponses"]:
            self._recording.add_tool_result(item)
        self._recording.log("send", "tool_response", responses=message["toolResponse"])
        await self._sender.send(p.dumps(message))

    async def ask(
        self,
        prompt: str | Audio,
        timeout: float | None = 120.0,
        wait_playback: bool = False,
    ) -> Turn:
        """Send one user turn (text, or an Audio of speech) and wait until it ends.

        Tool calls in between are answered automatically. The turn's ``status`` says how it
        ended: ``"answered"``, ``"interrupted"``, or ``"no_reply"`` (e.g. a clip without
        speech — the model says nothing and the turn ends after a short quiet period). A turn
        that could not be completed (asked again after goAway too often) raises
        :class:`~gemlive_nb.exceptions.TurnFailed`. With ``wait_playback=True`` it returns
        only once the reply would have finished playing for a listener, so the next turn is
        paced like a person's. Example::

            turn = await s.ask("What's the weather in Paris?")
            turn.transcript, turn.audio, turn.metrics["latency_first_audio"]
        """
        check_timeout(timeout)
        sent: Turn | None
        if isinstance(prompt, Audio):
            sent = await self.ask_audio(prompt)
        elif isinstance(prompt, str):
            sent = await self.send_text(prompt)
        else:
            raise ConfigError(f"ask takes text or an Audio, not {type(prompt).__name__}")
        assert sent is not None
        turn = await self.wait_turn(sent, timeout)
        if wait_playback and turn.output_offset is not None:
            ends = (turn.output_offset + turn.heard_samples) / p.OUTPUT_RATE
            await asyncio.sleep(max(0.0, ends - self._recording.now()))
        return turn

    async def wait_turn(self, turn: Turn, timeout: float | None = 120.0) -> Turn:
        """Wait until ``turn`` ends (any status but ``"pending"``) and return it.

        Raises :class:`~gemlive_nb.exceptions.TurnFailed` when it failed.
        """
        if not isinstance(turn, Turn):
            raise ConfigError(f"wait_turn takes a Turn (from send_text/ask), not {turn!r:.40}")
        check_timeout(timeout)
        return await self._turns.wait(turn, timeout, self._error())

    async def ask_audio(self, audio: Audio) -> Turn:
        """Send one spoken utterance at once as a turn (re-sent whole if its connection breaks)."""
        if audio.rate != INPUT_RATE:  # one whole utterance: resample it on its own
            audio = audio.resample(INPUT_RATE)
        samples = self._input_samples(audio, INPUT_RATE)
        vad = self._config().vad
        manual = bool(vad and vad.disabled)
        step = INPUT_RATE // 10
        frames: list[tuple[str, float]] = []
        if manual:
            frames.append((p.dumps(p.activity_start()), 0.0))
        for i in range(0, len(samples), step):
            piece = samples[i : i + step]
            data = piece.astype("<i2", copy=False).tobytes()
            frames.append((p.realtime_audio_frame(data, INPUT_RATE), 0.0))
        end = p.activity_end() if manual else p.audio_stream_end()
        frames.append((p.dumps(end), 0.0))
        self._recording.add_input_audio(samples, streamed=False)  # sent at once, starts now
        # a clip without speech may get no reply at all: its turn ends after a short quiet
        turn = self._turns.begin(None, frames, expect_reply=has_speech(samples, INPUT_RATE))
        self._sender.count_audio(len(frames) - 1 - int(manual), len(samples) / INPUT_RATE)
        for frame, _ in frames:  # never dropped: this turn must arrive whole
            await self._sender.send(frame)
        self._recording.mark_user_end()
        return turn
