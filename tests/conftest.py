"""Shared fixtures: a running emulator and google-genai clients pointed at it.

- ``emulator``: one session-wide ``Emulator(speech="builtin")`` (fast, no pacing) in a thread.
- ``make_genai_client(emu, api_key="test-key")``: an official SDK client for any emulator
  (PROTOCOL.md §6 option B: plain ws:// through the SDK's private websocket hooks).
- ``genai_client``: ``make_genai_client(emulator)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gemlive_nb.emulator import Emulator

# websockets >= 15 honours proxy variables; the emulator is always on loopback.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "localhost,127.0.0.1"


def genai_client_for(emu: Emulator, api_key: str = "test-key", api_version: str = "v1beta") -> Any:
    """An unmodified google-genai client whose Live connections go to ``emu``."""
    from google import genai
    from google.genai import types

    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(api_version=api_version))
    client._api_client._websocket_base_url = lambda http_options=None: emu.url
    client._api_client._websocket_ssl_ctx = {}
    return client


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator(speech="builtin") as emu:
        yield emu


@pytest.fixture
def make_genai_client() -> Callable[..., Any]:
    return genai_client_for


@pytest.fixture
def genai_client(emulator: Emulator) -> Any:
    return genai_client_for(emulator)
