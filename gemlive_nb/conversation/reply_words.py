"""The words of one reply, as every view shows them: one source of truth per reply.

A reply's words can reach the kit twice: as output transcription (what the voice said) and as
text parts (the mixroute proxy's ``["AUDIO", "TEXT"]`` sends both; so may a permissive
passthrough). The rule, used by ``Turn.transcript``, ``show_transcript``, the SRT/VTT cues, the
compare views and the VoiceWidget's pane: **the output transcription wins when the reply has
any; its text parts otherwise** (a TEXT-only reply, or a server that sends no transcription).
Thought parts are never the reply's words.

Finished turns use :func:`reply_words`; a live view fed piece by piece uses
:class:`ReplyWords`, which says what to append — or, when the first transcription arrives after
text parts were shown, what the shown words become::

    words = ReplyWords()
    words.add("Hello", transcribed=False)   # ('Hello', False): append
    words.add("Hel", transcribed=True)      # ('Hel', True): replace the reply's words
    words.add("Hello", transcribed=False)   # None: the transcription wins, nothing to show
    words.shown                             # 'Hel'
"""

from __future__ import annotations

__all__ = ["ReplyWords", "reply_words"]


def reply_words(transcript: str, text: str) -> str:
    """The reply's words: its output ``transcript`` when it has one, else its ``text`` parts."""
    return transcript or text


class ReplyWords:
    """The words of the reply being received, fed one piece at a time (see the module doc)."""

    def __init__(self) -> None:
        self.transcript = ""
        self.text = ""

    @property
    def shown(self) -> str:
        """The reply's words so far, by :func:`reply_words`."""
        return reply_words(self.transcript, self.text)

    def add(self, piece: str, *, transcribed: bool) -> tuple[str, bool] | None:
        """Take one piece (``transcribed``: output transcription, else a text part).

        Returns ``(words, False)`` to append ``words`` to what is shown, ``(words, True)`` when
        the shown words become ``words``, or None when nothing shown changes.
        """
        before = self.shown
        if transcribed:
            self.transcript += piece
        else:
            self.text += piece
        after = self.shown
        if after == before:
            return None
        if after.startswith(before):
            return after[len(before) :], False
        return after, True
