"""The VoiceWidget's pane names diarized speakers (``speakerLabel``) like the other views."""

from __future__ import annotations

from test_widget_kernel import FakeSession, browser, items, make, settle

from gemlive_nb.protocol import InputTranscript


async def test_each_diarized_speaker_reaches_the_pane_as_their_own_entry() -> None:
    s = FakeSession()
    w, out = make(s)
    browser(w, {"type": "ready"})
    s.emit(InputTranscript("Where is", speaker="A"))
    s.emit(InputTranscript(" the station?", speaker="A"))
    s.emit(InputTranscript(" I think it's left.", speaker="B", finished=True))
    s.emit(InputTranscript("Thanks.", finished=True))  # no label: no speaker
    await settle(0.2)
    said = [(i.get("speaker"), i["text"]) for i in items(out) if i["type"] == "transcript"]
    assert said == [("A", "Where is the station?"), ("B", " I think it's left."), (None, "Thanks.")]
