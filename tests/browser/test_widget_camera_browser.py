"""VoiceWidget in real Chromium: the Camera button streams JPEG frames to the session, then stops.

Chromium's ``--use-fake-device-for-media-stream`` (in the harness) also fakes a camera. One
JupyterLab run connects a widget to the keyed emulator (with search grounding on), presses
Camera, waits until the kernel-side session has sent at least two video frames, presses Camera
again and checks the capture stopped on both sides; a typed question then shows its grounding
sources under the reply as http(s) links.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_harness import Jupyter, NotebookPage, write_notebook
from PIL import Image

pytestmark = pytest.mark.timeout(900)

SETUP = """\
import asyncio, json, os, time
from gemlive_nb.widget import VoiceWidget
key = os.environ["GEMLIVE_TEST_KEY"]
w = VoiceWidget(endpoint=os.environ["GEMLIVE_TEST_EMULATOR"], api_key=key, google_search=True)
w"""

TAP = """\
frames = []
_send_video = w.session.send_video
async def _tap(frame, mime_type=None):
    frames.append((bytes(frame), mime_type))
    await _send_video(frame, mime_type)
w.session.send_video = _tap"""

# Waits (with a deadline) for the session to have sent `want` video frames, then writes what it
# sent: the recording's video sends, the tapped frames, and the widget's boolean trait.
DUMP = """\
def _videos():
    return [e for e in w.session.recording.events if e["dir"] == "send" and e["type"] == "video"]
_deadline = time.monotonic() + 60
while len(_videos()) < {want} and time.monotonic() < _deadline:
    await asyncio.sleep(0.05)
for _i, (_data, _mime) in enumerate(frames):
    open({out!r} + f".{{_i}}.jpg", "wb").write(_data)
