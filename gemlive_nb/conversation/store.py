"""Saving a recording to a directory (WAV, JSONL, SRT/VTT, manifest) and loading it back."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from ..audio import read_wav, write_wav
from ..exceptions import ConfigError, GemliveError
from ..protocol import INPUT_RATE, OUTPUT_RATE
from ..secret import redact
from .track import Track
from .turn import Turn

__all__ = ["load", "save"]


class Stored(Protocol):
    """What :func:`save` reads and :func:`load` fills of a :class:`~.recording.Recording`."""

    meta: dict[str, Any]
    record: bool | str
    events: list[dict[str, Any]]
    frames: list[dict[str, Any]] | None
    input: Track
    secrets: Callable[[], tuple[Any, ...]]

    @property
    def turns(self) -> list[Turn]: ...
    @property
    def output(self) -> Any: ...
    @property
    def duration(self) -> float: ...
    def stereo(self) -> np.ndarray: ...
    def srt(self) -> str: ...
    def vtt(self) -> str: ...
    def usage_dict(self) -> dict[str, Any]: ...


S = TypeVar("S", bound=Stored)

_FORMAT = 1
# Largest file load() reads (a saved hour of events is a few MB; frames.jsonl more): a bigger
# one, or one that is not a regular file (a FIFO, /dev/zero), is refused before it is read.
MAX_FILE_BYTES = 512 * 2**20


def _json_line(value: Any, hide: Callable[[str], str]) -> str:
    """One JSONL line; text that UTF-8 cannot hold (a lone surrogate) is written escaped."""
    line = json.dumps(value, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(value)  # \ud800 escapes: valid JSON that loads back the same
    return hide(line) + "\n"


def save(rec: Stored, directory: str | Path) -> Path:
    """Write ``rec`` into ``directory``; see :meth:`Recording.save`."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    known = rec.secrets()  # a key the server echoed (in a message, a close reason) stays out

    def hide(text: str) -> str:
        return redact(text, *known)

    wavs = ["input.wav", "output.wav", "stereo.wav"] if rec.record is True else []
    if wavs:
        write_wav(d / "input.wav", rec.input.render(), INPUT_RATE)
        write_wav(d / "output.wav", rec.output.samples, OUTPUT_RATE)
        write_wav(d / "stereo.wav", rec.stereo(), OUTPUT_RATE)
    with open(d / "events.jsonl", "w", encoding="utf-8") as f:
        for event in rec.events:
            f.write(_json_line(event, hide))
    frames = ["frames.jsonl"] if rec.frames is not None else []
    if rec.frames is not None:
        with open(d / "frames.jsonl", "w", encoding="utf-8") as f:
            for entry in rec.frames:
                f.write(_json_line(entry, hide))
    # subtitles are for people: a character UTF-8 cannot hold becomes "?"
    (d / "transcript.srt").write_text(hide(rec.srt()), encoding="utf-8", errors="replace")
    (d / "transcript.vtt").write_text(hide(rec.vtt()), encoding="utf-8", errors="replace")
    manifest = {
        "format": _FORMAT,
        "meta": rec.meta,
        "record": rec.record,
        "input_rate": INPUT_RATE,
        "output_rate": OUTPUT_RATE,
        "duration": rec.duration,
        "input_samples": rec.input.end,
        "turns": [{**t.to_dict(), "audio_samples": t.heard_samples} for t in rec.turns],
        "usage": rec.usage_dict(),
        "files": [*wavs, "events.jsonl", *frames, "transcript.srt", "transcript.vtt"],
    }
    (d / "manifest.json").write_text(hide(json.dumps(manifest, indent=1)), encoding="utf-8")
    return d


def load(cls: Callable[..., S], directory: str | Path) -> S:
    """Read a recording written by :func:`save`; see :meth:`Recording.load`."""
    if not isinstance(directory, (str, Path)):
        raise TypeError(f"directory must be a str or Path, not {type(directory).__name__}")
    d = Path(directory)
    if not (d / "manifest.json").is_file():
        raise FileNotFoundError(
            f"no recording in {str(d)!r}: manifest.json is missing — pass the directory "
            "given to Recording.save()"
        )
    name = "manifest.json"
    try:
        manifest = json.loads(_text(d / name))
        rec = cls(meta=manifest.get("meta"), record=manifest.get("record", True))
        name = "events.jsonl"
        rec.events = [json.loads(line) for line in _text(d / name).split("\n") if line.strip()]
        if "frames.jsonl" in manifest.get("files", ()):
            name = "frames.jsonl"
            lines = _text(d / name).split("\n")
            rec.frames = [json.loads(line) for line in lines if line.strip()]
        output = None
        if rec.record is True:
            name = "input.wav"
            rec.input = Track.from_samples(_samples(read_wav(_checked(d / name))), INPUT_RATE)
            name = "output.wav"
            output = _samples(read_wav(_checked(d / name)))
        name = "manifest.json"
        for data in manifest["turns"]:
            start, n = data.get("output_offset"), data.get("audio_samples", 0)
            if output is None:
                rec.turns.append(Turn.from_dict(data).without_audio())
                rec.turns[-1]._dropped = n
                continue
            audio = output[start : start + n] if start is not None else None
            rec.turns.append(Turn.from_dict(data, audio))
    except (
        OSError, ValueError, KeyError, TypeError, AttributeError, ConfigError, RecursionError
    ) as e:  # fmt: skip
        raise GemliveError(
            f"the recording in {str(d)!r} is damaged: {name} could not be read "
            f"({type(e).__name__}: {e}) — save it again with Recording.save()"
        ) from None
    return rec


def _checked(path: Path) -> Path:
    """``path`` when it is a regular file of at most MAX_FILE_BYTES, else an OSError saying why."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path.name} is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(f"{path.name} is {info.st_size:,} bytes, over {MAX_FILE_BYTES:,}")
    return path


def _text(path: Path) -> str:
    with open(_checked(path), encoding="utf-8") as f:
        return f.read(MAX_FILE_BYTES + 1)  # the size was checked; a file that grew stops here


def _samples(loaded: Any) -> np.ndarray:
    return np.asarray(getattr(loaded, "samples", loaded), np.int16)
