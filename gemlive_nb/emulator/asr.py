"""English speech recognition with pocketsphinx (PyPI ``pocketsphinx`` 5, model in the wheel).

Decoders are not thread-safe and take ~0.3 s to load, so a small pool hands one to each caller
and keeps it for the next. The emulator transcribes an utterance once the VAD has ended it, so
each one is decoded whole (batch CMN): the words depend on that audio only, not on earlier
utterances (fed in chunks, pocketsphinx's live CMN adapts across utterances and the same clip
can read differently depending on what came before).
The output is true-cased (:func:`truecase`): pocketsphinx's dictionary is lower case, while the
emulator's responder finds places by their capital letter ("weather in Paris" → ``"Paris"``).

Raises ImportError on import when ``pocketsphinx`` is not installed (the speech extra).

Example::

    recognize(samples_16k)          # 'What is the weather in Paris'
"""

from __future__ import annotations

import threading

import numpy as np
from pocketsphinx import Decoder

__all__ = ["PROPER_NOUNS", "recognize", "truecase"]

RATE = 16000

# Words pocketsphinx spells in lower case that are names: capitalised in its output. Words that
# are often not names ("nice", "may", "march") are left out.
PROPER_NOUNS = frozenset(
    """paris london berlin rome madrid lisbon dublin amsterdam brussels vienna prague warsaw
    athens moscow kyiv istanbul cairo lagos nairobi tokyo osaka kyoto seoul beijing shanghai
    delhi mumbai bangalore chennai kolkata karachi dhaka bangkok hanoi singapore jakarta manila
    sydney melbourne auckland toronto montreal vancouver chicago boston seattle denver dallas
    houston austin phoenix miami atlanta detroit philadelphia washington york angeles francisco
    diego vegas orleans mexico lima bogota santiago rio janeiro buenos aires oslo stockholm
    helsinki copenhagen zurich geneva munich hamburg milan naples venice florence barcelona
    valencia seville lyon marseille edinburgh glasgow manchester liverpool oxford cambridge
    france germany spain italy portugal england britain ireland scotland wales china japan
    korea india russia canada brazil argentina chile peru egypt kenya nigeria australia
    america europe africa asia poland greece turkey sweden norway finland denmark switzerland
    austria belgium netherlands holland ukraine thailand vietnam indonesia
    monday tuesday wednesday thursday friday saturday sunday january february april
    june july august september october november december english french german spanish
    italian portuguese dutch russian chinese japanese korean hindi arabic""".split()
)


def truecase(text: str) -> str:
    """Capitalise the first word, "I" and the names in :data:`PROPER_NOUNS`.

    Example::

        truecase("what is the weather in paris")    # 'What is the weather in Paris'
    """
    words = text.split()
    out = []
    for i, word in enumerate(words):
        if word == "i" or word.startswith("i'") or word in PROPER_NOUNS or i == 0:
            word = word[:1].upper() + word[1:]
        out.append(word)
    return " ".join(out)


class _Pool:
    """Pocketsphinx decoders, one per concurrent caller, created on demand and reused."""

    def __init__(self) -> None:
        self._free: list[Decoder] = []
        self._lock = threading.Lock()

    def acquire(self) -> Decoder:
        with self._lock:
            if self._free:
                return self._free.pop()
        return Decoder(loglevel="FATAL", samprate=RATE)

    def release(self, decoder: Decoder) -> None:
        with self._lock:
            self._free.append(decoder)


_pool = _Pool()


def recognize(samples: np.ndarray) -> str:
    """English words in int16 mono 16 kHz audio, true-cased; ``""`` when nothing was heard."""
    x = np.ascontiguousarray(samples, dtype=np.int16)
    decoder = _pool.acquire()
    try:
        decoder.start_utt()
        # the whole utterance at once: cepstral mean normalisation over just this utterance, so
        # the result does not depend on what the (pooled) decoder heard before
        decoder.process_raw(x.tobytes(), False, True)
        decoder.end_utt()
        hyp = decoder.hyp()
        raw = hyp.hypstr if hyp is not None else ""
    finally:
        _pool.release(decoder)
    words = [w for w in raw.split() if not w.startswith(("<", "[", "++"))]
    return truecase(" ".join(words))
