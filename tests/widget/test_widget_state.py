"""The VoiceWidget's state follows its session: a drop, a reconnect, a disconnect, a failure."""

from __future__ import annotations

from typing import Any

import pytest
from test_widget_kernel import FakeSession, browser, make, settle

from gemlive_nb.session import SessionStatus
from gemlive_nb.widget import voice_widget as widget_mod


def _capturing(session: Any) -> Any:
    w, out = make(session, mic_on=True)
    browser(w, {"type": "ready"})
    w.video_on = True  # the page set it: the camera sends frames
    return w, out


async def test_a_drop_turns_the_camera_and_the_mic_off() -> None:
    s = FakeSession()
    w, _ = _capturing(s)
    s.emit(SessionStatus("closed", "Internal error occurred.", 1011))
    assert w.status == "closed" and not w.connected and w.error
    assert not w.video_on and not w.mic_on  # never "camera on" for a session that is gone


async def test_a_reconnect_keeps_them_and_says_so_until_connected_again() -> None:
    s = FakeSession()
    w, _ = _capturing(s)
    s.emit(SessionStatus("reconnecting"))
    assert w.status == "reconnecting" and not w.connected
    assert w.video_on and w.mic_on  # frames wait for the session
    s.emit(SessionStatus("connected"))
    assert w.status == "connected" and w.connected and w.video_on and w.mic_on


async def test_a_disconnect_releases_them() -> None:
    s = FakeSession()
    w, _ = _capturing(s)
    await w.disconnect()
    await settle()
    assert w.status == "closed" and not w.connected and not w.video_on and not w.mic_on
    assert w.error == ""


async def test_a_failed_connect_leaves_nothing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    async def failing(*_: Any, **__: Any) -> Any:
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(widget_mod, "_open_session", failing)
    w, _ = make(mic_on=True)  # Start mic before Connect connects too
    with pytest.raises(ConnectionRefusedError):
        await w.connect()
    assert w.status == "closed" and not w.connected and not w.mic_on and not w.video_on
