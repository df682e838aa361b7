"""Ask one prompt in many voices and/or languages at once, and compare the replies side by side.

Every cell is its own Live session; sessions run concurrently (at most ``concurrency`` at a time).
A cell that fails shows its error and never stops the others. Names are checked before anything
runs, so a typo fails at once with a did-you-mean::

    import gemlive_nb as gl
    res = gl.compare_voices("Say hello in one sentence.", voices=["Puck", "Kore", "Charon"])
    res                          # a table: player, waveform, transcript, duration, latency, tokens
    res = await gl.acompare_languages("Say hello.", languages=["de-DE", "fr-FR"])  # from async code
    for row in res: print(row.voice, row.language, row.audio, row.transcript, row.error)
    res.save("hello/")           # WAVs + manifest.json
    res.picker()                 # choose voices/languages and run again
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import os
import re
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._sync import run_sync
from .catalog import LANGUAGES, VOICES, normalize_language_code
from .compare_ui import Progress
from .config import LiveConfig
from .exceptions import ConfigError, GemliveError

if TYPE_CHECKING:
    from .audio import Audio
    from .conversation import Turn

__all__ = [
    "Comparison",
    "ComparisonRow",
    "acompare_grid",
    "acompare_languages",
    "acompare_voices",
    "compare_grid",
    "compare_languages",
    "compare_voices",
]


@dataclass(frozen=True)
class ComparisonRow:
    """One cell of a comparison: the reply of one voice × language, or the error it met.

    ``metrics`` holds the turn's metrics (``latency_first_audio``, ``latency_complete``,
    ``audio_out_s``, tokens...) plus ``wall_s``, the cell's time from connect to close.
    """

    voice: str | None
    language: str | None
    audio: Audio | None = None
    transcript: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None
    turn: Turn | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when the cell produced a reply."""
        return self.error is None

    @property
    def label(self) -> str:
        """``'Puck'``, ``'de-DE'`` or ``'Puck / de-DE'``."""
        return " / ".join(x for x in (self.voice, self.language) if x)

    @property
    def error_text(self) -> str:
        """The error as ``'TypeName: message'`` ('' when the cell succeeded)."""
        if self.error is None:
            return ""
        return f"{type(self.error).__name__}: {self.error}"


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return getattr(value, "__name__", None) or repr(value)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "cell"


