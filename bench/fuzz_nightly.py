"""Nightly fuzzing: the properties of tests/test_fuzz.py with many generated inputs each.

Runs every property of tests/test_fuzz.py (server frames, client frames, LiveConfig.from_dict,
mutated full setup messages, LiveConfig(**kw)/replace/coerce, resolve_endpoint) with
``GEMLIVE_FUZZ_EXAMPLES`` examples each — 20 000 by default, so 120 000 generated inputs in
all — and prints the wall time; exits non-zero if any property found an input that raised
an untyped error::

    python bench/fuzz_nightly.py               # 6 properties x 20k = 120k inputs
    python bench/fuzz_nightly.py 100000        # 100k per property
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", "--timeout=0", "tests/test_fuzz.py"]


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    env = dict(os.environ, GEMLIVE_FUZZ_EXAMPLES=str(examples))
    t0 = time.perf_counter()
    rc = subprocess.call(
        [sys.executable, "-m", "pytest", *PYTEST_ARGS],
        cwd=ROOT,
        env=env,
    )
    print(f"fuzz: {examples} examples per property, {time.perf_counter() - t0:.0f} s, rc={rc}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
