"""How the emulator continues an input transcription: clients append the pieces it sends.

A final recognition that revised a partial one adds its words from the first that differs
(the service never takes back a piece; resending the whole utterance doubled it: "Wait stop
toWait stop tell me..."). Two sentences spoken one after the other are read back with a space
between them by the recogniser itself (tests/emulator/test_emulator_speech.py).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gemlive_nb.emulator.listener import _continuation

WORD = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


def test_a_revised_word_is_followed_by_the_revision() -> None:
    heard = "What is the tallest now"
    assert heard + _continuation(heard, "What is the tallest mountain in Europe") == (
        "What is the tallest now mountain in Europe"
    )


def test_a_final_that_only_drops_words_adds_nothing() -> None:
    assert _continuation("Wait stop to", "Wait stop") == ""


def test_an_extension_is_sent_as_is() -> None:
    assert _continuation("Turn on", "Turn on the lights.") == " the lights."
    assert _continuation("", "Hello.") == "Hello."


@given(st.lists(WORD, min_size=1), st.lists(WORD, min_size=1))
def test_the_final_words_past_the_shared_ones_follow_the_partial(
    partial: list[str], final: list[str]
) -> None:
    heard, text = " ".join(partial), " ".join(final)
    joined = heard + _continuation(heard, text)
    if text.startswith(heard):  # an extension (maybe of a word cut short): the final as is
        assert joined == text
    else:  # a revision: what was sent stays, then the final from its first different word
        pairs = enumerate(zip(partial, final, strict=False))
        same = next((i for i, (a, b) in pairs if a != b), min(len(partial), len(final)))
        assert joined.split() == partial + final[same:]
