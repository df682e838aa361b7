"""Where the tests' data files live: the one place that names ``tests/data/``.

Tests read nothing outside the repository; captured frames and other fixtures sit under
``tests/data/``. Example::

    from testdata import PROTOCOL_FRAMES
    frames = sorted(PROTOCOL_FRAMES.glob("cap*.jsonl"))
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# What the official google-genai SDK sent to a local server (see its README.md).
PROTOCOL_FRAMES = DATA / "protocol-frames"
# Setup examples from the mixroute proxy's documentation (see its README.md).
SEED_SETUPS = DATA / "seed" / "setups.json"
# Real server frames with usageMetadata, per user turn (see its README.md).
USAGE_FRAMES = DATA / "usage" / "real_frames.json"
# Real Gemini Live conversations (pydantic-ai's cassettes, MIT) in our cassette format (README.md).
CASSETTES = DATA / "cassettes"
PUBLIC_CASSETTES = sorted((CASSETTES / "pydantic-ai").glob("*.jsonl"))
