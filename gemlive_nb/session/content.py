"""Richer inputs: multi-turn content and history, context updates, video frames.

Example::

    await s.send_turns([("user", "My name is Ada."), ("model", "Hello Ada!")],
                       turn_complete=False)                 # seed the history
    await s.update_context(system_instruction="Answer in French.")
    await s.send_video(frame)                               # an HxWx3 uint8 array → JPEG
    await s.stream_video(frames, fps=1)                     # paced, one frame a second
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import Any

from .. import protocol as p
from ..catalog import MODELS, Model, bare_model
from ..conversation import Turn
from ..exceptions import ConfigError
from ..images import image_bytes as _image_bytes
from ..images import jpeg
from ..tools import declare
from .sender import Sender
from .turns import TurnBook

# jpeg: re-exported from ..images
__all__ = ["Content", "check_turns_allowed", "jpeg", "model_entry"]

ROLES = ("user", "model")


def _part(item: Any, where: str) -> dict[str, Any]:
    if isinstance(item, str):
        return {"text": item}
    if isinstance(item, Mapping):
        return p.normalize_keys(dict(item))
    data, mime = _image_bytes(item, None, where)
    return p.inline_part(data, mime)


def _turn(item: Any, i: int) -> dict[str, Any]:
    """``(role, content)``, ``{"role", "parts"}`` or plain text (a user turn) → wire turn."""
    if isinstance(item, str):
        return {"role": "user", "parts": [{"text": item}]}
    if isinstance(item, Mapping):
        turn = p.normalize_keys(dict(item))
        role, parts = turn.get("role", "user"), turn.get("parts")
        if parts is None:
            raise ConfigError(
                f"turns[{i}] needs 'parts' (e.g. [{{'text': 'Hi'}}]), got {item!r:.60}"
            )
    elif isinstance(item, tuple) and len(item) == 2:
        role, content = item
        parts = content if isinstance(content, list) else [content]
    else:
        raise ConfigError(
            f"turns[{i}] must be text, (role, content) or {{'role', 'parts'}}, not {item!r:.60}"
        )
    if role not in ROLES:
        raise ConfigError(f"turns[{i}] role must be 'user' or 'model', not {role!r}")
    return {"role": role, "parts": [_part(x, f"turns[{i}]") for x in parts]}


def model_entry(config_model: str | None, endpoint_model: str | None) -> Model | None:
    """The catalog entry of the session's model (None for a model outside the catalog)."""
    return MODELS.get(bare_model(config_model or endpoint_model or ""))


def check_turns_allowed(config: Any, endpoint: Any, recording: Any) -> None:
    """Raise ConfigError when ``clientContent`` turns can't go now, per the model's rules.

    Models that some dated regime of the service takes ``clientContent`` from only as initial
    history (3.1 at launch: google/adk-python#5075) need ``seed_history=True`` and the turns
    before the first question (before any turn has ended).
    """
    model = model_entry(config.model, endpoint.model)
    if model is None or model.client_content_after_first_turn:
        return
    if not config.seed_history:
        raise ConfigError(
            f"{model.name!r} takes turns only as initial history: connect with "
            "seed_history=True and send them before the first question, or send text with "
            "s.ask() / s.send_text()"
        )
    if any(t.status != "pending" for t in recording.turns):
        raise ConfigError(
            f"{model.name!r} takes history only before the first turn — send text with "
            "s.ask() / s.send_text() now"
        )