json.dump(dict(videos=_videos(), mimes=[m for _, m in frames], video_on=w.video_on,
               error=w.error), open({out!r} + ".json", "w"))"""

CLOSE = "await w.disconnect()"


def camera_state(nb: NotebookPage) -> dict[str, Any]:
    return nb.engine(
        "({state: e.video.state, kind: e.video.kind, sent: e.video.framesSent,"
        " note: e.video.note, stream: !!e.video.stream})"
    )


@pytest.fixture(scope="module")
def camera_run(
    browser: Any, jupyter: Jupyter, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    out = str(tmp_path_factory.mktemp("camera") / "run")
    nb_path = jupyter.root / "camera_widget.ipynb"
    write_notebook(nb_path, [SETUP, TAP, DUMP.format(out=out, want=2), CLOSE])
    nb = NotebookPage(browser, jupyter, nb_path.name, ui="lab")
    nb.context.grant_permissions(["camera", "microphone"], origin=jupyter.base)
    page = nb.page
    result: dict[str, Any] = {}
    try:
        nb.run_cell(0)
        nb.connect_widget()
        nb.run_cell(1)
        result["label_before"] = page.locator(".gl-camera").text_content()
        page.click(".gl-camera")
        page.wait_for_function(
            "() => [...window.__gemlive.values()][0].video.framesSent >= 2", timeout=30_000
        )
        result["label_on"] = page.locator(".gl-camera").text_content()
        result["preview_width"] = page.locator(".gl-preview").evaluate(
            "v => v.getBoundingClientRect().width"
        )
        result["preview_visible"] = page.locator(".gl-preview").is_visible()
        result["note_on"] = page.locator(".gl-video-note").text_content()
        nb.run_cell(2)
        result["during"] = json.loads(Path(out + ".json").read_text())
        result["jpegs"] = sorted(Path(out).parent.glob("run.*.jpg"))
        # Press again: the track stops; the kernel then receives exactly what the page sent.
        page.evaluate(
            "() => { window.__camTracks = [...window.__gemlive.values()][0]"
            ".video.stream.getTracks(); }"
        )
        page.click(".gl-camera")
        page.wait_for_function(
            "() => [...window.__gemlive.values()][0].video.state === 'off'", timeout=10_000
        )
        result["after"] = camera_state(nb)
        result["tracks_after"] = page.evaluate("() => window.__camTracks.map(t => t.readyState)")
        result["label_after"] = page.locator(".gl-camera").text_content()
        result["preview_hidden"] = page.locator(".gl-preview").is_hidden()
        nb.set_cell(2, DUMP.format(out=out, want=result["after"]["sent"]))
        nb.run_cell(2)
        result["stopped"] = json.loads(Path(out + ".json").read_text())
        # A typed question: the emulator grounds the reply; its sources show under it.
        box = page.locator(".gl-text")
        box.fill("What is the tallest mountain on Earth?")
        box.press("Enter")
        page.locator(".gl-entry.gl-model .gl-sources a").first.wait_for(timeout=30_000)
        result["source_links"] = page.locator(".gl-sources a").evaluate_all(
            "as => as.map(a => ({href: a.getAttribute('href'), text: a.textContent,"
            " rel: a.rel, html: a.innerHTML}))"
        )
        nb.run_cell(3)
        result["page_errors"] = list(nb.errors)
        yield result
    finally:
        nb.close()


def test_pressing_camera_sends_jpeg_frames_to_the_session(camera_run: dict) -> None:
    assert camera_run["label_before"] == "Camera"
    assert camera_run["label_on"] == "Stop camera"
    during = camera_run["during"]
    assert len(during["videos"]) >= 2, during
    assert all(v["mime_type"] == "image/jpeg" and v["bytes"] > 500 for v in during["videos"])
    assert during["video_on"] is True and during["error"] == ""
    assert set(during["mimes"]) == {"image/jpeg"}
    assert len(camera_run["jpegs"]) >= 2
    for path in camera_run["jpegs"]:
        with Image.open(io.BytesIO(path.read_bytes())) as img:
            assert img.format == "JPEG"
            assert 0 < max(img.size) <= 768


def test_the_preview_is_small_and_the_status_line_counts_frames(camera_run: dict) -> None:
    assert camera_run["preview_visible"]
    assert 100 <= camera_run["preview_width"] <= 170
    assert "camera on" in camera_run["note_on"] and "frames sent" in camera_run["note_on"]


def test_pressing_again_stops_the_track_and_the_frames(camera_run: dict) -> None:
    after = camera_run["after"]
    assert after["state"] == "off" and after["kind"] is None and not after["stream"]
    assert camera_run["tracks_after"] and set(camera_run["tracks_after"]) == {"ended"}
    assert camera_run["label_after"] == "Camera" and camera_run["preview_hidden"]
    stopped = camera_run["stopped"]
    assert stopped["video_on"] is False
    assert len(stopped["videos"]) == after["sent"]  # every frame the page sent, and no more


def test_grounding_sources_are_links_under_the_reply(camera_run: dict) -> None:
    links = camera_run["source_links"]
    assert links, "no grounding sources shown"
    for link in links:
        assert link["href"].startswith("https://example.com/search/")
        assert link["text"] == "example.com" and link["html"] == "example.com"
        assert link["rel"] == "noopener noreferrer"
    assert camera_run["page_errors"] == []


def test_share_screen_replaces_the_camera_and_its_frames_reach_the_session(
    browser: Any, jupyter: Jupyter, tmp_path: Path
) -> None:
    out = str(tmp_path / "screen")
    nb_path = jupyter.root / "screen_widget.ipynb"
    write_notebook(nb_path, [SETUP, TAP, DUMP.format(out=out, want=1), CLOSE])
    nb = NotebookPage(browser, jupyter, nb_path.name, ui="lab")
    nb.context.grant_permissions(["camera", "microphone"], origin=jupyter.base)
    page = nb.page
    try:
        nb.run_cell(0)
        nb.connect_widget()
        nb.run_cell(1)
        page.click(".gl-camera")
        page.wait_for_function(
            "() => [...window.__gemlive.values()][0].video.state === 'on'", timeout=15_000
        )
        page.evaluate(
            "() => { window.__camTracks = [...window.__gemlive.values()][0]"
            ".video.stream.getTracks(); }"
        )
        page.click(".gl-screen")  # one source at a time: the camera stops
        page.wait_for_function(
            "() => { const v = [...window.__gemlive.values()][0].video;"
            " return v.kind === 'screen' && v.state === 'on' && v.framesSent >= 1; }",
            timeout=30_000,
        )
        assert set(page.evaluate("() => window.__camTracks.map(t => t.readyState)")) == {"ended"}
        assert page.locator(".gl-screen").text_content() == "Stop sharing"
        assert page.locator(".gl-camera").text_content() == "Camera"
        nb.run_cell(2)
        sent = json.loads(Path(out + ".json").read_text())
        assert len(sent["videos"]) >= 1 and sent["video_on"] is True
        page.click(".gl-screen")
        page.wait_for_function(
            "() => [...window.__gemlive.values()][0].video.state === 'off'", timeout=10_000
        )
        nb.run_cell(3)
        assert nb.errors == [], nb.errors
    finally:
        nb.close()
