"""Helpers the benches share (imported as ``_common``: ``python bench/bench_x.py`` puts bench/ on
the path). Not a bench itself.

Example::

    from _common import bench_args, emulator_process

    args = bench_args(__doc__, sessions=200, seconds=10.0)
    with emulator_process() as (url, pid):
        ...
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech

# (language, voice, text): one sentence per script family, for the speech benches.
SPEECH_CASES = [
    ("en-US", "Puck", "The weather in Paris is sunny today, with a light breeze from the west."),
    (
        "de-DE",
        "Kore",
        "Das Wetter in Berlin ist heute sonnig, mit einer leichten Brise aus Westen.",
    ),
    ("zh-CN", "Algenib", "今天巴黎天气晴朗，西风轻拂，最高气温二十二度。"),
    ("hi-IN", "Enceladus", "आज पेरिस में मौसम धूप वाला है, पश्चिम से हल्की हवा चल रही है।"),
    ("ja-JP", "Leda", "今日のパリは晴れで、西から穏やかな風が吹いています。"),
]


def bench_args(doc: str | None, **defaults: float) -> argparse.Namespace:
    """Parse ``--name`` options (``max_queue`` is ``--max-queue``) typed like their defaults, and
    keep loopback connections off any HTTP proxy."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    for name, default in defaults.items():
        ap.add_argument("--" + name.replace("_", "-"), type=type(default), default=default)
    args = ap.parse_args()
    os.environ["NO_PROXY"] = "*"
    return args


def best_of(fn: Callable[..., object], *args: object, repeats: int = 5) -> float:
    """The shortest wall time of ``repeats`` calls of ``fn(*args)``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux; 0.0 elsewhere)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def spoken_question(total: int) -> np.ndarray:
    """``total`` samples of 16 kHz int16: 0.5 s of silence, "Tell me about Rome", silence."""
    speech = get_speech("builtin")
    voice = resample(speech.synthesize("Tell me about Rome", "Puck", "en-US"), 24000, 16000)
    pcm = np.zeros(total, np.int16)
    pcm[8000 : 8000 + len(voice)] = voice[: max(0, total - 8000)]
    return pcm


def serve(conn: mp.connection.Connection) -> None:
    """The emulator process: send its URL, run until told to stop."""
    os.environ["NO_PROXY"] = "*"
    emu = Emulator(speech="builtin", realtime=True).start()
    conn.send(emu.url)
    conn.recv()  # wait for "stop"
    emu.stop()


@contextmanager
def emulator_process() -> Iterator[tuple[str, int]]:
    """A real-time emulator in its own process (so its CPU is measured alone): (url, pid)."""
    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=serve, args=(child,), daemon=True)
    proc.start()
    url = parent.recv()
    try:
        yield url, proc.pid
    finally:
        parent.send("stop")
        proc.join(10)
