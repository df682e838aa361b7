"""Resampling speed: one-shot vs streaming (20 ms chunks), side by side, per rate pair.

Run: ``.venv/bin/python bench/bench_resample.py`` — prints seconds and x-real-time per case.
"""

from __future__ import annotations

import numpy as np
from _common import best_of

from gemlive_nb.audio import Resampler, chunk_ms, resample

PAIRS = [(48000, 16000), (44100, 16000), (16000, 24000), (24000, 48000), (22050, 24000)]


def _stream(x: np.ndarray, src: int, dst: int) -> None:
    r = Resampler(src, dst)
    for piece in chunk_ms(x, src, 20):
        r.process(piece)
    r.flush()


def main() -> None:
    rng = np.random.default_rng(0)
    print(
        f"{'pair':>15} {'audio':>7} {'one-shot':>10} {'x rt':>8} {'20 ms stream':>13} {'x rt':>7}"
    )
    for src, dst in PAIRS:
        for seconds in (600, 60):
            x = (rng.standard_normal(src * seconds) * 3000).astype(np.int16)
            resample(x[:src], src, dst)  # design the filter once (cached)
            one = best_of(lambda x=x, src=src, dst=dst: resample(x, src, dst), repeats=3)
            line = f"{src:>6}->{dst:<6} {seconds:>6}s {one:>9.3f}s {seconds / one:>7.0f}x"
            if seconds == 60:
                st = best_of(lambda x=x, src=src, dst=dst: _stream(x, src, dst), repeats=1)
                line += f" {st:>12.3f}s {seconds / st:>6.0f}x"
            print(line)


if __name__ == "__main__":
    main()
