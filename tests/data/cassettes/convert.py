"""Convert pydantic-ai's Gemini Live WebSocket cassettes (YAML) into our JSONL cassette format.

Run once, by hand, from the repository root (PyYAML is needed here only, never at run time)::

    python tests/data/cassettes/convert.py PYDANTIC_AI_CHECKOUT

``PYDANTIC_AI_CHECKOUT`` is a checkout of pydantic/pydantic-ai at the commit named in README.md.
Each ``kind: message`` interaction becomes ``{"dir": "send"|"recv", "frame": "<json>"}`` (no
``t``: those cassettes keep no times, so a replay sends them as fast as possible); a
``kind: close`` becomes ``{"dir": "close", "code", "reason"}``. The first line is a ``meta``
line naming the source. Client audio payloads are cut to 32 bytes, as pydantic-ai already cut the
server's (order and counts stay real); everything else is copied as recorded.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import yaml

COMMIT = "4fda38988f2939fa6ea9cdefcf120693e10ef491"
SOURCES = [
    "test_google_ws/test_text_in_audio_out_turn.yaml",
    "test_google_ws/test_tool_call_round.yaml",
    "test_google_ws/test_message_history_seeding.yaml",
    "test_google_ws/test_asap_enqueue_waits_for_response_boundary.yaml",
    "test_google_ws/test_audio_in_server_vad_turn.yaml",
    "test_parity_ws/test_history_seeding_parity[google-current].yaml",
    "test_parity_ws/test_history_seeding_parity[google-previous].yaml",
    "test_parity_ws/test_history_seeding_parity[gateway-google].yaml",
    "test_parity_ws/test_text_tool_round_parity[google-current].yaml",
    "test_parity_ws/test_text_tool_round_parity[google-previous].yaml",
    "test_parity_ws/test_text_tool_round_parity[gateway-google].yaml",
    "test_gateway_ws/test_gateway_gemini_text_in_audio_out.yaml",
]
KEEP_ORIGINAL_BELOW = 50_000  # bytes; larger originals are kept converted only
_MAX_AUDIO_BYTES = 32


def _cut_audio(data: dict[str, Any]) -> dict[str, Any]:
    ri = data.get("realtime_input") or data.get("realtimeInput")
    if isinstance(ri, dict):
        for blob in [ri.get("audio"), *(ri.get("media_chunks") or ri.get("mediaChunks") or [])]:
            if isinstance(blob, dict) and isinstance(blob.get("data"), str):
                head = "".join(blob["data"].split())[:44].replace("-", "+").replace("_", "/")
                raw = base64.b64decode(head + "=" * (-len(head) % 4))[:_MAX_AUDIO_BYTES]
                blob["data"] = base64.b64encode(raw).decode()
    return data


def convert(source: Path, relative: str, out_dir: Path) -> Path:
    raw = source.read_text(encoding="utf-8")
    cassette = yaml.safe_load(raw)
    name = relative.removeprefix("test_").replace("/", "-").removesuffix(".yaml")
    lines = [
        {
            "meta": {
                "source": f"pydantic/pydantic-ai@{COMMIT}:tests/realtime/cassettes/{relative}",
                "license": "MIT (LICENSE-pydantic-ai)",
            }
        }
    ]
    for item in cassette["interactions"]:
        if item.get("kind") == "close":
            lines.append({"dir": "close", "code": item["code"], "reason": item.get("reason", "")})
            continue
        direction = {"sent": "send", "received": "recv"}[item["direction"]]
        frame = json.dumps(_cut_audio(item["data"]), separators=(",", ":"), ensure_ascii=False)
        lines.append({"dir": direction, "frame": frame})
    target = out_dir / f"{name}.jsonl"
    with open(target, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    if len(raw.encode()) < KEEP_ORIGINAL_BELOW:
        (out_dir / "original").mkdir(exist_ok=True)
        (out_dir / "original" / Path(relative).name).write_text(raw, encoding="utf-8")
    return target


def main(checkout: str) -> None:
    root = Path(checkout) / "tests" / "realtime" / "cassettes"
    out_dir = Path(__file__).parent / "pydantic-ai"
    out_dir.mkdir(exist_ok=True)
    for relative in SOURCES:
        print(convert(root / relative, relative, out_dir))


if __name__ == "__main__":
    main(sys.argv[1])
