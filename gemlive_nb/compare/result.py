"""What a comparison produced: a :class:`Comparison` of :class:`ComparisonRow` entries.

One row per voice / language; index the comparison, sort it, save and load it, or turn it into a
DataFrame.

Example::

    res["Puck"].metrics["wer"], res.sort_by("words_per_s")[0].voice
    res.save("out/"); again = Comparison.load("out/")
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._pandas import require_pandas
from .._plain import file_slug, json_safe
from .._sync import run_sync
from ..exceptions import ConfigError, GemliveError

if TYPE_CHECKING:
    from ..audio import Audio
    from ..conversation import Turn

__all__ = ["SORT_KEYS", "Comparison", "ComparisonRow"]

# What a comparison can be sorted by: name -> (how to read it, does bigger come first?)
SORT_KEYS: dict[str, str] = {
    "voice": "name",
    "language": "name",
    "duration_s": "length of the reply (s)",
    "latency_first_audio": "time to first audio (s)",
    "words_per_s": "speaking rate (words per second)",
    "wer": "word error rate of the re-transcription",
    "pitch_hz": "median pitch (Hz)",
}


class _LoadedError(GemliveError):
    """An error read back from a saved comparison (only its ``'Type: message'`` text survives)."""


@dataclass(frozen=True)
class ComparisonRow:
    """One entry of a comparison: the reply of one voice × language, or the error it met.

    ``metrics`` holds the turn's metrics (``latency_first_audio``, ``latency_complete``,
    ``audio_out_s``, tokens...), ``wall_s`` (connect to close), and the scores ``words_per_s``,
    ``pitch_hz``, ``spoken_language`` (the transcript's languageCode, else guessed from its
    words), ``cost_usd`` (default prices) and — with ``score="retranscribe"`` — ``wer``.
    ``heard`` is what the re-transcription heard ('' when not re-transcribed).
    """

    voice: str | None
    language: str | None
    audio: Audio | None = None
    transcript: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None
    turn: Turn | None = field(default=None, repr=False, compare=False)
    heard: str = ""

    @property
    def ok(self) -> bool:
        """True when this entry produced a reply."""
        return self.error is None

    @property
    def label(self) -> str:
        """``'Puck'``, ``'de-DE'`` or ``'Puck / de-DE'``."""
        return " / ".join(x for x in (self.voice, self.language) if x)

    @property
    def error_text(self) -> str:
        """The error as ``'TypeName: message'`` ('' when it succeeded)."""
        if self.error is None:
            return ""
        if isinstance(self.error, _LoadedError):
            return str(self.error)
        return f"{type(self.error).__name__}: {self.error}"

    @property
    def duration_s(self) -> float | None:
        """Seconds of reply audio (None when there is none)."""
        return self.audio.duration if self.audio is not None else None

    def value(self, key: str) -> Any:
        """The value sorted on for ``key`` (one of :data:`SORT_KEYS`)."""
        if key in ("voice", "language"):
            return getattr(self, key)
        if key == "duration_s":
            return self.duration_s
        return self.metrics.get(key)


def _saved_form(value: Any) -> Any:
    """``value`` as saved to JSON: NaN as null, functions by name (one home: json_safe)."""
    return json_safe(value, non_finite="null", other=_name_or_repr)


def _name_or_repr(value: Any) -> Any:
    return getattr(value, "__name__", None) or repr(value)


class Comparison:
    """The result of :func:`compare_voices`, :func:`compare_languages` or :func:`compare_grid`.

    Iterating yields :class:`ComparisonRow` values in the order asked; ``res["Puck"]``,
    ``res["de-DE"]`` or ``res["Puck", "de-DE"]`` finds one. Displays as an HTML table (or a
    voices × languages grid); ``str(res)`` is a plain-text table. ``settings`` holds the shared
    session options that matter for reading it (e.g. ``language``).
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
        concurrency: int | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.prompt = prompt
        self.rows = rows
        self.voices = voices
        self.languages = languages
        self.wall_s = wall_s
        self.concurrency = concurrency
        self.settings = dict(settings or {})
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
        raise KeyError(f"no entry {key!r} in this comparison; entries are {labels}")

    @property
    def errors(self) -> list[ComparisonRow]:
        """The entries that failed."""
        return [r for r in self.rows if r.error is not None]

    @property
    def kind(self) -> str:
        """``'voices'``, ``'languages'`` or ``'grid'``."""
        if self.voices and self.languages:
            return "grid"
        return "voices" if self.voices else "languages"

    def _copy(self, rows: list[ComparisonRow]) -> Comparison:
        return Comparison(
            self.prompt, rows, voices=self.voices, languages=self.languages, wall_s=self.wall_s,
            rerun=self._rerun, concurrency=self.concurrency, settings=self.settings,
        )  # fmt: skip

    def sort_by(self, key: str, descending: bool = False) -> Comparison:
        """The same comparison with its entries sorted by ``key`` (see :data:`SORT_KEYS`).

        Entries without a value (failed ones) go last. Example::

            res.sort_by("wer")                       # clearest first
            res.sort_by("words_per_s", descending=True)
        """
        if key not in SORT_KEYS:
            from ..catalog import unknown_name_error

            raise unknown_name_error("sort key", key, list(SORT_KEYS), "")
        present = [r for r in self.rows if r.value(key) is not None]
        missing = [r for r in self.rows if r.value(key) is None]
        present.sort(key=lambda r: r.value(key), reverse=descending)
        return self._copy(present + missing)

    # -- export
    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per entry (no audio): names, transcript, metrics, error."""
        return [
            {
                "voice": r.voice,
                "language": r.language,
                "transcript": r.transcript,
                "heard": r.heard,
                "duration_s": r.duration_s,
                **_saved_form(r.metrics),
                "error": r.error_text or None,
            }
            for r in self.rows
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per entry (an ``audio`` column holds the Audio values).

        pandas is optional: without it this raises an ImportError naming ``pip install pandas``.
        Example: ``res.to_pandas().sort_values("wer")``
        """
        pd = require_pandas("Comparison.to_pandas()")
        frame = pd.DataFrame(self.records())
        frame["audio"] = [r.audio for r in self.rows]
        return frame

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write one WAV per successful entry and ``manifest.json``; returns the directory.

        The manifest lists the prompt and, per entry, its names, WAV file name (or null),
        transcript, metrics and error. :meth:`load` reads it back. Example::

            res.save("out/")   # out/Puck.wav, out/Kore.wav, out/manifest.json
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        entries = []
        for record, row in zip(self.records(), self.rows, strict=True):
            name = None
            if row.audio is not None:
                name = file_slug(row.label) + ".wav"
                row.audio.to_wav(out / name)
            entries.append({**record, "file": name})
        manifest = {
            "prompt": self.prompt,
            "kind": self.kind,
            "voices": self.voices,
            "languages": self.languages,
            "wall_s": round(self.wall_s, 3),
            "concurrency": self.concurrency,
            "settings": _saved_form(self.settings),
            "entries": entries,
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        return out

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> Comparison:
        """A comparison written by :meth:`save` (audio, transcripts, metrics; errors as text).

        Example: ``res = Comparison.load("out/")``
        """
        from ..audio import read_wav

        base = Path(directory)
        path = base / "manifest.json"
        try:
            manifest = json.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigError(
                f"no comparison saved in {str(base)!r}: {path.name} is missing"
            ) from None
        entries = manifest.get("entries", manifest.get("cells", []))
        fixed = {"voice", "language", "transcript", "heard", "duration_s", "error", "file"}
        rows = []
        for entry in entries:
            audio = read_wav(base / entry["file"]) if entry.get("file") else None
            error = _LoadedError(entry["error"]) if entry.get("error") else None
            metrics = {k: v for k, v in entry.items() if k not in fixed}
            row = ComparisonRow(
                entry.get("voice"), entry.get("language"), audio=audio,
                transcript=entry.get("transcript", ""), metrics=metrics, error=error,
                heard=entry.get("heard", "") or "",
            )  # fmt: skip
            rows.append(row)
        return cls(
            manifest.get("prompt", ""), rows, voices=manifest.get("voices"),
            languages=manifest.get("languages"), wall_s=float(manifest.get("wall_s") or 0.0),
            concurrency=manifest.get("concurrency"), settings=manifest.get("settings"),
        )  # fmt: skip

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
        """An ipywidgets UI: choose voices and/or languages, press Run, see the new comparison.

        For voices, :class:`gemlive_nb.VoiceExplorer` is the richer instrument. Example::

            res.picker()
        """
        from .ui import picker

        return picker(self)

    # -- display
    def __str__(self) -> str:
        from .view import to_text

        return to_text(self)

    def __repr__(self) -> str:
        ok = len(self.rows) - len(self.errors)
        return (
            f"<Comparison of {len(self.rows)} {self.kind} ({ok} ok, "
            f"{len(self.errors)} failed) in {self.wall_s:.2f} s: {self.prompt!r:.60}>"
        )

    def _repr_html_(self) -> str:
        from .view import to_html

        return to_html(self)
