"""VoiceWidget on the seed's endpoint (the mixroute proxy), both ways the proxy may behave.

With default settings the kit asks the proxy for ["AUDIO", "TEXT"]; a permissive proxy then
sends every reply twice (output transcription and text parts), a Google passthrough refuses it
and the kit falls back to ["AUDIO"]. Either way the pane shows each reply word once. The pane
is folded by the front end's own code (``js/pane.js`` under Node), from the kernel's messages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from waiting import wait_until

from gemlive_nb.emulator import Emulator
from gemlive_nb.protocol import OutputTranscript, TextPart, TurnComplete
from gemlive_nb.widget import VoiceWidget

KEY = "sk-test-0123456789"
PANE = Path(__file__).resolve().parents[2] / "js" / "pane.js"
# How js/engine.js applies the kernel's items to the pane (transcripts, turns, marks).
_FOLD = """
import { addText } from %s;
const entries = [];
const finishAll = () => entries.forEach((e) => { e.final = true; });
for (const item of JSON.parse(process.argv[1])) {
  if (item.type === "transcript") {
    addText(entries, item.role === "user" ? "user" : "model", item.text ?? "", !!item.final,
            { replace: !!item.replace, reply: item.reply });
  } else if (item.type === "turn") finishAll();
  else if (item.type === "mark") {
    finishAll();
    entries.push({ kind: "mark", text: item.text, final: true, v: 0 });
  }
}
console.log(JSON.stringify(entries));
"""


def pane(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pane's entries after the browser applied ``items`` (run by Node)."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the front-end tests: apt-get install -y nodejs npm"
    script = _FOLD % json.dumps(PANE.as_uri())
    proc = subprocess.run(
        [node, "--input-type=module", "-e", script, json.dumps(items)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(proc.stdout)


def make(*args: Any, **kw: Any) -> tuple[VoiceWidget, list[dict[str, Any]]]:
    w = VoiceWidget(*args, **kw)
    out: list[dict[str, Any]] = []
    w.send = lambda content, buffers=None: out.extend(content["items"])  # type: ignore[method-assign]
    w._handle_custom_msg({"type": "ready"}, [])
    return w, out


def model_lines(entries: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in entries if e["kind"] == "model"]


@pytest.mark.parametrize("proxy", ["seed", "google"])
async def test_default_widget_on_mixroute_shows_each_reply_word_once(proxy: str) -> None:
    async with Emulator(speech="builtin", dialect="mixroute", proxy_modalities=proxy) as emu:
        w, out = make(endpoint=emu.proxy_url(), api_key=KEY)
        session = await w.connect()
        try:
            for k, text in enumerate(["Hello", "What is the capital of France?"], 1):
                w._handle_custom_msg({"type": "text", "text": text}, [])
                await wait_until(lambda k=k: sum(i["type"] == "turn" for i in out) == k)
            turns = list(session.recording.turns)
        finally:
            await w.disconnect()
    entries = pane(out)
    said = [t.transcript for t in turns]
    assert all(s.strip() for s in said)  # the widget got transcripts
    assert model_lines(entries) == said  # each reply once, exactly the turn's words
    marks = [e["text"] for e in entries if e["kind"] == "mark"]
    if proxy == "google":  # the fallback is said once, in the pane too
        assert sum("asking again with ['AUDIO']" in m for m in marks) == 1
        assert all(t.text == "" for t in turns)
    else:
        assert not any("asking again" in m for m in marks)
        assert all(t.text == t.output_transcript for t in turns)  # both arrived


class Session:
    """Just enough of a LiveSession for the widget to drive."""

    status = "connected"

    def __init__(self) -> None:
        self.callbacks: list[Any] = []

    def subscribe(self, callback: Any) -> Any:
        self.callbacks.append(callback)
        return lambda: None

    def emit(self, *events: Any) -> None:
        for event in events:
            for cb in self.callbacks:
                cb(event)

    async def close(self) -> None:
        self.status = "closed"


async def test_a_transcription_after_text_parts_takes_their_place() -> None:
    s = Session()
    w, out = make(s)
    s.emit(TextPart("Bonjour à tous."), TextPart(" Ça va?"))
    w._batcher.flush()  # the text parts reach the page before the transcription comes
    s.emit(OutputTranscript("Bonjour"), TextPart(" ignored"), OutputTranscript(" à tous."))
    s.emit(TurnComplete(), TextPart("Second reply, text only."), TurnComplete())
    s.emit(TextPart("thinking…", thought=True), OutputTranscript("Third."), TurnComplete())
    w._batcher.flush()
    assert model_lines(pane(out)) == ["Bonjour à tous.", "Second reply, text only.", "Third."]
    assert any(i.get("replace") for i in out)
