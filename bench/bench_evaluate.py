"""gl.evaluation.evaluate of a 3-step spoken scenario over 30 configs vs 1 config, and
compare_voices of one voice vs the same reply through the google-genai SDK — against a
real-time emulator in its own process (replies stream at playback speed, like the service;
figures are simulated).

Prints the wall times and the ratios: 30 configs / 1 config (goal ≤ 1.5×: all 30 sessions run
at once on a loopback URL) and compare_voices / SDK (goal ≤ 1.2×: a comparison scores from the
session's own transcripts, with no second session per reply). ``--busy N`` keeps N other
processes spinning meanwhile (the "busy" case; leave it at 0 on a shared machine).

Run: ``.venv/bin/python bench/bench_evaluate.py [--busy 2]``
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _common import bench_args, emulator_process

import gemlive_nb as gl
from gemlive_nb.catalog import DEFAULT_GOOGLE_MODEL, VOICES
from gemlive_nb.endpoints import google_path

PROMPT = "Say hello in one short sentence."
REPEATS = 3


def scenario() -> gl.evaluation.Scenario:
    return (
        gl.evaluation.Scenario("bench")
        .say("What's the weather in Paris?", expect=gl.evaluation.Expect(interrupted=True))
        .barge_in(
            "Stop. What about Rome?", after_s=0.5, expect=gl.evaluation.Expect(mentions=["Rome"])
        )
        .type("Thanks!", expect=gl.evaluation.Expect(tool_called=None))
    )


async def best(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """Best wall time of REPEATS runs and that run's result."""
    out: tuple[float, Any] | None = None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = await fn()
        wall = time.perf_counter() - start
        if out is None or wall < out[0]:
            out = (wall, result)
    assert out is not None
    return out


async def evaluate(url: str, voices: list[str]) -> gl.evaluation.Evaluation:
    ev = await gl.evaluation.evaluate(scenario(), {v: {"voice": v} for v in voices}, endpoint=url,
                           progress=False)  # fmt: skip
    if not ev.passed:
        raise SystemExit(f"bench failed: {ev.failures[0].reasons}")
    return ev


async def sdk_reply(port: int) -> str:
    """The same prompt through the unmodified google-genai SDK: connect, ask, read to the end."""
    from google import genai
    from google.genai import types

    client = genai.Client(api_key="bench", http_options=types.HttpOptions(api_version="v1beta"))
    client._api_client._websocket_base_url = lambda http_options=None: f"ws://127.0.0.1:{port}"
    client._api_client._websocket_ssl_ctx = {}
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        speech_config=types.SpeechConfig(
            voice_config=types.VoiceConfig(
                prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name="Puck")
            )
        ),
        output_audio_transcription=types.AudioTranscriptionConfig(),
    )
    said = ""
    async with client.aio.live.connect(model=DEFAULT_GOOGLE_MODEL, config=config) as session:
        await session.send_client_content(
            turns=types.Content(role="user", parts=[types.Part(text=PROMPT)])
        )
        async for msg in session.receive():
            content = msg.server_content
            if content and content.output_transcription and content.output_transcription.text:
                said += content.output_transcription.text
            if content and content.turn_complete:
                break
    return said


async def compare_one(url: str) -> gl.compare.Comparison:
    res = await gl.compare.acompare_voices(PROMPT, ["Puck"], endpoint=url, progress=False)
    if res.errors:
        raise SystemExit(f"bench failed: {res.errors[0].error_text}")
    return res


def _spin() -> None:
    while True:
        pass


@contextmanager
def busy(n: int) -> Iterator[None]:
    procs = [mp.get_context("spawn").Process(target=_spin, daemon=True) for _ in range(n)]
    for p in procs:
        p.start()
    try:
        yield
    finally:
        for p in procs:
            p.terminate()
            p.join(5)


async def run(url: str, port: int) -> None:
    await evaluate(url, VOICES.names[:2])  # warm up imports and the emulator's speech cache
    one, _ = await best(lambda: evaluate(url, ["Puck"]))
    many, ev = await best(lambda: evaluate(url, VOICES.names))
    print(f"evaluate, 3 steps (say, barge_in, type), every expectation checked ({ev.checks}):")
    print(f"  1 config:   {one:.3f} s")
    print(f"  30 configs: {many:.3f} s ({ev.concurrency} at once)")
    print(f"  ratio 30 / 1: {many / one:.2f}x (goal <= 1.5x)")
    await sdk_reply(port)
    sdk, said = await best(lambda: sdk_reply(port))
    cmp, res = await best(lambda: compare_one(url))
    same = "same reply" if res[0].transcript == said else "replies differ"
    print("one reply of one voice (Puck), prompt", repr(PROMPT), f"({same}):")
    print(f"  google-genai SDK:   {sdk:.3f} s")
    print(f"  gl.compare_voices:  {cmp:.3f} s (scored from its own transcript)")
    print(f"  ratio compare / SDK: {cmp / sdk:.2f}x (goal <= 1.2x)")


def main() -> None:
    args = bench_args(__doc__, busy=0)
    with emulator_process() as (url, _pid), busy(int(args.busy)):
        port = int(url.rsplit(":", 1)[1])
        print(f"emulator in its own process, real-time replies; best of {REPEATS}; "
              f"{int(args.busy)} busy processes")  # fmt: skip
        asyncio.run(run(url + google_path("v1beta"), port))


if __name__ == "__main__":
    main()