class Content:
    """Multi-turn content, context updates and video for one session.

    :class:`~gemlive_nb.session.LiveSession` owns one and offers its methods; ``config()`` is
    the session's current config.
    """

    def __init__(
        self,
        recording: Any,
        sender: Sender,
        turns: TurnBook,
        config: Callable[[], Any],
        endpoint: Any,
    ) -> None:
        self._recording = recording
        self._sender = sender
        self._turns = turns
        self._config = config
        self._endpoint = endpoint

    async def send_turns(self, turns: Iterable[Any], turn_complete: bool = True) -> Turn | None:
        """Send several turns at once (``clientContent``): history, images, the user's question.

        Each turn is text (a user turn), ``(role, content)`` with role ``'user'``/``'model'``
        and content a str, an image (uint8 array, PIL image, JPEG/PNG bytes), a part dict or a
        list of those, or a wire ``{'role', 'parts'}`` dict. ``turn_complete=False`` only adds
        them to the context (history seeding); otherwise the model answers and the new Turn is
        returned. Models that some regime of the service's rules takes ``clientContent`` from
        only as initial history (3.1, see ``gl.MODELS[name].rules``) need ``seed_history=True``
        and must be seeded before the first turn; otherwise a ConfigError says so.

        Example::

            await s.send_turns([("user", "I'm Ada."), ("model", "Hi Ada!")], turn_complete=False)
            turn = await s.send_turns([("user", ["What is this?", image])])
        """
        if isinstance(turns, (str, Mapping)):
            turns = [turns]
        wire = [_turn(item, i) for i, item in enumerate(turns)]
        if not wire:
            raise ConfigError("send_turns needs at least one turn")
        check_turns_allowed(self._config(), self._endpoint, self._recording)
        frame = p.dumps(p.client_content(wire, turn_complete=turn_complete))
        self._recording.log("send", "turns", turns=len(wire), turn_complete=turn_complete)
        if not turn_complete:
            await self._turns.send_history(frame)
            return None
        # turnComplete makes the model answer, whatever role the last turn has (PROTOCOL.md §5)
        last = wire[-1]["parts"] if wire[-1]["role"] == "user" else []
        texts = [x["text"] for x in last if isinstance(x.get("text"), str)]
        return await self._turns.send_turn(" ".join(texts), frame, source="typed")

    def context_update(
        self,
        tools: Any,
        system_instruction: str | None = None,
        new_tools: Iterable[Any] | None = None,
    ) -> tuple[Any, str]:
        """The new config and the ``contextUpdate`` frame (see ``LiveSession.update_context``).

        ``tools`` is the session's ToolRegistry: a call to a removed tool is refused from now.
        The wire fields come from the one setup builder (:meth:`LiveConfig.to_setup`).
        """
        changes: dict[str, Any] = {}
        if system_instruction is not None:
            changes["system_instruction"] = system_instruction
        if new_tools is not None:
            changes["tools"] = tuple(new_tools)
        if not changes:
            raise ConfigError("update_context needs system_instruction= or tools=")
        config = self._config().replace(**changes)
        ep = self._endpoint
        setup = config.to_setup(ep.model, ep.dialect, declare)["setup"]
        text = None
        if system_instruction is not None:
            parts = (setup.get("systemInstruction") or {}).get("parts") or [{"text": ""}]
            text = parts[0]["text"]
        wire_tools = list(setup.get("tools") or []) if new_tools is not None else None
        message = p.context_update(system_instruction=text, tools=wire_tools)
        if new_tools is not None:
            tools.replace(config.tools)  # a call to a removed tool is refused
        fields: dict[str, Any] = {k: str(v) for k, v in changes.items()}
        self._recording.log("send", "context_update", **fields)
        return config, p.dumps(message)

    async def send_video(self, frame: Any, mime_type: str | None = None) -> None:
        """Send one video frame.

        ``frame`` is an ``HxWx3`` uint8 array or PIL image (sent as JPEG), or JPEG/PNG bytes.
        Keep to about one frame per second (see :meth:`stream_video`). Frames larger than
        768 px on their long side are scaled down first (``images.MAX_SIDE``), off the event
        loop.
        """
        if isinstance(frame, (bytes, bytearray, memoryview)):
            data, mime = _image_bytes(frame, mime_type, "send_video")
        else:  # encoding a big frame takes a while: not on the loop that plays the reply
            data, mime = await asyncio.to_thread(_image_bytes, frame, mime_type, "send_video")
        self._recording.log("send", "video", bytes=len(data), mime_type=mime)
        await self._sender.send(p.dumps(p.realtime_video(data, mime)))

    async def stream_video(
        self, frames: Iterable[Any] | AsyncIterable[Any], fps: float = 1.0
    ) -> int:
        """Send ``frames`` at ``fps`` frames a second at most; returns how many were sent.

        Each frame goes at least ``1 / fps`` after the previous one was sent: a slow frame (the
        first JPEG encode imports Pillow) delays the rest rather than letting them burst.

        Example::

            await s.stream_video(camera_frames(), fps=1)
        """
        if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= 30:
            raise ConfigError(f"fps must be a number from 0 (excluded) to 30, not {fps!r}")
        loop = asyncio.get_running_loop()
        next_at, sent = loop.time(), 0

        async def pace_and_send(frame: Any) -> None:
            nonlocal next_at, sent
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await self.send_video(frame)
            next_at = loop.time() + 1 / fps
            sent += 1

        if isinstance(frames, AsyncIterable):
            async for frame in frames:
                await pace_and_send(frame)
        else:
            for frame in frames:
                await pace_and_send(frame)
        return sent
