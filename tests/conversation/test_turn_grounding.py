"""A Turn shows its grounding: queries, numbered sources, and a sanitised search entry point."""

from __future__ import annotations

import json

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recorder, Turn
from gemlive_nb.conversation.grounding import sanitize_html

HOSTILE = (
    "<style>.chip{color:red}</style>"
    "<div class='container' onclick='steal()'>"
    "<a class='chip' href='https://www.google.com/search?q=paris'>Paris weather</a>"
    "<a href='javascript:alert(1)' onmouseover='alert(2)'>click</a>"
    "<a href=' JaVaScRiPt:alert(3)'>spaced</a>"
    "<img src=x onerror='alert(4)'>"
    "<script>alert(5)</script><scr<script>ipt>alert(6)</script>"
    "<iframe src='https://evil.example'></iframe>"
    "<svg><script>alert(7)</script></svg>"
    "<p>&lt;script&gt;alert(8)&lt;/script&gt;</p>"
    "<a href='data:text/html,<script>alert(9)</script>'>data</a>"
    "</div>"
)

FRAME = {
    "serverContent": {
        "groundingMetadata": {
            "webSearchQueries": ["weather in Paris <b>now</b>"],
            "groundingChunks": [
                {"web": {"uri": "https://meteo.example/paris", "title": "Météo <Paris>"}},
                {"web": {"uri": "javascript:alert(10)", "title": "bad link"}},
            ],
            "searchEntryPoint": {"renderedContent": HOSTILE},
        },
        "outputTranscription": {"text": "It is sunny."},
    }
}


def _turn_with_grounding() -> Turn:
    rec = Recorder(clock=lambda: 0.0)
    rec.begin_turn(user_text="Weather in Paris?")
    for event in p.parse_server_message(json.dumps(FRAME)):
        rec.on_event(event, 0.1)
    for event in p.parse_server_message('{"serverContent":{"turnComplete":true}}'):
        rec.on_event(event, 0.2)
    return rec.turns[0]


def test_turn_html_shows_queries_and_numbered_sources() -> None:
    turn = _turn_with_grounding()
    assert turn.grounding[0]["queries"] == ["weather in Paris <b>now</b>"]
    shown = turn._repr_html_()
    assert "<q>weather in Paris &lt;b&gt;now&lt;/b&gt;</q>" in shown
    assert "<ol class='gemlive-sources'>" in shown
    assert "href='https://meteo.example/paris'" in shown and "Météo &lt;Paris&gt;" in shown
    assert "<li>bad link</li>" in shown  # listed, but not as a link
    assert "Paris weather" in shown  # the entry point's chip survives, as a plain link
    assert Turn.from_dict(turn.to_dict()).grounding == turn.grounding


def test_hostile_entry_point_runs_nothing() -> None:
    shown = _turn_with_grounding()._repr_html_().lower()
    for bad in ("<script", "<style", "<iframe", "<svg", "<img", "onclick", "onerror",
                "onmouseover", "javascript:", "data:text"):  # fmt: skip
        assert bad not in shown, bad
    for n in (1, 2, 3, 4, 5, 7, 9, 10):
        assert f"alert({n})" not in shown, n
    # what is left of the broken tag (6) and the escaped text (8) are inert text
    assert "ipt&gt;alert(6)" in shown and "&lt;script&gt;alert(8)&lt;/script&gt;" in shown


def test_sanitizer_closes_what_the_service_left_open() -> None:
    assert sanitize_html("<div><b>bold") == "<div><b>bold</b></div>"
    assert sanitize_html("</div>text<br/>") == "text<br>"
    assert sanitize_html("<div title='a\"onclick=x'>t</div>") == (
        '<div title="a&quot;onclick=x">t</div>'
    )
