"""VoiceWidget kernel side: camera/screen frames reach send_video; grounding goes to the page."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from waiting import wait_until

from gemlive_nb.conversation.grounding import safe_url
from gemlive_nb.protocol import GroundingMetadata, GroundingSource
from gemlive_nb.widget import VoiceWidget
from gemlive_nb.widget.media import grounding_item, video_frame
from gemlive_nb.widget.messages import TO_BROWSER, TO_KERNEL


class VideoSession:
    def __init__(self) -> None:
        self.callbacks: list[Any] = []
        self.videos: list[tuple[bytes, str | None]] = []
        self.status = "connected"
        self.config = None

    def subscribe(self, callback: Any) -> Any:
        self.callbacks.append(callback)
        return lambda: self.callbacks.remove(callback)

    def emit(self, event: Any) -> None:
        for cb in list(self.callbacks):
            cb(event)

    async def send_video(self, frame: bytes, mime_type: str | None = None) -> None:
        self.videos.append((frame, mime_type))

    async def close(self) -> None:
        self.status = "closed"


def make(session: Any) -> tuple[VoiceWidget, list[dict]]:
    w = VoiceWidget(session)
    out: list[dict] = []
    w.send = lambda content, buffers=None: out.extend(content["items"])  # type: ignore[method-assign]
    w._handle_custom_msg({"type": TO_KERNEL.READY}, [])
    return w, out


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG", quality=70)
    return buf.getvalue()


async def test_a_video_message_reaches_send_video_with_its_bytes() -> None:
    s = VideoSession()
    w, _ = make(s)
    frames = [jpeg(), jpeg((32, 32))]
    for frame in frames:
        w._handle_custom_msg({"type": TO_KERNEL.VIDEO, "mime": "image/jpeg"}, [memoryview(frame)])
    await wait_until(lambda: len(s.videos) == 2)
    assert s.videos == [(frames[0], "image/jpeg"), (frames[1], "image/jpeg")]
    w.close()


async def test_video_messages_without_an_image_buffer_are_ignored() -> None:
    s = VideoSession()
    w, _ = make(s)
    w._handle_custom_msg({"type": TO_KERNEL.VIDEO, "mime": "text/html"}, [memoryview(b"<b>")])
    w._handle_custom_msg({"type": TO_KERNEL.VIDEO, "mime": "image/jpeg"}, [])
    w._handle_custom_msg({"type": TO_KERNEL.VIDEO, "mime": "image/png"}, [memoryview(b"\x89PNG")])
    await wait_until(lambda: len(s.videos) == 1)
    await asyncio.sleep(0.05)
    assert s.videos == [(b"\x89PNG", "image/png")]
    assert video_frame({"mime": "image/jpeg"}, [b""]) is None
    w.close()


def test_video_on_is_the_only_video_trait_and_a_boolean() -> None:
    w = VoiceWidget()
    state = w.get_state()
    assert state["video_on"] is False
    assert not any("frame" in k and k != "frame_ms" for k in state)
    w.close()


async def test_grounding_sources_are_sent_for_a_turn_with_grounding() -> None:
    s = VideoSession()
    w, out = make(s)
    s.emit(GroundingMetadata(sources=(
        GroundingSource("Paris - Wikipedia", "https://en.wikipedia.org/wiki/Paris"),
        GroundingSource("evil", "javascript:alert(1)"),
        GroundingSource(None, "http://example.com/a", domain="example.com"),
        GroundingSource("data", "data:text/html,<script>x()</script>"),
        GroundingSource("no link", None),
    )))  # fmt: skip
    await wait_until(lambda: any(i["type"] == TO_BROWSER.GROUNDING for i in out))
    (item,) = [i for i in out if i["type"] == TO_BROWSER.GROUNDING]
    assert item["sources"] == [
        {"title": "Paris - Wikipedia", "uri": "https://en.wikipedia.org/wiki/Paris"},
        {"title": "example.com", "uri": "http://example.com/a"},
    ]
    w.close()


def test_grounding_without_any_http_link_sends_nothing() -> None:
    event = GroundingMetadata(sources=(GroundingSource("x", "file:///etc/passwd"),))
    assert grounding_item(event) is None
    assert grounding_item(GroundingMetadata()) is None


SCHEMES = ("http", "https", "HTTPS", "javascript", "data", "file", "ftp", "vbscript", "")
uris = st.builds(
    "{}:{}{}".format,
    st.sampled_from(SCHEMES),
    st.sampled_from(("//", "", "///")),
    st.text(max_size=30),
)


@given(st.lists(st.tuples(st.text(max_size=30), uris | st.text(max_size=40)), max_size=6))
def test_only_http_and_https_uris_survive(pairs: list[tuple[str, str]]) -> None:
    event = GroundingMetadata(sources=tuple(GroundingSource(t, u) for t, u in pairs))
    item = grounding_item(event)
    kept = item["sources"] if item else []
    assert [s["uri"] for s in kept] == [u.strip() for _, u in pairs if safe_url(u)]
    for source in kept:
        assert source["uri"].split(":", 1)[0].lower() in ("http", "https")
        assert "//" in source["uri"]


async def test_a_real_session_sends_browser_frames_and_grounding(emulator: Any) -> None:
    w = VoiceWidget(endpoint=emulator.google_url(), voice="Puck", google_search=True)
    out: list[dict] = []
    w.send = lambda content, buffers=None: out.extend(content["items"])  # type: ignore[method-assign]
    w._handle_custom_msg({"type": TO_KERNEL.READY}, [])
    session = await w.connect()
    try:
        frame = jpeg()
        w._handle_custom_msg({"type": TO_KERNEL.VIDEO, "mime": "image/jpeg"}, [memoryview(frame)])

        def video_sends() -> list[dict]:
            events = session.recording.events
            return [e for e in events if e["dir"] == "send" and e["type"] == "video"]

        await wait_until(lambda: len(video_sends()) == 1)
        assert video_sends()[0]["bytes"] == len(frame)
        w._handle_custom_msg({"type": TO_KERNEL.TEXT, "text": "What is the capital of France?"}, [])
        await wait_until(lambda: any(i["type"] == TO_BROWSER.GROUNDING for i in out))
        (item,) = [i for i in out if i["type"] == TO_BROWSER.GROUNDING]
        assert item["sources"] and all(s["uri"].startswith("http") for s in item["sources"])
    finally:
        await w.disconnect()
