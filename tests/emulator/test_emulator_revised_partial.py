"""A final input transcription that revised a partial one adds only its later words.

The service never takes back an ``inputTranscription`` piece, so clients append them; resending
the whole utterance would double it ("Wait stop toWait stop tell me...").
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gemlive_nb.emulator.listener import _words_after

WORD = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


def test_a_revised_last_word_is_not_sent_again() -> None:
    heard = "Wait stop to"
    rest = _words_after(heard, "Wait stop tell me something shorter")
    assert heard + rest == "Wait stop to me something shorter"


def test_a_final_no_longer_than_the_partial_adds_nothing() -> None:
    assert _words_after("Wait stop to", "Wait stop") == ""


@given(st.lists(WORD, min_size=1), st.lists(WORD, min_size=1))
def test_partial_plus_rest_has_the_final_word_count(partial: list[str], final: list[str]) -> None:
    joined = " ".join(partial) + _words_after(" ".join(partial), " ".join(final))
    assert len(joined.split()) == max(len(partial), len(final))
    assert joined.split()[len(partial) :] == final[len(partial) :]