class Comparison:
    """The result of :func:`compare_voices`, :func:`compare_languages` or :func:`compare_grid`.

    Iterating yields :class:`ComparisonRow` values in the order asked; ``res["Puck"]``,
    ``res["de-DE"]`` or ``res["Puck", "de-DE"]`` finds one. Displays as an HTML table (or a
    voices × languages grid); ``str(res)`` is a plain-text table.
    """

    def __init__(
        self,
        prompt: str,
        rows: list[ComparisonRow],
        *,
        voices: list[str] | None,
        languages: list[str] | None,
        wall_s: float,
        rerun: Callable[..., Coroutine[Any, Any, Comparison]] | None = None,
    ) -> None:
        self.prompt = prompt
        self.rows = rows
        self.voices = voices
        self.languages = languages
        self.wall_s = wall_s
        self._rerun = rerun

    # -- access
    def __iter__(self) -> Iterator[ComparisonRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: int | str | tuple[str, str]) -> ComparisonRow:
        if isinstance(key, int):
            return self.rows[key]
        wanted = key if isinstance(key, tuple) else (key,)
        for row in self.rows:
            names = {n.lower() for n in (row.voice, row.language) if n}
            if all(str(k).lower() in names for k in wanted):
                return row
        labels = [r.label for r in self.rows]
        raise KeyError(f"no cell {key!r} in this comparison; cells are {labels}")

    @property
    def errors(self) -> list[ComparisonRow]:
        """The cells that failed."""
        return [r for r in self.rows if r.error is not None]

    @property
    def kind(self) -> str:
        """``'voices'``, ``'languages'`` or ``'grid'``."""
        if self.voices and self.languages:
            return "grid"
        return "voices" if self.voices else "languages"

    # -- export
    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per cell (no audio): names, transcript, metrics, error."""
        return [
            {
                "voice": r.voice,
                "language": r.language,
                "transcript": r.transcript,
                "duration_s": r.audio.duration if r.audio is not None else None,
                **_json_safe(r.metrics),
                "error": r.error_text or None,
            }
            for r in self.rows
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per cell (an ``audio`` column holds the Audio values).

        Raises ImportError with the install command when pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError(
                "to_pandas() needs pandas, which is not installed: pip install pandas "
                "(or use .records() for plain dicts)"
            ) from e
        frame = pd.DataFrame(self.records())
        frame["audio"] = [r.audio for r in self.rows]
        return frame

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write one WAV per successful cell and ``manifest.json``; returns the directory.

        The manifest lists the prompt and, per cell, its names, WAV file name (or null),
        transcript, metrics and error. Example::

            res.save("out/")   # out/Puck.wav, out/Kore.wav, out/manifest.json
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        cells = []
        for record, row in zip(self.records(), self.rows, strict=True):
            name = None
            if row.audio is not None:
                name = _slug(row.label) + ".wav"
                row.audio.to_wav(out / name)
            cells.append({**record, "file": name})
        manifest = {
            "prompt": self.prompt,
            "kind": self.kind,
            "voices": self.voices,
            "languages": self.languages,
            "wall_s": round(self.wall_s, 3),
            "cells": cells,
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        return out

    # -- re-running
    async def arerun(
        self, voices: Sequence[str] | None = None, languages: Sequence[str] | None = None
    ) -> Comparison:
        """Run the same prompt and settings again, optionally with other voices/languages."""
        if self._rerun is None:
            raise GemliveError("this comparison cannot be re-run (it was not made by compare_*)")
        return await self._rerun(
            voices=self.voices if voices is None else list(voices),
            languages=self.languages if languages is None else list(languages),
        )

    def rerun(
        self, voices: Sequence[str] | None = None, languages: Sequence[str] | None = None
    ) -> Comparison:
        """Sync form of :meth:`arerun`."""
        return run_sync(self.arerun(voices, languages))

    def picker(self) -> Any:
        """An ipywidgets UI: choose voices and/or languages, press Run, see the new comparison."""
        from .compare_ui import picker

        return picker(self)

    # -- display
    def __str__(self) -> str:
        from .compare_view import to_text

        return to_text(self)

    def __repr__(self) -> str:
        ok = len(self.rows) - len(self.errors)
        return (
            f"<Comparison of {len(self.rows)} {self.kind} cells ({ok} ok, "
            f"{len(self.errors)} failed) in {self.wall_s:.2f} s: {self.prompt!r:.60}>"
        )

    def _repr_html_(self) -> str:
        from .compare_view import to_html

        return to_html(self)


# ------------------------------------------------------------------------------ validation


def _check_names(
    voices: Sequence[str] | None, languages: Sequence[str] | None
) -> tuple[list[str] | None, list[str] | None]:
    """Canonical names; an unknown one raises ConfigError with a did-you-mean."""
    if isinstance(voices, str) or isinstance(languages, str):
        raise ConfigError(
            "voices/languages must be lists of names, e.g. voices=['Puck', 'Kore'], "
            f"not a single string ({voices if isinstance(voices, str) else languages!r})"
        )
    v = None if voices is None else [VOICES[name].name for name in voices]
    lang = None if languages is None else [normalize_language_code(name) for name in languages]
    for what, names in (("voice", v), ("language", lang)):
        if names is not None and not names:
            raise ConfigError(f"no {what}s to compare: pass at least one {what}")
        dupes = sorted({n for n in names or () if names.count(n) > 1})
        if dupes:
            raise ConfigError(f"{what} {dupes[0]!r} is listed twice; list each {what} once")
    return v, lang


def _cells(voices: list[str] | None, languages: list[str] | None) -> list[tuple[Any, Any]]:
    if voices and languages:
        return [(v, lang) for v in voices for lang in languages]
    if voices:
        return [(v, None) for v in voices]
    return [(None, lang) for lang in languages or ()]


# ------------------------------------------------------------------------------ running


async def _ask_one(
    prompt: str, config: LiveConfig, endpoint: Any, api_key: Any, timeout: float | None
) -> Turn:
    from .session import connect

    async def go() -> Turn:
        async with connect(config, endpoint=endpoint, api_key=api_key) as session:
            return await session.ask(prompt)

    return await asyncio.wait_for(go(), timeout)


async def _compare(
    prompt: str,
    voices: Sequence[str] | None,
    languages: Sequence[str] | None,
    *,
    config: Any = None,
    concurrency: int = 8,
    endpoint: Any = None,
    api_key: Any = None,
    progress: bool = True,
    timeout: float | None = 120.0,
    **config_fields: Any,
) -> Comparison:
    if not isinstance(prompt, str) or not prompt.strip():
        raise ConfigError(f"prompt must be non-empty text, got {prompt!r}")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigError(f"concurrency must be a positive int, got {concurrency!r}")
    voice_names, language_names = _check_names(voices, languages)
    cells = _cells(voice_names, language_names)
    base = LiveConfig.coerce(config, **config_fields)
    # Every cell's config is built (and so validated) before the first session starts.
    configs = [
        base.replace(**{k: v for k, v in (("voice", voice), ("language", lang)) if v})
        for voice, lang in cells
    ]
    gate = asyncio.Semaphore(concurrency)
    bar = Progress(len(cells), label=prompt, enabled=progress)

    async def run(cell: tuple[Any, Any], cfg: LiveConfig) -> ComparisonRow:
        voice, lang = cell
        async with gate:
            start = time.perf_counter()
            try:
                turn = await _ask_one(prompt, cfg, endpoint, api_key, timeout)
            except Exception as e:  # one cell's failure must not sink the others
                bar.advance(failed=True)
                if isinstance(e, asyncio.TimeoutError):
                    e = GemliveError(f"no complete reply within timeout={timeout} s")
                return ComparisonRow(voice, lang, error=e)
            wall = time.perf_counter() - start
        bar.advance()
        return ComparisonRow(
            voice,
            lang,
            audio=turn.audio,
            transcript=turn.transcript,
            metrics={**turn.metrics, "wall_s": round(wall, 6)},
            turn=turn,
        )

    started = time.perf_counter()
    try:
        rows = await asyncio.gather(*(run(c, cfg) for c, cfg in zip(cells, configs, strict=True)))
    finally:
        bar.close()

    async def again(voices: list[str] | None, languages: list[str] | None) -> Comparison:
        return await _compare(
            prompt, voices, languages, config=config, concurrency=concurrency,
            endpoint=endpoint, api_key=api_key, progress=progress, timeout=timeout,
            **config_fields,
        )  # fmt: skip

    return Comparison(
        prompt,
        list(rows),
        voices=voice_names,
        languages=language_names,
        wall_s=time.perf_counter() - started,
        rerun=again,
    )


def _with_options(fn: Any) -> Any:
    """Show the shared keyword options of :func:`_compare` in ``fn``'s signature (help() and
    notebook tooltips), while the options are written once, on ``_compare``."""
    own = list(inspect.signature(fn).parameters.values())[:-1]  # drop **options
    shared = [
        p for p in inspect.signature(_compare).parameters.values() if p.kind is p.KEYWORD_ONLY
    ]
    extra = inspect.Parameter("config_fields", inspect.Parameter.VAR_KEYWORD, annotation=Any)
    fn.__signature__ = inspect.signature(fn).replace(parameters=[*own, *shared, extra])
    return fn


@_with_options
async def acompare_voices(
    prompt: str, voices: Sequence[str] | None = None, **options: Any
) -> Comparison:
    """Async form of :func:`compare_voices`. Example: ``res = await gl.acompare_voices("Hi")``."""
    return await _compare(prompt, voices or VOICES.names, None, **options)


@_with_options
async def acompare_languages(
    prompt: str, languages: Sequence[str] | None = None, **options: Any
) -> Comparison:
    """Async form of :func:`compare_languages`."""
    return await _compare(prompt, None, languages or LANGUAGES.names, **options)


@_with_options
async def acompare_grid(
    prompt: str, voices: Sequence[str], languages: Sequence[str], **options: Any
) -> Comparison:
    """Async form of :func:`compare_grid`."""
    return await _compare(prompt, voices, languages, **options)


@_with_options
def compare_voices(prompt: str, voices: Sequence[str] | None = None, **options: Any) -> Comparison:
    """Ask ``prompt`` once per voice (all 30 when ``voices`` is None), concurrently.

    Options (keyword-only): ``config=None``, ``concurrency=8``, ``endpoint=None``,
    ``api_key=None``, ``progress=True``, ``timeout=120.0`` and any LiveConfig field.
    ``config``/config fields are the session settings shared by every cell (e.g.
    ``language="de-DE"``, ``system_instruction=...``); ``endpoint``/``api_key`` as for
    :func:`gemlive_nb.connect` (the local emulator when there is no key). At most
    ``concurrency`` sessions run at once; ``timeout`` bounds each cell. Unknown voice names raise
    ConfigError before anything runs. Works from sync code and in a notebook cell; from async
    code use ``await acompare_voices(...)``. Example::

        res = gl.compare_voices("Tell me a fun fact.", voices=["Puck", "Kore"], temperature=0.2)
        res["Puck"].audio
    """
    return run_sync(acompare_voices(prompt, voices, **options))


@_with_options
def compare_languages(
    prompt: str, languages: Sequence[str] | None = None, **options: Any
) -> Comparison:
    """Ask ``prompt`` once per language (all catalog languages when None), concurrently.

    Same options as :func:`compare_voices`. Example::

        res = gl.compare_languages("Describe your favourite food.", ["de-DE", "ja-JP"])
    """
    return run_sync(acompare_languages(prompt, languages, **options))


@_with_options
def compare_grid(
    prompt: str, voices: Sequence[str], languages: Sequence[str], **options: Any
) -> Comparison:
    """Ask ``prompt`` for every voice × language pair; displays as a grid. Same options as
    :func:`compare_voices`. Example::

    gl.compare_grid("Good morning!", ["Puck", "Kore"], ["en-US", "fr-FR"])
    """
    return run_sync(acompare_grid(prompt, voices, languages, **options))
