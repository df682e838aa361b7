"""Run comparisons: ask one prompt in many voices and/or languages at once.

Every voice / language is its own Live session; sessions run concurrently (at most
``concurrency`` at a time; by default all at once on a local emulator and
:data:`SERVICE_CONCURRENCY` on the service). An entry that fails shows its error and never stops
the others. Scoring (``score=True``, the default) reads the session's own transcripts: speaking
rate, median pitch, the language the reply was spoken in (the transcript's ``languageCode``
when present, else :func:`~.language.guess_language`) and its cost. ``score="retranscribe"``
also has each reply re-transcribed by a second session of the same endpoint and scored against
what the model meant to say (word error rate); on the service that is a whole extra spoken turn
per entry, so its estimated cost is printed before anything runs. Names are checked before
anything runs, so a typo fails at once with a did-you-mean::

    import gemlive_nb as gl
    res = gl.compare_voices("Say hello in one sentence.", voices=["Puck", "Kore", "Charon"])
    res                          # a table: player, waveform, transcript, duration, latency, tokens
    res = await gl.compare.acompare_languages("Say hello.", languages=["de-DE"])  # async code
    for row in res: print(row.voice, row.language, row.audio, row.transcript, row.error)
    res.sort_by("wer")           # clearest first
    res.save("hello/")           # WAVs + manifest.json
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._sync import run_sync
from ..catalog import LANGUAGES, VOICES, normalize_language_code
from ..config import LiveConfig
from ..exceptions import ConfigError, GemliveError
from ..waiting import gather_all, wait_for
from .language import guess_language
from .limits import SERVICE_CONCURRENCY, cost_notice, default_concurrency, is_local_endpoint
from .result import Comparison, ComparisonRow
from .score import median_pitch, speaking_rate, word_error_rate
from .ui import Progress

if TYPE_CHECKING:
    from ..audio import Audio
    from ..conversation import Turn

__all__ = [
    "SERVICE_CONCURRENCY",
    "acompare_grid",
    "acompare_languages",
    "acompare_voices",
    "compare_grid",
    "compare_languages",
    "compare_voices",
    "default_concurrency",
    "is_local_endpoint",
    "retranscribe",
]

logger = logging.getLogger(__name__)

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
        listed = names or []
        dupes = sorted({n for n in listed if listed.count(n) > 1})
        if dupes:
            raise ConfigError(f"{what} {dupes[0]!r} is listed twice; list each {what} once")
    return v, lang


def _entries(voices: list[str] | None, languages: list[str] | None) -> list[tuple[Any, Any]]:
    if voices and languages:
        return [(v, lang) for v in voices for lang in languages]
    if voices:
        return [(v, None) for v in voices]
    return [(None, lang) for lang in languages or ()]


# ------------------------------------------------------------------------------ running


async def retranscribe(
    audio: Audio,
    language: str | None = None,
    *,
    endpoint: Any = None,
    api_key: Any = None,
    model: str | None = None,
    timeout: float | None = 60.0,
) -> str:
    """What the Live endpoint's input transcription hears in ``audio`` (sent as a user turn).

    This is how comparisons score a reply: the same endpoint that spoke it listens to it again,
    online or offline (the emulator's built-in voices carry their text as a faint tone band,
    so it decodes them exactly). Example::

        heard = await retranscribe(res["Puck"].audio, "en-US")
    """
    from ..session import connect

    fields: dict[str, Any] = {"transcribe_input": True, "model": model, "language": language}
    config = LiveConfig(**{k: v for k, v in fields.items() if v is not None})

    async def go() -> str:
        async with connect(config, endpoint=endpoint, api_key=api_key) as session:
            turn = await session.ask(audio)
            return turn.input_transcript.strip()

    return await wait_for(go(), timeout)


def _scores(turn: Turn, heard: str | None, spoken: str | None = None) -> dict[str, Any]:
    audio = turn.audio
    duration = audio.duration if len(audio.samples) else None
    out: dict[str, Any] = {
        "words_per_s": speaking_rate(turn.transcript, duration),
        "pitch_hz": median_pitch(audio) if duration else None,
        "spoken_language": spoken or guess_language(turn.transcript_full),
        "cost_usd": turn.cost,
    }
    if heard is not None:
        out["wer"] = word_error_rate(turn.transcript, heard)
    return out


_SPOKEN: dict[int, str] = {}  # id(turn) -> the languageCode its output transcript carried


async def _ask_one(
    prompt: str, config: LiveConfig, endpoint: Any, api_key: Any, timeout: float | None
) -> Turn:
    from .. import protocol as p
    from ..session import connect

    async def go() -> Turn:
        async with connect(config, endpoint=endpoint, api_key=api_key) as session:
            codes: list[str] = []
            session.subscribe(
                lambda e: (
                    codes.append(e.language_code)
                    if isinstance(e, p.OutputTranscript) and e.language_code
                    else None
                )
            )
            turn = await session.ask(prompt)
            if codes:
                _SPOKEN[id(turn)] = codes[0]
            return turn

    return await wait_for(go(), timeout)


async def _retranscribe(
    audio: Audio, config: LiveConfig, endpoint: Any, api_key: Any, timeout: float | None
) -> str:
    return await retranscribe(
        audio, config.language, endpoint=endpoint, api_key=api_key, model=config.model,
        timeout=timeout,
    )  # fmt: skip


async def _compare(
    prompt: str,
    voices: Sequence[str] | None,
    languages: Sequence[str] | None,
    *,
    config: Any = None,
    concurrency: int | None = None,
    endpoint: Any = None,
    api_key: Any = None,
    progress: bool = True,
    timeout: float | None = 120.0,
    score: bool | str = True,
    on_row: Callable[[ComparisonRow], None] | None = None,
    **config_fields: Any,
) -> Comparison:
    if not isinstance(prompt, str) or not prompt.strip():
        raise ConfigError(f"prompt must be non-empty text, got {prompt!r}")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise ConfigError(f"concurrency must be a positive int or None, got {concurrency!r}")
    voice_names, language_names = _check_names(voices, languages)
    entries = _entries(voice_names, language_names)
    at_once = concurrency or default_concurrency(endpoint, api_key, len(entries))
    base = LiveConfig.coerce(config, **config_fields)
    # Every entry's config is built (and so validated) before the first session starts.
    configs = [
        base.replace(**{k: v for k, v in (("voice", voice), ("language", lang)) if v})
        for voice, lang in entries
    ]
    if score not in (True, False, "retranscribe"):
        raise ConfigError(f"score must be True, False or 'retranscribe', not {score!r}")
    if score == "retranscribe" and not is_local_endpoint(endpoint, api_key):
        cost_notice(len(entries), base)
    gate = asyncio.Semaphore(at_once)
    bar = Progress(len(entries), label=prompt, enabled=progress, concurrency=at_once)

    def finish(row: ComparisonRow) -> ComparisonRow:
        bar.advance(failed=row.error is not None)
        if on_row is not None:
            try:
                on_row(row)
            except Exception:  # a broken callback must not sink the comparison
                logger.exception("on_row callback failed for %s", row.label)
        return row

    async def run(entry: tuple[Any, Any], cfg: LiveConfig) -> ComparisonRow:
        voice, lang = entry
        async with gate:
            start = time.perf_counter()
            try:
                turn = await _ask_one(prompt, cfg, endpoint, api_key, timeout)
            except Exception as e:  # one entry's failure must not sink the others
                if isinstance(e, asyncio.TimeoutError):
                    e = GemliveError(f"no complete reply within timeout={timeout} s")
                return finish(ComparisonRow(voice, lang, error=e))
            wall = time.perf_counter() - start
            heard: str | None = None
            if score == "retranscribe" and turn.transcript and len(turn.audio.samples):
                try:
                    heard = await _retranscribe(turn.audio, cfg, endpoint, api_key, timeout)
                except Exception:  # an unscored reply is still a reply
                    heard = None
        row = ComparisonRow(
            voice, lang, audio=turn.audio, transcript=turn.transcript,
            metrics={**turn.metrics, "wall_s": round(wall, 6),
                     **_scores(turn, heard, _SPOKEN.pop(id(turn), None))},
            turn=turn, heard=heard or "",
        )  # fmt: skip
        return finish(row)

    started = time.perf_counter()
    try:
        rows = await gather_all(run(c, cfg) for c, cfg in zip(entries, configs, strict=True))
    finally:
        bar.close()

    async def again(voices: list[str] | None, languages: list[str] | None) -> Comparison:
        return await _compare(
            prompt, voices, languages, config=config, concurrency=concurrency,
            endpoint=endpoint, api_key=api_key, progress=progress, timeout=timeout,
            score=score, on_row=on_row, **config_fields,
        )  # fmt: skip

    return Comparison(
        prompt,
        list(rows),
        voices=voice_names,
        languages=language_names,
        wall_s=time.perf_counter() - started,
        rerun=again,
        concurrency=at_once,
        settings={"language": base.language, "model": base.model},
    )


def _with_options(fn: Any) -> Any:
    """Show the shared keyword options of :func:`_compare` in ``fn``'s signature.

    help() and notebook tooltips then list them, while the options are written once, on
    ``_compare``.
    """
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
    """Async form of :func:`compare_voices`.

    Example: ``res = await gl.compare.acompare_voices("Hi")``.
    """
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

    Options (keyword-only): ``config=None``, ``concurrency=None``, ``endpoint=None``,
    ``api_key=None``, ``progress=True``, ``timeout=120.0``, ``score=True``, ``on_row=None``
    and any LiveConfig field. ``config``/config fields are the session settings shared by every
    entry (e.g. ``language="de-DE"``, ``system_instruction=...``); ``endpoint``/``api_key`` as
    for :func:`gemlive_nb.connect` (the local emulator when there is no key). At most
    ``concurrency`` sessions run at once (None: :func:`default_concurrency` — all at once on
    the emulator, :data:`SERVICE_CONCURRENCY` on the service; the progress line says how many);
    ``timeout`` bounds each entry. ``score=True`` scores each reply from its own transcript
    (speaking rate, pitch, spoken language, cost); ``score="retranscribe"`` also re-transcribes
    it in a second session (:func:`retranscribe`) for its word error rate, printing the
    estimated extra cost first on the service; ``on_row(row)`` is called as each entry
    finishes. Unknown voice names raise ConfigError before anything runs. Works from sync code
    and in a notebook cell; from async code use ``await acompare_voices(...)``. Example::

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
    """Ask ``prompt`` for every voice × language pair; displays as a grid.

    Same options as :func:`compare_voices`. Example::

        gl.compare.compare_grid("Good morning!", ["Puck", "Kore"], ["en-US", "fr-FR"])
    """
    return run_sync(acompare_grid(prompt, voices, languages, **options))
