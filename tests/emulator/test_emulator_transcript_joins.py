"""How the emulator joins transcript pieces: clients append what it sends.

A final input transcription that revised a partial one adds only its later words (the service
never takes back a piece; resending the whole utterance doubled it: "Wait stop toWait stop
tell me..."), and two utterances heard back to back keep a space between their sentences (else
"lights.And" reads as a new sentence glued on, and splits a turn).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gemlive_nb.audio import Audio
from gemlive_nb.emulator.listener import _words_after
from gemlive_nb.emulator.speech import get_speech

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


def test_two_utterances_back_to_back_are_read_with_a_space_between() -> None:
    voice = get_speech("builtin")
    one, two = (voice.synthesize(t, voice="Kore", language="en-US") for t in ("Hi there.", "Bye."))
    pause = np.zeros(12000, np.int16)  # 0.5 s at 24 kHz
    mic = Audio(np.concatenate([one, pause, two]), 24000).resample(16000)  # as the listener hears
    heard = voice.transcribe(mic.samples, "en-US")
    assert heard == "Hi there. Bye.", heard
