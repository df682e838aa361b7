"""Receive-path CPU per second of reply audio: the kit's parse → events → record vs bare json.

The same server frames — a realistic spoken reply: 40 ms chunks of 24 kHz audio (the emulator's
default chunk) with an output-transcript piece every fifth chunk, in its own message (2.5) or in
the audio's message (3.1), then ``generationComplete`` and ``turnComplete`` with usage — go
through

- **raw**: ``json.loads`` and a base64 decode of each audio payload (what any client must do);
- **kit**: ``parse_server_message`` → events → the session's recorder, as the session's
  receive loop does (the socket's own framing costs the same in both and is left out).

It prints CPU ms per second of reply audio for both (best of ``--repeats``) and the ratio
kit/raw; the goal is ≤ 1.5×, on a quiet machine and a busy one (run it while other work runs).
``--profile`` prints the kit path's top functions (cProfile).

Run: ``.venv/bin/python bench/bench_receive.py [--turns 20] [--reply-s 10] [--profile 1]``
"""

from __future__ import annotations

import base64
import cProfile
import json
import pstats
import time
from collections.abc import Callable

import numpy as np
from _common import bench_args

from gemlive_nb import protocol as p
from gemlive_nb.conversation.recorder import Recorder
from gemlive_nb.emulator.frames import audio_frame, frame, with_transcript

CHUNK_MS = 40
WORDS = "the weather in paris is sunny today with a light breeze from the west".split()


def reply_frames(reply_s: float, same_message: bool, seed: int = 0) -> list[bytes]:
    """One spoken reply as the service sends it (see the module docstring)."""
    rng = np.random.default_rng(seed)
    step = 24000 * CHUNK_MS // 1000
    frames: list[bytes] = []
    for i in range(round(reply_s * 1000 / CHUNK_MS)):
        pcm = (rng.standard_normal(step) * 3000).astype("<i2").tobytes()
        audio = audio_frame(base64.b64encode(pcm).decode())
        if i % 5 == 0:
            text = " " + " ".join(WORDS[(i // 5) % len(WORDS) :][:2])
            if same_message:
                frames.append(with_transcript(audio, text))
                continue
            frames.append(frame({"serverContent": {"outputTranscription": {"text": text}}}))
        frames.append(audio)
    frames.append(frame({"serverContent": {"generationComplete": True}}))
    usage = {"promptTokenCount": 40, "responseTokenCount": 300, "totalTokenCount": 340}
    frames.append(frame({"serverContent": {"turnComplete": True}, "usageMetadata": usage}))
    return frames


def raw(turns: list[list[bytes]]) -> None:
    """What any client does: JSON, then the audio bytes."""
    for frames in turns:
        for f in frames:
            message = json.loads(f)
            content = message.get("serverContent")
            if content and "modelTurn" in content:
                for part in content["modelTurn"]["parts"]:
                    base64.b64decode(part["inlineData"]["data"])


def kit(turns: list[list[bytes]]) -> None:
    """The session's receive path: parse, then the recorder (one recorder, several turns)."""
    rec = Recorder(clock=time.monotonic)
    t = 0.0
    for n, frames in enumerate(turns):
        rec.begin_turn(f"question {n}", t=t)
        rec.mark_user_end(t=t)
        for f in frames:
            t += 0.001
            for event in p.parse_server_message(f):
                rec.on_event(event, t)


def cpu(fn: Callable[[list[list[bytes]]], None], turns: list[list[bytes]], repeats: int) -> float:
    """The least process CPU time of ``repeats`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn(turns)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    args = bench_args(__doc__, turns=20, reply_s=10.0, repeats=5, profile=0)
    for same in (False, True):
        turns = [reply_frames(args.reply_s, same, seed=n) for n in range(args.turns)]
        audio_s = args.turns * args.reply_s
        kit(turns[:1])  # warm up: imports, resampler caches
        a = cpu(raw, turns, args.repeats) / audio_s
        b = cpu(kit, turns, args.repeats) / audio_s
        label = "3.1 (audio+words in one message)" if same else "2.5 (words in their own message)"
        print(
            f"{label:34} raw {a * 1000:6.3f} ms/s  kit {b * 1000:6.3f} ms/s  "
            f"ratio {b / a:4.2f}x  ({len(turns[0])} frames per {args.reply_s:.0f} s reply)"
        )
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(kit, turns)
            pstats.Stats(prof).sort_stats("tottime").print_stats(18)


if __name__ == "__main__":
    main()
