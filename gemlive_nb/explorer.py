"""VoiceExplorer: hear, see and pick among the 30 voices in one notebook cell (an anywidget).

A grid of voice cards (name and style from the catalog) filtered by style and searched by name.
Clicking a card plays that voice saying the sentence: the first click generates it (the card shows
progress), later clicks replay from the browser's cache at once. "Generate all" fills every visible
card concurrently through :func:`~gemlive_nb.compare.acompare_voices` (one failing voice shows its
error on its card and spoils nothing else). Each generated card shows a small waveform, the
duration, the speaking rate, the median pitch, the time to first audio and the word error rate of
its re-transcription; the grid sorts by any of them. Pin cards to play them back to back (A/B);
blind mode hides the names until you pick a favourite.

Audio never goes into widget state (so never into a saved notebook): it travels to the browser
as custom messages with binary buffers, only when a card is played. Example::

    ex = gl.VoiceExplorer(text="The quick brown fox.", language="en-US")
    ex                           # the grid
    ex.generate(["Puck", "Kore"])   # or click "Generate all" / a card
    ex.result.sort_by("pitch_hz").to_pandas()
    ex.favourites                # ['Kore'] after a pick
    cfg = ex.config()            # LiveConfig(voice='Kore', language='en-US', ...)
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._sync import run_sync
from .catalog import DEFAULT_LANGUAGE, LANGUAGES, VOICES, normalize_language_code
from .compare import Comparison, ComparisonRow, acompare_voices, default_concurrency
from .config import LiveConfig
from .exceptions import ConfigError, GemliveError
from .widget.messages import EXPLORER_TO_BROWSER, EXPLORER_TO_KERNEL

__all__ = ["READ_ALOUD_INSTRUCTION", "VoiceExplorer", "prompt_for"]

logger = logging.getLogger(__name__)
_STATIC = Path(__file__).parent / "static"
_PEAKS = 64  # waveform buckets per card (numbers in state, never samples)

READ_ALOUD_INSTRUCTION = (
    "You read sentences aloud. When the user writes 'Repeat after me' followed by a colon and a "
    "sentence, say exactly that sentence, word for word, in its own language, and nothing else."
)


def prompt_for(text: str) -> str:
    """The user turn that asks a voice to say ``text`` (the emulator honours it too)."""
    return f"Repeat after me, word for word: {text}"


def _peaks(samples: np.ndarray) -> list[float]:
    if not len(samples):
        return []
    x = np.abs(samples.astype(np.float32)) / 32768.0
    edges = np.linspace(0, len(x), _PEAKS + 1).astype(int)
    return [round(float(x[a:b].max()) if b > a else 0.0, 3) for a, b in itertools.pairwise(edges)]


def _card(row: ComparisonRow) -> dict[str, Any]:
    """What one card shows: numbers and a coarse waveform (never audio)."""
    if row.error is not None:
        return {"status": "error", "error": row.error_text}
    m = row.metrics
    return {
        "status": "ready",
        "duration_s": row.duration_s,
        "words_per_s": m.get("words_per_s"),
        "pitch_hz": m.get("pitch_hz"),
        "latency_first_audio": m.get("latency_first_audio"),
        "wer": m.get("wer"),
        "transcript": row.transcript,
        "peaks": _peaks(row.audio.samples) if row.audio is not None else [],
    }


def _check_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"text must be a non-empty sentence, got {text!r}")
    return text.strip()


class VoiceExplorer(anywidget.AnyWidget):
    """Hear, see and pick among the catalog's voices, on your own sentence and language.

    ``voices`` limits the grid (default: all 30); ``endpoint``/``api_key`` as for
    :func:`gemlive_nb.connect` (the local emulator when there is no key); ``concurrency`` for
    "Generate all" (default :func:`gemlive_nb.compare.default_concurrency`); other keywords are
    LiveConfig fields shared by every voice (``model=``, ``temperature=`` ...). Example::

        ex = gl.VoiceExplorer(text="Guten Morgen!", language="de-DE", voices=["Puck", "Kore"])
        ex.generate(); ex.result["Kore"].metrics["pitch_hz"]
    """

    _esm = _STATIC / "explorer.js"
    _css = _STATIC / "explorer.css"

    text = t.Unicode("").tag(sync=True)
    language = t.Unicode(DEFAULT_LANGUAGE).tag(sync=True)
    catalog_voices = t.List(t.Dict()).tag(sync=True)
    catalog_languages = t.List(t.Dict()).tag(sync=True)
    cards = t.Dict().tag(sync=True)
    style_filter = t.Unicode("").tag(sync=True)
    search = t.Unicode("").tag(sync=True)
    sort_key = t.Unicode("").tag(sync=True)
    pinned = t.List(t.Unicode()).tag(sync=True)
    blind = t.Bool(False).tag(sync=True)
    favourites = t.List(t.Unicode()).tag(sync=True)
    status = t.Unicode("").tag(sync=True)

    def __init__(
        self,
        text: str = "Hello! This is how I sound.",
        language: str = DEFAULT_LANGUAGE,
        voices: Sequence[str] | None = None,
        *,
        endpoint: Any = None,
        api_key: Any = None,
        concurrency: int | None = None,
        timeout: float | None = 120.0,
        **config_fields: Any,
    ) -> None:
        if isinstance(voices, str):
            raise ConfigError(f"voices must be a list of names, e.g. ['Puck'], not {voices!r}")
        names = VOICES.names if voices is None else [VOICES[v].name for v in voices]
        if not names:
            raise ConfigError("no voices to explore: pass at least one voice, or voices=None")
        for key in ("voice", "language"):
            if key in config_fields:
                raise ConfigError(f"{key}= is chosen in the explorer; leave it out of the options")
        config_fields.setdefault("system_instruction", READ_ALOUD_INSTRUCTION)
        self._base = LiveConfig.coerce(None, **config_fields)  # bad options fail here, at once
        self._fields = config_fields
        self._endpoint, self._api_key = endpoint, api_key
        self._concurrency, self._timeout = concurrency, timeout
        self._rows: dict[tuple[str, str], dict[str, ComparisonRow]] = {}
        self._running: dict[tuple[str, str, str], asyncio.Future[Any]] = {}
        self._wall: dict[tuple[str, str], float] = {}  # seconds spent generating, per sentence
        self._tasks: set[asyncio.Future[Any]] = set()
        super().__init__(
            text=_check_text(text),
            language=normalize_language_code(language),
            catalog_voices=[{"name": n, "style": VOICES[n].style} for n in names],
            catalog_languages=[{"code": lang.code, "name": lang.name} for lang in LANGUAGES],
        )
        self.on_msg(self._on_custom)
        self.observe(self._on_sentence, names=["text", "language"])

    # -- what it holds
    @property
    def voices(self) -> list[str]:
        """The voices on the grid, in catalog order."""
        return [v["name"] for v in self.catalog_voices]

    @property
    def _key(self) -> tuple[str, str]:
        return (self.text, self.language)

    @property
    def result(self) -> Comparison:
        """Everything generated for the current sentence and language, as a Comparison.

        Rows are in catalog order; ``save``/``load``, ``sort_by`` and ``to_pandas`` work on it.
        """
        got = self._rows.get(self._key, {})
        rows = [got[v] for v in self.voices if v in got]
        return Comparison(
            self.text, rows, voices=[r.voice for r in rows if r.voice] or None, languages=None,
            wall_s=self._wall.get(self._key, 0.0),
            concurrency=self._concurrency, settings={"language": self.language},
        )  # fmt: skip

    def config(self, voice: str | None = None) -> LiveConfig:
        """A LiveConfig for talking in ``voice`` (default: the latest favourite).

        It carries the explorer's language and session options, without the read-aloud
        instruction. Example::

            s = await gl.connect(ex.config())
        """
        chosen = self._chosen(voice)
        fields = {k: v for k, v in self._fields.items() if k != "system_instruction"}
        if self._fields.get("system_instruction") != READ_ALOUD_INSTRUCTION:
            fields["system_instruction"] = self._fields.get("system_instruction")
        return LiveConfig.coerce(None, **fields).replace(voice=chosen, language=self.language)

    def widget(self, voice: str | None = None, **options: Any) -> Any:
        """A :class:`gemlive_nb.VoiceWidget` talking in the favourite voice (or ``voice``)."""
        from .widget import VoiceWidget

        cfg = self.config(voice)
        return VoiceWidget(
            config=cfg, voice=cfg.voice, language=cfg.language, endpoint=self._endpoint,
            api_key=self._api_key, **options,
        )  # fmt: skip

    def _chosen(self, voice: str | None) -> str:
        if voice is not None:
            return VOICES[voice].name
        if not self.favourites:
            raise ConfigError(
                "no favourite yet: pick one on the grid (★ on a card, or a blind pick), call "
                "ex.pick('Kore'), or pass voice='Kore'"
            )
        return self.favourites[-1]

    def pick(self, voice: str) -> None:
        """Mark ``voice`` as a favourite (what ★ on a card does) and leave blind mode."""
        name = VOICES[voice].name
        if name not in self.voices:
            raise ConfigError(f"{name!r} is not on this explorer's grid; it shows {self.voices}")
        self.favourites = [*(f for f in self.favourites if f != name), name]  # latest last
        self.blind = False

    # -- generating
    async def agenerate(self, voices: Sequence[str] | None = None) -> Comparison:
        """Generate ``voices`` (default: all on the grid) for the current sentence and language.

        Only voices not generated yet (or that failed) run, concurrently; returns :attr:`result`.
        Example::

            res = await ex.agenerate(["Puck", "Kore"])
        """
        wanted = self.voices if voices is None else [VOICES[v].name for v in voices]
        wanted = list(dict.fromkeys(wanted))  # a voice asked twice (two clicks) runs once
        key = self._key
        done = self._rows.setdefault(key, {})
        todo = [v for v in wanted if v not in done or done[v].error is not None]
        running = [
            self._running[(key[0], key[1], v)] for v in todo if (key[0], key[1], v) in self._running
        ]
        fresh = [v for v in todo if (key[0], key[1], v) not in self._running]
        if fresh:
            job = asyncio.ensure_future(self._run(key, fresh))
            for v in fresh:
                self._running[(key[0], key[1], v)] = job
            running.append(job)
        if running:
            await asyncio.gather(*running)
        return self.result

    def generate(self, voices: Sequence[str] | None = None) -> Comparison:
        """Sync form of :meth:`agenerate` (works in a notebook cell and in plain Python)."""
        return run_sync(self.agenerate(voices))

    async def _run(self, key: tuple[str, str], voices: list[str]) -> None:
        text, language = key
        at_once = self._concurrency or default_concurrency(
            self._endpoint, self._api_key, len(voices)
        )
        self._set_cards({v: {"status": "generating"} for v in voices}, key)
        self.status = f"generating {len(voices)} voice(s), {at_once} at once…"

        def landed(row: ComparisonRow) -> None:
            assert row.voice is not None
            self._rows.setdefault(key, {})[row.voice] = row
            self._running.pop((*key, row.voice), None)
            self._set_cards({row.voice: _card(row)}, key)

        started = time.perf_counter()
        try:
            await acompare_voices(
                prompt_for(text), voices, language=language, endpoint=self._endpoint,
                api_key=self._api_key, concurrency=at_once, timeout=self._timeout,
                progress=False, on_row=landed, score="retranscribe", **self._fields,
            )  # fmt: skip
        finally:
            self._wall[key] = self._wall.get(key, 0.0) + time.perf_counter() - started
            for v in voices:
                self._running.pop((*key, v), None)
            if key == self._key:
                failed = sum(1 for v in voices if self._rows.get(key, {}).get(v, None) is None
                             or self._rows[key][v].error is not None)  # fmt: skip
                self.status = f"generated {len(voices) - failed} of {len(voices)}" + (
                    f", {failed} failed" if failed else ""
                )

    def _set_cards(self, changes: dict[str, dict[str, Any]], key: tuple[str, str]) -> None:
        if key != self._key:  # the sentence changed meanwhile: keep it cached, don't show it
            return
        self.cards = {**self.cards, **changes}

    def _on_sentence(self, change: Any) -> None:
        if change["name"] == "text" and not str(change["new"]).strip():
            self.text = change["old"]  # refuse an empty sentence, keep the previous one
            self.status = "the sentence cannot be empty; kept the previous one"
            return
        if change["name"] == "language":
            try:
                code = normalize_language_code(change["new"])
            except ConfigError as e:
                self.language = change["old"]
                self.status = str(e)
                return
            if code != change["new"]:
                self.language = code
                return
        got = self._rows.get(self._key, {})
        self.cards = {v: _card(row) for v, row in got.items()}
        self.status = ""

    # -- the browser's requests
    def _schedule(self, coro: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            run_sync(coro)
            return
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_custom(self, _widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind, voice = content.get("kind"), content.get("voice")
        try:
            if kind == EXPLORER_TO_KERNEL.PLAY and isinstance(voice, str):
                self._schedule(self._play(voice, content.get("request")))
            elif kind == EXPLORER_TO_KERNEL.GENERATE:
                names = content.get("voices")
                if isinstance(names, list) and all(isinstance(n, str) for n in names):
                    self._schedule(
                        self._reported(self.agenerate([n for n in names if n in self.voices]))
                    )
            elif kind == EXPLORER_TO_KERNEL.FAVOURITE and isinstance(voice, str):
                self.pick(voice)
        except ConfigError as e:
            self.status = str(e)

    async def _reported(self, job: Any) -> None:
        """Run a page's request; an error goes to the status line (a task would swallow it)."""
        try:
            await job
        except GemliveError as e:
            self.status = str(e)

    async def _play(self, voice: str, request: Any) -> None:
        key = self._key
        base = {"kind": EXPLORER_TO_BROWSER.AUDIO, "voice": voice, "text": key[0],
                "language": key[1], "request": request}  # fmt: skip
        try:
            if voice not in self.voices:
                raise ConfigError(
                    f"{voice!r} is not on this explorer's grid; it shows {self.voices}"
                )
            await self.agenerate([voice])
        except GemliveError as e:  # the page waits for an answer to its request: give it one
            self.status = str(e)
            self.send({**base, "error": str(e)})
            return
        row = self._rows.get(key, {}).get(voice)
        if row is None or row.audio is None:
            self.send({**base, "error": row.error_text if row else "not generated"})
            return
        pcm = row.audio.samples.astype("<i2", copy=False).tobytes()
        self.send({**base, "rate": row.audio.rate}, buffers=[pcm])

    def __repr__(self) -> str:
        got = len(self._rows.get(self._key, {}))
        return (
            f"<VoiceExplorer {len(self.voices)} voices, {got} generated, language "
            f"{self.language!r}, favourites {self.favourites}: {self.text!r:.50}>"
        )
